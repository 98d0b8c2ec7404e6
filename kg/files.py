"""File helpers shared by the commands that write files."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from ceasefire_kg.errors import CkgError

T = TypeVar("T")


def write_atomically(path: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Write a file so that readers see either the old content or the complete new one.

    Args:
        path: Destination file.
        write: Called with a binary stream to write the content to.

    Returns:
        Whatever ``write`` returned.

    Raises:
        CkgError: If the folder is missing or not writable.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise CkgError(f"Cannot write {path}: {error.strerror}. Check that {folder} exists and is writable.") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            result = write(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result

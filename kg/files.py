"""File helpers: atomic writes, and the temporary folders of first loads into a store."""

from __future__ import annotations

import glob
import logging
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from ceasefire_kg.errors import CkgError

T = TypeVar("T")

logger = logging.getLogger(__name__)

#: Permissions of a file only its owner may read, e.g. one holding a password.
PRIVATE_FILE_MODE = 0o600
#: Permissions ``open()`` asks for when it creates a file (the umask then removes some).
PUBLIC_FILE_MODE = 0o666

_EXCLUSIVE_CREATE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
)


def _create_temporary(path: Path, folder: Path, mode: int) -> tuple[int, Path]:
    # A fresh random name per attempt; O_EXCL guarantees the file is ours and new,
    # so it has exactly ``mode`` (less the umask) from its first byte on.
    while True:
        temporary = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(temporary, _EXCLUSIVE_CREATE_FLAGS, mode), temporary
        except FileExistsError:
            continue
        except OSError as error:
            raise CkgError(
                f"Cannot write {path}: {error.strerror}. Check that {folder} exists and is writable."
            ) from error


def write_atomically(path: Path, write: Callable[[IO[bytes]], T], *, mode: int = PRIVATE_FILE_MODE) -> T:
    """Write a file so that readers see either the old content or the complete new one.

    Args:
        path: Destination file.
        write: Called with a binary stream to write the content to.
        mode: Permissions of the new file, reduced by the umask as ``open()``
            does; private to the owner unless given.

    Returns:
        Whatever ``write`` returned.

    Raises:
        CkgError: If the folder is missing or not writable.
    """
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = _create_temporary(path, folder, mode)
    try:
        with os.fdopen(handle, "wb") as stream:
            result = write(stream)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return result


def write_text_atomically(path: Path, text: str, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Write UTF-8 text with :func:`write_atomically`.

    Args:
        path: Destination file.
        text: The whole content.
        mode: Permissions of the new file, as for :func:`write_atomically`.

    Raises:
        CkgError: If the folder is missing or not writable.
    """
    encoded = text.encode("utf-8")
    write_atomically(path, lambda stream: stream.write(encoded), mode=mode)


#: A temporary folder of a first load: ``.<store>.<pid>-<hex>.loading`` beside the store.
_LOADING = re.compile(r"\.(?P<store>.+)\.(?P<pid>\d+)-[0-9a-f]+\.loading")


def loading_folder(path: Path) -> Path:
    """A new temporary folder name beside ``path`` for a first load into it, naming this process."""
    return path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.loading"


def remove_abandoned_loads(path: Path) -> None:
    """Delete what first loads into ``path`` that were killed (their process is gone) left beside it."""
    for folder in path.parent.glob(f".{glob.escape(path.name)}.*.loading"):
        match = _LOADING.fullmatch(folder.name)
        if match is None or match["store"] != path.name or _process_alive(int(match["pid"])):
            continue
        logger.info("removing %s, left by a load that did not finish", folder)
        shutil.rmtree(folder, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True

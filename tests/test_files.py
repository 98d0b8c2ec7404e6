"""Tests of ceasefire_kg.files: atomic writes and the permissions of the files written."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from ceasefire_kg.errors import CkgError
from ceasefire_kg.files import PUBLIC_FILE_MODE, write_atomically, write_text_atomically


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, whatever the test runner's own is."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_written_file_is_private_unless_asked_otherwise(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "out.nt"
    assert write_atomically(target, lambda stream: stream.write(b"<a> <b> <c> .\n")) == 14
    assert target.read_bytes() == b"<a> <b> <c> .\n"
    assert mode_of(target) == 0o600

    write_text_atomically(target, "replaced\n", mode=PUBLIC_FILE_MODE)
    assert target.read_text(encoding="utf-8") == "replaced\n"
    assert mode_of(target) == 0o644
    assert [path.name for path in tmp_path.iterdir()] == ["out.nt"]


def test_text_is_written_as_utf8(tmp_path: Path) -> None:
    target = tmp_path / "note.txt"
    write_text_atomically(target, "cessez-le-feu – وقف إطلاق النار\n")
    assert target.read_bytes() == "cessez-le-feu – وقف إطلاق النار\n".encode()


def test_a_failed_write_keeps_the_old_content(tmp_path: Path) -> None:
    target = tmp_path / "out.nt"
    target.write_bytes(b"old\n")

    def fail_halfway(stream: IO[bytes]) -> None:
        stream.write(b"half of the new")
        raise RuntimeError("the export broke off")

    with pytest.raises(RuntimeError, match="broke off"):
        write_atomically(target, fail_halfway)
    assert target.read_bytes() == b"old\n"
    assert [path.name for path in tmp_path.iterdir()] == ["out.nt"]


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "missing"
    with pytest.raises(CkgError) as raised:
        write_text_atomically(folder / "out.txt", "text")
    assert str(raised.value) == (
        f"Cannot write {folder / 'out.txt'}: No such file or directory. Check that {folder} exists and is writable."
    )

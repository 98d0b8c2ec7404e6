"""The last lines of logs and command output, quoted in error messages."""

from __future__ import annotations

from pathlib import Path

#: How many lines of a log an error message quotes.
LOG_TAIL_LINES = 20


def last_lines(text: str, count: int = LOG_TAIL_LINES) -> str:
    """Return the last non-blank lines of a text.

    Args:
        text: Output of a command or content of a log.
        count: How many lines to keep.

    Returns:
        Those lines, joined with newlines.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:])


def log_tail(path: Path, count: int = LOG_TAIL_LINES) -> str:
    """Return the last non-blank lines of a log file, or a note saying why there are none.

    Args:
        path: The log file.
        count: How many lines to keep.

    Returns:
        The lines, ``(no log written)`` or ``(the log is empty)``.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log written)"
    return last_lines(text, count) or "(the log is empty)"

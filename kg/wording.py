"""Small helpers for the sentences ckg writes to people."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number.

    Args:
        count: How many.
        noun: The noun for one ("demand").
        plural: The noun for several, when it is not ``noun`` + "s".

    Returns:
        "1 demand", "0 demands", "3 demands".
    """
    if count == 1:
        return f"1 {noun}"
    return f"{count} {plural if plural is not None else noun + 's'}"

"""Progress reporting: how library code tells what a long task is doing.

Library code never prints: a long task takes an optional callback and calls it;
the command line shows what it hears. Two kinds, one for each kind of task:

* :data:`ProgressCallback` — one short message per step (starting a server, the
  stages of a load);
* :data:`Progress` — ``(stage, done, total)`` for work that counts items
  (reading a graph, pushing articles); ``total`` is None when unknown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

#: Called with a short human-readable message as a task moves on.
ProgressCallback = Callable[[str], None]


#: Called with (what is being done, items done, items in all or None when unknown).
Progress = Callable[[str, int, "int | None"], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    """A :data:`Progress` that reports nothing."""


def log_progress(message: str) -> None:
    """The progress callback for when no one watches: the message goes to the debug log.

    Args:
        message: The progress message.
    """
    logger.debug("%s", message)

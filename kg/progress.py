"""Progress reporting of library code that tells what it is doing in short messages.

Library code never prints: a long task takes an optional callback and calls it
with one human-readable message per step; the command line shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

#: Called with a short human-readable message as a task moves on.
ProgressCallback = Callable[[str], None]


def log_progress(message: str) -> None:
    """The progress callback for when no one watches: the message goes to the debug log.

    Args:
        message: The progress message.
    """
    logger.debug("%s", message)

"""The one error hierarchy of ceasefire-kg.

Library code raises these; the CLI turns them into messages and exit code 1.
"""

from __future__ import annotations


class CkgError(Exception):
    """Base class of every error ceasefire-kg reports to a user."""

"""Paths the tests share: the repository's examples and the seed article's text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "articles"
SEED_ARTICLE = "2025-03-19-trump-zelensky-call"
#: Small articles made for the saved queries' edge cases (two rounds between Northland and Southland).
QUERY_ARTICLES = REPO / "tests" / "queries" / "articles"
TIME_ARTICLES = REPO / "tests" / "queries" / "time"
#: Two wire reports with responses to demands, a precondition chain and a demand about a bank (invented).
DEMAND_KINDS_ARTICLES = REPO / "tests" / "queries" / "demand-kinds"
#: The seed article's full text is not part of the repository; by default it
#: sits beside the checkout.
CORPUS = Path(os.environ.get("CKG_CORPUS_DIR") or REPO.parent / "shared" / "corpus")


def in_ci() -> bool:
    """Tell whether the tests run under CI (``CI=true``), where nothing may be skipped."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def seed_text_dir() -> list[Path]:
    """The folder holding the seed article's text: required in CI, else skip when absent."""
    if (CORPUS / f"{SEED_ARTICLE}.txt").is_file():
        return [CORPUS]
    if in_ci():
        pytest.fail(
            f"The seed article's text is missing: expected {CORPUS / SEED_ARTICLE}.txt. It is not part of the "
            "repository: check out beside the shared folder (../shared/corpus) or set CKG_CORPUS_DIR to the "
            "folder that holds it."
        )
    pytest.skip(f"the seed article's text is not at {CORPUS}")
    raise AssertionError("unreachable")


#: The four reports of the invented Serrin war: every kind of fact and the time-true cases.
SERRIN_ARTICLES = REPO / "examples" / "serrin-war"

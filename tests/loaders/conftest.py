"""Fixtures of the loader tests: a small valid article to break, and a store to keep unchanged.

The bad-input tests start from :data:`ARTICLE`, a small article that loads
cleanly (checked by a test of its own), and change one thing in it, so that each
expected message can name its exact line. Lines of ``ARTICLE``:

* 2-7: the article (3 id, 6 published, 7 text);
* 10-15: proposal 'test-ceasefire' (14 duration_days, 15 quote);
* 17-23: demand 'test-demand' (18 by, 22 as_of, 23 quote);
* 25-30: position 'test-position' (27 proposal, 28 stance, 29 conditions, 30 quote).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_helpers import run_ckg
from tests.paths import EXAMPLES

#: The stored article of the ``ckg_store`` fixture (it has its own text).
STORED_ARTICLE = "2025-04-09-kremlin-conditional-ceasefire"

ARTICLE = """\
# A small valid article: the bad-input tests break one thing at a time.
article:
  id: test-article
  title: Test talks on a 30-day ceasefire
  outlet: Test Wire
  published: "2025-03-20"
  text: test-article.txt
registries: [actors.yaml]
proposals:
  - id: test-ceasefire
    name: A 30-day ceasefire
    type: ceasefire
    proposed_by: [united-states]
    duration_days: 30
    quote: "proposed a 30-day ceasefire"
demands:
  - id: test-demand
    by: putin
    of: [ukraine]
    text: Ukraine must stop rearming.
    precondition_for: [test-ceasefire]
    as_of: "2025-03-19"
    quote: "Ukraine must stop rearming"
positions:
  - id: test-position
    actor: putin
    proposal: test-ceasefire
    stance: conditionally-accepts
    conditions: [test-demand]
    quote: 'Putin said he "would accept" it, but Ukraine must stop rearming'
"""

#: The text of :data:`ARTICLE`: curly quotes and a line break inside the position's quote.
ARTICLE_TEXT = (
    "Washington proposed a 30-day ceasefire on Tuesday.\n"
    "Putin said he \u201cwould accept\u201d it, but\n"
    "Ukraine must stop rearming, he added.\n"
)


def article_with(old: str, new: str, text: str = ARTICLE) -> str:
    """Return ``text`` with ``old`` (which must occur exactly once) replaced by ``new``."""
    count = text.count(old)
    assert count == 1, f"the test article holds {old!r} {count} times, not once"
    return text.replace(old, new)


def export_nquads(store: Path) -> bytes:
    """The store's content as ``ckg export -f nquads`` prints it."""
    result = run_ckg("export", "-f", "nquads", "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes, "the export is empty"
    return result.stdout_bytes


@pytest.fixture
def fact_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the example actor registry and the text of :data:`ARTICLE`; the working directory.

    Files are named relative to it in the tests, so messages read ``bad.yaml:7: …``.
    """
    folder = tmp_path / "facts"
    folder.mkdir()
    shutil.copy(EXAMPLES / "actors.yaml", folder / "actors.yaml")
    (folder / "test-article.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture(scope="session")
def _pristine_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    folder = tmp_path_factory.mktemp("pristine")
    for name in ("actors.yaml", f"{STORED_ARTICLE}.yaml", f"{STORED_ARTICLE}.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    store = folder / "store"
    result = run_ckg("load", folder / f"{STORED_ARTICLE}.yaml", "--store", store)
    assert result.exit_code == 0, result.output
    return store, export_nquads(store)


@pytest.fixture
def ckg_store(_pristine_store: tuple[Path, bytes], tmp_path: Path) -> tuple[Path, bytes]:
    """A store holding one example article, and its ``ckg export -f nquads`` output.

    Each test gets its own copy, so a load that wrongly lands cannot affect another test.
    """
    pristine, exported = _pristine_store
    store = tmp_path / "store"
    shutil.copytree(pristine, store)
    return store, exported

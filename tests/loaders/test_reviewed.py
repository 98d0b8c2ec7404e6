"""Drafted facts (``reviewed: false``) are refused by load and validate unless allowed."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import run_ckg
from tests.loaders.conftest import ARTICLE, article_with
from tests.loaders.test_bad_input import assert_refused, assert_unchanged, load

HINT = (
    "Check the fact against the article text, then delete its 'reviewed: false' line (or set it to true); "
    "or load the draft as it is with --allow-unreviewed."
)

#: The demand and the position drafted, not reviewed; the proposal reviewed by setting the marker to true.
DRAFTED = article_with("  - id: test-demand\n", "  - id: test-demand\n    reviewed: false\n")
DRAFTED = article_with("  - id: test-position\n", "  - id: test-position\n    reviewed: false\n", DRAFTED)
DRAFTED = article_with("  - id: test-ceasefire\n", "  - id: test-ceasefire\n    reviewed: true\n", DRAFTED)


def test_load_refuses_unreviewed_facts_naming_each(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    Path("draft.yaml").write_text(DRAFTED, "utf-8")

    assert_refused(
        load("draft.yaml", store=ckg_store),
        [
            f"draft.yaml:19: demand 'test-demand', field 'reviewed': drafted, not reviewed yet. {HINT}",
            f"draft.yaml:28: position 'test-position', field 'reviewed': drafted, not reviewed yet. {HINT}",
        ],
    )
    assert_unchanged(ckg_store)


def test_validate_refuses_them_too(fact_dir: Path) -> None:
    Path("draft.yaml").write_text(DRAFTED, "utf-8")
    result = run_ckg("validate", "draft.yaml", "--store", fact_dir / "no-store")

    assert result.exit_code == 1
    assert f"draft.yaml:19: demand 'test-demand', field 'reviewed': drafted, not reviewed yet. {HINT}" in result.stderr


def test_allow_unreviewed_loads_the_draft(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    Path("draft.yaml").write_text(DRAFTED, "utf-8")
    result = run_ckg("load", "draft.yaml", "--store", ckg_store[0], "--allow-unreviewed")

    assert result.exit_code == 0, result.output
    assert "test-article: 3 facts" in result.stdout


def test_unreviewed_actors_of_a_registry_are_refused(fact_dir: Path, tmp_path: Path) -> None:
    registry = Path("actors.yaml")
    registry.write_text(
        registry.read_text("utf-8").replace("  - id: putin\n", "  - id: putin\n    reviewed: false\n"), "utf-8"
    )
    Path("article.yaml").write_text(ARTICLE, "utf-8")
    result = run_ckg("validate", "article.yaml", "--store", tmp_path / "no-store")

    assert result.exit_code == 1
    assert "actors.yaml:" in result.stderr
    assert f"actor 'putin', field 'reviewed': drafted, not reviewed yet. {HINT}" in result.stderr


def test_a_reviewed_marker_that_is_not_true_or_false_is_a_format_error(fact_dir: Path, tmp_path: Path) -> None:
    Path("draft.yaml").write_text(
        article_with("  - id: test-demand\n", "  - id: test-demand\n    reviewed: maybe\n"), "utf-8"
    )
    result = run_ckg("validate", "draft.yaml", "--store", tmp_path / "no-store")

    assert result.exit_code == 1
    assert (
        "draft.yaml:18: demand 'test-demand', field 'reviewed': expected true or false, got text ('maybe'). "
        "Write true or false here." in result.stderr
    )

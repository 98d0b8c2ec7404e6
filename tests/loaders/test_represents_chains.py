"""The loader refuses ``represents`` cycles and chains longer than MAX_REPRESENTS_DEPTH (issue 13, contract B)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from ceasefire_kg.analysis.negotiation import MAX_REPRESENTS_DEPTH as FOLLOWED_BY_THE_ANALYSES
from ceasefire_kg.loaders.actor_checks import MAX_REPRESENTS_DEPTH
from tests.cli_helpers import run_ckg
from tests.loaders.test_bad_input import assert_refused
from tests.paths import REPO

REGISTRY = """\
registry: chain-actors
actors:
  - id: union
    name: Union
    type: alliance
  - id: commission
    name: Commission
    type: organization
    represents: union
  - id: council
    name: Council
    type: organization
    represents: commission
"""

ARTICLE_HEAD = """\
article:
  id: 2031-01-01-chain
  title: Chain
  outlet: Test
  published: "2031-01-01"
  url: https://news.example.org/chain
  language: en

registries: [reg.yaml]

actors:
"""


def actor(actor_id: str, represents: str) -> str:
    return f"  - id: {actor_id}\n    name: {actor_id.title()}\n    type: person\n    represents: {represents}\n"


#: Three links in the article, two in the registry: the longest chain allowed.
FIVE_LINKS = actor("aide", "envoy") + actor("envoy", "deputy") + actor("deputy", "council")

CYCLE_HINT = (
    "A represents chain must end at the side it speaks for: remove one link of it (a represents naming the next actor)."
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder, holding the registry; files are named relative to it in messages."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reg.yaml").write_text(REGISTRY, encoding="utf-8")
    return tmp_path


def load(folder: Path, *files: str) -> Result:
    return run_ckg("load", *files, "--store", folder / "store")


def test_there_is_one_limit() -> None:
    assert MAX_REPRESENTS_DEPTH == FOLLOWED_BY_THE_ANALYSES == 5


def test_a_chain_of_the_longest_length_loads(folder: Path) -> None:
    (folder / "art.yaml").write_text(ARTICLE_HEAD + FIVE_LINKS, encoding="utf-8")
    result = load(folder, "art.yaml")
    assert result.exit_code == 0, result.output


def test_a_cycle_is_refused_naming_its_actors_in_order(folder: Path) -> None:
    content = ARTICLE_HEAD + actor("spokes", "deputy") + actor("deputy", "envoy") + actor("envoy", "spokes")
    (folder / "art.yaml").write_text(content, encoding="utf-8")
    assert_refused(
        load(folder, "art.yaml"),
        [
            "art.yaml:19: actor 'deputy', field 'represents': actor 'deputy' represents, through actor 'envoy', "
            f"itself (deputy → envoy → spokes → deputy). {CYCLE_HINT}"
        ],
    )
    assert not (folder / "store").exists()


def test_a_chain_too_long_across_registry_and_article_is_refused(folder: Path) -> None:
    (folder / "art.yaml").write_text(ARTICLE_HEAD + actor("minister", "aide") + FIVE_LINKS, encoding="utf-8")
    assert_refused(
        load(folder, "art.yaml"),
        [
            "art.yaml:15: actor 'minister', field 'represents': the represents chain from actor 'minister' has 6 "
            "links (minister → aide → envoy → deputy → council → commission → union); at most 5 are followed to "
            "find an actor's side. Shorten it: let an actor on it represent one further up the chain (the side "
            "itself, 'union', if need be)."
        ],
    )


def test_a_chain_made_too_long_by_a_registry_is_refused_through_the_stored_article(folder: Path) -> None:
    (folder / "art.yaml").write_text(ARTICLE_HEAD + FIVE_LINKS, encoding="utf-8")
    assert load(folder, "art.yaml").exit_code == 0
    longer = REGISTRY.replace(
        "    type: alliance\n",
        "    type: alliance\n    represents: bloc\n  - id: bloc\n    name: Bloc\n    type: alliance\n",
    )
    (folder / "reg.yaml").write_text(longer, encoding="utf-8")
    assert_refused(
        load(folder, "reg.yaml"),
        [
            "reg.yaml:17: actor 'council', field 'represents': the represents chain from actor 'aide' has 6 links "
            "(aide → envoy → deputy → council → commission → union → bloc); at most 5 are followed to find an "
            "actor's side. Shorten it: let an actor on it represent one further up the chain (the side itself, "
            "'bloc', if need be)."
        ],
    )


def test_a_reloaded_article_is_checked_without_its_stored_version(folder: Path) -> None:
    (folder / "art.yaml").write_text(
        ARTICLE_HEAD + actor("spokes", "deputy") + actor("deputy", "union"), encoding="utf-8"
    )
    assert load(folder, "art.yaml").exit_code == 0
    # The new version reverses the link; with the stored one it would be a cycle.
    (folder / "art.yaml").write_text(
        ARTICLE_HEAD + actor("deputy", "spokes") + actor("spokes", "union"), encoding="utf-8"
    )
    result = load(folder, "art.yaml")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "data_set",
    [
        "examples/articles",
        "examples/serrin-war",
        "tests/queries/articles",
        "tests/queries/claims",
        "tests/queries/demand-kinds",
        "tests/queries/time",
    ],
)
def test_the_examples_and_query_data_sets_still_load(data_set: str, tmp_path: Path) -> None:
    result = run_ckg("load", REPO / data_set, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output

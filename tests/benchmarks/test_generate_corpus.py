"""The benchmark corpus generator: valid output, determinism, size, one more article."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire_kg.loaders.load import load_into_folder, validate_against_folder, validate_paths
from tests.corpus import corpus_generator

gen = corpus_generator()

#: About twenty articles.
SMALL = 7_500


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory):
    return gen.generate_corpus(tmp_path_factory.mktemp("small"), target_triples=SMALL, seed=3)


def test_small_corpus_validates_with_the_library(small_corpus) -> None:
    assert 12 <= small_corpus.articles <= 40
    assert len(small_corpus.negotiations) >= 2
    assert len(small_corpus.registry_paths) == len(small_corpus.negotiations)
    assert all(path.is_file() for path in small_corpus.text_paths)

    _, _graphs, report = validate_paths([small_corpus.root])

    assert len(report.articles) == small_corpus.articles
    assert len(report.registries) == len(small_corpus.negotiations)
    # Every fact with a quote was checked against the article's own text.
    assert all(article.text and article.quotes_checked > 0 for article in report.articles)
    assert report.triples == pytest.approx(small_corpus.estimated_triples, rel=0.02)


def test_corpus_has_the_features_benchmarks_rely_on(small_corpus) -> None:
    text = "\n".join(path.read_text("utf-8") for path in small_corpus.article_paths)
    for feature in (
        "supersedes:",
        "precondition_for:",
        "type: violation-accusation",
        "type: scope-interpretation",
        "status: planned",
        "type: prisoner-exchange",
        "prisoners:",
        "scopes:",
        "as_of:",
    ):
        assert feature in text, feature
    published = [path.name[:10] for path in small_corpus.article_paths]
    assert published == sorted(published)


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first = gen.generate_corpus(tmp_path / "a", target_triples=SMALL, seed=11)
    again = gen.generate_corpus(tmp_path / "b", target_triples=SMALL, seed=11)
    other = gen.generate_corpus(tmp_path / "c", target_triples=SMALL, seed=12)

    assert _tree(first.root) == _tree(again.root)
    assert _tree(first.root) != _tree(other.root)


def test_regenerating_into_the_same_folder_replaces_the_corpus(tmp_path: Path) -> None:
    gen.generate_corpus(tmp_path, target_triples=20_000, seed=1)
    smaller = gen.generate_corpus(tmp_path, target_triples=SMALL, seed=1)

    assert set(tmp_path.rglob("*.yaml")) == set(smaller.paths)


def test_refuses_a_folder_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", "utf-8")
    with pytest.raises(ValueError, match="not empty"):
        gen.generate_corpus(tmp_path, target_triples=SMALL, seed=1)
    assert (tmp_path / "notes.txt").read_text("utf-8") == "keep me"


def test_mid_size_triple_count_is_close_to_the_target(tmp_path: Path) -> None:
    corpus = gen.generate_corpus(tmp_path, target_triples=20_000, seed=7)

    _, _, report = validate_paths([corpus.root])

    assert report.triples == pytest.approx(20_000, rel=0.15)
    assert corpus.estimated_triples == pytest.approx(report.triples, rel=0.02)


def test_one_new_article_loads_into_the_stored_corpus(tmp_path: Path) -> None:
    corpus = gen.generate_corpus(tmp_path / "corpus", target_triples=SMALL, seed=5)
    store = tmp_path / "store"
    load_into_folder(store, [corpus.root])

    article = gen.generate_new_article(corpus.root, index=0)
    again = gen.generate_new_article(corpus.root, index=0)
    other = gen.generate_new_article(corpus.root, index=1)

    assert again == article
    assert other.article_id != article.article_id
    assert article.published > corpus.article_paths[-1].name[:10]
    # It supersedes a position that only the store knows.
    superseded = [
        line.split(":", 1)[1].strip()
        for line in article.yaml_path.read_text("utf-8").splitlines()
        if line.strip().startswith("supersedes:")
    ]
    own = article.yaml_path.read_text("utf-8")
    assert any(f"- id: {position}\n" not in own for position in superseded)
    report = validate_against_folder(store, [article.yaml_path])
    assert [a.article_id for a in report.articles] == [article.article_id]
    assert report.triples - sum(a.triples for a in report.articles) > 0  # its registry comes along

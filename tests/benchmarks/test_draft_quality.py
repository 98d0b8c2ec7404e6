"""benchmarks/draft_quality.py: the matching it reports figures with, and one gold article end to end."""

from __future__ import annotations

from tests.corpus import benchmark_module
from tests.paths import REPO

bench = benchmark_module("draft_quality")


def test_matching_is_one_to_one_by_kind_overlap_and_actor() -> None:
    fact = bench.Fact
    gold = [fact("claims", 0, 50, {"putin"}, set()), fact("claims", 60, 90, {"kyiv"}, {"russia"})]
    drafted = [
        fact("claims", 10, 40, {"putin"}, set()),  # matches the first
        fact("claims", 20, 45, {"putin"}, set()),  # would match it too, but it is taken
        fact("events", 60, 90, {"kyiv"}, set()),  # another kind
        fact("claims", 70, 80, {"x"}, {"russia"}),  # the same target
    ]

    def same(g, d) -> bool:
        return bool(g.main & d.main or g.targets & d.targets)

    assert bench._match(gold, drafted, same) == (2, 2)


def test_a_gold_article_is_drafted_and_scored() -> None:
    text = REPO / "benchmarks" / "draft_gold" / "2032-06-03-tarsa-grain-corridor.txt"
    result, draft = bench.evaluate(text, text.with_suffix(".yaml"), bench.KINDS, True, None)

    assert sum(t.gold for t in result.by_kind.values()) == 10
    assert result.quotes.matched_gold >= 8  # the quotes alone: what the drafter finds on this article today
    assert result.candidates_offered == result.gold_quotes
    assert all(fact.data["reviewed"] is False for fact in draft.facts)

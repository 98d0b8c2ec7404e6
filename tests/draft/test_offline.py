"""The offline drafter on the example articles: what it finds, and that its drafts load once reviewed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ceasefire_kg.draft import draft_article, render_draft
from ceasefire_kg.loaders.load import validate_paths
from ceasefire_kg.loaders.reader import read_source
from tests.corpus import corpus_generator
from tests.paths import EXAMPLES, REPO

KREMLIN = EXAMPLES / "2025-04-09-kremlin-conditional-ceasefire.txt"
REGISTRY = EXAMPLES / "actors.yaml"

#: Every article text of the repository with a fact file beside it.
TEXTS = sorted(
    path
    for folder in ("examples", "tests/queries", "tests/loaders/data", "benchmarks/draft_gold")
    for path in (REPO / folder).rglob("*.txt")
    if path.with_suffix(".yaml").is_file()
)


def _facts(draft, section: str) -> list[dict]:
    return [fact.data for fact in draft.section(section)]


def test_the_kremlin_article_drafts_its_main_facts() -> None:
    draft = draft_article(KREMLIN, registries=[REGISTRY])

    assert draft.article == {
        "id": "2025-04-09-kremlin-conditional-ceasefire",
        "title": "Kremlin Signals Conditional Yes to 30-Day Ceasefire as Energy Truce Falls Apart",
        "outlet": "unknown",
        "published": "2025-04-09",
        "text": "2025-04-09-kremlin-conditional-ceasefire.txt",
    }
    ceasefire = _facts(draft, "proposals")[0]
    assert (ceasefire["type"], ceasefire["proposed_by"], ceasefire["duration_days"]) == (
        "ceasefire",
        ["united-states"],
        30,
    )
    assert {p["type"]: p["status"] for p in _facts(draft, "proposals")}["truce"] == "collapsed"
    position = _facts(draft, "positions")[0]
    assert (position["actor"], position["stance"], position["proposal"]) == (
        "putin",
        "conditionally-accepts",
        ceasefire["id"],
    )
    withdrawn = [d for d in _facts(draft, "demands") if d["status"] == "withdrawn"]
    assert [d["text"] for d in withdrawn] == ["Ukraine halt mandatory military mobilization."]
    events = {event["type"]: event for event in _facts(draft, "events")}
    # "on Monday night" in an article of Wednesday 9 April; "on Saturday": the 5th.
    assert (events["strike"]["date"], events["strike"]["by"]) == ("2025-04-07", ["russia"])
    assert (events["prisoner-exchange"]["date"], events["prisoner-exchange"]["prisoners"]) == ("2025-04-05", 246)
    assert events["prisoner-exchange"]["participants"] == ["russia", "ukraine"]
    claims = {claim["type"]: claim for claim in _facts(draft, "claims") if claim["type"] != "statement"}
    accusation = next(c for c in _facts(draft, "claims") if c["by"] == "russia-defense-ministry")
    assert (accusation["accused"], accusation["events"]) == (["ukraine"], [events["attack"]["id"]])
    assert (claims["denial"]["by"], claims["denial"]["denies"]) == ("ukraine", accusation["id"])


def test_every_fact_is_unreviewed_and_quotes_the_text_exactly() -> None:
    content = KREMLIN.read_text("utf-8")
    draft = draft_article(KREMLIN, registries=[REGISTRY])

    assert len(draft.facts) >= 15
    for fact in draft.facts:
        assert fact.data["reviewed"] is False
        assert content[fact.start : fact.end] == fact.data["quote"]
        assert list(fact.data)[:2] == ["id", "reviewed"] and list(fact.data)[-1] == "quote"


def test_drafting_is_deterministic() -> None:
    first = render_draft(draft_article(KREMLIN, registries=[REGISTRY]), KREMLIN.name)
    second = render_draft(draft_article(KREMLIN, registries=[REGISTRY]), KREMLIN.name)

    assert first == second


def _reviewed(text: str) -> str:
    return re.sub(r"(?m)^(\s*-?\s*)reviewed: false\n", lambda m: m.group(1) if m.group(1).strip() else "", text)


def _draft_and_validate(text: Path, out_dir: Path) -> int:
    """Draft a text with its fact file's registries and date, mark it reviewed, validate it; the facts count."""
    gold = read_source(text.with_suffix(".yaml")).data
    registries = [text.parent / name for name in gold.get("registries", [])]
    if gold.get("actors"):
        own = out_dir / f"{text.stem}-actors.yaml"
        own.write_text(
            "registry: own\nactors:\n"
            + "".join(f"  - {{id: {a['id']}, name: {a['name']}, type: {a['type']}}}\n" for a in gold["actors"]),
            "utf-8",
        )
        registries.append(own)
    output = out_dir / f"{text.stem}.yaml"
    draft = draft_article(text, registries=registries, published=gold["article"]["published"], output=output)
    output.write_text(_reviewed(render_draft(draft, text.name)), "utf-8")
    report = validate_paths([output])[2]
    (article,) = report.articles
    assert article.text is not None and article.quotes_checked == len(draft.facts)
    return len(draft.facts)


@pytest.mark.parametrize("text", TEXTS, ids=[path.stem for path in TEXTS])
def test_the_draft_of_every_example_validates_once_reviewed(text: Path, tmp_path: Path) -> None:
    assert _draft_and_validate(text, tmp_path) > 0


def test_the_drafts_of_generated_corpus_texts_validate_once_reviewed(tmp_path: Path) -> None:
    corpus = corpus_generator().generate_corpus(tmp_path / "corpus", target_triples=3_000, seed=5)
    drafted = [_draft_and_validate(text, tmp_path) for text in corpus.text_paths]

    assert len(drafted) >= 4 and all(count > 0 for count in drafted)


def test_unreviewed_drafts_are_refused_until_reviewed(tmp_path: Path) -> None:
    output = tmp_path / "draft.yaml"
    output.write_text(render_draft(draft_article(KREMLIN, registries=[REGISTRY], output=output), KREMLIN.name), "utf-8")

    from ceasefire_kg.errors import InputError

    with pytest.raises(InputError) as error:
        validate_paths([output])
    assert all(problem.field == "reviewed" for problem in error.value.problems)
    assert validate_paths([output], allow_unreviewed=True)[2].articles[0].quotes_checked > 0


def test_control_characters_in_the_text_still_give_a_loadable_draft(tmp_path: Path) -> None:
    text = tmp_path / "2025-04-09-odd.txt"
    text.write_text(
        "Odd\x00 title\n\nKyiv said\x00 a Russian missile strike on Monday killed 3 people.\n"
        "Talks\x07 on the ceasefire were held\u200b in Riyadh on Tuesday, officials said.\n"
        "Something\x00 must change.\n",
        "utf-8",
    )
    output = tmp_path / "odd.yaml"
    draft = draft_article(text, registries=[REGISTRY], output=output)
    output.write_text(render_draft(draft, text.name), "utf-8")

    written = output.read_text("utf-8")
    assert "\x00" not in written
    assert "#   Something  must change." not in written and "#   Something must change." in written
    report = validate_paths([output], allow_unreviewed=True)[2]
    assert report.articles[0].quotes_checked == len(draft.facts) > 0

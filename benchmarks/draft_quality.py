"""How good `ckg draft` is: drafted facts against hand-checked fact files, and how fast.

The gold set is every article text with a hand-written fact file beside it:
the examples, the test articles whose fact files record the whole article,
and the held-out articles in ``benchmarks/draft_gold/`` (written after the
drafter's lexicon was tuned, to show what it does on text it has not seen).
A drafted fact matches a gold fact when it is of the same kind, its quote
overlaps the gold quote in the text, and it names the same main actor or
target: compared by side (the end of the ``represents`` chain, so "Moscow"
matches "Putin") and, in the strict figures, by id. Each gold fact matches
at most one drafted fact. Quotes alone: a gold quote is found when a drafted
quote overlaps it. Candidates: a gold quote is offered when it overlaps a
sentence the drafter marked as holding a cue.

Usage::

    python benchmarks/draft_quality.py [--write-doc] [--llm URL --model NAME]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    DOC,
    OUT_DIR,
    REPO,
    describe_machine,
    machine_info,
    markdown_table,
    replace_marked_section,
    write_json,
)

from ceasefire_kg.draft import Draft, LlmSettings, draft_article
from ceasefire_kg.draft.output import as_document
from ceasefire_kg.loaders.quotes import find_quote, read_article_text
from ceasefire_kg.loaders.reader import read_source

DEBUG = "--debug" in sys.argv
KINDS = ("proposals", "demands", "positions", "responses", "claims", "events")

#: (text, fact file, kinds the fact file records completely, held out from tuning).
GOLD: list[tuple[str, str, tuple[str, ...], bool]] = [
    ("examples/articles/2025-04-09-kremlin-conditional-ceasefire.txt", "", KINDS, False),
    ("examples/serrin-war/2026-09-08-lisk-shuttle-talks.txt", "", KINDS, False),
    ("examples/serrin-war/2026-09-14-humanitarian-truce-agreed.txt", "", KINDS, False),
    ("examples/serrin-war/2026-09-19-truce-holds-amid-accusations.txt", "", KINDS, False),
    ("examples/serrin-war/2026-09-28-calvet-blockade-lifted.txt", "", KINDS, False),
    ("tests/queries/claims/2031-03-03-escalation-charges.txt", "", KINDS, False),
    ("tests/queries/claims/2031-03-10-corridor-agreed.txt", "", KINDS, False),
    ("tests/queries/demand-kinds/2031-03-28-aster-truce-conditions.txt", "", KINDS, False),
    ("tests/queries/demand-kinds/2031-04-02-verenia-rejects-relief.txt", "", KINDS, False),
    # Its fact file records the events only (the test is about events).
    ("tests/loaders/data/2031-05-12-harbour-talks.txt", "", ("events",), False),
    ("benchmarks/draft_gold/2032-06-03-tarsa-grain-corridor.txt", "", KINDS, True),
    ("benchmarks/draft_gold/2032-06-10-ostrel-prisoner-swap.txt", "", KINDS, True),
]


@dataclass
class Fact:
    """A fact reduced to what matching compares."""

    kind: str
    start: int
    end: int
    main: set[str]
    targets: set[str]


@dataclass
class Tally:
    """Counts for precision and recall."""

    gold: int = 0
    drafted: int = 0
    matched_gold: int = 0
    matched_drafted: int = 0

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.drafted += other.drafted
        self.matched_gold += other.matched_gold
        self.matched_drafted += other.matched_drafted

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched_drafted / self.drafted if self.drafted else 1.0


@dataclass
class ArticleResult:
    name: str
    held_out: bool
    by_kind: dict[str, Tally] = field(default_factory=dict)
    strict: Tally = field(default_factory=Tally)
    quotes: Tally = field(default_factory=Tally)
    candidates_offered: int = 0
    gold_quotes: int = 0


def _main_and_targets(section: str, data: dict[str, Any]) -> tuple[set[str], set[str]]:
    def ids(*names: str) -> set[str]:
        found: set[str] = set()
        for name in names:
            value = data.get(name)
            found |= {value} if isinstance(value, str) else set(value or [])
        return found

    main = {
        "proposals": ids("proposed_by", "parties", "mediators"),
        "demands": ids("by"),
        "positions": ids("actor"),
        "responses": ids("actor"),
        "claims": ids("by"),
        "events": ids("by", "participants"),
    }[section]
    targets = {"demands": ids("of"), "claims": ids("accused"), "events": ids("targets")}.get(section, set())
    return main, targets


def _facts(document: dict[str, Any], content: str, kinds: Iterable[str]) -> list[Fact]:
    facts = []
    for section in kinds:
        for entry in document.get(section, []) or []:
            span = find_quote(entry["quote"], content)
            if span is None:
                raise SystemExit(f"gold quote not in the text: {entry['quote']!r}")
            main, targets = _main_and_targets(section, entry)
            facts.append(Fact(section, span.start, span.end, main, targets))
    return facts


def _sides(registries: list[Path], document: dict[str, Any]) -> dict[str, str]:
    """Each actor's side: the end of its represents chain."""
    links: dict[str, str] = {}
    for path in registries:
        for actor in read_source(path).data.get("actors", []):
            if actor.get("represents"):
                links[actor["id"]] = actor["represents"]
    for actor in document.get("actors", []) or []:
        if actor.get("represents"):
            links[actor["id"]] = actor["represents"]

    def side(actor_id: str) -> str:
        for _ in range(6):
            if actor_id not in links:
                break
            actor_id = links[actor_id]
        return actor_id

    return {actor_id: side(actor_id) for actor_id in links}


def _overlap(a: Fact, b: Fact) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _match(gold: list[Fact], drafted: list[Fact], same: Any) -> tuple[int, int]:
    """Greedy one-to-one matching; returns (gold matched, drafted matched)."""
    used: set[int] = set()
    matched = 0
    for g in gold:
        options = [
            (_overlap(g, d), index)
            for index, d in enumerate(drafted)
            if index not in used and d.kind == g.kind and _overlap(g, d) > 0 and same(g, d)
        ]
        if options:
            used.add(max(options)[1])
            matched += 1
    return matched, len(used)


def evaluate(
    text: Path, fact_file: Path, kinds: tuple[str, ...], held_out: bool, llm: LlmSettings | None
) -> tuple[ArticleResult, Draft]:
    """Draft one gold article and compare."""
    content = read_article_text(text)
    gold_document = read_source(fact_file).data
    registries = [fact_file.parent / name for name in gold_document.get("registries", [])]
    if gold_document.get("actors"):
        # Actors the fact file declares itself: the drafter gets them as a registry, as an analyst would keep them.
        own = OUT_DIR / f"{text.stem}-actors.yaml"
        own.write_text(yaml.safe_dump({"registry": "own", "actors": gold_document["actors"]}), "utf-8")
        registries.append(own)
    published = gold_document["article"]["published"]
    draft = draft_article(text, registries=registries, published=published, output=fact_file, llm=llm)
    drafted_document = as_document(draft)
    sides = _sides(registries, gold_document)
    gold = _facts(gold_document, content, kinds)
    drafted = _facts(drafted_document, content, kinds)

    def side_of(ids: set[str]) -> set[str]:
        return {sides.get(i, i) for i in ids}

    def same_side(g: Fact, d: Fact) -> bool:
        if not g.main and not d.main:
            return True
        return bool(side_of(g.main) & side_of(d.main) or side_of(g.targets) & side_of(d.targets))

    def same_id(g: Fact, d: Fact) -> bool:
        return (not g.main and not d.main) or bool(g.main & d.main or g.targets & d.targets)

    result = ArticleResult(text.name, held_out)
    for kind in kinds:
        g = [f for f in gold if f.kind == kind]
        d = [f for f in drafted if f.kind == kind]
        matched_gold, matched_drafted = _match(g, d, same_side)
        result.by_kind[kind] = Tally(len(g), len(d), matched_gold, matched_drafted)
    if DEBUG:
        for label, facts, others in (("missed", gold, drafted), ("extra", drafted, gold)):
            for f in facts:
                if not any(o.kind == f.kind and _overlap(f, o) and same_side(f, o) for o in others):
                    print(
                        f"  {label} {f.kind} {sorted(f.main)} {sorted(f.targets)}: {content[f.start : f.end][:110]!r}",
                        file=sys.stderr,
                    )
    result.strict = Tally(len(gold), len(drafted), *_match(gold, drafted, same_id))
    found = sum(1 for g in gold if any(_overlap(g, d) for d in drafted))
    relevant = sum(1 for d in drafted if any(_overlap(g, d) for g in gold))
    result.quotes = Tally(len(gold), len(drafted), found, relevant)
    result.gold_quotes = len(gold)
    result.candidates_offered = sum(
        1 for g in gold if any(min(g.end, end) > max(g.start, start) for start, end in draft.candidates)
    )
    return result, draft


def _thousand_words() -> str:
    """About 1,000 words of article text: two example articles one after the other."""
    parts = [
        (REPO / "examples/serrin-war/2026-09-08-lisk-shuttle-talks.txt").read_text("utf-8"),
        (REPO / "examples/serrin-war/2026-09-19-truce-holds-amid-accusations.txt").read_text("utf-8"),
        (REPO / "examples/serrin-war/2026-09-28-calvet-blockade-lifted.txt").read_text("utf-8"),
    ]
    lines: list[str] = []
    count = 0
    for line in "\n".join(parts).splitlines():
        words = line.split()
        if count + len(words) >= 1000:
            lines.append(" ".join(words[: 1000 - count]))
            break
        lines.append(line)
        count += len(words)
    return "\n".join(lines) + "\n"


def timing(out_dir: Path) -> dict[str, float]:
    """Seconds to draft a 1,000-word article offline (median of 7), and to read it (the baseline)."""
    text = out_dir / "2026-09-30-thousand-words.txt"
    text.write_text(_thousand_words(), "utf-8")
    registry = REPO / "examples/serrin-war/serrin-actors.yaml"
    draft_article(text, registries=[registry])  # warm: the lexicon and schema compile once per process
    drafts, reads = [], []
    for _ in range(7):
        start = time.perf_counter()
        read_article_text(text)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        draft_article(text, registries=[registry])
        drafts.append(time.perf_counter() - start)
    return {
        "words": float(len(text.read_text("utf-8").split())),
        "draft_s": statistics.median(drafts),
        "read_s": statistics.median(reads),
    }


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def report(results: list[ArticleResult], speed: dict[str, float] | None, drafter: str) -> str:
    by_kind: dict[str, Tally] = {kind: Tally() for kind in KINDS}
    total, strict, quotes = Tally(), Tally(), Tally()
    held, tuned = Tally(), Tally()
    offered = gold_quotes = 0
    for result in results:
        for kind, tally in result.by_kind.items():
            by_kind[kind].add(tally)
            total.add(tally)
            (held if result.held_out else tuned).add(tally)
        strict.add(result.strict)
        quotes.add(result.quotes)
        offered += result.candidates_offered
        gold_quotes += result.gold_quotes
    rows = [[kind, t.gold, t.drafted, _pct(t.recall), _pct(t.precision)] for kind, t in by_kind.items()]
    rows.append(
        ["**all facts**", total.gold, total.drafted, f"**{_pct(total.recall)}**", f"**{_pct(total.precision)}**"]
    )
    rows.append(["all facts, actors by id", strict.gold, strict.drafted, _pct(strict.recall), _pct(strict.precision)])
    rows.append(["quotes alone", quotes.gold, quotes.drafted, _pct(quotes.recall), _pct(quotes.precision)])
    rows.append(["held-out articles only", held.gold, held.drafted, _pct(held.recall), _pct(held.precision)])
    lines = [
        f"Drafter: {drafter}. {len(results)} gold articles, {total.gold} gold facts.",
        "",
        markdown_table(["kind", "gold", "drafted", "recall", "precision"], rows, "lrrrr"),
        "",
        f"Gold quotes offered as candidate sentences: {offered} of {gold_quotes} ({_pct(offered / gold_quotes)}).",
    ]
    if speed is not None:
        lines.append(
            f"Drafting a {speed['words']:.0f}-word article offline: {speed['draft_s'] * 1000:.0f} ms "
            f"(median of 7; reading its text alone: {speed['read_s'] * 1000:.2f} ms)."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--write-doc", action="store_true", help="Rewrite the draft-quality section of docs/benchmarks.md."
    )
    parser.add_argument("--llm", help="Also measure the language-model drafter at this endpoint.")
    parser.add_argument("--model", help="The model's name (with --llm).")
    parser.add_argument("--debug", action="store_true", help="Print each missed and extra fact.")
    parser.add_argument("--verbose", action="store_true", help="Print each article's figures.")
    args = parser.parse_args()
    llm = LlmSettings(args.llm, args.model) if args.llm and args.model else None
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results = []
    for text_name, fact_name, kinds, held_out in GOLD:
        text = REPO / text_name
        fact_file = REPO / (fact_name or text_name[: -len(".txt")] + ".yaml")
        result, _ = evaluate(text, fact_file, kinds, held_out, llm)
        results.append(result)
        if args.verbose:
            counts = Counter({kind: (t.matched_gold, t.gold, t.drafted) for kind, t in result.by_kind.items()})
            print(result.name, dict(counts), file=sys.stderr)
    speed = timing(OUT_DIR) if llm is None else None
    text = report(results, speed, "offline" if llm is None else f"{args.model} at {args.llm}")
    print(text)
    info = machine_info()
    write_json(
        OUT_DIR / "draft_quality.json",
        {
            "machine": info,
            "speed": speed,
            "articles": [
                r.__dict__
                | {
                    "by_kind": {k: t.__dict__ for k, t in r.by_kind.items()},
                    "strict": r.strict.__dict__,
                    "quotes": r.quotes.__dict__,
                }
                for r in results
            ],
        },
    )
    if args.write_doc:
        replace_marked_section(
            DOC, "draft-quality" if llm is None else "draft-quality-llm", f"{describe_machine(info)}\n\n{text}\n"
        )


if __name__ == "__main__":
    main()

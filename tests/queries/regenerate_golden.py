"""Regenerate the saved queries' golden answers (tests/queries/golden/) from the embedded store.

Run from the repository root::

    python -m tests.queries.regenerate_golden            # show what would change, write nothing
    python -m tests.queries.regenerate_golden --write    # write the changed files
    python -m tests.queries.regenerate_golden --query demands --data-set edge

It loads each data set (the example articles, the seed article alone, the edge
cases in tests/queries/articles) into a temporary store, runs every saved query's
SPARQL version with each of its parameter sets (see tests/queries/golden.py) and
renders one file per data set and query. Without ``--write`` it prints a unified
diff of every file that would change, is new or is no longer produced, and exits
with 1 if there is any; with ``--write`` it writes and deletes those files.

The embedded store's answers become the truth here: review every changed row
against the articles before committing it (``git diff tests/queries/golden``),
and check the Cypher versions against the new files with
``pytest -m neo4j tests/queries``.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
from pathlib import Path

from ceasefire_kg import saved_queries as sq
from tests.corpus import QUERY_DATA_SETS
from tests.paths import REPO
from tests.queries.golden import GOLDEN_DIR, StoreSamples, answer_locally, golden_path, parameter_sets, render


def planned_files(data_sets: list[str], queries: list[str]) -> dict[Path, str]:
    """The text of every golden file of these data sets and queries, from today's SPARQL answers.

    Args:
        data_sets: Names of data sets to answer on.
        queries: Names of saved queries to run.

    Returns:
        Each file's path with its text.
    """
    files: dict[Path, str] = {}
    with tempfile.TemporaryDirectory(prefix="ckg-golden-") as temporary:
        for data_set in QUERY_DATA_SETS:
            if data_set.name not in data_sets:
                continue
            folder = Path(temporary) / data_set.name
            folder.mkdir()
            store_path = data_set.build(folder)
            samples = StoreSamples.of(store_path)
            for query in sq.saved_queries():
                if query.name not in queries:
                    continue
                cases = [
                    (parameters, answer_locally(store_path, query.name, parameters))
                    for parameters in parameter_sets(query, samples, data_set.name)
                ]
                files[golden_path(data_set.name, query.name)] = render(data_set, query, cases)
    return files


def _diff(path: Path, old: str, new: str) -> str:
    name = path.relative_to(REPO).as_posix()
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}", n=2
    )
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Compare (or with --write, replace) the golden files with today's SPARQL answers; return the exit code."""
    all_data_sets = [data_set.name for data_set in QUERY_DATA_SETS]
    all_queries = sq.saved_query_names()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="write the changed files (default: only show the diff)")
    parser.add_argument("--data-set", action="append", choices=all_data_sets, help="only this data set (repeatable)")
    parser.add_argument("--query", action="append", choices=all_queries, help="only this saved query (repeatable)")
    options = parser.parse_args(argv)
    data_sets = options.data_set or all_data_sets
    queries = options.query or all_queries

    planned = planned_files(data_sets, queries)
    existing = {
        path
        for name in data_sets
        for path in (GOLDEN_DIR / name).glob("*.json")
        if path.stem in queries or path.stem not in all_queries
    }
    changed = {path: text for path, text in planned.items() if not path.is_file() or path.read_text("utf-8") != text}
    stale = sorted(existing - planned.keys())
    if not changed and not stale:
        print(f"The golden files are up to date ({len(planned)} checked).")
        return 0
    for path, text in sorted(changed.items()):
        old = path.read_text("utf-8") if path.is_file() else ""
        sys.stdout.write(_diff(path, old, text))
    for path in stale:
        sys.stdout.write(_diff(path, path.read_text("utf-8"), ""))
    summary = f"{len(changed)} golden files to write, {len(stale)} to delete"
    if not options.write:
        print(f"\n{summary}. Review the diff, then run again with --write.", file=sys.stderr)
        return 1
    for path, text in changed.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for path in stale:
        path.unlink()
    print(f"\n{summary}: done.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The quick JSON Schema check says "valid" exactly when jsonschema finds no error.

Files that pass the quick check are not shown to jsonschema at all, so a value
it wrongly accepted would be loaded unchecked. These tests compare the two on
every example file and on thousands of seeded mutations of them: values of
every YAML type put in every place, fields removed and added, texts emptied,
lengthened and mangled.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from ceasefire_kg.loaders.reader import find_fact_files, read_sources
from ceasefire_kg.loaders.schema_check import quick_check, schema_for, structure_errors, validator
from ceasefire_kg.loaders.schema_validity import validity_check
from tests.paths import REPO

SEED = 20261204
#: Mutations of each file: a short run in the fast suite, a long one marked slow.
QUICK_MUTATIONS = 40
LONG_MUTATIONS = 600

#: Values of every type YAML gives, and the edge cases of the schema's types.
REPLACEMENTS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2.5,
    1.0,
    -0.5,
    "",
    "x",
    "Not A Slug",
    "a-b",
    "2025-02-30",
    "2025-03-19",
    "x" * 3000,
    [],
    [None],
    ["a"],
    [1],
    {},
    {"id": "x"},
]


def _example_files() -> list[tuple[Path, Any, str | None]]:
    files, problems = find_fact_files([REPO / "examples", REPO / "tests" / "queries"])
    assert not problems
    sources, problems = read_sources(files)
    assert not problems
    found = []
    for source in sources:
        registry = isinstance(source.data, dict) and "registry" in source.data and "article" not in source.data
        found.append((source.path, source.data, "registry" if registry else None))
    return found


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in ``data``."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_places(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_places(value, (*path, index)))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _mutate(data: Any, rng: random.Random) -> Any:
    data = copy.deepcopy(data)
    path = rng.choice(_places(data)[1:])
    parent, last = _parent(data, path), path[-1]
    action = rng.randrange(6)
    if action == 0 and isinstance(parent, dict):
        del parent[last]  # a field left out
    elif action == 1 and isinstance(parent, dict):
        parent[rng.choice(["extra", "Id", "quote ", "type", "status", "as_of", "format", "charge"])] = rng.choice(
            REPLACEMENTS
        )
    elif action == 2 and isinstance(parent[last], str):
        value = parent[last]
        parent[last] = rng.choice([value.upper(), value + " ", value[:-1], value * 2, value.replace("-", "_")])
    elif action == 3 and isinstance(parent[last], list) and parent[last]:
        parent[last].append(copy.deepcopy(rng.choice(parent[last])))
    else:
        parent[last] = copy.deepcopy(rng.choice(REPLACEMENTS))
    return data


def test_the_schema_is_compiled() -> None:
    # Without it every file goes to jsonschema: correct, but the load is slower.
    assert quick_check(None) is not None
    assert quick_check("registry") is not None


@pytest.mark.parametrize("definition", [None, "registry"])
def test_every_example_file_is_judged_alike(definition: str | None) -> None:
    check = quick_check(definition)
    assert check is not None
    for path, data, _ in _example_files():
        assert check(data) == validator(definition).is_valid(data), path


def _judge_mutations(per_file: int, seed: int) -> dict[bool, int]:
    rng = random.Random(seed)
    judged = {True: 0, False: 0}
    for path, data, definition in _example_files():
        check = quick_check(definition)
        assert check is not None
        for number in range(per_file):
            mutated = _mutate(data, rng)
            expected = validator(definition).is_valid(mutated)
            assert check(mutated) == expected, f"{path}, mutation {number} (seed {seed}): {mutated!r}"
            judged[expected] += 1
    return judged


def test_mutated_files_are_judged_alike() -> None:
    judged = _judge_mutations(QUICK_MUTATIONS, SEED)
    # Both answers were exercised, many times.
    assert judged[True] > 50 and judged[False] > 300, judged


@pytest.mark.slow
def test_many_more_mutated_files_are_judged_alike() -> None:
    judged = _judge_mutations(LONG_MUTATIONS, SEED + 1)
    assert judged[True] > 1000 and judged[False] > 5000, judged


def test_a_schema_with_other_keywords_is_not_compiled() -> None:
    defs: dict[str, Any] = {}
    assert validity_check({"type": "object", "patternProperties": {"^x": {"type": "string"}}}, defs) is None
    assert validity_check({"enum": [1, 2]}, defs) is None
    assert validity_check({"$ref": "#/$defs/missing"}, defs) is None
    assert validity_check({"type": "object", "properties": {"a": {"type": "string"}}}, defs) is not None


def test_a_self_referring_definition_is_followed() -> None:
    defs = {"tree": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}}}}}
    check = validity_check({"$ref": "#/$defs/tree"}, defs)
    assert check is not None
    assert check({"kids": [{"kids": []}, {}]})
    assert not check({"kids": [{"kids": [1]}]})


def test_an_invalid_file_still_gets_jsonschemas_messages(tmp_path: Path) -> None:
    path, data, _ = next(item for item in _example_files() if item[2] is None)
    broken = copy.deepcopy(data)
    broken["article"]["id"] = "Not A Slug"
    from ceasefire_kg.loaders.reader import SourceFile

    problems: list[Any] = []
    errors = structure_errors(SourceFile(path, broken), None, problems)
    assert errors and [error.validator for error in errors] == ["pattern"]
    assert problems[0].message == "'Not A Slug' is not valid here."
    assert schema_for(None)["properties"]["article"]["properties"]["id"]["pattern"]

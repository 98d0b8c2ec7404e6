"""libyaml and the pure-Python YAML loader agree: same data, same lines, same problems.

The reader composes with libyaml when PyYAML has it and falls back to the
pure-Python loader otherwise; these tests compare the two once each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ceasefire_kg.loaders import reader
from ceasefire_kg.loaders.reader import read_source
from tests.loaders.test_reader import described, read_one, require_libyaml, write
from tests.paths import EXAMPLES


@pytest.fixture(autouse=True)
def libyaml() -> None:
    require_libyaml()


BAD_TEXTS = [
    "a: &x 1\nb: *x\n",
    "a: &x [1, 2]\nb:\n  - *x\n",
    "a: 1\n  b: 2\n",
    "a:\n\t- 1\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\na: 2\n",
    "a: !!python/name:os.system\n",
    "<<: {a: 1}\n",
    'a: "unterminated\n',
    "a: [1, 2\n",
    "a: \x07bell\n",
    "? [1, 2]\n: x\n",
    "a: !!int abc\n",
]


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_both_loaders_report_the_same_problems(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, text)
    fast = described(read_one(path)[1])
    monkeypatch.setattr(reader, "_FastLoader", None)
    assert described(read_one(path)[1]) == fast != []


def test_both_loaders_give_the_same_data_and_lines_for_the_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(EXAMPLES.rglob("*.yaml"))
    fast = [read_source(path) for path in files]
    monkeypatch.setattr(reader, "_FastLoader", None)
    slow = [read_source(path) for path in files]
    assert [(s.data, s.lines) for s in fast] == [(s.data, s.lines) for s in slow]
    assert len(files) >= 3


def test_libyaml_composes_an_alias_as_the_anchored_node_so_nothing_expands() -> None:
    # What the converter relies on to refuse aliases it cannot see as events.
    assert reader._FastLoader is not None and issubclass(reader._FastLoader, yaml.CSafeLoader)
    loader = reader._FastLoader("a: &x [1]\nb: *x\n")
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    assert root.value[0][1] is root.value[1][1]

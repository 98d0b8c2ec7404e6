"""Stores the tests share: the examples, the saved queries' data sets, and generated corpora.

Generated corpora come from benchmarks/generate_corpus.py, which is loaded here
and nowhere else (:func:`corpus_generator`).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ceasefire_kg.loaders.load import load_into_folder
from tests.paths import (
    DEMAND_KINDS_ARTICLES,
    EXAMPLES,
    QUERY_ARTICLES,
    REPO,
    SEED_ARTICLE,
    SERRIN_ARTICLES,
    TIME_ARTICLES,
)


def benchmark_module(name: str) -> ModuleType:
    """``benchmarks/<name>.py``, imported once (benchmarks/ is a folder of scripts, not a package)."""
    module_name = f"ckg_benchmarks_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, REPO / "benchmarks" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[module_name]


def corpus_generator() -> ModuleType:
    """benchmarks/generate_corpus.py."""
    return benchmark_module("generate_corpus")


def load_store(folder: Path, paths: list[Path]) -> Path:
    """Load article files into a new store at ``folder``; return the folder."""
    load_into_folder(folder, paths)
    return folder


def generated_store(folder: Path, target_triples: int, seed: int) -> Path:
    """Generate a corpus under ``folder`` and load it into ``folder/store``."""
    corpus_generator().generate_corpus(folder / "corpus", target_triples=target_triples, seed=seed)
    return load_store(folder / "store", [folder / "corpus"])


# --- the saved queries' data sets ----------------------------------------------------


def examples_store(folder: Path) -> Path:
    """Both example articles, loaded into ``folder/store``; return the store."""
    return load_store(folder / "store", [EXAMPLES])


def seed_store(folder: Path) -> Path:
    """The seed article alone (with the actor registry), loaded into ``folder/store``; return the store."""
    for name in (f"{SEED_ARTICLE}.yaml", "actors.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    return load_store(folder / "store", [folder / f"{SEED_ARTICLE}.yaml"])


def edge_store(folder: Path) -> Path:
    """The edge cases of tests/queries/articles, loaded into ``folder/store``; return the store."""
    return load_store(folder / "store", [QUERY_ARTICLES])


def time_store(folder: Path) -> Path:
    """The time-model cases of tests/queries/time, loaded into ``folder/store``; return the store."""
    return load_store(folder / "store", [TIME_ARTICLES])


#: Accusations with and without an arrangement, denials, and readings of a deal's scope and terms (two reports).
CLAIM_ARTICLES = REPO / "tests" / "queries" / "claims"


def claims_store(folder: Path) -> Path:
    """The claims data set of tests/queries/claims, loaded into ``folder/store``; return the store."""
    return load_store(folder / "store", [CLAIM_ARTICLES])


def demands_store(folder: Path) -> Path:
    """The demand-kinds articles (responses, a precondition chain, about), loaded into ``folder/store``."""
    return load_store(folder / "store", [DEMAND_KINDS_ARTICLES])


def serrin_store(folder: Path) -> Path:
    """The Serrin-war example articles, with their texts, loaded into ``folder/store``; return the store."""
    return load_store(folder / "store", [SERRIN_ARTICLES])


def queries_generated_store(folder: Path) -> Path:
    """The small generated corpus the saved queries are checked on: several negotiations, changing positions."""
    return generated_store(folder, target_triples=8_000, seed=5)


@dataclass(frozen=True)
class DataSet:
    """A data set the saved queries' golden answers are kept for.

    Attributes:
        name: Its name, as in tests/queries/golden/<name>/.
        articles: The files it holds.
        build: Loads them into a store inside an empty folder; returns the store.
    """

    name: str
    articles: tuple[Path, ...]
    build: Callable[[Path], Path]


QUERY_DATA_SETS: tuple[DataSet, ...] = (
    DataSet("examples", tuple(sorted(EXAMPLES.glob("*.yaml"))), examples_store),
    DataSet("seed", (EXAMPLES / f"{SEED_ARTICLE}.yaml", EXAMPLES / "actors.yaml"), seed_store),
    DataSet("edge", tuple(sorted(QUERY_ARTICLES.glob("*.yaml"))), edge_store),
    DataSet("time", tuple(sorted(TIME_ARTICLES.glob("*.yaml"))), time_store),
    DataSet("claims", tuple(sorted(CLAIM_ARTICLES.glob("*.yaml"))), claims_store),
    DataSet("serrin", tuple(sorted(SERRIN_ARTICLES.glob("*.yaml"))), serrin_store),
    DataSet("demands", tuple(sorted(DEMAND_KINDS_ARTICLES.glob("*.yaml"))), demands_store),
)

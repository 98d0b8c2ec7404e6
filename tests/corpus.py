"""Stores the tests share: the examples, and generated corpora from benchmarks/generate_corpus.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from ceasefire_kg.loaders.load import load_into_folder
from tests.paths import REPO


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

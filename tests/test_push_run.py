"""What a push changes in the Python process for its duration, and gives back."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from ceasefire_kg.defaults import DEFAULT_BATCH_TRIPLES, PUSH_TRANSACTIONS
from ceasefire_kg.push.changes import GraphChange, changed_graphs, stream_batches
from ceasefire_kg.push.report import PushReport
from ceasefire_kg.push.run import PUSH_SWITCH_INTERVAL, batch_limits, no_cyclic_gc, quick_thread_switches
from ceasefire_kg.store import Store
from tests.synthetic import make_store


class _Interrupted(Exception):
    pass


def test_a_push_switches_threads_quickly_and_restores_the_interval_even_when_it_fails() -> None:
    before = sys.getswitchinterval()
    assert before != PUSH_SWITCH_INTERVAL
    with pytest.raises(_Interrupted), quick_thread_switches():
        assert sys.getswitchinterval() == pytest.approx(PUSH_SWITCH_INTERVAL)
        raise _Interrupted
    assert sys.getswitchinterval() == before


def test_a_push_pauses_the_cyclic_collector_and_leaves_it_as_it_found_it() -> None:
    assert gc.isenabled()
    with pytest.raises(_Interrupted), no_cyclic_gc():
        assert not gc.isenabled()
        raise _Interrupted
    assert gc.isenabled()
    gc.disable()
    try:
        with no_cyclic_gc():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_a_push_cuts_many_graphs_into_about_push_transactions_batches(tmp_path: Path) -> None:
    make_store(tmp_path / "store", copies=5)
    with Store.open_read_only(tmp_path / "store") as store:
        local = store.graph_hashes()
        changes = [GraphChange(iri) for iri in changed_graphs(local, {})]
        assert len(changes) > 10

        def batch_sizes(**limits: int) -> list[int]:
            report = PushReport()
            return [len(batch) for batch, _ in stream_batches(store, local, {}, changes, report=report, **limits)]

        # One triple per batch asked: one graph each, as before.
        assert batch_sizes(batch_triples=1) == [1] * len(changes)
        # At least three graphs each, the last one taking what is left.
        by_three = batch_sizes(batch_triples=1, min_graphs=3)
        assert sum(by_three) == len(changes) and set(by_three[:-1]) == {3} and 1 <= by_three[-1] <= 3


def test_the_push_chooses_its_batches_unless_told() -> None:
    assert batch_limits(5_000, 2_035) == {"batch_triples": 5_000}
    chosen = batch_limits(None, 2_035)
    assert chosen == {"batch_triples": DEFAULT_BATCH_TRIPLES, "min_graphs": 82}
    assert -(-2_035 // chosen["min_graphs"]) <= PUSH_TRANSACTIONS
    assert batch_limits(None, 4) == {"batch_triples": DEFAULT_BATCH_TRIPLES, "min_graphs": 1}

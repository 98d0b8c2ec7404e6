"""What a push changes in the Python process for its duration, and gives back."""

from __future__ import annotations

import gc
import sys

import pytest

from ceasefire_kg.push.run import PUSH_SWITCH_INTERVAL, no_cyclic_gc, quick_thread_switches


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

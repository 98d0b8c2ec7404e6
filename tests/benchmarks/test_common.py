"""Helpers the benchmark scripts share."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.corpus import benchmark_module

common = benchmark_module("common")

#: Spends half a CPU second, then waits for a line on stdin.
_BURN = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass\ninput()"


def test_cpu_seconds_counts_what_a_process_spent_and_nothing_once_it_is_gone() -> None:
    burner = subprocess.Popen([sys.executable, "-c", _BURN], stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        spent = 0.0
        while spent < 0.5 and time.monotonic() < deadline:
            time.sleep(0.05)
            spent = common.cpu_seconds(burner.pid) or 0.0
        assert spent >= 0.5
        assert common.cpu_seconds() > 0  # this process, all its threads
    finally:
        burner.communicate(b"\n", timeout=30)
    assert common.cpu_seconds(burner.pid) is None

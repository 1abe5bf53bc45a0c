"""portal.memory: the build's process tree read from /proc, and the budget its indexing keeps under."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from portal import memory

pytestmark = pytest.mark.skipif(not memory.tree_mb(), reason="needs /proc (Linux)")


def test_the_tree_counts_a_child_holding_memory():
    before = memory.tree_mb()
    child = subprocess.Popen([sys.executable, "-c", "b = bytearray(120 * 1024 * 1024); import time; "
                              "b[::4096] = b'x' * len(b[::4096]); print('ok', flush=True); time.sleep(30)"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ok"
        assert memory.tree_mb() - before > 100
    finally:
        child.kill()
        child.wait()


def test_budget_from_the_environment():
    assert memory.budget_mb({}) == memory.DEFAULT_MB
    assert memory.budget_mb({memory.ENV: "2048"}) == 2048
    assert memory.budget_mb({memory.ENV: "0"}) is None
    assert memory.budget_mb({memory.ENV: "nhiều"}) == memory.DEFAULT_MB
    assert memory.pagefind_mb(1000) == pytest.approx(315)


def test_waits_while_over_budget_and_something_may_free_memory_then_starts(monkeypatch):
    rendering = threading.Event()
    rendering.set()
    threading.Timer(0.5, rendering.clear).start()  # the last render ends
    started = time.perf_counter()
    waited = memory.wait_for_room(10**6, rendering.is_set, budget=100)  # never fits: waits for the renders
    assert 0.4 <= waited <= time.perf_counter() - started < 5
    assert memory.wait_for_room(1, lambda: True, budget=10**6) < memory.POLL  # fits: at once
    monkeypatch.setenv(memory.ENV, "0")
    assert memory.wait_for_room(10**6, lambda: True) < memory.POLL  # no budget: at once

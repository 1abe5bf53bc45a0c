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


def test_a_second_pagefind_waits_for_the_first_when_both_would_pass_the_budget(monkeypatch, tmp_path):
    """Once every site is rendered the build runs as many Pagefinds as it has workers: the second starts when
    the first ends if both would pass the budget; the first never waits (the build goes on)."""
    from portal import indexing

    monkeypatch.setenv(memory.ENV, "1")  # 1 MB: nothing fits
    early = indexing.EarlyIndex(2)
    early.rendering = False
    early.slots.widen(2)
    events = []

    def pagefind(name: str, seconds: float):
        with early.slots.taken(tmp_path, need_mb=300):
            events.append((name, "start", time.perf_counter()))
            time.sleep(seconds)
            events.append((name, "end", time.perf_counter()))

    first = threading.Thread(target=pagefind, args=("a", 0.6))
    first.start()
    time.sleep(0.1)
    second = threading.Thread(target=pagefind, args=("b", 0.0))
    second.start()
    first.join(5)
    second.join(5)
    times = {(name, what): at for name, what, at in events}
    assert times[("b", "start")] >= times[("a", "end")]
    assert not early.slots.running
    early.finish()


def test_a_running_pagefind_is_counted_at_what_it_will_take(tmp_path):
    """A Pagefind starts small: until it holds what it is expected to take, the difference is reserved, so a
    second one does not start beside it on the strength of its first megabytes."""
    from portal import render

    slots = render.SearchSlots(2)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with slots.taken(tmp_path, need_mb=300) as slot:
            assert slots.reserved_mb() == 300  # not started yet: all of it
            slots.started(slot, child.pid)
            held = memory.rss_kb(child.pid) / 1024
            assert 0 < held < 100 and slots.reserved_mb() == pytest.approx(300 - held, abs=5)
        assert slots.reserved_mb() == 0 and not slots.running
    finally:
        child.kill()
        child.wait()
    assert memory.wait_for_room(100, lambda: True, budget=memory.tree_mb() + 250, reserved=lambda: 100) < memory.POLL
    started = time.perf_counter()
    stop = threading.Event()
    threading.Timer(0.4, stop.set).start()
    waited = memory.wait_for_room(100, lambda: not stop.is_set(), budget=memory.tree_mb() + 150,
                                  reserved=lambda: 100)  # 100 + 100 > 150: waits until nothing may end
    assert 0.3 <= waited <= time.perf_counter() - started

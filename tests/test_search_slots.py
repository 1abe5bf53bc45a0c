"""How many Pagefind runs a build overlaps (portal.render.SearchSlots): one while workers render, more as
workers run out of sites; each slot holds its own lock file, so other processes share the same slots."""

from __future__ import annotations

import fcntl
import threading

from portal.render import SearchSlots


def _take(slots: SearchSlots, folder, taken: list, holding: threading.Event, release: threading.Event):
    with slots.taken(folder) as slot:
        taken.append(slot)
        holding.set()
        release.wait()


def test_a_second_index_waits_for_a_slot_and_gets_its_own_lock_file(tmp_path):
    slots = SearchSlots(1)
    taken: list[int] = []
    first, second = threading.Event(), threading.Event()
    release = threading.Event()
    a = threading.Thread(target=_take, args=(slots, tmp_path, taken, first, release))
    a.start()
    assert first.wait(10)
    b = threading.Thread(target=_take, args=(slots, tmp_path, taken, second, release))
    b.start()
    assert not second.wait(0.3) and taken == [0]  # one slot while rendering: the second index waits
    # Slot 0's lock file is held: another process's build of this folder would wait for it.
    with open(tmp_path / ".pagefind.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = False
        except BlockingIOError:
            held = True
    assert held
    slots.widen(2)  # a worker has no site left: a second Pagefind may run beside the first
    assert second.wait(10) and taken == [0, 1]
    assert (tmp_path / ".pagefind-1.lock").is_file()
    release.set()
    a.join(10)
    b.join(10)
    slots.widen(1)  # never narrowed again within a build
    assert slots.limit == 2


def test_a_slot_is_given_back_when_the_index_fails(tmp_path):
    slots = SearchSlots(1)
    try:
        with slots.taken(tmp_path):
            raise RuntimeError("Pagefind died")
    except RuntimeError:
        pass
    with slots.taken(tmp_path) as slot:  # not blocked: the failed run gave its slot back
        assert slot == 0

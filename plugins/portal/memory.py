"""The memory a build's processes hold, and the budget a build keeps its search indexing under.

A build's peak is its main process (every site's check), the render workers and the Pagefinds that index
sites while other sites still render (about 0.3 MB per page: 290 MB for a 1,000-page site). On a province
of 40 sites of 1,000 items the three together passed 1 GiB, and so did two Pagefinds side by side once
the renders were done. So a Pagefind starts only when the process tree's memory (RSS of the build and all
its descendants, read from /proc) plus what it is expected to take stays within the budget:
``BUILD_MEMORY_MB`` (an environment variable, as a build server's size is not the province's content;
default :data:`DEFAULT_MB`; ``0``: no budget), or when nothing that holds memory is left to end first (no
site rendering, no other Pagefind running: the build always goes on). Where /proc is missing (not Linux)
there is no budget.

``invoke bench`` reads the same process tree for its own measurements (:mod:`bench.measure`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

ENV = "BUILD_MEMORY_MB"
DEFAULT_MB = 1024
PAGEFIND_MB_PER_PAGE = 0.3  # Pagefind's peak RSS per indexed page (docs/performance.md, "Memory")
PAGEFIND_MB_BASE = 15
POLL = 0.2  # seconds between two readings while waiting


def budget_mb(environ=None) -> float | None:
    """The budget in MB (None: none). A value that is not a number is the default."""
    raw = (os.environ if environ is None else environ).get(ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_MB
    except ValueError:
        value = DEFAULT_MB
    return value if value > 0 else None


def pagefind_mb(pages: int) -> float:
    return PAGEFIND_MB_BASE + PAGEFIND_MB_PER_PAGE * pages


def processes() -> tuple[dict[int, list[int]], dict[int, int]]:
    """(parent pid → child pids, pid → CPU clock ticks used: user + system) of every process."""
    tree: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            pid = int(entry.name)
            tree.setdefault(int(fields[1]), []).append(pid)
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError, ValueError):
            continue
    return tree, ticks


def proc_kb(path: str, field: bytes) -> int:
    """The KiB figure of ``field`` in a /proc status-like file (0 when the process is gone)."""
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kb(pid: int) -> int:
    return proc_kb(f"/proc/{pid}/status", b"VmRSS:")


def descendants(root: int, tree: dict[int, list[int]]) -> list[int]:
    """``root`` and every process below it."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(tree.get(pid, []))
    return found


def tree_mb(root: int | None = None) -> float | None:
    """RSS in MB of ``root`` (this process) and its descendants; None where /proc cannot be read."""
    if not os.path.isdir("/proc/self"):
        return None
    tree, _ = processes()
    return sum(rss_kb(pid) for pid in descendants(os.getpid() if root is None else root, tree)) / 1024


def wait_for_room(needed_mb: float, waiting: Callable[[], bool], budget: float | None = None,
                  reserved: Callable[[], float] = lambda: 0.0) -> float:
    """Wait while the build's tree plus ``needed_mb`` (plus ``reserved()``: what processes already running
    are still expected to take) would pass the budget and ``waiting()`` says there is still something whose
    end frees memory (sites rendering, another Pagefind); the seconds waited."""
    budget = budget_mb() if budget is None else budget
    started = time.perf_counter()
    while budget is not None and waiting():
        used = tree_mb()
        if used is None or used + reserved() + needed_mb <= budget:
            break
        time.sleep(POLL)
    return time.perf_counter() - started

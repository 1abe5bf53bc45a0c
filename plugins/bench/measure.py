"""Run a command and measure it as a whole process tree: wall time, CPU time and peak resident memory.

Peak memory is the largest sum of VmRSS over the command and all its descendants, sampled from /proc
every :data:`SAMPLE` seconds (worker pools and subprocesses such as Pagefind or Hugo count). That sum counts memory
shared between processes (libraries, pages a forked worker shares with its parent) once per process,
so the peak of the summed PSS (proportional set size: shared pages divided among their sharers, the
physical memory the tree really holds) is recorded too, every :data:`PSS_EVERY` samples: the kernel
walks every page of a process to answer ``smaps_rollup`` (about 4 ms for a 300 MB worker, holding the
process's memory lock meanwhile), so reading it at every sample took 15 ms of each 35 ms of a core while
our builds ran, a measurement slowing what it measures (and our larger process trees more than the
baselines'). Even so a sample cost 1 ms of a core (every process's ``/proc/<pid>/stat``, to find the tree),
and PSS about 2 ms more on average: at a sample every 20 ms, 15 % of a core, which a command that keeps both
cores busy (our cold build) loses and one that leaves part of a core idle (Pagefind alone, 1.4 cores) does
not: 8.7 core-seconds of the cold build's 128 went to other programs, nearly all of it this sampler. A sample
every 50 ms and PSS every 0.5 s cost about 2 % of the machine; a memory peak lasts far longer than that
(a Pagefind grows to its size in over a second). Where /proc is missing the figure is the maximum RSS of any
single child, from ``getrusage``.

CPU time is sampled the same way: at each sample, the user and system time each process of the tree has
used since the last one (a process that ends between two samples loses at most its last 50 ms). With
``trace`` the samples are kept, in bins of :data:`BIN` seconds, as the number of cores the tree kept
busy and the number the whole machine kept busy (``/proc/stat``): the picture of the timeline
(:mod:`bench.timeline`) shows both, so the cores the command left idle are told apart from the cores
another program took.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from portal import memory

BIN = 0.5  # seconds per bin of a traced run's CPU samples
SAMPLE = 0.05  # seconds between two samples of the process tree
PSS_EVERY = 10  # PSS at one sample in so many (every 0.5 s): reading it costs the measured processes


@dataclass
class Measurement:
    name: str
    seconds: float
    peak_mb: float
    ok: bool
    detail: str = ""
    peak_pss_mb: float = 0.0
    runs: list[float] = field(default_factory=list)  # every round's seconds, when repeated
    cpu_seconds: float = 0.0  # user + system time of the whole tree
    started: float = 0.0      # wall clock (time.time()) when the command started
    cpu: list[tuple[float, float, float]] = field(default_factory=list)  # traced: (bin start, ours, machine) cores

    def as_dict(self) -> dict:
        return {"ten": self.name, "giay": round(self.seconds, 3), "bo_nho_dinh_mb": round(self.peak_mb, 1),
                "bo_nho_dinh_pss_mb": round(self.peak_pss_mb, 1), "thanh_cong": self.ok, "chi_tiet": self.detail,
                "cac_lan_giay": [round(s, 3) for s in (self.runs or [self.seconds])],
                "cpu_giay": round(self.cpu_seconds, 2)}


def median(rounds: list[Measurement]) -> Measurement:
    """One scenario over several rounds: the median time (and CPU time), the largest peak memory, failed if
    any failed."""
    return Measurement(rounds[0].name, middle([m.seconds for m in rounds]), max(m.peak_mb for m in rounds),
                       all(m.ok for m in rounds), " | ".join(m.detail for m in rounds if m.detail),
                       max(m.peak_pss_mb for m in rounds), [m.seconds for m in rounds],
                       middle([m.cpu_seconds for m in rounds]))


def middle(values: list[float]) -> float:
    """The median (of two values, their mean)."""
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of every core since boot, from /proc/stat."""
    try:
        with open("/proc/stat", "rb") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle, iowait
    return sum(values) - idle, sum(values)


def _pss_kb(pid: int) -> int:
    return memory.proc_kb(f"/proc/{pid}/smaps_rollup", b"Pss:")


def _tree(root: int, with_pss: bool = True) -> tuple[int, int, dict[int, int]]:
    """(sum of RSS, sum of PSS in KiB (0 without ``with_pss``), pid → CPU ticks) over ``root`` and its
    descendants."""
    (tree, ticks), rss, pss, used = memory.processes(), 0, 0, {}
    for pid in memory.descendants(root, tree):
        rss += memory.rss_kb(pid)
        if with_pss:
            pss += _pss_kb(pid)
        used[pid] = ticks.get(pid, 0)
    return rss, pss, used


def tree_memory_kb(root: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in KiB over ``root`` and its descendants, now (the warm server's memory)."""
    rss, pss, _ = _tree(root)
    return rss, pss


class _Sampler:
    """Peak memory and CPU time of a process tree, sampled every :data:`SAMPLE` seconds."""

    def __init__(self, root: int, trace: bool):
        self.root, self.trace = root, trace
        self.peak = self.peak_pss = 0
        self.ticks = 0                  # CPU ticks of the tree, summed over the samples
        self.last: dict[int, int] = {}  # pid → its ticks at the last sample
        self.bins: dict[int, list[int]] = {}  # bin → [ours, machine busy, machine total] ticks
        self.machine = _machine_ticks()
        self.started = time.perf_counter()
        self.count = 0

    def sample(self) -> None:
        rss, pss, used = _tree(self.root, with_pss=self.count % PSS_EVERY == 0)
        self.count += 1
        self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
        ours = sum(max(0, ticks - self.last.get(pid, 0)) for pid, ticks in used.items())
        self.last.update(used)
        self.ticks += ours
        if self.trace:
            busy, total = _machine_ticks()
            row = self.bins.setdefault(int((time.perf_counter() - self.started) / BIN), [0, 0, 0])
            row[0] += ours
            row[1] += busy - self.machine[0]
            row[2] += total - self.machine[1]
            self.machine = (busy, total)

    def cpu(self) -> list[tuple[float, float, float]]:
        """(bin start, cores the tree kept busy, cores the machine kept busy), one row per bin."""
        tick = os.sysconf("SC_CLK_TCK")
        cores = os.cpu_count() or 1
        return [(round(index * BIN, 2), round(row[0] / tick / BIN, 3),
                 round(cores * row[1] / row[2], 3) if row[2] else 0.0)
                for index, row in sorted(self.bins.items())]


def run(name: str, cmd: list[str], cwd: Path, env: dict | None = None, trace: bool = False) -> Measurement:
    """Run ``cmd`` to completion; never raises for a failing command (``ok`` says how it ended).
    ``trace`` keeps the CPU samples (:attr:`Measurement.cpu`).

    The disk writes of whatever ran before (generating a province: 20,000 files and the git repository of
    the CI replay, written just before the cold build) are flushed first, untimed: otherwise the command
    measured next pays for their write-back, and that is always ours, which runs first in each round."""
    if hasattr(os, "sync"):
        os.sync()
    wall = time.time()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sampler, done = _Sampler(proc.pid, trace), threading.Event()

    def sample():
        while not done.is_set():
            sampler.sample()
            done.wait(SAMPLE)

    thread = threading.Thread(target=sample, daemon=True)
    if Path("/proc").is_dir():
        thread.start()
    output, _ = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    if thread.is_alive():
        thread.join()
    peak = sampler.peak or resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    tail = output.decode("utf-8", "replace").strip().splitlines()[-3:] if proc.returncode else []
    return Measurement(name, elapsed, peak / 1024, proc.returncode == 0, " | ".join(tail), sampler.peak_pss / 1024,
                       cpu_seconds=sampler.ticks / os.sysconf("SC_CLK_TCK"), started=wall,
                       cpu=sampler.cpu() if trace else [])

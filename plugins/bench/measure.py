"""Run a command and measure it as a whole process tree: wall time and peak resident memory.

Peak memory is the largest sum of VmRSS over the command and all its descendants, sampled from /proc
every 20 ms (worker pools and subprocesses such as Pagefind or Hugo count). That sum counts memory
shared between processes (libraries, pages a forked worker shares with its parent) once per process,
so the peak of the summed PSS (proportional set size: shared pages divided among their sharers, the
physical memory the tree really holds) is recorded too. Where /proc is missing the figure is the
maximum RSS of any single child, from ``getrusage``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Measurement:
    name: str
    seconds: float
    peak_mb: float
    ok: bool
    detail: str = ""
    peak_pss_mb: float = 0.0
    runs: list[float] = field(default_factory=list)  # every round's seconds, when repeated

    def as_dict(self) -> dict:
        return {"ten": self.name, "giay": round(self.seconds, 3), "bo_nho_dinh_mb": round(self.peak_mb, 1),
                "bo_nho_dinh_pss_mb": round(self.peak_pss_mb, 1), "thanh_cong": self.ok, "chi_tiet": self.detail,
                "cac_lan_giay": [round(s, 3) for s in (self.runs or [self.seconds])]}


def median(rounds: list[Measurement]) -> Measurement:
    """One scenario over several rounds: the median time, the largest peak memory, failed if any failed."""
    seconds = sorted(m.seconds for m in rounds)
    middle = len(seconds) // 2
    value = seconds[middle] if len(seconds) % 2 else (seconds[middle - 1] + seconds[middle]) / 2
    return Measurement(rounds[0].name, value, max(m.peak_mb for m in rounds), all(m.ok for m in rounds),
                       " | ".join(m.detail for m in rounds if m.detail), max(m.peak_pss_mb for m in rounds),
                       [m.seconds for m in rounds])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return tree


def _proc_kb(path: str, field: bytes) -> int:
    """The KiB figure of ``field`` in a /proc status-like file (0 when the process is gone)."""
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _proc_kb(f"/proc/{pid}/status", b"VmRSS:")


def _pss_kb(pid: int) -> int:
    return _proc_kb(f"/proc/{pid}/smaps_rollup", b"Pss:")


def _tree_kb(root: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) over ``root`` and its descendants, in KiB."""
    tree, rss, pss, stack = _children(), 0, 0, [root]
    while stack:
        pid = stack.pop()
        rss += _rss_kb(pid)
        pss += _pss_kb(pid)
        stack.extend(tree.get(pid, []))
    return rss, pss


def run(name: str, cmd: list[str], cwd: Path, env: dict | None = None) -> Measurement:
    """Run ``cmd`` to completion; never raises for a failing command (``ok`` says how it ended)."""
    peak, peak_pss = [0], [0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    done = threading.Event()

    def sample():
        while not done.is_set():
            rss, pss = _tree_kb(proc.pid)
            peak[0], peak_pss[0] = max(peak[0], rss), max(peak_pss[0], pss)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if Path("/proc").is_dir():
        sampler.start()
    output, _ = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    if sampler.is_alive():
        sampler.join()
    if not peak[0]:
        peak[0] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    tail = output.decode("utf-8", "replace").strip().splitlines()[-3:] if proc.returncode else []
    return Measurement(name, elapsed, peak[0] / 1024, proc.returncode == 0, " | ".join(tail), peak_pss[0] / 1024)

"""Build events on a timeline: which process worked on which stage of which site, and when.

Off unless the environment variable ``BUILD_TIMELINE`` names a file. Then each stage of the build that is
wrapped in :func:`span` appends one line of JSON to that file when it ends::

    {"pid": 4711, "thread": "", "stage": "render", "site": "don-vi-001", "start": 1764.25, "end": 1770.5}

``start`` and ``end`` are seconds of the system's wall clock (``time.time()``), so lines written by the
parent, its worker processes and the subprocesses they start fall on one axis; ``thread`` is empty for a
process's main thread, and ``subprocess`` for a program the build started (the event carries its pid).
Worker processes inherit the variable. Each line is written with one ``write()`` to a file opened for
appending, so lines from several processes never interleave. With the variable
unset a span costs one dictionary lookup: the build records no timings of its own, and its output never
depends on them.

``invoke bench`` sets the variable for the cold build and draws the file as a picture
(:mod:`bench.timeline`); any other stage (publishing before indexing, a warm server's rebuild) is made
visible the same way, by wrapping it in :func:`span` with a stage name of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ENV = "BUILD_TIMELINE"
SUBPROCESS = "subprocess"  # the ``thread`` of an event recorded for a subprocess's pid (Pagefind)


@dataclass(frozen=True)
class Event:
    """One stage of one site in one process (or thread): from ``start`` to ``end``, wall-clock seconds."""

    pid: int
    thread: str
    stage: str
    site: str
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


def enabled() -> bool:
    return bool(os.environ.get(ENV))


@contextlib.contextmanager
def span(stage: str, site: str = ""):
    """Record ``stage`` of ``site`` from entering to leaving the block (nothing when off).

    Yields a dict: a block that starts a subprocess sets ``pid`` in it, so the event is drawn on that
    process's line (Pagefind runs outside Python)."""
    path = os.environ.get(ENV)
    if not path:
        yield {}
        return
    details: dict = {}
    start = time.time()
    try:
        yield details
    finally:
        record(path, stage, site, start, time.time(), details.get("pid"))


def record(path: str, stage: str, site: str, start: float, end: float, pid: int | None = None) -> None:
    thread = threading.current_thread()
    name = SUBPROCESS if pid else "" if thread is threading.main_thread() else thread.name
    line = json.dumps({"pid": pid or os.getpid(), "thread": name, "stage": stage, "site": site,
                       "start": round(start, 4), "end": round(end, 4)}, ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def read(path: Path) -> list[Event]:
    """The events of a timeline file, by start; a line that is not an event (a build killed mid-write) is
    skipped."""
    events = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            data = json.loads(line)
            events.append(Event(int(data["pid"]), str(data.get("thread", "")), str(data["stage"]),
                                str(data.get("site", "")), float(data["start"]), float(data["end"])))
        except (ValueError, KeyError, TypeError):
            continue
    return sorted(events, key=lambda e: (e.start, e.end))

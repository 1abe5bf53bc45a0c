"""One build at a time per project: ``invoke build``, ``aggregate`` and ``serve`` of one checkout take turns.

Two builds of one province at once would race on the same caches, staging folder and published sites. The
lock is an advisory ``flock`` on ``.cache/build.lock``: the kernel releases it when its holder exits, even
after ``kill -9``, so a stale lock file never blocks anyone. A second build waits for the first and says so
once, naming the holder (process id, command, start time), the way cargo waits for its build directory.

The lock is re-entrant within one process, threads included: ``invoke aggregate`` holds it while it fetches
and merges, then builds the provincial site, which takes it again without waiting for itself; ``invoke build
--aggregate`` indexes the units in a thread while the main thread aggregates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)

LOCK_NAME = Path(".cache") / "build.lock"
POLL_SECONDS = 0.2

# Lock files this process holds, with their nesting depth (re-entrancy within one process only).
_held: dict[str, int] = {}
_counting = threading.Lock()  # guards _held: a thread re-enters while another thread of the process holds it


class LockTimeout(RuntimeError):
    """Another build held the lock for longer than the caller was willing to wait."""


def lock_path(root: Path) -> Path:
    return root / LOCK_NAME


@contextlib.contextmanager
def build_lock(root: Path, timeout: float | None = None, notify=None):
    """Hold the project's build lock for the ``with`` block, waiting for another holder to finish.

    Args:
        root: the project root; the lock is ``<root>/.cache/build.lock``.
        timeout: seconds to wait at most (``None``: as long as it takes), then :class:`LockTimeout`.
        notify: called once with a Vietnamese sentence when the build has to wait (default: a log warning).
    """
    path = lock_path(root)
    key = str(path.resolve())
    with _counting:
        nested = bool(_held.get(key))
        if nested:
            _held[key] += 1
    if nested:
        try:
            yield
        finally:
            with _counting:
                _held[key] -= 1
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock (documented in docs/quality-gates.md)
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        if not _try_lock(fcntl, handle):
            message = waiting_message(_holder(path))
            (notify or logger.warning)(message)
            deadline = None if timeout is None else time.monotonic() + timeout
            while not _try_lock(fcntl, handle):
                if deadline is not None and time.monotonic() > deadline:
                    raise LockTimeout(message)
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "lenh": " ".join(_command()),
                                 "bat_dau": dt.datetime.now().replace(microsecond=0).isoformat()},
                                ensure_ascii=False))
        handle.flush()
        with _counting:
            _held[key] = 1
        try:
            yield
        finally:
            with _counting:
                del _held[key]
            fcntl.flock(handle, fcntl.LOCK_UN)


def waiting_message(holder: dict) -> str:
    who = f"tiến trình {holder['pid']}" if holder.get("pid") else "một tiến trình khác"
    if holder.get("lenh"):
        who += f" «{holder['lenh']}»"
    if holder.get("bat_dau"):
        who += f", bắt đầu lúc {holder['bat_dau'].replace('T', ' ')}"
    return (f"Đang có một lần xây dựng khác chạy trên cùng thư mục dự án ({who}); "
            "lần này sẽ chờ nó xong rồi mới bắt đầu.")


def _try_lock(fcntl, handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _command() -> list[str]:
    argv = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:]]
    return argv[:8]

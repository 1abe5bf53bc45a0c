"""Folders the bench is done with: set aside while anything is measured, removed at the end.

On this machine's disk (ext4 mounted with ``discard``) removing tens of thousands of files slows the
file creation of whatever runs next, for minutes: three clones of a 5,000-file repository into the
same folder, each removed before the next, took 1.9, 3.4 and 4.0 s (almost all of it system time),
where clones beside folders left in place took 0.4 s. A fresh CI runner, or a province's build server,
does not pay for files some earlier program removed, and neither should a scenario pay for the one
before it (ours and the baselines take turns, so each would pay for the other's). So while
:func:`collect_into` is in force a folder to remove is renamed into that folder instead (the same disk:
one rename), and :func:`empty` removes them all once nothing is measured any more.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

_bin: Path | None = None
_held: list[Path] = []


def collect_into(folder: Path | None) -> None:
    """Set folders aside into ``folder`` from now on (None: remove them at once)."""
    global _bin
    _bin = folder


def discard(path: Path) -> None:
    """``path`` removed, or set aside when a collecting folder is set and on the same disk; nothing if absent."""
    path = Path(path)
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    if not path.is_dir():
        return
    if _bin is not None:
        _bin.mkdir(parents=True, exist_ok=True)
        if os.stat(_bin).st_dev == os.stat(path).st_dev:
            target = _bin / f"{len(_held)}-{os.getpid()}-{path.name}"
            path.rename(target)
            _held.append(target)
            return
    shutil.rmtree(path, ignore_errors=True)


def empty() -> None:
    """Remove every folder set aside (and the collecting folder, leftovers of an interrupted run included)."""
    _held.clear()
    if _bin is not None:
        shutil.rmtree(_bin, ignore_errors=True)

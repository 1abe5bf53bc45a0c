"""When each content file really entered the repository, read from git history: the evidence of the build.

One ``git log`` over ``content/`` gives, for every file, the author date of the commit that added it
(following renames is not attempted: a moved file counts from its move) and of its last change.
Outside a git work tree, or for uncommitted files, there is no evidence and nothing is flagged.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileHistory:
    added: dt.datetime
    last_changed: dt.datetime


def read(repo: Path, paths: list[str] | None = None) -> dict[str, FileHistory]:
    """Map of repository-relative path → history, for files under ``paths`` (default ``content``)."""
    cmd = ["git", "-C", str(repo), "log", "--format=\x1e%aI", "--name-only", "--no-renames", "--",
           *(paths or ["content"])]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if proc.returncode != 0:
        return {}
    prefix = _prefix(repo)
    result: dict[str, FileHistory] = {}
    for block in proc.stdout.split("\x1e")[1:]:  # newest commit first
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        when = dt.datetime.fromisoformat(lines[0].strip())
        for name in lines[1:]:
            name = name.strip()
            if prefix and name.startswith(prefix):
                name = name[len(prefix):]
            seen = result.get(name)
            result[name] = FileHistory(added=when, last_changed=seen.last_changed if seen else when)
    return result


def _prefix(repo: Path) -> str:
    """Path of ``repo`` inside its git work tree ('' at the top), so names match repo-relative paths."""
    proc = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-prefix"], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def head_date(repo: Path) -> dt.date | None:
    """Commit date of HEAD: a reproducible 'today' for reports built from a commit."""
    proc = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%cI"], capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return dt.datetime.fromisoformat(proc.stdout.strip()).date()

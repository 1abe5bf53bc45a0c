"""Where a build prepares sites before swapping them in, and how leftovers of a killed build are removed.

A site renders into ``<staging>/<site>-<pid>/`` and is published by renaming it over ``output/<site>/``;
the replaced folder goes to ``<staging>/old-<site>-<pid>/`` and is deleted. The staging folder sits beside
``output/`` (``.output.staging/`` for ``output/``), so a preview server, ``rsync output/`` or a plain copy of
``output/`` never meets a half-rendered site. Renames need one file system: when ``output/`` is a mount
point of its own, the staging folder is ``output/.staging/`` instead (hidden, and refused by ``invoke serve``).

Files that are written once and then mostly thrown away, such as a search bundle whose files are nearly
all already published, are written to a scratch folder in memory (:func:`scratch`, ``/dev/shm``) when the
machine has one: only the few that are new are then copied to the disk.

A process killed with ``kill -9`` leaves its folders behind; the next build removes them while it holds the
province's build lock (:mod:`portal.lock`), when no other build can be using them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path

logger = logging.getLogger(__name__)

# Left directly in output/ by versions before the staging folder, or by a killed atomic write.
LEGACY_PREFIXES = (".tmp-", ".old-")
MEMORY = Path("/dev/shm")  # a tmpfs on Linux
SCRATCH_ENV = "BUILD_SCRATCH_DIR"  # where scratch folders go instead ("" : the staging folder)
MEMORY_FREE_BYTES = 256 * 2**20  # a smaller tmpfs (Docker's default /dev/shm is 64 MB) is left alone


def folder(output_dir: Path) -> Path:
    """The staging folder of ``output_dir`` (created): beside it when both are on one file system."""
    output_dir.mkdir(parents=True, exist_ok=True)
    beside = output_dir.parent / f".{output_dir.name}.staging"
    if output_dir.stat().st_dev == output_dir.parent.stat().st_dev:
        beside.mkdir(exist_ok=True)
        return beside
    inside = output_dir / ".staging"
    inside.mkdir(exist_ok=True)
    return inside


def site_folder(output_dir: Path, site_id: str) -> Path:
    """A fresh folder name for rendering ``site_id`` in this process."""
    return folder(output_dir) / f"{site_id}-{os.getpid()}"


def retired_folder(dest: Path) -> Path:
    """Where the published ``dest`` goes while the new one takes its name."""
    return folder(dest.parent) / f"old-{dest.name}-{os.getpid()}"


def scratch(output_dir: Path) -> Path:
    """A folder (created) for files of ``output_dir``'s build that are copied, not renamed, into place: in
    memory when the machine has a tmpfs at ``/dev/shm`` (``BUILD_SCRATCH_DIR`` chooses another folder, and
    an empty value the staging folder), one per output folder, so builds of two checkouts never meet. A
    tmpfs with less than :data:`MEMORY_FREE_BYTES` free is not used."""
    path = _scratch_path(output_dir)
    if path is None:
        return folder(output_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _scratch_path(output_dir: Path) -> Path | None:
    """Where :func:`scratch` puts its folder outside the staging folder (not created), or None."""
    chosen = os.environ.get(SCRATCH_ENV)
    base = Path(chosen) if chosen else (MEMORY if chosen is None and _roomy(MEMORY) else None)
    if base is None:
        return None
    name = hashlib.sha1(str(Path(output_dir).resolve()).encode()).hexdigest()[:12]
    return base / f"cong-thong-tin-{os.getuid() if hasattr(os, 'getuid') else 0}-{name}"


def _roomy(path: Path) -> bool:
    try:
        return (path.is_dir() and os.access(path, os.W_OK | os.X_OK)
                and shutil.disk_usage(path).free >= MEMORY_FREE_BYTES)
    except OSError:
        return False


def remove_stale(output_dir: Path) -> list[str]:
    """Delete what killed builds left: everything in the staging and scratch folders and ``.tmp-``/``.old-``
    entries directly in ``output_dir`` (folders of older versions, half-written files of :mod:`portal.atomic`),
    but what this process is using: a folder named with its own process id (a thread of it may be indexing a
    site while another builds the provincial one) and the search slots' lock files. Call only while holding
    the build lock (no other process is building). Returns the names removed (for the log)."""
    if not output_dir.is_dir():
        return []
    ours = f"-{os.getpid()}"
    memory = _scratch_path(output_dir)  # looked into, not created: a build that indexes nothing leaves no folder
    places = [folder(output_dir)] + ([memory] if memory is not None and memory.is_dir() else [])
    stale = [p for place in places for p in place.iterdir()
             if not p.name.endswith(ours) and not p.name.endswith(".lock")]
    stale += [p for p in output_dir.iterdir() if p.name.startswith(LEGACY_PREFIXES)]
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if stale:
        logger.info("staging: removed %d folders left by an interrupted build: %s", len(stale),
                    ", ".join(sorted(p.name for p in stale)))
    return sorted(p.name for p in stale)

"""Where a build prepares sites before swapping them in, and how leftovers of a killed build are removed.

A site renders into ``<staging>/<site>-<pid>/`` and is published by renaming it over ``output/<site>/``;
the replaced folder goes to ``<staging>/old-<site>-<pid>/`` and is deleted. The staging folder sits beside
``output/`` (``.output.staging/`` for ``output/``), so a preview server, ``rsync output/`` or a plain copy of
``output/`` never meets a half-rendered site. Renames need one file system: when ``output/`` is a mount
point of its own, the staging folder is ``output/.staging/`` instead (hidden, and refused by ``invoke serve``).

A process killed with ``kill -9`` leaves its folders behind; the next build removes them while it holds the
province's build lock (:mod:`portal.lock`), when no other build can be using them.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

logger = logging.getLogger(__name__)

# Left directly in output/ by versions before the staging folder, or by a killed atomic write.
LEGACY_PREFIXES = (".tmp-", ".old-")


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


def remove_stale(output_dir: Path) -> list[str]:
    """Delete what killed builds left: everything in the staging folder and ``.tmp-``/``.old-`` entries
    directly in ``output_dir`` (folders of older versions, half-written files of :mod:`portal.atomic`).
    Call only while holding the build lock. Returns the names removed (for the log)."""
    if not output_dir.is_dir():
        return []
    stale = [p for p in folder(output_dir).iterdir()]
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

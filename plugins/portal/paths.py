"""Where a file really is: symlinks followed, each folder resolved once per check.

A site may only publish files that lie inside its own folder. :func:`inside` answers that for every
content file and attachment a check reads, thousands per site, so folders are resolved once and kept
until :func:`forget_real_paths` (called at the start of each site's check).
"""

from __future__ import annotations

import functools
import os


def inside(path, site_dir) -> bool:
    """``path`` (symlinks followed) lies inside ``site_dir``."""
    real, folder = real_path(path), real_path(site_dir)
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def real_path(path) -> str:
    """``os.path.realpath``, resolving each folder once: a path that is not itself a symlink is its
    folder's real path joined with its name (a check of 1,000 files in one folder resolves it once)."""
    path = os.fspath(path)
    if ".." in path.split(os.sep):
        return os.path.realpath(path)  # ".." after a symlink is resolved from where the link points
    path = os.path.abspath(path)
    if os.path.islink(path):
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    return os.path.join(_real_folder(folder), name) if name else _real_folder(folder)


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def forget_real_paths() -> None:
    """Forget resolved folders (a long-running ``invoke serve`` sees folders replaced by symlinks)."""
    _real_folder.cache_clear()


def link_target(path) -> str:
    """Where a symlink points, as an editor's message shows it («...»)."""
    try:
        return f"liên kết tới «{os.readlink(path)}»"
    except OSError:
        return f"«{os.path.realpath(path)}»"

"""The vendored Decap CMS: which files of ``node_modules/decap-cms/dist`` a site serves, and their size.

Decap comes from the npm registry at the exact version pinned in ``package.json`` / ``package-lock.json``
(``npm ci``, run by ``./bootstrap.sh``); nothing is fetched from a CDN. A site serves the bundle, its
lazily loaded chunks and WebAssembly files, and the licence notice; not the source maps, nor ``cms.js``
(the same bundle under its older name).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from portal.problems import PortalError

PROJECT = Path(__file__).resolve().parents[2]
DIST = PROJECT / "node_modules" / "decap-cms" / "dist"
MAIN = "decap-cms.js"


class DecapMissing(PortalError):
    """``node_modules/decap-cms`` is not installed."""


def files(dist: Path | None = None) -> list[Path]:
    """The files a site serves, sorted; raises :class:`DecapMissing` when the bundle is not installed."""
    dist = dist or DIST
    if not (dist / MAIN).is_file():
        raise DecapMissing(
            f"Không tìm thấy Decap CMS ({(dist / MAIN).relative_to(PROJECT) if dist.is_relative_to(PROJECT) else dist})"
            ": trang biên tập /quan-tri/ không tạo được. Hãy cài các gói JavaScript đã khóa phiên bản: chạy «npm ci»"
            " ở thư mục gốc của kho (./bootstrap.sh demo và ./bootstrap.sh test tự làm việc này), rồi xây dựng lại.")
    chosen = [p for p in dist.iterdir() if p.is_file() and (
        p.name in (MAIN, MAIN + ".LICENSE.txt") or p.name.endswith(f".{MAIN}") or p.suffix == ".wasm")]
    return sorted(chosen)


def version(dist: Path | None = None) -> str:
    dist = dist or DIST
    try:
        return json.loads((dist.parent / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return ""


def size(dist: Path | None = None) -> int:
    """Bytes of the bundle one site serves."""
    return sum(p.stat().st_size for p in files(dist))


def install(target: Path, dist: Path | None = None) -> None:
    """Put the bundle into ``target``: hard links to node_modules when on one file system (no copy per site
    and per build), else copies. Output files are never edited in place, so the links are safe."""
    target.mkdir(parents=True, exist_ok=True)
    for source in files(dist):
        dest = target / source.name
        try:
            os.link(source, dest)
        except OSError:
            shutil.copyfile(source, dest)

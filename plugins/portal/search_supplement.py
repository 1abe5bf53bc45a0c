"""The pages an edit changed, searchable before the site's whole index is made again.

Pagefind has no incremental mode: a 1,000-page site takes about two seconds to index again, however little
changed (docs/performance.md). So as soon as a site is published, the pages whose indexed part changed
since the published index was made are indexed on their own, a few milliseconds each, into a
*supplement* beside that index (``pagefind/bo-sung-<digest>/``: the entry, metadata, index, filter and
fragment files; the scripts and WebAssembly are the index's own). ``pagefind/bo-sung.json`` names it,
with the Pagefind ids of the published index's pages it replaces or removes. The search page
(``search.js``) merges the supplement into the site's index and leaves the replaced pages out of the
results: a search finds the new text, not the old, and each page once. The whole index is then made as
before; before it is swapped in, ``bo-sung.json`` is emptied (a search then merges nothing more), and a
supplement is removed once a newer one or the whole index has replaced it twice (a tab still reading it
finds its files).

The published index's pages (address → digest of the indexed part, Pagefind id) are recorded by the
swap that puts it in place (:mod:`portal.search_index`). With no record (a site's first index, an index
made before this), or more than :data:`MAX_PAGES` pages changed (a theme change: the whole index is
coming anyway), there is no supplement. A province-wide search (``tong-hop/tim-kiem/``) reads each
unit's whole index only, replaced as soon as it is made (``aggregate/search.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from . import search_bundle, search_source, staging

MANIFEST = "bo-sung.json"
PREFIX = "bo-sung-"
MAX_PAGES = 50
EMPTY = {"chi_muc": "", "thay": []}  # what bo-sung.json says while the index is the whole truth
DATA = ("index", "filter", "fragment")  # the folders of a bundle a merged index is read from


def indexed_part(page: bytes, mark: bytes) -> bytes:
    """The part of a page Pagefind indexes: the ``<article data-pagefind-body>`` element
    (:func:`portal.search_source.element`); the whole page when it has no such element."""
    found = search_source.element(page) if mark == search_source.MARK else None
    return page[found[0]:found[1]] if found else page


def part_digest(page: bytes, mark: bytes) -> str:
    return hashlib.sha1(indexed_part(page, mark)).hexdigest()[:20]


def owns(name: str) -> bool:
    """Whether a path inside ``pagefind/`` is the supplement's (the whole index's swap leaves it alone)."""
    return name == MANIFEST or name.startswith(PREFIX)


def page_ids(bundle: Path) -> dict[str, str]:
    """Page address (relative to the site, as the build's page digests name it) → Pagefind id (the name of its
    fragment file), read from the fragments of ``bundle``."""
    found = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = search_bundle.read_fragment(path)
        url = data.get("url") if isinstance(data, dict) else None
        if isinstance(url, str):
            found[url.lstrip("/")] = path.name.removesuffix(".pf_fragment")
    return found


def changes(recorded: dict, parts: dict[str, str]) -> tuple[list[str], list[str]] | None:
    """(pages to index into a supplement, Pagefind ids of the indexed pages they replace or remove); None when
    a supplement cannot stand for the change (no record, or more than :data:`MAX_PAGES` pages)."""
    if not recorded:
        return None
    changed = sorted(p for p, digest in parts.items() if (recorded.get(p) or [None])[0] != digest)
    removed = sorted(set(recorded) - set(parts))
    if len(changed) + len(removed) > MAX_PAGES:
        return None
    return changed, sorted(recorded[p][1] for p in changed + removed if p in recorded)


def make(live: Path, site_out: Path, pages: list[str], replaced: list[str], recorded: dict, command: list[str],
         env: dict) -> bool:
    """Index ``pages`` of ``site_out`` into a supplement of the index in ``live`` and name it (with the
    ``replaced`` ids) in ``bo-sung.json``. A page whose Pagefind id is the recorded one (its indexed part
    changed in a way the index does not see) is left out, the search page would show it twice. Returns
    whether a supplement is now in force; a Pagefind that fails leaves everything as it was (False)."""
    scratch = staging.scratch(site_out.parent) / f"{PREFIX}{site_out.name}-{os.getpid()}"
    try:
        bundle, ids = _index(scratch, site_out, pages, command, env)
        same = [p for p in pages if p in recorded and ids.get(p) == recorded[p][1]]
        if same:  # again without them
            pages = [p for p in pages if p not in same]
            replaced = sorted(set(replaced) - {recorded[p][1] for p in same})
            bundle, ids = _index(scratch, site_out, pages, command, env) if pages else (None, {})
        if bundle is None and not replaced:
            return False
        name = _place(bundle, live) if bundle is not None else ""
        before = read_manifest(live).get("chi_muc", "").rstrip("/")
        write_manifest(live, {"chi_muc": f"{name}/" if name else "", "thay": replaced})
        _prune(live, keep=before)
        return True
    except (OSError, subprocess.SubprocessError, ValueError, search_bundle.BundleFormatError):
        return False
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if scratch.parent != staging.folder(site_out.parent):
            with contextlib.suppress(OSError):
                scratch.parent.rmdir()  # the scratch folder in memory goes with its last use


def retire(live: Path) -> None:
    """Before the whole index is swapped in: the search page merges no supplement any more; the one just
    retired stays for the tabs still reading it."""
    manifest = read_manifest(live)
    if manifest == EMPTY:
        return  # nothing in force: the supplement retired last time stays (an index made again changes nothing)
    current = manifest.get("chi_muc", "").rstrip("/")
    write_manifest(live, EMPTY)
    _prune(live, keep=current)


def read_manifest(live: Path) -> dict:
    try:
        data = json.loads((live / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("chi_muc"), str) else {}


def write_manifest(live: Path, data: dict) -> None:
    """``bo-sung.json`` replaced by one rename (a file hard-linked into a staged site is never written through)."""
    live.mkdir(parents=True, exist_ok=True)
    tmp = live / f".tmp-{MANIFEST}-{os.getpid()}"
    tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, live / MANIFEST)


def _index(scratch: Path, site_out: Path, pages: list[str], command: list[str], env: dict) -> tuple[Path, dict]:
    """Pagefind over ``pages`` as :mod:`portal.search_source` gives them (at their own addresses, so its URLs are
    the site's); the bundle and its page ids."""
    shutil.rmtree(scratch, ignore_errors=True)
    source, bundle = scratch / "trang", scratch / "chi-muc"
    search_source.write(site_out, source, pages)
    subprocess.run(command + ["--site", str(source), "--output-path", str(bundle)], check=True,
                   capture_output=True, env=env, timeout=120)
    if not (bundle / search_bundle.ENTRY).is_file():
        raise ValueError("Pagefind wrote no entry")
    search_bundle.make_reproducible(bundle)
    return bundle, page_ids(bundle)


def _place(bundle: Path, live: Path) -> str:
    """The supplement's data files moved into ``live/bo-sung-<digest>/`` (a folder renamed in whole): its name."""
    files = [search_bundle.ENTRY, *(p.name for p in bundle.glob("*.pf_meta"))]
    files += [f"{folder}/{p.name}" for folder in DATA for p in sorted((bundle / folder).glob("*"))]
    digest = hashlib.sha1()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + (bundle / name).read_bytes())
    name = f"{PREFIX}{digest.hexdigest()[:12]}"
    if (live / name).is_dir():
        return name  # the same supplement is already there
    tmp = live / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    for file in files:
        (tmp / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundle / file, tmp / file)
    os.replace(tmp, live / name)
    return name


def _prune(live: Path, keep: str) -> None:
    """Remove supplements but the one in force and ``keep`` (the one it replaced, for tabs still reading it)."""
    current = read_manifest(live).get("chi_muc", "").rstrip("/")
    for folder in live.glob(f"{PREFIX}*"):
        if folder.is_dir() and folder.name not in {current, keep}:
            shutil.rmtree(folder, ignore_errors=True)

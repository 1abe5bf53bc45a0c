"""Province-wide search: every local unit's Pagefind index, kept for the provincial portal's search page.

The provincial search page (``tim-kiem.html``, run by ``search.js``) merges the units' indexes in the
browser (Pagefind's multisite search). It fetches them from the provincial site itself, under
``tong-hop/tim-kiem/<unit>/``: same origin, so no unit's server needs CORS headers and the Content Security
Policy needs no list of unit domains (docs/aggregation.md, "Province-wide search").

Collect (``invoke aggregate``): the files a merged index is read from (``pagefind-entry.json``, the
metadata, index, filter and fragment files; not Pagefind's scripts, styles and WebAssembly, which come
from the provincial site's own bundle) are linked from ``output/<unit>/pagefind/`` into
``.cache/tong-hop/tim-kiem/<unit>/``, swapped in by one rename. A unit whose index is missing or unreadable
keeps its last good copy, as a feed does; one that never had one is listed as such. Render
(``pages.py``, in the provincial site's build): the copies are linked into the output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

from portal import search_index

from .store import Store

FOLDER = "tim-kiem"                     # under the state folder and under the site's tong-hop/
CHANNEL = "tim-kiem"                    # the fetch state, in the store beside the feeds
ENTRY = "pagefind-entry.json"
DATA_FOLDERS = ("index", "filter", "fragment")
REASONS = {"chua-co": "chưa có chỉ mục tìm kiếm", "ngoai": "cổng dùng phần mềm khác, không có chỉ mục tìm kiếm"}


def collect(units: list[dict], output_dir: Path, state_dir: Path, store: Store, province: str,
            now: dt.datetime) -> list[dict]:
    """One entry per unit but the provincial site itself (whose own index the page loads first)."""
    entries = []
    for unit in units:
        if unit["ma"] == province:
            continue
        entry = {"ma": unit["ma"], "ten": unit["ten"], "dia_chi_web": unit["dia_chi_web"], "chi_muc": "",
                 "so_trang": 0, "trang_thai": "ngoai", "loi": ""}
        if unit["noi_bo"]:
            entry.update(_keep(unit["ma"], output_dir / unit["ma"] / "pagefind", state_dir / FOLDER, store, now))
        entry["ly_do"] = "" if entry["chi_muc"] else REASONS[entry["trang_thai"]]
        entries.append(entry)
    return entries


def refresh(units: list[str], output_dir: Path, state_dir: Path, store: Store, province: str,
            now: dt.datetime) -> list[str]:
    """The new indexes of ``units``, made after the provincial site was built (``invoke build --aggregate``
    indexes after publishing), into their kept copies and into the published provincial site: the new files
    beside the old ones, ``pagefind-entry.json`` last (one rename), so the province-wide search reads them
    without building the provincial site again. The page counts the search page shows follow at the next
    aggregation. Returns the units refreshed (those the provincial site already serves a copy of)."""
    refreshed = []
    for unit in units:
        live = output_dir / province / "tong-hop" / FOLDER / unit
        if not (live / ENTRY).is_file():
            continue
        kept = _keep(unit, output_dir / unit / "pagefind", state_dir / FOLDER, store, now)
        source = state_dir / FOLDER / unit
        if kept["trang_thai"] != "tot" or not (source / ENTRY).is_file():
            continue
        for meta in source.glob("pagefind.*.pf_meta"):
            if not (live / meta.name).exists():
                _link(meta, live / meta.name)
        for name in DATA_FOLDERS:
            if (source / name).is_dir():
                shutil.copytree(source / name, live / name, copy_function=_link_new, dirs_exist_ok=True)
        fresh = live / f".moi-{ENTRY}"
        shutil.copyfile(source / ENTRY, fresh)
        os.replace(fresh, live / ENTRY)  # the swap: searches from here on read the new index
        refreshed.append(unit)
    return refreshed


def _link_new(source, target) -> None:
    """Files named by their content: one already there is the same file."""
    if not os.path.exists(target):
        _link(source, target)


def copy_into(state_dir: Path, entries: list[dict], site_output: Path) -> None:
    """Link every kept index into the provincial site's output, at the path the search page names."""
    for entry in entries:
        if entry.get("chi_muc"):
            source = state_dir / FOLDER / entry["ma"]
            if (source / ENTRY).is_file():
                link_tree(source, site_output / entry["chi_muc"])


def _keep(unit: str, source: Path, folder: Path, store: Store, now: dt.datetime) -> dict:
    record = store.channel(unit, CHANNEL)
    state = record["state"]
    stamp = now.isoformat(timespec="seconds")
    state.update({"url": str(source), "lan_thu_cuoi": stamp})
    target = folder / unit
    changed = False
    try:
        with search_index.swapping(source):  # not while a thread of this build swaps the unit's new index in
            version, pages = _read_entry(source)
            if not (record.get("data") and record["data"].get("phien_ban") == version
                    and (target / ENTRY).is_file()):
                _replace(source, target, folder)
                record["data"], changed = {"phien_ban": version, "so_trang": pages}, True
        state.update({"loi": "", "lan_thanh_cong_cuoi": stamp})
    except FileNotFoundError:
        state["loi"] = (f"Chưa có chỉ mục tìm kiếm {source}: hãy chạy invoke build --site {unit} "
                        "(cổng được xây dựng kèm chỉ mục tìm kiếm).")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        state["loi"] = f"Không đọc được chỉ mục tìm kiếm {source}: {exc}"
    store.save_channel(unit, CHANNEL, record, data_changed=changed)
    kept = bool(record.get("data")) and (target / ENTRY).is_file()
    return {"chi_muc": f"tong-hop/{FOLDER}/{unit}/" if kept else "",
            "so_trang": (record.get("data") or {}).get("so_trang", 0) if kept else 0,
            "trang_thai": ("cu" if state["loi"] else "tot") if kept else "chua-co", "loi": state["loi"]}


def _read_entry(source: Path) -> tuple[str, int]:
    """The index's identity (its metadata files' hashes, which name every other file) and page count."""
    entry = json.loads((source / ENTRY).read_text(encoding="utf-8"))
    languages = entry["languages"]
    if not languages:
        raise ValueError("chỉ mục không có ngôn ngữ nào")
    for info in languages.values():
        if not (source / f"pagefind.{info['hash']}.pf_meta").is_file():
            raise FileNotFoundError(f"pagefind.{info['hash']}.pf_meta")
    version = ",".join(f"{lang}:{info['hash']}" for lang, info in sorted(languages.items()))
    return version, sum(int(info.get("page_count") or 0) for info in languages.values())


def _replace(source: Path, target: Path, folder: Path) -> None:
    """Copy the index into a fresh folder, then swap it for the old copy."""
    folder.mkdir(parents=True, exist_ok=True)
    fresh = folder / f".moi-{target.name}"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    shutil.copyfile(source / ENTRY, fresh / ENTRY)  # the one file Pagefind rewrites under the same name
    for meta in source.glob("pagefind.*.pf_meta"):
        _link(meta, fresh / meta.name)
    for name in DATA_FOLDERS:
        if (source / name).is_dir():
            link_tree(source / name, fresh / name)
    old = folder / f".cu-{target.name}"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def link_tree(source: Path, target: Path) -> None:
    """``source`` into ``target`` as hard links (copies where the file system refuses them): files named by
    their content, which nothing writes into (also the quick search's generations, aggregate.quick_search)."""
    shutil.copytree(source, target, copy_function=_link, dirs_exist_ok=True)


def _link(source, target) -> None:
    """A hard link (Pagefind names its files by their content, and nothing writes into them), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)

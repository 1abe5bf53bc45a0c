"""Province-wide quick search: every unit's items by title, searched without Pagefind (``tim-nhanh.js``).

Two steps, one on each side of the aggregation:

- :func:`collect` (the aggregation, stage 1): what each unit published, as ``tim-nhanh.json`` in the state
  folder. A unit built here is read from its ``du-lieu/muc-luc.json`` (every item it published, checked
  against ``export.schema.json`` as any export is); a unit on other software from what the aggregation
  fetched of it (its news feed, its procedures and documents). A unit whose catalog cannot be read keeps its
  last good items. The file is written only when it changed, and it is an input of the provincial site.
- :func:`publish` (the provincial site's build): those items and the provincial portal's own, indexed
  (:mod:`aggregate.title_index`) under ``.cache/tong-hop/tim-nhanh/<generation>/`` when they changed, and
  linked into ``tong-hop/tim-nhanh/``: the current generation and the one before, which a page loaded
  before the swap may still be reading, then the manifest.

Everything here came from a unit or another portal and is text: the search page writes it with
``textContent`` and follows only ``http(s)`` addresses (docs/aggregation.md, "Province-wide search").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from portal import content_types
from portal.exports import CATALOG, CODES

from . import parse, title_index
from .search import link_tree
from .store import read_json, write_json

SOURCES = "tim-nhanh.json"   # in the state folder: each unit's items
INPUTS = "dau-vao.json"      # in the generations' folder: the digest of the items last indexed → their generation
FOLDER = "tim-nhanh"         # generations under the state folder; the published index under tong-hop/
KEEP = 2                     # generations linked into the site: the current one and the one before
TITLE_CHARS, CODE_CHARS = 300, 100  # a title as long as the content schema allows; longer ones (another portal's) cut
REMOTE_KINDS = {"tin-tuc": "tin-tuc", "thu-tuc": "thu-tuc", "van-ban": "van-ban"}  # channel → type of its items


def collect(unit_list: list[dict], collected: dict, output_dir: Path, state_dir: Path) -> dict:
    """Each unit's items (``{"ma", "ten", "goc", "muc": [[title, url, type, day, code], ...]}``) into
    ``tim-nhanh.json``; returns ``{unit: error}`` for the units whose catalog could not be read."""
    path = state_dir / SOURCES
    before = _sources(path)
    kept = {u["ma"]: u for u in before.get("don_vi", [])}
    units, errors = [], {}
    for unit in unit_list:
        entry = {"ma": unit["ma"], "ten": unit["ten"], "goc": unit["dia_chi_web"]}
        if unit["noi_bo"]:
            entry["sha1"], entry["muc"], error = _local(output_dir / unit["ma"] / "du-lieu" / f"{CATALOG}.json",
                                                        kept.get(unit["ma"]))
            if error:
                errors[unit["ma"]] = error
        else:
            entry["muc"] = _remote(collected.get(unit["ma"], {}))
        units.append(entry)
    data = {"phien_ban": title_index.FORMAT, "don_vi": units}
    if data != before:
        write_json(path, data)
    return errors


def _sources(path: Path) -> dict:
    """``tim-nhanh.json`` as written by this version; a damaged or older file reads as empty (it only costs
    reading each unit's catalog again)."""
    data = read_json(path, {})
    if not (isinstance(data, dict) and data.get("phien_ban") == title_index.FORMAT
            and isinstance(data.get("don_vi"), list)):
        return {}
    units = [u for u in data["don_vi"] if isinstance(u, dict) and isinstance(u.get("ma"), str)
             and isinstance(u.get("muc", []), list)]
    return {**data, "don_vi": units}


def _local(path: Path, before: dict | None) -> tuple[str, list, str]:
    """(the catalog's digest, its items, an error in Vietnamese or ""); the last good items on an error."""
    last = (before or {}).get("sha1", ""), (before or {}).get("muc", [])
    try:
        body = path.read_bytes()
    except OSError:
        return *last, f"chưa có {path.name}: hãy chạy invoke build --site {path.parent.parent.name}"
    digest = hashlib.sha1(body).hexdigest()
    if before and before.get("sha1") == digest:
        return digest, before["muc"], ""
    try:
        data = parse.parse_export(body, CATALOG)
    except parse.SourceError as exc:
        return *last, f"{path.parent.name}/{path.name}: {exc}"
    return digest, rows(data["muc"]), ""


def rows(records: list[dict]) -> list[list]:
    """``[title, url, type, day, code]`` of each record of a ``muc-luc`` export."""
    return [[r["tieu_de"], r["url"], r.get("loai_muc", ""), (r.get("ngay") or "")[:10], _code(r)]
            for r in records if isinstance(r.get("loai_muc", ""), str)]


def _code(record: dict) -> str:
    value = record.get(CODES.get(record.get("loai_muc", ""), ""), "")
    return value if isinstance(value, str) else ""


def _remote(channels: dict) -> list:
    """A remote unit's items: what the aggregation kept of its channels (each already normalised)."""
    items = []
    for channel, kind in REMOTE_KINDS.items():
        data = (channels.get(channel) or {}).get("data")
        records = data if isinstance(data, list) else (data or {}).get("muc", [])
        for r in records:
            code = r.get(CODES.get(kind, ""), "")
            items.append([r.get("tieu_de") or "", r.get("url") or "", kind, (r.get("ngay") or "")[:10],
                          code if isinstance(code, str) else ""])
    return items


def items_of(own: list[dict], site: dict, state_dir: Path) -> tuple[list[title_index.Item], list[dict], list[dict]]:
    """(every item, the units, the types) of the province: the provincial portal's own items (``own``, the
    records of its ``muc-luc`` export) first among the units, then every unit of ``tim-nhanh.json``."""
    sources = _sources(state_dir / SOURCES)
    units = [{"ma": site["id"], "ten": site["ten_day_du"], "goc": site["dia_chi_web"]}]
    lists = [rows(own)]
    for unit in sources.get("don_vi", []):
        if unit["ma"] != site["id"]:
            units.append({"ma": unit["ma"], "ten": str(unit.get("ten") or unit["ma"]),
                          "goc": str(unit.get("goc") or "")})
            lists.append(unit.get("muc", []))
    kinds = [{"ma": t.id, "ten": t.label} for t in content_types.TYPES]
    kind_index = {k["ma"]: n for n, k in enumerate(kinds)}
    items = []
    for unit, listed in enumerate(lists):
        for title, url, kind, day, code in (r for r in listed if isinstance(r, list) and len(r) == 5):
            if title and isinstance(url, str) and url.startswith(("https://", "http://")):
                items.append(title_index.Item(_cut(" ".join(str(title).split()), TITLE_CHARS), url, unit,
                                              kind_index.get(kind, len(kinds)), str(day)[:10],
                                              _cut(str(code), CODE_CHARS)))
    if any(i.kind == len(kinds) for i in items):
        kinds.append({"ma": "khac", "ten": "Thông tin khác"})
    return title_index.order(items), units, kinds


def _cut(text: str, limit: int) -> str:
    """``text`` without control characters, at most ``limit`` characters (cut with "…")."""
    text = "".join(c for c in text if c >= " " and not 0x7F <= ord(c) <= 0x9F)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def publish(own: list[dict], site: dict, state_dir: Path, site_output: Path) -> str:
    """Index the province's items (anew only when they changed: indexing 20,000 items takes 0.4 s, comparing
    them 0.03 s) and link the index into the provincial site's ``tong-hop/tim-nhanh/``; returns the generation."""
    items, units, kinds = items_of(own, site, state_dir)
    store = state_dir / FOLDER
    indexed = [[i.title, i.url, i.unit, i.kind, i.day, i.code] for i in items]
    key = hashlib.sha1(json.dumps([title_index.FORMAT, units, kinds, indexed], ensure_ascii=False,
                                  separators=(",", ":")).encode()).hexdigest()
    known = read_json(store / INPUTS, {})
    generation = known.get(key, "") if isinstance(known, dict) else ""
    if not (isinstance(generation, str) and generation.isalnum()
            and (store / generation / title_index.MANIFEST).is_file()):
        generation, files = title_index.build(items, units, kinds)
        _keep_generation(store, generation, files)
        write_json(store / INPUTS, {key: generation})
    else:
        _keep_generation(store, generation, {})
    target = site_output / "tong-hop" / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for name in _generations(store)[:KEEP]:
        link_tree(store / name, target / name)  # a generation never changes: what is there is the same
    fresh = target / f".{title_index.MANIFEST}.moi"
    shutil.copyfile(store / generation / title_index.MANIFEST, fresh)
    os.replace(fresh, target / title_index.MANIFEST)
    return generation


def _keep_generation(store: Path, generation: str, files: dict[str, bytes]) -> None:
    """Write a generation not kept yet (into a temporary folder, renamed whole); remember it as the newest;
    remove generations older than the :data:`KEEP` newest."""
    folder = store / generation
    if files and not (folder / title_index.MANIFEST).is_file():
        scratch = store / f".{generation}.{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        for path, data in files.items():  # the manifest too: the generation's own copy, published from here
            (scratch / path).parent.mkdir(parents=True, exist_ok=True)
            (scratch / path).write_bytes(data)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(scratch, folder)
    order = [generation] + [g for g in _generations(store) if g != generation]
    write_json(store / "thu-tu.json", order[:KEEP])
    for stale in order[KEEP:]:
        shutil.rmtree(store / stale, ignore_errors=True)
    for leftover in store.glob(".*"):  # a scratch folder a killed build left
        if leftover.is_dir() and not leftover.name.endswith(f".{os.getpid()}"):
            shutil.rmtree(leftover, ignore_errors=True)


def _generations(store: Path) -> list[str]:
    """The kept generations, newest first (those listed in ``thu-tu.json`` that exist)."""
    listed = read_json(store / "thu-tu.json", [])
    return [g for g in listed if isinstance(g, str) and g.isalnum() and (store / g).is_dir()]

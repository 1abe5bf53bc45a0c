"""Provincial aggregation, stage by stage: collect → normalise → merge → write.

Units built in this repository are read from ``output/<site>/`` (their feed and JSON exports, the
same files a national portal would read); units on other software are fetched over HTTP. Whatever
fails, each channel keeps its last good copy, marked stale with the time of its last success.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from compliance.checks.context import Settings
from compliance.engine import evaluate, read_province
from portal import sites

from . import dashboard, merge, parse, search
from .fetch import Limits, fetch
from .store import Store, read_json, write_json

CHANNELS = {  # channel → (registry key for a remote URL, path inside a built local site)
    "tin-tuc": ("tin_tuc", "feeds/all.atom.xml"),
    "thu-tuc": ("thu_tuc", "du-lieu/thu-tuc.json"),
    "van-ban": ("van_ban", "du-lieu/van-ban.json"),
}
HEALTH_LABELS = {"tot": "Hoạt động tốt", "cu": "Đang dùng bản lưu gần nhất", "ngung": "Ngừng cung cấp (HTTP 410)",
                 "chua-co": "Chưa lấy được dữ liệu lần nào"}


@dataclass
class AggregateResult:
    province: str
    as_of: dt.date
    health: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    checked: dict = field(default_factory=dict, repr=False)  # every site's light check, for the build after

    @property
    def faulty(self) -> list[dict]:
        return [h for h in self.health if h["trang_thai"] != "tot"]


def province_site(root: Path) -> sites.Site:
    """The site of level ``tinh`` whose site.yaml holds the aggregation registry."""
    site_dirs, _ = sites.discover(root / "content", root)
    for site_dir in site_dirs:
        site, _ = sites.load(site_dir, root)
        if site and site.config["cap"] == "tinh" and site.config.get("tong_hop"):
            return site
    raise LookupError("Không có cổng cấp tỉnh nào khai báo «tong_hop» trong site.yaml.")


def units(root: Path, registry: dict) -> list[dict]:
    """Registry entries resolved to units: local ones take their names from their own site.yaml."""
    resolved = []
    for entry in registry["nguon"]:
        if entry.get("cong"):
            site, _ = sites.load(root / "content" / entry["cong"], root)
            config = site.config if site else {"ten_cong": entry["cong"], "dia_chi_web": ""}
            resolved.append({"ma": entry["cong"], "ten": config.get("ten_day_du", entry["cong"]),
                             "dia_chi_web": config["dia_chi_web"], "noi_bo": True})
        else:
            resolved.append({"ma": entry["ma"], "ten": entry["ten"], "dia_chi_web": entry["dia_chi_web"],
                             "noi_bo": False, "cho_phep": tuple(entry.get("cho_phep_dia_chi", [])),
                             **{c: entry[key] for c, (key, _) in CHANNELS.items() if entry.get(key)}})
    return resolved


def aggregate(root: Path, output_dir: Path, state_dir: Path, as_of: dt.date, now: dt.datetime,
              limits: Limits = Limits(), settings: Settings | None = None) -> AggregateResult:
    """Run the whole aggregation and write ``ket-qua.json`` for the provincial site to render."""
    store = Store(state_dir)
    site = province_site(root)
    registry = site.config["tong_hop"]
    limit = registry.get("so_tin_moi_nguon", 50)
    # 1. Collect every channel of every unit, keeping the last good copy on failure.
    unit_list = units(root, registry)
    collected = {unit["ma"]: {c: _channel(unit, c, output_dir, store, limits, now) for c in CHANNELS}
                 for unit in unit_list}
    #    ...and the search index of every unit built here, for the province-wide search page.
    indexes = search.collect(unit_list, output_dir, state_dir, store, site.id, now)
    # 2. Normalise and merge: one news stream, one catalog per export type.
    news = merge.news_stream([(u, collected[u["ma"]]["tin-tuc"]["data"] or []) for u in unit_list], limit)
    exports = {kind: [(u, collected[u["ma"]][kind]["data"]) for u in unit_list if collected[u["ma"]][kind]["data"]]
               for kind in ("thu-tuc", "van-ban")}
    procedures, documents = merge.catalog(exports["thu-tuc"], "thu-tuc"), merge.catalog(exports["van-ban"], "van-ban")
    # 3. Compliance of the units built here, and its trend over runs.
    local = [u["ma"] for u in unit_list if u["noi_bo"]]
    checked = read_province(root, None, cache_dir=root / ".cache" / "build")  # every site, light form
    evaluation = evaluate(root, as_of, local, settings, checked=checked)
    history = dashboard.update_history(read_json(store.history_path, {}), as_of.isoformat(), evaluation)
    write_json(store.history_path, history)
    health = [_health(u, collected[u["ma"]]) for u in unit_list]
    # 4. Write the result the provincial site renders (tong-hop/ pages, feeds and exports).
    result = {
        "phien_ban": "1.0", "ngay_danh_gia": as_of.isoformat(), "cong_tinh": site.id,
        "tin_tuc": news, "thu_tuc": procedures, "van_ban": documents,
        "so_lieu_thu_tuc": merge.procedure_counts(procedures), "so_lieu_van_ban": merge.document_counts(documents),
        "tuan_thu": dashboard.grid(evaluation), "xu_huong": dashboard.trend(history),
        "lich_su": history, "nguon": health, "tim_kiem": indexes,
    }
    write_json(store.result_path, result)
    return AggregateResult(site.id, as_of, health, {"tin_tuc": len(news), "thu_tuc": len(procedures),
                                                   "van_ban": len(documents)}, checked)


def _channel(unit: dict, channel: str, output_dir: Path, store: Store, limits: Limits, now: dt.datetime) -> dict:
    """Fetch (or read) one channel; on any fault keep the previous data and record the fault."""
    record = store.channel(unit["ma"], channel)
    state = record["state"]
    if state.get("dinh_dang") != parse.FORMAT:
        # Data parsed by an older version (e.g. summaries kept as HTML): fetch and parse it again.
        state = {k: v for k, v in state.items() if k not in ("etag", "last_modified", "sha1")}
    changed = False  # whether the channel's data must be written again
    if unit["noi_bo"]:
        path = output_dir / unit["ma"] / CHANNELS[channel][1]
        url = str(path)
        if path.is_file():
            body, status, error, response = path.read_bytes(), 200, "", None
        else:
            body, status, error, response = b"", 0, f"Chưa có {path.relative_to(output_dir.parent)}: hãy chạy " \
                                                    f"invoke build --site {unit['ma']} trước.", None
    else:
        url = unit.get(channel)
        if not url:
            return {"data": None, "state": {}, "skipped": True}
        response = fetch(url, state.get("etag", ""), state.get("last_modified", ""),
                         allowed=unit.get("cho_phep", ()), limits=limits)
        body, status, error = response.body, response.status, response.error
    state.update({"url": url, "lan_thu_cuoi": now.isoformat(timespec="seconds"), "ma_http": status})
    if not error and status == 304:
        state["loi"] = ""
        state["lan_thanh_cong_cuoi"] = now.isoformat(timespec="seconds")
    elif not error and record.get("data") is not None and state.get("sha1") == hashlib.sha1(body).hexdigest():
        # The same bytes as the last good copy: the same data, nothing to parse or rewrite.
        state.update({"loi": "", "lan_thanh_cong_cuoi": now.isoformat(timespec="seconds"),
                      "etag": response.etag if response else "",
                      "last_modified": response.last_modified if response else ""})
    elif not error:
        try:
            data = parse.parse_feed(body) if channel == "tin-tuc" else parse.parse_export(body, channel)
            if channel == "tin-tuc":
                data = _keep_first_seen(data, record.get("data") or [], now)
            record["data"], changed = data, True
            state.update({"loi": "", "lan_thanh_cong_cuoi": now.isoformat(timespec="seconds"),
                          "etag": response.etag if response else "",
                          "last_modified": response.last_modified if response else "",
                          "sha1": hashlib.sha1(body).hexdigest(), "dinh_dang": parse.FORMAT})
        except parse.SourceError as exc:
            error = str(exc)
    if error:
        state["loi"] = error
        state["ngung"] = status == 410
    record["state"] = state
    store.save_channel(unit["ma"], channel, record, data_changed=changed)
    return record


def _keep_first_seen(items: list[dict], previous: list[dict], now: dt.datetime) -> list[dict]:
    """An undated item keeps the time it was first seen, so the stream order is stable across runs."""
    before = {i["guid"]: i.get("ngay") for i in previous}
    for item in items:
        if not item.get("ngay"):
            item["ngay"] = before.get(item["guid"]) or now.replace(microsecond=0).isoformat()
            item["ngay_uoc_tinh"] = True
    return items


def _health(unit: dict, channels: dict) -> dict:
    """Per unit: overall state, last success, HTTP status, item counts and plain-Vietnamese errors."""
    used = {c: r for c, r in channels.items() if not r.get("skipped")}
    errors = [f"{c}: {r['state']['loi']}" for c, r in used.items() if r["state"].get("loi")]
    have_data = all(r.get("data") for r in used.values())
    if any(r["state"].get("ngung") for r in used.values()):
        state = "ngung"
    elif not errors:
        state = "tot"
    elif have_data:
        state = "cu"
    else:
        state = "chua-co"
    successes = [r["state"].get("lan_thanh_cong_cuoi") for r in used.values() if r["state"].get("lan_thanh_cong_cuoi")]
    feed = used.get("tin-tuc", {})
    return {"ma": unit["ma"], "ten": unit["ten"], "dia_chi_web": unit["dia_chi_web"],
            "loai": "noi-bo" if unit["noi_bo"] else "ben-ngoai", "trang_thai": state,
            "trang_thai_nhan": HEALTH_LABELS[state], "lan_thanh_cong_cuoi": min(successes) if successes else None,
            "ma_http": {c: r["state"].get("ma_http") for c, r in used.items()},
            "so_tin": len(feed.get("data") or []), "loi": errors}

"""Provincial aggregation, stage by stage: collect → normalise → merge → write.

Units built in this repository are read from ``output/<site>/`` (their feed and JSON exports, the
same files a national portal would read); units on other software are fetched over HTTP. Whatever
fails, each channel keeps its last good copy, marked stale with the time of its last success.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
from dataclasses import dataclass, field
from pathlib import Path

from compliance.checks.context import Settings
from compliance.engine import evaluate, read_province
from portal import sites, timeline
from portal.lock import build_lock
from portal.project import Project

from . import addresses, dashboard, merge, normalise, parse, quick_search, search
from .fetch import Request, Response, fetch_all
from .settings import Limits
from .store import FOLDER, Store, read_json, write_json

# channel → (registry key for a remote URL, path inside a built local site). A local unit's news is read from
# its RSS feed: the same items as its Atom feed (titles, addresses, dates and summaries: what the aggregation
# keeps), without each item's whole body, so an edit of a body leaves it as it was (nothing to parse again)
# and the file is a fifth of the size.
CHANNELS = {
    "tin-tuc": ("tin_tuc", "feeds/all.rss.xml"),
    "thu-tuc": ("thu_tuc", "du-lieu/thu-tuc.json"),
    "van-ban": ("van_ban", "du-lieu/van-ban.json"),
}
HEALTH_LABELS = {"tot": "Hoạt động tốt", "cu": "Đang dùng bản lưu gần nhất", "ngung": "Ngừng cung cấp (HTTP 410)",
                 "chua-co": "Chưa lấy được dữ liệu lần nào",
                 "bo-qua": "Dữ liệu bị bỏ qua khi dựng trang"}  # set by pages.py when a source's records break a page


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


def province_site(project: Project) -> sites.Site:
    """The site of level ``tinh`` whose site.yaml holds the aggregation registry."""
    site_dirs, _ = sites.discover(project.content, project.root)
    for site_dir in site_dirs:
        site, _ = sites.load(site_dir, project.root)
        if site and site.config["cap"] == "tinh" and site.config.get("tong_hop"):
            return site
    raise LookupError("Không có cổng cấp tỉnh nào khai báo «tong_hop» trong site.yaml.")


def units(project: Project, registry: dict) -> list[dict]:
    """Registry entries resolved to units: local ones take their names from their own site.yaml.

    A remote unit whose ``cho_phep_dia_chi`` is wrong gets ``loi_cau_hinh`` and is not fetched."""
    resolved = []
    for entry in registry["nguon"]:
        if entry.get("cong"):
            site, _ = sites.load(project.content / entry["cong"], project.root)
            config = site.config if site else {"ten_cong": entry["cong"], "dia_chi_web": ""}
            resolved.append({"ma": entry["cong"], "ten": config.get("ten_day_du", entry["cong"]),
                             "dia_chi_web": config["dia_chi_web"], "noi_bo": True})
            continue
        unit = {"ma": entry["ma"], "ten": entry["ten"], "dia_chi_web": entry["dia_chi_web"], "noi_bo": False,
                "cho_phep": (), **{c: entry[key] for c, (key, _) in CHANNELS.items() if entry.get(key)}}
        try:
            unit["cho_phep"] = addresses.parse_allowances(entry.get("cho_phep_dia_chi", []))
        except addresses.AllowanceError as exc:
            unit["loi_cau_hinh"] = str(exc)
        resolved.append(unit)
    return resolved


def aggregate(project: Project, as_of: dt.date, now: dt.datetime, limits: Limits = Limits(),
              settings: Settings | None = None, resolver=socket.getaddrinfo,
              checked: dict | None = None) -> AggregateResult:
    """Run the whole aggregation and write ``ket-qua.json`` for the provincial site to render.

    Reads the units built in ``project.output``; keeps its state in the project's folder
    :data:`store.FOLDER` (``AGGREGATE_STATE_DIR``). ``checked``: the light checks a build of this run has
    just made (``invoke build --aggregate``), not read again."""
    output_dir, state_dir = project.output, project.folder(FOLDER)
    with build_lock(project.root):  # one build or aggregation of a checkout at a time (portal.lock)
        store = Store(state_dir)
        site = province_site(project)
        registry = site.config["tong_hop"]
        keep = registry.get("so_tin_moi_nguon", 50)
        with timeline.span("aggregate-collect"):
            # 1. Collect: every remote channel at once, within the run deadline; local units from output/.
            unit_list = units(project, registry)
            records = {(u["ma"], c): _parsed_anew(store.channel(u["ma"], c)) for u in unit_list for c in CHANNELS}
            responses = _fetch_remote(unit_list, records, limits, resolver)
            # 2. Normalise: parse what arrived (or keep the last good copy), hold back items dated ahead.
            collected = {u["ma"]: {c: _channel(u, c, records[u["ma"], c], responses.get((u["ma"], c)), output_dir,
                                               store, now, keep, limits) for c in CHANNELS}
                         for u in unit_list}
            #    ...and the search index of every unit built here, for the province-wide search page, and every
            #    unit's items by title, for its quick search.
            indexes = search.collect(unit_list, output_dir, state_dir, store, site.id, now)
            unlisted = quick_search.collect(unit_list, collected, output_dir, state_dir)
            due = {u["ma"]: normalise.due_items(collected[u["ma"]]["tin-tuc"]["data"] or [], now, limits.clock_skew)
                   for u in unit_list}
        with timeline.span("aggregate-merge"):
            # 3. Merge: one news stream, one catalog per export type.
            news = merge.news_stream([(u, due[u["ma"]][0]) for u in unit_list], keep)
            exports = {kind: [(u, collected[u["ma"]][kind]["data"]) for u in unit_list
                              if collected[u["ma"]][kind]["data"]]
                       for kind in ("thu-tuc", "van-ban")}
            procedures = merge.catalog(exports["thu-tuc"], "thu-tuc")
            documents = merge.catalog(exports["van-ban"], "van-ban")
        with timeline.span("aggregate-compliance"):
            # 4. Compliance of the units built here, and its trend over runs.
            local = [u["ma"] for u in unit_list if u["noi_bo"]]
            checked = read_province(project, known=checked)  # every site, light form
            evaluation = evaluate(project, as_of, local, settings, checked=checked)
            history = dashboard.update_history(read_json(store.history_path, {}), as_of.isoformat(), evaluation)
            write_json(store.history_path, history)
        health = [_health(u, collected[u["ma"]], *due[u["ma"]]) for u in unit_list]
        spellings = merge.spelling_notes(procedures)  # one lĩnh vực written two ways is one filter value
        for entry in health:
            entry["ghi_chu"] += spellings.get(entry["ma"], [])
            if entry["ma"] in unlisted:
                entry["ghi_chu"].append(f"tìm nhanh toàn tỉnh: {unlisted[entry['ma']]} (vẫn dùng danh sách đọc được"
                                        " lần trước, nếu có).")
        # 5. Write the result the provincial site renders (tong-hop/ pages, feeds and exports).
        result = {
            "phien_ban": "1.0", "ngay_danh_gia": as_of.isoformat(), "cong_tinh": site.id,
            "tin_tuc": news, "thu_tuc": procedures, "van_ban": documents,
            "so_lieu_thu_tuc": merge.procedure_counts(procedures), "so_lieu_van_ban": merge.document_counts(documents),
            "tuan_thu": dashboard.grid(evaluation), "xu_huong": dashboard.trend(history),
            "lich_su": history, "nguon": health, "tim_kiem": indexes,
        }
        with timeline.span("aggregate-write"):
            store.write_result(result)
        return AggregateResult(site.id, as_of, health, {"tin_tuc": len(news), "thu_tuc": len(procedures),
                                                       "van_ban": len(documents)}, checked)


def refresh_search(project: Project, units: list[str], now: dt.datetime) -> list[str]:
    """After units were indexed anew since the last aggregation: their indexes into the province-wide search
    at once (:func:`search.refresh`), without aggregating and building the provincial site again."""
    with build_lock(project.root):
        site = province_site(project)
        return search.refresh(units, project.output, project.folder(FOLDER), Store(project.folder(FOLDER)),
                              site.id, now)


HEALTH_COLUMNS = ("Nguồn", "Đơn vị", "Tình trạng", "Số tin", "Sự cố")


def terminal(result: AggregateResult) -> str:
    """What ``invoke aggregate`` prints: one row per source (its state, items, faults) and the totals."""
    rows = [HEALTH_COLUMNS] + [(h["ma"], h["ten"], h["trang_thai_nhan"], h["so_tin"],
                                "; ".join(h["loi"] + h.get("ghi_chu", [])) or "-") for h in result.health]
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(HEALTH_COLUMNS))]
    lines = ["  ".join(str(v).ljust(widths[i]) for i, v in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines) + (f"\n\nĐã tổng hợp {result.counts['tin_tuc']} tin, {result.counts['thu_tuc']} thủ tục, "
                               f"{result.counts['van_ban']} văn bản; {len(result.faulty)} nguồn có sự cố (vẫn giữ bản"
                               " lưu gần nhất).")


def _parsed_anew(record: dict) -> dict:
    """A channel whose data an older parser made (e.g. summaries kept as HTML) is fetched and parsed again:
    without its validators and body hash, the source cannot answer 304 nor the same bytes be skipped."""
    if record["state"].get("dinh_dang") != parse.FORMAT:
        record["state"] = {k: v for k, v in record["state"].items() if k not in ("etag", "last_modified", "sha1")}
    return record


def _fetch_remote(unit_list: list[dict], records: dict, limits: Limits, resolver) -> dict:
    """(unit code, channel) → :class:`Response` of every remote channel, all fetched in one bounded run."""
    remote = [(u, c) for u in unit_list for c in CHANNELS if not u["noi_bo"] and u.get(c) and not u.get("loi_cau_hinh")]
    requests = [Request(u[c], records[u["ma"], c]["state"].get("etag", ""),
                        records[u["ma"], c]["state"].get("last_modified", ""), u["cho_phep"]) for u, c in remote]
    return {(u["ma"], c): response
            for (u, c), response in zip(remote, fetch_all(requests, limits, resolver), strict=True)}


def _channel(unit: dict, channel: str, record: dict, response: Response | None, output_dir: Path, store: Store,
             now: dt.datetime, keep: int, limits: Limits) -> dict:
    """Read (local) or take the fetched answer of one channel; on any fault keep the previous data."""
    state = record["state"]
    changed = False  # whether the channel's data must be written again
    if unit["noi_bo"]:
        path = output_dir / unit["ma"] / CHANNELS[channel][1]
        url = str(path)
        if path.is_file():
            body, status, error = path.read_bytes(), 200, ""
        else:
            body, status, error = b"", 0, f"Chưa có {path.relative_to(output_dir.parent)}: hãy chạy " \
                                          f"invoke build --site {unit['ma']} trước."
    else:
        url = unit.get(channel)
        if not url:
            return {"data": None, "state": {}, "skipped": True}
        if unit.get("loi_cau_hinh"):
            body, status, error = b"", 0, unit["loi_cau_hinh"]
        else:
            body, status, error = response.body, response.status, response.error
    if record.get("data") is not None and state.get("chuan_hoa") != normalise.VERSION:
        # Stored by an older version: the same rules as fresh data (caps, dates, optional fields).
        record["data"], state["ghi_chu"] = _normalise(channel, record["data"], now, keep, limits)
        state["chuan_hoa"], changed = normalise.VERSION, True
    state.update({"url": url, "lan_thu_cuoi": now.isoformat(timespec="seconds"), "ma_http": status})
    validators = {"etag": response.etag if response else "",
                  "last_modified": response.last_modified if response else ""}
    if not error and status == 304:
        state["loi"] = ""
        state["lan_thanh_cong_cuoi"] = now.isoformat(timespec="seconds")
    elif not error and record.get("data") is not None and state.get("sha1") == hashlib.sha1(body).hexdigest():
        # The same bytes as the last good copy: the same data, nothing to parse or rewrite. A unit built here
        # is a file in output/, read whenever the province aggregates: reading the same file again is no news,
        # so its time stays that of the data (and the provincial site, unchanged, is not built again). A
        # remote source's time is that of the last answer, as the health page's column says.
        if not (unit["noi_bo"] and not state.get("loi") and state.get("lan_thanh_cong_cuoi")):
            state["lan_thanh_cong_cuoi"] = now.isoformat(timespec="seconds")
        state.update({"loi": "", **validators})
    elif not error:
        try:
            data = parse.parse_feed(body) if channel == "tin-tuc" else parse.parse_export(body, channel)
            record["data"], notes = _normalise(channel, data, now, keep, limits)
            changed = True
            state.update({"loi": "", "lan_thanh_cong_cuoi": now.isoformat(timespec="seconds"), **validators,
                          "sha1": hashlib.sha1(body).hexdigest(), "ghi_chu": notes, "chuan_hoa": normalise.VERSION,
                          "dinh_dang": parse.FORMAT})
        except parse.SourceError as exc:
            error = str(exc)
    if error:
        state["loi"] = error
        state["ngung"] = status == 410
    record["state"] = state
    store.save_channel(unit["ma"], channel, record, data_changed=changed)
    return record


def _normalise(channel: str, data, now: dt.datetime, keep: int, limits: Limits):
    if channel == "tin-tuc":
        return normalise.feed_items(data, now, keep, limits.clock_skew)
    return normalise.export(data, channel, limits.max_records)


def _health(unit: dict, channels: dict, shown: list[dict], held: list[str]) -> dict:
    """Per unit: overall state, last success, HTTP status, item counts, plain-Vietnamese errors and notes."""
    used = {c: r for c, r in channels.items() if not r.get("skipped")}
    errors = [f"{c}: {r['state']['loi']}" for c, r in used.items() if r["state"].get("loi")]
    notes = [f"{c}: {n}" for c, r in used.items() for n in r["state"].get("ghi_chu", [])]
    notes += [f"tin-tuc: {n}" for n in held]
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
    return {"ma": unit["ma"], "ten": unit["ten"], "dia_chi_web": unit["dia_chi_web"],
            "loai": "noi-bo" if unit["noi_bo"] else "ben-ngoai", "trang_thai": state,
            "trang_thai_nhan": HEALTH_LABELS[state], "lan_thanh_cong_cuoi": min(successes) if successes else None,
            "ma_http": {c: r["state"].get("ma_http") for c, r in used.items()},
            "so_tin": len(shown), "loi": errors, "ghi_chu": notes}

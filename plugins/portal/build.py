"""Build a whole province: every component site checked, rendered and indexed in parallel.

``build_province`` is the pipeline, stage by stage. Each site renders in a worker process into a
temporary folder beside its output; one thread of the parent then indexes it for search and replaces
``output/<site>/`` only when it built cleanly, so a failed build leaves the last good site in place and
one broken site never stops the others: a site whose check or render fails unexpectedly (even a
worker process that dies) gets a problem and keeps its last good output. A site
whose inputs (content hashes, code, settings, the evaluation date, which items are still scheduled
and what it cites from other sites) are unchanged since its last publish is not rendered again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import check, crashes, history, incremental, listing, province_index, render, schedule, sites, staging, timeline
from .atomic import write_text
from .cache import code_version, read_pickle, write_pickle
from .lock import build_lock
from .problems import ERROR, WARNING, Problem, relpath
from .project import Project

REPORT_NAME = "build-report.json"
PUBLISHED = "published.pickle"  # in the build folder: site id → (fingerprint, output folder) of its last publish


@dataclass
class SiteTask:
    """What a worker needs to render one site (picklable)."""

    project: Project
    site_dir: Path
    listed: listing.Listing | None  # the site's inputs as the check stage listed them (None: list them again)
    search: bool = True
    overrides: dict = field(default_factory=dict)  # this site's Pelican settings: PORTAL_PROVINCE...
    now: dt.datetime | None = None  # the build's now: which items are due (portal.schedule)

    @property
    def output_dir(self) -> Path:
        return self.project.output


@dataclass
class SiteResult:
    site_id: str
    built: bool
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    items: int = 0
    name: str = ""
    url: str = ""
    crash: str = ""
    skipped: bool = False  # inputs unchanged since the last publish: nothing rendered
    kept: int = 0          # files whose bytes did not change (inode and mtime kept)
    staged: str = ""       # rendered, waiting to be indexed and published (between the two stages)
    pages: dict | None = None  # the page manifest of the render (portal.incremental)
    reused: int = 0        # pages not rendered again: their inputs were unchanged (portal.incremental)
    rendered: int = 0      # pages rendered
    scheduled: list[tuple[str, str]] = field(default_factory=list)  # (file, publication time): not yet published


@dataclass
class ProvinceResult:
    sites: list[SiteResult]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return all(s.built for s in self.sites) and not any(p.severity == ERROR for p in self.problems)

    def all_problems(self) -> list[Problem]:
        return sorted(self.problems + [p for s in self.sites for p in s.problems])


@dataclass(frozen=True)
class Moment:
    """When the build happens: ``now`` decides which items are due, ``as_of`` is the evaluation date."""

    now: dt.datetime
    as_of: dt.date

    @classmethod
    def of(cls, project: Project, now: dt.datetime | None) -> Moment:
        """``now`` given (``--as-of``) fixes both; else the clock (Vietnam time) and the HEAD commit's date,
        so two builds of one commit evaluate alike."""
        if now is not None:
            return cls(now, now.date())
        return cls(schedule.now(), history.head_date(project.root) or dt.date.today())


@dataclass
class SitePlan:
    """One selected site: the fingerprint of its inputs, and either its task or (unchanged) its result."""

    site_id: str
    fingerprint: str
    task: SiteTask | None = None
    unchanged: SiteResult | None = None


def build_province(project: Project, site_ids: list[str] | None = None, *, jobs: int = 0, search: bool = True,
                   force: bool = False, now: dt.datetime | None = None, checked: dict | None = None) -> ProvinceResult:
    """Build the selected sites (all when ``site_ids`` is empty) and the province index page.

    ``checked`` (site id → light SiteCheck of every site, as :func:`compliance.engine.read_province`
    returns) may be passed by a caller that has just read them, such as ``invoke aggregate``.
    ``now`` (default: the clock, Vietnam time) decides which items are due; given, it is also the
    evaluation date (``invoke build --as-of``). ``force`` renders every selected site and page again.
    One build at a time per project (:mod:`portal.lock`)."""
    # Each stage is a span of the build's timeline (portal.timeline: recorded only when asked for).
    with build_lock(project.root):
        with timeline.span("start"):
            staging.remove_stale(project.output)  # 0. What a killed build left behind.
            moment = Moment.of(project, now)
            # 1. The sites: every one under content/, and those asked for (an unknown one is a problem).
            found, selected, problems = select_sites(project, site_ids)
        # 2. List, fingerprint and check every site: cross-site rules read the others' văn bản, and the
        #    provincial site reports on every site.
        with timeline.span("check"):
            checks, listings = check_sites(project, found, selected, moment.now, jobs, checked)
        # 3. Plan: what each selected site is made of; one whose inputs are as last published is skipped.
        with timeline.span("plan"):
            plans = plan_sites(project, selected, checks, listings, moment, search, force)
        # 4. Render the others in worker processes; one thread indexes each for search and swaps it in.
        with timeline.span("render"):
            rendered = render_sites([plan.task for plan in plans if plan.task], jobs)
            remember_published(project, plans, rendered)
        # 5. The province index and the machine-readable report, in a stable order.
        with timeline.span("results"):
            return write_results(project, found, problems, plans, rendered)


def select_sites(project: Project, site_ids: list[str] | None) -> tuple[list[Path], list[Path], list[Problem]]:
    """(every site folder, the selected ones, problems): an unknown ``--site`` is a problem, not a crash."""
    found, problems = sites.discover(project.content, project.root)
    known = {d.name: d for d in found}
    for wanted in site_ids or []:
        if wanted not in known:
            problems.append(Problem("content/", 0, f"Không có cổng mã «{wanted}».",
                                    expected="một trong: " + ", ".join(sorted(known)), found=wanted,
                                    code="khong-co-cong"))
    selected = [known[s] for s in site_ids if s in known] if site_ids else found
    project.output.mkdir(parents=True, exist_ok=True)
    return found, selected, problems


def check_sites(project: Project, found: list[Path], selected: list[Path], now: dt.datetime, jobs: int,
                checked: dict | None) -> tuple[dict, dict]:
    """(site id → light SiteCheck of every site, in discovery order; site id → Listing of those listed here).

    A selected site (every site, when the provincial one is selected) is checked in full; the others only
    for their văn bản. A site none of whose files changed comes from its light cache, read here: cheaper
    than sending it back from a worker; the others are checked in parallel, from the listing made here.
    Workers send back the light form (no bodies or HTML), which keeps the parent's memory small."""
    if checked is not None and set(checked) == {d.name for d in found}:
        return dict(checked), {}
    names = {d.name for d in selected}
    province_wide = any(_is_province(d, project.root) for d in selected)
    cache = project.folder("build")
    listings, checks, pending = {}, {}, []
    for site_dir in found:
        if not (province_wide or site_dir.name in names):
            pending.append((project, site_dir, None, now))  # only its văn bản: no light cache
            continue
        with timeline.span("list", site_dir.name):
            listed = _listed(project, site_dir)
        if isinstance(listed, check.SiteCheck):  # listing it failed: the site's problem
            checks[site_dir.name] = listed
            continue
        listings[site_dir.name] = listed
        stored = check.stored_light(listed, cache)
        if stored is not None:
            checks[site_dir.name] = check.due(stored, now, project.settings)
        else:
            pending.append((project, site_dir, listed, now))
    for result in _parallel(_check_worker, pending, jobs, _check_failed):
        checks[result.site_dir.name] = result
    return {d.name: checks[d.name] for d in found}, listings


def _listed(project: Project, site_dir: Path) -> listing.Listing | check.SiteCheck:
    """The site's listing, or (listing it failed unexpectedly) its check with that problem."""
    try:
        return listing.list_site(site_dir, project.root, project.folder("build"), settings=project.settings)
    except Exception as exc:  # noqa: BLE001 - the site's problem, not the run's
        return check.crashed(site_dir, project.root, exc)


def _is_province(site_dir: Path, root: Path) -> bool:
    try:
        site, _ = sites.load(site_dir, root)
    except Exception:  # noqa: BLE001 - the site's own check reports it; here it is just not the province
        return False
    return bool(site and site.config.get("cap") == "tinh")


def _check_worker(args) -> check.SiteCheck:
    project, site_dir, listed, now = args
    root, cache, settings = project.root, project.folder("build"), project.settings
    if listed is None:  # a site read only for its văn bản
        with timeline.span("check-van-ban", site_dir.name):
            return check.guarded(site_dir, root, now, lambda: check.validate(
                listing.list_site(site_dir, root, cache, sections=("van-ban",), settings=settings), cache).light(),
                settings)
    with timeline.span("check", site_dir.name):
        return check.guarded(site_dir, root, now, lambda: check.validate_light(listed, cache), settings)


def _check_failed(args, exc: Exception) -> check.SiteCheck:
    project, site_dir, *_ = args
    return check.crashed(site_dir, project.root, exc)


def plan_sites(project: Project, selected: list[Path], checks: dict, listings: dict, moment: Moment, search: bool,
               force: bool) -> list[SitePlan]:
    """Each selected site's fingerprint and page digests, computed once; a site whose fingerprint is the last
    published one (and still in place) is skipped, the others get their render task. Biggest first, so the
    pool of workers stays busy (a selected site was checked in full: all its documents)."""
    evidence = history.read(project.root)  # shared by every site's compliance report
    light = {sid: c.light(("van-ban",)) for sid, c in checks.items()}
    cited = _documents_index(light)
    base = {"code": code_version(), "settings": project.settings_file.name, "as_of": moment.as_of.isoformat(),
            "search": search, "overrides": json.dumps(dict(project.overrides), sort_keys=True, default=str),
            "sites": sorted((sid, json.dumps(c.site.config, sort_keys=True, default=str) if c.site else "")
                            for sid, c in checks.items())}
    published = read_pickle(project.folder("build") / PUBLISHED, {}) or {}
    where = str(project.output.resolve())
    plans = []
    for site_dir in sorted(selected, key=lambda d: (len(checks[d.name].documents), d.name), reverse=True):
        sid = site_dir.name
        whole = bool(checks[sid].site and checks[sid].site.config.get("cap") == "tinh")
        fingerprint, digests = _site_inputs(project, sid, checks, cited, evidence, base, whole)
        if (not force and checks[sid].ok and published.get(sid) == (fingerprint, where)
                and (project.output / sid / "index.html").is_file()):
            plans.append(SitePlan(sid, fingerprint, unchanged=_summary(checks[sid], built=True, skipped=True)))
            continue
        previous = {} if force else incremental.read_manifest(
            incremental.manifest_path(project.folder("build"), sid), project.output / sid)
        digests.update(published=str(project.output / sid), previous=previous.get("trang", {}),
                       search=previous.get("tim_kiem", ""))
        # The provincial site reports on every site; another site needs only the others' văn bản.
        province = checks if whole else {s: (checks[s] if s == sid else light[s]) for s in checks}
        extra = {"PORTAL_PROVINCE": province, "PORTAL_EVIDENCE": evidence, "PORTAL_AS_OF": moment.as_of,
                 "PORTAL_PAGE_DIGESTS": digests, "PORTAL_NOW": moment.now}
        plans.append(SitePlan(sid, fingerprint, task=SiteTask(project, site_dir, listings.get(sid), search, extra,
                                                              moment.now)))
    return plans


def _site_inputs(project: Project, sid: str, checks: dict, cited: dict, evidence: dict, base: dict,
                 whole: bool) -> tuple[str, dict]:
    """(fingerprint, page digests) of a site: everything its output depends on, digested once.

    The provincial site (``whole``) reports on every site, so it depends on their metadata; another site
    depends on its own files and on the văn bản its procedures cite. The page digests are what
    :mod:`portal.incremental` keys each page with, by the class of what the page reads
    (:class:`portal.contract.Incremental`)."""
    own = checks[sid]
    prefix = f"content/{sid}/"
    own_evidence = sorted((k, str(v)) for k, v in evidence.items() if k.startswith(prefix))
    others = json.dumps(sorted((o, checks[o].metadata) for o in checks)) if whole else _cited_index(own, cited)
    build = _sha1(json.dumps([base, own_evidence], sort_keys=True))
    other_sites = _sha1(f"{others}\0{_saved_state(project, sid, whole)}")
    # Which items are still scheduled is part of it: the first build after one falls due publishes it.
    fingerprint = _sha1(json.dumps([build, own.fingerprint, [d.rel for d in own.scheduled], other_sites]))
    return fingerprint, {"build": build, "site_content": own.metadata, "other_sites": other_sites}


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _saved_state(project: Project, sid: str, whole: bool) -> str:
    """The files outside content/ that a site's pages are made of: each plugin declares which of its
    folder's files a site reads (:attr:`portal.contract.CacheFolder.site_inputs`)."""
    digest = hashlib.sha1()
    for declared in project.contract.folders():
        folder = project.folder(declared.name)
        if declared.site_inputs is None or not folder.is_dir():
            continue
        for path in declared.site_inputs(folder, sid, whole):
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _documents_index(light: dict) -> dict:
    """Every site's văn bản by number: status, expiry and file, what a citing procedure shows."""
    return {d.fields["so_ky_hieu"].casefold(): (d.fields.get("tinh_trang"), str(d.fields.get("ngay_het_hieu_luc")),
                                                d.rel) for c in light.values() for d in c.documents}


def _cited_index(own: check.SiteCheck, index: dict) -> str:
    """The văn bản this site's procedures cite, as they stand anywhere in the province."""
    cited = sorted({ref["so_ky_hieu"].casefold() for d in own.documents for ref in
                    (d.fields.get("can_cu_phap_ly") or [])})
    return json.dumps([(k, index.get(k)) for k in cited])


def remember_published(project: Project, plans: list[SitePlan], rendered: list[SiteResult]) -> None:
    """The fingerprint each site was published with, so the next build can skip it while unchanged."""
    path = project.folder("build") / PUBLISHED
    published = read_pickle(path, {}) or {}
    for plan, result in zip([p for p in plans if p.task], rendered, strict=True):
        if result.built:
            published[plan.site_id] = (plan.fingerprint, str(project.output.resolve()))
        else:
            published.pop(plan.site_id, None)
    write_pickle(path, published)


def write_results(project: Project, found: list[Path], problems: list[Problem], plans: list[SitePlan],
                  rendered: list[SiteResult]) -> ProvinceResult:
    """The province index page and ``build-report.json``; the result, sites in id order."""
    results = sorted([p.unchanged for p in plans if p.unchanged] + rendered, key=lambda r: r.site_id)
    result = ProvinceResult(results, problems)
    province_index.write(project.output, project.content)
    write_report(result, project.output / REPORT_NAME, [d.name for d in found])
    return result


def _workers(jobs: int, count: int) -> int:
    return min(jobs or os.cpu_count() or 1, count) or 1


def _pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _parallel(function, items: list, jobs: int, failed) -> list:
    """``function`` of every item in worker processes; ``failed(item, exc)`` stands in for an item whose
    worker died (``function`` itself reports its failures)."""
    workers = _workers(jobs, len(items))
    if workers == 1:
        return [function(item) for item in items]
    with _pool(workers) as pool:
        futures = [pool.submit(function, item) for item in items]
        results = []
        for item, future in zip(items, futures, strict=True):
            try:
                results.append(future.result())
            except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: the other sites go on
                results.append(failed(item, exc))
        return results


def _summary(checked: check.SiteCheck, built: bool, skipped: bool = False) -> SiteResult:
    result = SiteResult(checked.site_dir.name, built, list(checked.problems), items=len(checked.documents),
                        skipped=skipped, scheduled=[(d.rel, schedule.shown(schedule.publication_date(d.fields)))
                                                    for d in checked.scheduled])
    if checked.site:
        result.name, result.url = checked.site.name, checked.site.config.get("dia_chi_web", "")
    return result


def render_site(task: SiteTask) -> SiteResult:
    """Stage 1 of a site, in a worker: check it again in full and render it with Pelican into a
    temporary folder beside its output (``result.staged``). Never raises; a failure leaves no folder."""
    with timeline.span("render", task.site_dir.name):
        return _render_site(task)


def _render_site(task: SiteTask) -> SiteResult:
    started = time.perf_counter()
    site_id = task.site_dir.name
    tmp = staging.site_folder(task.output_dir, site_id)
    summary = task.overrides["PORTAL_PROVINCE"][site_id]
    result = _summary(summary, built=False)
    try:
        if not summary.ok:  # 1. Invalid content: report it, touch no output.
            return result
        # The site in full (bodies and checked HTML) comes back from the content-hash cache, from the
        # listing the check stage made (its files are not listed and hashed again).
        root, cache, settings = task.project.root, task.project.folder("build"), task.project.settings
        with timeline.span("load", site_id):
            checked = check.guarded(task.site_dir, root, task.now, lambda: check.validate(
                task.listed or listing.list_site(task.site_dir, root, cache, settings=settings), cache), settings)
        if not checked.ok:  # edited again since the check phase, and now broken
            result.problems = list(checked.problems)
            return result
        render.clear(tmp)  # 2. Render with Pelican into a fresh temporary folder.
        warnings, writer = render.run_pelican(task.project, checked, tmp, task.overrides)
        result.problems += warnings
        if isinstance(writer, incremental.IncrementalWriter):
            writer.reads.save()  # what the templates read, analysed once per render
        if any(p.severity == ERROR for p in warnings):
            render.clear(tmp)
            return result
        if isinstance(writer, incremental.IncrementalWriter) and writer.enabled:  # reusable next time, page by page
            result.pages = writer.pages
            result.reused, result.rendered = writer.stats["reused"], writer.stats["rendered"] + writer.stats["uncached"]
        result.staged = str(tmp)
        return result
    except Exception as exc:  # an unexpected failure of our own: keep the traceback, keep going
        render.clear(tmp)
        return _crashed(task, result, exc)
    finally:
        result.seconds = round(time.perf_counter() - started, 3)


def finish_site(task: SiteTask, result: SiteResult, slots: render.SearchSlots | None = None) -> SiteResult:
    """Stage 2 of a site, in one of the parent's indexing threads: the Pagefind index (or the published
    one, when no indexed page changed; ``slots`` says how many Pagefinds may run at once), then the atomic
    swap and the page manifest. Never raises."""
    if not result.staged:
        return result
    started = time.perf_counter()
    site_id = task.site_dir.name
    tmp = Path(result.staged)
    try:
        search = ""
        if task.search:  # 3. Index for search (Pagefind), unless every indexed page is as last published.
            digests = task.overrides.get("PORTAL_PAGE_DIGESTS") or {}
            with timeline.span("search-digest", site_id):
                search = render.search_digest(tmp)
            if not (digests.get("search") == search and render.reuse_search(task.output_dir / site_id, tmp)):
                result.problems += render.index_search(tmp, relpath(task.site_dir, task.project.root), slots)
        if any(p.severity == ERROR for p in result.problems):
            return result
        with timeline.span("publish", site_id):
            result.kept = render.publish(tmp, task.output_dir / site_id)  # 4. Swap the new site in.
        result.built = True
        _crash_log(task).unlink(missing_ok=True)  # an earlier crash, now mended
        if result.pages is not None:
            incremental.write_manifest(incremental.manifest_path(task.project.folder("build"), site_id),
                                       task.output_dir / site_id, result.pages, search)
        return result
    except Exception as exc:  # noqa: BLE001 - reported like any other failure of our own
        return _crashed(task, result, exc)
    finally:
        render.clear(tmp)
        result.staged, result.pages = "", None
        result.seconds = round(result.seconds + time.perf_counter() - started, 3)


def _crashed(task: SiteTask, result: SiteResult, exc: Exception) -> SiteResult:
    problem = crashes.problem(task.project.root, relpath(task.site_dir, task.project.root), exc, "xay-dung")
    result.problems.append(problem)
    result.crash = str(_crash_log(task))
    result.built = False
    return result


def _crash_log(task: SiteTask) -> Path:
    return crashes.log_path(task.project.root, f"{relpath(task.site_dir, task.project.root)}.xay-dung")


def render_sites(tasks: list[SiteTask], jobs: int) -> list[SiteResult]:
    """Render in worker processes while threads of the parent index and publish each site as it arrives,
    without making a worker wait. Pagefind (~280 MB per 1,000 pages) runs one at a time while every
    worker renders; each worker that has no site left frees a core for one more Pagefind, so the last
    sites' indexes overlap instead of leaving cores idle at the end of the build."""
    if not tasks:
        return []
    finishing: dict[int, Future] = {}
    workers = _workers(jobs, len(tasks))
    slots = render.SearchSlots(1)
    with ThreadPoolExecutor(max_workers=workers) as indexer:
        if workers == 1:
            for index, task in enumerate(tasks):
                finishing[index] = indexer.submit(finish_site, task, render_site(task), slots)
        else:
            with _pool(workers) as pool:
                futures = {pool.submit(render_site, task): index for index, task in enumerate(tasks)}
                for done, future in enumerate(as_completed(futures), start=1):
                    index = futures[future]
                    idle = workers - min(workers, len(tasks) - done)  # workers with no site left to render
                    slots.widen(min(workers, 1 + idle))
                    finishing[index] = indexer.submit(finish_site, tasks[index], _rendered(tasks[index], future),
                                                      slots)
        return [finishing[index].result() for index in range(len(tasks))]


def _rendered(task: SiteTask, future: Future) -> SiteResult:
    """The worker's result; when the worker itself died (killed, out of memory), that site's failure alone."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: the other sites go on
        summary = task.overrides["PORTAL_PROVINCE"][task.site_dir.name]
        return _crashed(task, _summary(summary, built=False), exc)


def write_report(province: ProvinceResult, path: Path, sites_now=()) -> None:
    """``build-report.json``: per site built or not, counts and every problem (no timings: reproducible).

    A site this run did not build (``--site``, or ``invoke aggregate`` building only the provincial site)
    keeps its entry and problems from the last report, marked ``"lan_nay": false``, while it still exists
    (``sites_now``). ``thanh_cong`` is this run's result, ``ca_tinh_thanh_cong`` every site's last one."""
    this_run = {s.site_id for s in province.sites}
    previous = _read_report(path)
    kept = [dict(entry, lan_nay=False) for entry in previous.get("cong", [])
            if isinstance(entry, dict) and entry.get("ma") in set(sites_now) - this_run]
    kept_ids = {entry["ma"] for entry in kept}
    problems = [dict(asdict(p), cong=s.site_id) for s in province.sites for p in s.problems]
    problems += [dict(asdict(p), cong="") for p in province.problems]
    problems += [p for p in previous.get("van_de", []) if isinstance(p, dict) and p.get("cong") in kept_ids]
    entries = [{"ma": s.site_id, "ten": s.name, "da_xay_dung": s.built, "so_muc": s.items,
                "so_loi": sum(p.severity == ERROR for p in s.problems),
                "so_canh_bao": sum(p.severity == WARNING for p in s.problems),
                "hen_gio_dang": [{"tep": rel, "ngay_dang": when} for rel, when in s.scheduled], "lan_nay": True}
               for s in province.sites]
    entries = sorted(entries + kept, key=lambda e: e["ma"])
    data = {
        "phien_ban": "1.1",
        "thanh_cong": province.ok,
        "ca_tinh_thanh_cong": province.ok and all(e.get("da_xay_dung") and not e.get("so_loi") for e in kept),
        "cong": entries,
        "van_de": sorted(problems, key=_problem_order),
    }
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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

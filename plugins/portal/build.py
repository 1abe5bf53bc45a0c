"""Build a whole province: every component site checked, rendered, published, then indexed for search.

``build_province`` is the pipeline, stage by stage. Each site renders in a worker process into a
temporary folder beside its output; one thread of the parent then replaces ``output/<site>/`` with it
(its last good search index linked in) only when it built cleanly, so a failed build leaves the last good
site in place and one broken site never stops the others: a site whose check or render fails unexpectedly
(even a worker process that dies) gets a problem and keeps its last good output. A site whose inputs
(content hashes, code, settings, the evaluation date, which items are still scheduled and what it cites
from other sites) are unchanged since its last publish is not rendered again.
Once every site is online, the sites whose indexed pages changed are indexed for search one after the
other, each new index swapped in atomically (:mod:`portal.search_index`); an index that fails leaves the
last good one and is reported (the site is built again by the next build).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    check,
    crashes,
    history,
    incremental,
    indexing,
    listing,
    province_index,
    render,
    schedule,
    search_index,
    search_supplement,
    sites,
    staging,
    timeline,
)
from .build_report import REPORT_NAME, write_report
from .cache import code_version, read_pickle, write_pickle
from .lock import build_lock
from .problems import ERROR, Problem, relpath
from .project import Project

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
    search: str = ""       # the search index after this run: one of SEARCH_STATES ("" while not published)
    search_due: str = ""   # the digest of the indexed pages, while the published index is older than them
    published_at: float = 0.0  # time.time() when the new pages went online (0: not published this run)
    indexed_at: float = 0.0    # time.time() when the new search index was swapped in (0: none this run)
    supplemented_at: float = 0.0  # time.time() when the changed pages were searchable through a supplement
    search_parts: dict | None = None  # indexed page → digest of its indexed part, while its index is due


# The search index of a site after a build, as build-report.json says it.
SEARCH_STATES = {
    "moi": "new index swapped in after publishing",
    "giu-nguyen": "no indexed page changed: the published index is kept",
    "loi": "indexing failed: the last good index stays (the next build indexes again)",
    "khong-doi": "the site was not built again (unchanged)",
    "tat": "built without search (--no-search)",
    "dang-tao": "published; its new index is being made (the report is written again when it is done)",
}


@dataclass
class ProvinceResult:
    sites: list[SiteResult]
    problems: list[Problem]
    started: float = 0.0  # time.time() when the build began
    found: list[str] = field(default_factory=list)  # every site id under content/ (the report keeps their entries)
    # Site id → light check of every site this build checked in full (not only for its văn bản): what the
    # aggregation that may follow reads instead of reading them again (compliance.engine.read_province).
    checks: dict = field(default_factory=dict, repr=False)
    # The search indexes begun while the sites still rendered (EarlyIndex), finished by index_published.
    indexing: indexing.EarlyIndex | None = field(default=None, repr=False)
    # Sites published whose search index and publish record are still to be written (index_published).
    pending: list[tuple[SitePlan, SiteResult]] = field(default_factory=list, repr=False)
    reported: bool = False  # build-report.json holds this result (else index_published writes it)

    @property
    def ok(self) -> bool:
        return (all(s.built for s in self.sites) and not any(p.severity == ERROR for p in self.problems)
                and not self.search_failed)

    @property
    def search_failed(self) -> list[SiteResult]:
        """Sites published whose new search index failed (they keep the last good one)."""
        return [s for s in self.sites if s.search == "loi"]

    @property
    def exit_code(self) -> int:
        """0 all built; 3 every site online and without errors but a search index failed (the last good one
        stays); 1 otherwise (content errors: a site keeps its last good output)."""
        if self.ok:
            return 0
        others = [p for p in self.all_problems() if p.severity == ERROR and p.code != "pagefind"]
        return 3 if all(s.built for s in self.sites) and not others else 1

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
                   force: bool = False, now: dt.datetime | None = None, checked: dict | None = None,
                   published=None, index: bool = True) -> ProvinceResult:
    """Build the selected sites (all when ``site_ids`` is empty) and the province index page.

    ``checked`` (site id → light SiteCheck of every site, as :func:`compliance.engine.read_province`
    returns) may be passed by a caller that has just read them, such as ``invoke aggregate``.
    ``now`` (default: the clock, Vietnam time) decides which items are due; given, it is also the
    evaluation date (``invoke build --as-of``). ``force`` renders every selected site and page again.
    ``published(result)``, when given, is called once every site is online (``invoke build`` prints the
    time). Each site's search index is begun as soon as that site is published (:class:`indexing.EarlyIndex`); the
    build waits for them in stage 6, or with ``index=False`` leaves stage 6 to the caller, who calls
    :func:`index_published` once it has published what else it publishes (``invoke build --aggregate``: the
    provincial aggregate), and with it the writing of ``build-report.json``, which is not on the way to
    that. One build at a time per project (:mod:`portal.lock`)."""
    started = time.time()
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
        # 4. Render the others in worker processes; one thread swaps each in as it arrives (last good index
        #    kept) and stage 6 begins at once for it, beside the render workers (EarlyIndex).
        tasks = [plan.task for plan in plans if plan.task]
        early = indexing.EarlyIndex(_workers(jobs, len(tasks))) if search and tasks else None
        with timeline.span("render"):
            rendered = render_sites(tasks, jobs, early)
        if early:
            early.rendering = False  # the workers are gone: an index waiting for memory may start
        # 5. The province index and the machine-readable report, in a stable order: every site is online.
        with timeline.span("results"):
            result = write_results(project, found, problems, plans, rendered, started, report=index)
        result.pending = list(zip([plan for plan in plans if plan.task], rendered, strict=True))
        result.checks = {sid: c for sid, c in checks.items() if c.sections is None}
        result.indexing = early
        if published is not None:
            published(result)
        # 6. Index for search the sites whose indexed pages changed; remember what was published.
        if index:
            index_published(project, result, jobs)
        return result


def index_published(project: Project, result: ProvinceResult, jobs: int = 0,
                    report: ProvinceResult | None = None) -> None:
    """Stage 6 of :func:`build_province`: the search index of every site it published whose indexed pages
    changed, up to ``jobs`` at a time, each swapped in atomically (:func:`index_sites`), the report written
    (again, when stage 5 wrote it and an index changed it); then the fingerprint each site was published
    with (a site whose index failed is built again next time), and the versions of the sites it replaced are
    removed (:func:`render.publish`, ``retire_later``). ``report``: the result the report is written
    from, ``result`` by default (``invoke build --aggregate`` gives the units' and the provincial site's
    builds as one, so neither marks the other's sites as not built in this run)."""
    with build_lock(project.root), timeline.span("index"):
        pending, result.pending = result.pending, []
        early, result.indexing = result.indexing, None
        plans, rendered = [plan for plan, _ in pending], [site for _, site in pending]
        begun = early.finish() if early else False
        tasks = [plan.task for plan in plans]
        if indexing.index_sites(tasks, rendered, _workers(jobs, len(tasks))) or begun or not result.reported:
            report = report or result
            write_report(report, project.output / REPORT_NAME, report.found)
            result.reported = True
        remember_published(project, plans, rendered)
        for task in tasks:  # the versions the publishing replaced: every page of the run is online by now
            render.remove_retired(task.output_dir / task.site_dir.name)


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
    for their văn bản, unless their light cache from a full check is still valid (``invoke build --aggregate``
    selects every site but the provincial one). A site none of whose files changed comes from its light
    cache, read here: cheaper than sending it back from a worker; the others are checked in parallel, from
    the listing made here.
    Workers send back the light form (no bodies or HTML), which keeps the parent's memory small."""
    if checked is not None and set(checked) == {d.name for d in found}:
        return dict(checked), {}
    names = {d.name for d in selected}
    province_wide = any(_is_province(d, project.root) for d in selected)
    listings, checks = {}, {}
    with _Parallel(_check_worker, jobs, len(found), _check_failed) as pending:
        _list_sites(project, found, names, province_wide, now, listings, checks, pending)
        for result in pending.results():
            checks[result.site_dir.name] = result
    return {d.name: checks[d.name] for d in found}, listings


def _list_sites(project: Project, found: list[Path], names: set, province_wide: bool, now: dt.datetime,
                listings: dict, checks: dict, pending: _Parallel) -> None:
    """List every site; a site whose light check is stored goes into ``checks``, the others to ``pending``
    (checked as soon as they are listed)."""
    cache = project.folder("build")
    for site_dir in found:
        full = province_wide or site_dir.name in names
        with timeline.span("list", site_dir.name):
            listed = _listed(project, site_dir)
        if isinstance(listed, check.SiteCheck):  # listing it failed: the site's problem
            if full:
                checks[site_dir.name] = listed
            else:
                pending.add((project, site_dir, None, now))
            continue
        stored = check.stored_light(listed, cache)
        if stored is not None:  # its văn bản are in it too: an unselected site needs no check of its own
            checks[site_dir.name] = check.due(stored, now, project.settings)
        elif full:
            pending.add((project, site_dir, listed, now))
        else:
            pending.add((project, site_dir, None, now))  # only its văn bản (never checked in full)
        if full:
            listings[site_dir.name] = listed


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
            partial = check.guarded(site_dir, root, now, lambda: check.validate(
                listing.list_site(site_dir, root, cache, sections=("van-ban",), settings=settings), cache).light(),
                settings)
            partial.sections = ("van-ban",)
            return partial
    with timeline.span("check", site_dir.name):
        return check.guarded(site_dir, root, now, lambda: check.validate_light(listed, cache, now, settings),
                             settings)


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
    for site_dir in sorted(selected, key=lambda d: (checks[d.name].item_count, d.name), reverse=True):
        sid = site_dir.name
        whole = bool(checks[sid].site and checks[sid].site.config.get("cap") == "tinh")
        fingerprint, digests = _site_inputs(project, sid, checks, cited, evidence, base, whole)
        if (not force and checks[sid].ok and published.get(sid) == (fingerprint, where)
                and (project.output / sid / "index.html").is_file()):
            unchanged = _summary(checks[sid], built=True, skipped=True)
            unchanged.search = "khong-doi"
            plans.append(SitePlan(sid, fingerprint, unchanged=unchanged))
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
    # The git evidence (when each file was committed) is read by the compliance evaluation alone: it belongs
    # with what the site reports on (the "other sites" digest, which keys the compliance pages), not with the
    # build digest every page is keyed with: a commit must not re-render every page of its site. The
    # provincial site evaluates every site, so every site's evidence.
    prefix = "content/" if whole else f"content/{sid}/"
    reported = sorted((k, str(v)) for k, v in evidence.items() if k.startswith(prefix))
    others = json.dumps(sorted((o, checks[o].metadata) for o in checks)) if whole else _cited_index(own, cited)
    build = _sha1(json.dumps(base, sort_keys=True))
    other_sites = _sha1(f"{others}\0{_saved_state(project, sid, whole)}\0{json.dumps(reported)}")
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
    return json.dumps([(k, index.get(k)) for k in own.cited()])


def remember_published(project: Project, plans: list[SitePlan], rendered: list[SiteResult]) -> None:
    """The fingerprint each site was published with, so the next build can skip it while unchanged."""
    path = project.folder("build") / PUBLISHED
    published = read_pickle(path, {}) or {}
    for plan, result in zip([p for p in plans if p.task], rendered, strict=True):
        if result.built and result.search != "loi" and not result.search_due:
            published[plan.site_id] = (plan.fingerprint, str(project.output.resolve()))
        else:
            published.pop(plan.site_id, None)
    write_pickle(path, published)


def write_results(project: Project, found: list[Path], problems: list[Problem], plans: list[SitePlan],
                  rendered: list[SiteResult], started: float = 0.0, report: bool = True) -> ProvinceResult:
    """The province index page and (``report``) ``build-report.json``; the result, sites in id order."""
    results = sorted([p.unchanged for p in plans if p.unchanged] + rendered, key=lambda r: r.site_id)
    result = ProvinceResult(results, problems, started, [d.name for d in found])
    province_index.write(project.output, project.content)
    if report:
        write_report(result, project.output / REPORT_NAME, result.found)
        result.reported = True
    return result


def _workers(jobs: int, count: int) -> int:
    return min(jobs or os.cpu_count() or 1, count) or 1


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes started from a fork server: a small process that has imported the build and Pelican
    and nothing else, not from this process, which by now holds every site's check. A worker forked from
    here carried all of it (RSS counts it in each process): at 20 × 1,000 the cold build's peak was 1,057 MB
    with forked workers, 868 MB from the fork server, in the same time (docs/performance.md)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["portal.build", "pelican"])
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


class _Parallel:
    """``function`` of items in worker processes, each begun as soon as it is given (:meth:`add`): the check of
    the first sites runs while the next ones are listed (in a cold build at 20 × 1,000, listing every site
    took 1.9 s before any check began). The workers start with the second item: one item alone (the site
    an edit changed) runs here, without starting a pool. ``failed(item, exc)`` stands in for an item whose
    worker died (``function`` itself reports its failures)."""

    def __init__(self, function, jobs: int, most: int, failed):
        self.function, self.failed, self.workers = function, failed, _workers(jobs, most)
        self.pool: ProcessPoolExecutor | None = None
        self.waiting: list = []
        self.begun: list = []

    def add(self, item) -> None:
        self.waiting.append(item)
        if self.workers == 1 or (self.pool is None and len(self.waiting) < 2):
            return
        if self.pool is None:
            self.pool = _pool(self.workers)
        self.begun += [(waiting, self.pool.submit(self.function, waiting)) for waiting in self.waiting]
        self.waiting = []

    def results(self) -> list:
        """Every item's result, in the order given."""
        results = []
        for item, future in self.begun:
            try:
                results.append(future.result())
            except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: the other sites go on
                results.append(self.failed(item, exc))
        return results + [self.function(item) for item in self.waiting]

    def __enter__(self) -> _Parallel:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=any(exc))


def _summary(checked: check.SiteCheck, built: bool, skipped: bool = False) -> SiteResult:
    result = SiteResult(checked.site_dir.name, built, list(checked.problems), items=checked.item_count,
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


def publish_site(task: SiteTask, result: SiteResult) -> SiteResult:
    """Stage 2 of a site, in the parent's publishing thread: the atomic swap of the new pages with the
    published search index linked in, and the page manifest. The index is made again after every site is
    online (:class:`indexing.EarlyIndex`, right after this swap) unless no indexed page changed. Never raises."""
    if not result.staged:
        return result
    started = time.perf_counter()
    site_id = task.site_dir.name
    tmp, published = Path(result.staged), task.output_dir / site_id
    try:
        indexed = ""  # the digest of the pages the index published with the site was made from
        if task.search:  # 3. Keep the last good index online; rebuild it after publishing if its pages changed.
            search, parts = render.search_pages(tmp, task.project.folder("build") / f"{site_id}.search-pages.pickle")
            if render.reuse_search(published, tmp):
                indexed = (task.overrides.get("PORTAL_PAGE_DIGESTS") or {}).get("search", "")
            result.search, result.search_due = ("giu-nguyen", "") if indexed == search else ("", search)
            if result.search_due:
                result.search_parts = parts
            elif (tmp / search_index.FOLDER).is_dir():  # the pages the index was made from: no supplement
                search_supplement.retire(tmp / search_index.FOLDER)
        else:
            result.search = "tat"
        with timeline.span("publish", site_id):
            result.kept = render.publish(tmp, published, retire_later=True)  # 4. Swap the new site in.
        result.built, result.published_at = True, time.time()
        _crash_log(task).unlink(missing_ok=True)  # an earlier crash, now mended
        if result.pages is not None:
            incremental.write_manifest(incremental.manifest_path(task.project.folder("build"), site_id),
                                       published, result.pages, indexed)
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


def render_sites(tasks: list[SiteTask], jobs: int, early: indexing.EarlyIndex | None = None) -> list[SiteResult]:
    """Render in worker processes while one thread publishes each site as it arrives (its search index is
    begun as soon as it is published, beside the render workers: :class:`indexing.EarlyIndex`)."""
    if not tasks:
        return []
    finishing: dict[int, Future] = {}
    with ThreadPoolExecutor(max_workers=1) as publisher:
        workers = _workers(jobs, len(tasks))
        if workers == 1:
            for index, task in enumerate(tasks):
                finishing[index] = publisher.submit(_publish, task, render_site(task), early)
        else:
            # Biggest first (plan_sites), but the second is sent first: the biggest is usually the provincial
            # site, whose task carries every site's check (23 MB at 20 × 1,000, 0.4 s to pickle), and both
            # workers waited for it before either began.
            order = [1, 0, *range(2, len(tasks))] if len(tasks) > 1 else [0]
            with _pool(workers) as pool:
                futures = {pool.submit(render_site, tasks[index]): index for index in order}
                for future in as_completed(futures):
                    index = futures[future]
                    finishing[index] = publisher.submit(_publish, tasks[index], _rendered(tasks[index], future), early)
        return [finishing[index].result() for index in range(len(tasks))]


def _publish(task: SiteTask, result: SiteResult, early: indexing.EarlyIndex | None) -> SiteResult:
    result = publish_site(task, result)
    if early is not None:
        early.published(task, result)
    return result


def _rendered(task: SiteTask, future: Future) -> SiteResult:
    """The worker's result; when the worker itself died (killed, out of memory), that site's failure alone."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: the other sites go on
        summary = task.overrides["PORTAL_PROVINCE"][task.site_dir.name]
        return _crashed(task, _summary(summary, built=False), exc)

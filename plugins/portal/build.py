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

from . import check, crashes, incremental, province_index, render, schedule, sites, staging
from .atomic import write_text
from .cache import code_version, read_pickle, write_pickle
from .lock import build_lock
from .problems import ERROR, WARNING, Problem, relpath

REPORT_NAME = "build-report.json"
CACHE = Path(".cache") / "build"


@dataclass
class SiteTask:
    """What a worker needs to render one site (picklable)."""

    site_dir: Path
    root: Path
    output_dir: Path
    settings_file: Path
    search: bool = True
    overrides: dict = field(default_factory=dict)
    now: dt.datetime | None = None  # the build's now: which items are due (portal.schedule)


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


def build_province(root: Path, settings_file: Path, output_dir: Path, site_ids: list[str] | None = None,
                   jobs: int = 0, search: bool = True, overrides: dict | None = None,
                   force: bool = False, checked: dict | None = None, now: dt.datetime | None = None,
                   ) -> ProvinceResult:
    """Build the selected sites (all when ``site_ids`` is empty) and the province index page.

    ``checked`` (site id → light SiteCheck of every site, as :func:`compliance.engine.read_province`
    returns) may be passed by a caller that has just read them, such as ``invoke aggregate``.
    ``now`` (default: the clock, Vietnam time) decides which items are due; given, it is also the
    compliance evaluation date (``invoke build --as-of``).
    One build at a time per project (:mod:`portal.lock`); it first removes what a killed build left."""
    with build_lock(root):
        staging.remove_stale(output_dir)
        return _build_province(root, settings_file, output_dir, site_ids, jobs, search, overrides, force, checked,
                               now)


def _build_province(root: Path, settings_file: Path, output_dir: Path, site_ids: list[str] | None, jobs: int,
                    search: bool, overrides: dict | None, force: bool, checked: dict | None,
                    now: dt.datetime | None) -> ProvinceResult:
    from compliance import history

    explicit = now is not None
    now = now or schedule.now()

    # 1. Find the sites; an unknown --site is a problem, not a crash.
    all_dirs, problems = sites.discover(root / "content", root)
    known = {d.name: d for d in all_dirs}
    for wanted in site_ids or []:
        if wanted not in known:
            problems.append(Problem("content/", 0, f"Không có cổng mã «{wanted}».",
                                    expected="một trong: " + ", ".join(sorted(known)), found=wanted,
                                    code="khong-co-cong"))
    selected = [known[s] for s in site_ids if s in known] if site_ids else all_dirs
    output_dir.mkdir(parents=True, exist_ok=True)
    cache_dir = root / CACHE
    # 2. Check every site in parallel (unchanged files come from the content-hash cache). The other
    #    sites are read too: cross-site rules need their văn bản; the provincial site needs everything.
    names = {d.name for d in selected}
    province_wide = any(_is_province(d, root) for d in selected)
    # Workers send back the light form (no bodies or HTML); a render worker re-reads its own site in full
    # from the content-hash cache, which keeps the parent's memory small at thousands of items per site.
    if checked is not None and set(checked) == set(known):
        checks = dict(checked)
    else:
        # A site none of whose files changed comes from its light cache, read here: cheaper than sending
        # it back from a worker. The others are checked in parallel.
        wanted = [(d, root, cache_dir, province_wide or d.name in names, now) for d in all_dirs]
        cached = {d.name: _cached_check(d, root, cache_dir, full, now) for d, _, _, full, _ in wanted}
        fresh = {c.site_dir.name: c for c in _parallel(_check_worker, [w for w in wanted if not cached[w[0].name]],
                                                       jobs, _check_failed)}
        checks = {d.name: cached[d.name] or fresh[d.name] for d in all_dirs}  # discovery order, as templates list them
    # 3. Evidence and date shared by every site's compliance report, then what each site depends on.
    evidence = history.read(root)
    as_of = now.date() if explicit else (history.head_date(root) or dt.date.today())
    light = {sid: c.light(("van-ban",)) for sid, c in checks.items()}
    cited = _documents_index(light)
    base = {"code": code_version(), "settings": settings_file.name, "as_of": as_of.isoformat(), "search": search,
            "overrides": json.dumps(overrides or {}, sort_keys=True, default=str),
            "sites": sorted((sid, json.dumps(c.site.config, sort_keys=True, default=str) if c.site else "")
                            for sid, c in checks.items())}
    published = read_pickle(cache_dir / "published.pickle", {}) or {}
    tasks, results = [], []
    # Biggest first, so the pool stays busy (a selected site was checked in full: all its documents).
    for site_dir in sorted(selected, key=lambda d: (len(checks[d.name].documents), d.name), reverse=True):
        sid = site_dir.name
        is_province = bool(checks[sid].site and checks[sid].site.config.get("cap") == "tinh")
        state = _state_fingerprint(root, overrides or {}, sid, is_province)
        fingerprint = _fingerprint(sid, checks, cited, evidence, base) + state
        if (not force and checks[sid].ok and published.get(sid) == (fingerprint, str(output_dir.resolve()))
                and (output_dir / sid / "index.html").is_file()):
            results.append(_summary(checks[sid], built=True, skipped=True))
            continue
        # The provincial site reports on every site; another site needs only the others' văn bản.
        province = checks if is_province else {s: (checks[s] if s == sid else light[s]) for s in checks}
        extra = {**(overrides or {}), "PORTAL_PROVINCE": province, "PORTAL_EVIDENCE": evidence,
                 "PORTAL_AS_OF": as_of,
                 "PORTAL_PAGE_DIGESTS": _page_digests(sid, checks, cited, evidence, base, state, is_province,
                                                      output_dir, cache_dir, force)}
        extra["PORTAL_NOW"] = now
        tasks.append((SiteTask(site_dir, root, output_dir, settings_file, search, extra, now), fingerprint))
    # 4. Render the sites whose inputs changed, biggest first so the pool stays busy.
    rendered = _render_all([t for t, _ in tasks], jobs)
    for (task, fingerprint), result in zip(tasks, rendered, strict=True):
        if result.built:
            published[task.site_dir.name] = (fingerprint, str(output_dir.resolve()))
        else:
            published.pop(task.site_dir.name, None)
    write_pickle(cache_dir / "published.pickle", published)
    # 5. Write the province index and the machine-readable report, in a stable order.
    results = sorted(results + rendered, key=lambda r: r.site_id)
    result = ProvinceResult(results, problems)
    province_index.write(output_dir, root / "content")
    write_report(result, output_dir / REPORT_NAME, known)
    return result


def _is_province(site_dir: Path, root: Path) -> bool:
    try:
        site, _ = sites.load(site_dir, root)
    except Exception:  # noqa: BLE001 - the site's own check reports it; here it is just not the province
        return False
    return bool(site and site.config.get("cap") == "tinh")


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


def _cached_check(site_dir: Path, root: Path, cache_dir: Path, full: bool, now: dt.datetime) -> check.SiteCheck | None:
    if not full:
        return None  # only a site's văn bản are read: there is no light cache of that
    return check.check_site(site_dir, root, cache_dir=cache_dir, light=True, cached_only=True, now=now)


def _check_worker(args) -> check.SiteCheck:
    site_dir, root, cache_dir, full, now = args
    return check.check_site(site_dir, root, cache_dir=cache_dir, sections=None if full else ("van-ban",), light=True,
                            now=now)


def _check_failed(args, exc: Exception) -> check.SiteCheck:
    site_dir, root = args[0], args[1]
    return check.SiteCheck(site_dir, None, problems=[crashes.problem(root, relpath(site_dir, root), exc, "cong")])


def _fingerprint(sid: str, checks: dict, cited: dict, evidence: dict, base: dict) -> str:
    """Everything a site's output depends on. The provincial site reports on every site, so it depends
    on all of them; another site depends on its own files and on the văn bản its procedures cite."""
    own = checks[sid]
    digest = hashlib.sha1(json.dumps(base, sort_keys=True).encode())
    digest.update(own.fingerprint.encode())
    # Which items are still scheduled: the first build after one falls due publishes it.
    digest.update(json.dumps([d.rel for d in own.scheduled]).encode())
    if own.site and own.site.config.get("cap") == "tinh":
        # Of the other sites it shows what their metadata holds (bodies only as summaries).
        for other in sorted(checks):
            digest.update(f"{other}:{checks[other].metadata}".encode())
    else:
        digest.update(_cited_index(own, cited).encode())
    prefix = f"content/{sid}/"
    digest.update(json.dumps(sorted((k, str(v)) for k, v in evidence.items() if k.startswith(prefix))).encode())
    return digest.hexdigest()


def _page_digests(sid: str, checks: dict, cited: dict, evidence: dict, base: dict, state: str, is_province: bool,
                  output_dir: Path, cache_dir: Path, force: bool) -> dict:
    """What :mod:`portal.incremental` keys each page with: S (code, settings, date, evidence), M (the
    site's metadata), P (what it reports on from other sites, and quality-gate results), and the last
    publish's manifest (none with ``--force``)."""
    prefix = f"content/{sid}/"
    own_evidence = sorted((k, str(v)) for k, v in evidence.items() if k.startswith(prefix))
    settings_part = hashlib.sha1(json.dumps([base, own_evidence], sort_keys=True).encode()).hexdigest()
    if is_province:
        others = json.dumps(sorted((other, checks[other].metadata) for other in checks))
    else:
        others = _cited_index(checks[sid], cited)
    published = output_dir / sid
    previous = {} if force else incremental.read_manifest(incremental.manifest_path(cache_dir, sid), published)
    return {"S": settings_part, "M": checks[sid].metadata,
            "P": hashlib.sha1(f"{others}\0{state}".encode()).hexdigest(),
            "published": str(published), "previous": previous.get("trang", {}), "search": previous.get("tim_kiem", "")}


def _documents_index(light: dict) -> dict:
    """Every site's văn bản by number: status, expiry and file, what a citing procedure shows."""
    return {d.fields["so_ky_hieu"].casefold(): (d.fields.get("tinh_trang"), str(d.fields.get("ngay_het_hieu_luc")),
                                                d.rel) for c in light.values() for d in c.documents}


def _cited_index(own: check.SiteCheck, index: dict) -> str:
    """The văn bản this site's procedures cite, as they stand anywhere in the province."""
    cited = sorted({ref["so_ky_hieu"].casefold() for d in own.documents for ref in
                    (d.fields.get("can_cu_phap_ly") or [])})
    return json.dumps([(k, index.get(k)) for k in cited])


def _state_fingerprint(root: Path, overrides: dict, sid: str, is_province: bool) -> str:
    """Files outside content/ that a site's pages are made from: quality-gate results about the site and,
    for the provincial site, the aggregation result and every site's quality results."""
    digest = hashlib.sha1()
    folders = [root / ".cache" / "tong-hop", root / ".cache" / "kiem-tra"]
    folders += [Path(str(v)) for k, v in overrides.items() if k.endswith("_STATE_DIR")]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.json")):
            if "nguon" in path.parts:
                continue  # per-source fetch state; the merged result is ket-qua.json
            mine = path.stem == sid or (is_province and (path.name == "ket-qua.json" or "kiem-tra" in str(path)))
            if mine:
                digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


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
    started = time.perf_counter()
    site_id = task.site_dir.name
    tmp = staging.site_folder(task.output_dir, site_id)
    summary = task.overrides["PORTAL_PROVINCE"][site_id]
    result = _summary(summary, built=False)
    try:
        if not summary.ok:  # 1. Invalid content: report it, touch no output.
            return result
        # The site in full (bodies and checked HTML) comes back from the content-hash cache.
        checked = check.check_site(task.site_dir, task.root, cache_dir=task.root / CACHE, now=task.now)
        if not checked.ok:  # edited again since the check phase, and now broken
            result.problems = list(checked.problems)
            return result
        render.clear(tmp)  # 2. Render with Pelican into a fresh temporary folder.
        incremental.IncrementalWriter.last = None
        warnings = render.run_pelican(task.settings_file, checked, tmp, task.overrides)
        result.problems += warnings
        writer, incremental.IncrementalWriter.last = incremental.IncrementalWriter.last, None
        incremental.save_template_reads()
        if any(p.severity == ERROR for p in warnings):
            render.clear(tmp)
            return result
        if writer is not None and writer.enabled:  # what the next build may reuse, page by page
            result.pages = writer.pages
            result.reused, result.rendered = writer.stats["reused"], writer.stats["rendered"] + writer.stats["uncached"]
        result.staged = str(tmp)
        return result
    except Exception as exc:  # an unexpected failure of our own: keep the traceback, keep going
        render.clear(tmp)
        return _crashed(task, result, exc)
    finally:
        result.seconds = round(time.perf_counter() - started, 3)


def finish_site(task: SiteTask, result: SiteResult) -> SiteResult:
    """Stage 2 of a site, in the parent's indexing thread: the Pagefind index (or the published one,
    when no indexed page changed), then the atomic swap and the page manifest. Never raises."""
    if not result.staged:
        return result
    started = time.perf_counter()
    site_id = task.site_dir.name
    tmp = Path(result.staged)
    try:
        search = ""
        if task.search:  # 3. Index for search (Pagefind), unless every indexed page is as last published.
            digests = task.overrides.get("PORTAL_PAGE_DIGESTS") or {}
            search = render.search_digest(tmp)
            if not (digests.get("search") == search and render.reuse_search(task.output_dir / site_id, tmp)):
                result.problems += render.index_search(tmp, relpath(task.site_dir, task.root))
        if any(p.severity == ERROR for p in result.problems):
            return result
        result.kept = render.publish(tmp, task.output_dir / site_id)  # 4. Swap the new site in.
        result.built = True
        _crash_log(task).unlink(missing_ok=True)  # an earlier crash, now mended
        if result.pages is not None:
            incremental.write_manifest(incremental.manifest_path(task.root / CACHE, site_id), task.output_dir / site_id,
                                       result.pages, search)
        return result
    except Exception as exc:  # noqa: BLE001 - reported like any other failure of our own
        return _crashed(task, result, exc)
    finally:
        render.clear(tmp)
        result.staged, result.pages = "", None
        result.seconds = round(result.seconds + time.perf_counter() - started, 3)


def _crashed(task: SiteTask, result: SiteResult, exc: Exception) -> SiteResult:
    problem = crashes.problem(task.root, relpath(task.site_dir, task.root), exc, "xay-dung")
    result.problems.append(problem)
    result.crash = str(_crash_log(task))
    result.built = False
    return result


def _crash_log(task: SiteTask) -> Path:
    return crashes.log_path(task.root, f"{relpath(task.site_dir, task.root)}.xay-dung")


def _render_all(tasks: list[SiteTask], jobs: int) -> list[SiteResult]:
    """Render in worker processes while one thread indexes and publishes each site as it arrives:
    Pagefind (multi-threaded itself, ~280 MB per 1,000 pages) runs one at a time without making a
    worker wait for it."""
    if not tasks:
        return []
    finishing: dict[int, Future] = {}
    with ThreadPoolExecutor(max_workers=1) as indexer:
        workers = _workers(jobs, len(tasks))
        if workers == 1:
            for index, task in enumerate(tasks):
                finishing[index] = indexer.submit(finish_site, task, render_site(task))
        else:
            with _pool(workers) as pool:
                futures = {pool.submit(render_site, task): index for index, task in enumerate(tasks)}
                for future in as_completed(futures):
                    index = futures[future]
                    finishing[index] = indexer.submit(finish_site, tasks[index], _rendered(tasks[index], future))
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

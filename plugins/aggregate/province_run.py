"""One run over the province from the command line: the aggregation with the provincial site's build after
it (``invoke aggregate``), or the units' build, then that, in one command (``invoke build --aggregate``),
with the run's own times in ``build-report.json`` (:func:`portal.build_report.record_run`).

``tasks.py`` prints and turns the results into exit codes; this module orders the work. The order is what
makes an edit online early: every unit is published, then the provincial aggregate; the units' search
indexes are made meanwhile, in a thread (Pagefind is a process of its own, the aggregation in Python takes
the other core); the provincial site's index once it is published; and the province-wide search reads the
units' new indexes last.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

from portal import build_report, timeline
from portal.build import ProvinceResult, build_province, index_published
from portal.lock import build_lock
from portal.project import Project

from . import settings as aggregate_settings
from .pipeline import AggregateResult, province_site, refresh_search
from .pipeline import aggregate as run_aggregate


def aggregate_and_build(project: Project, day: dt.date, index: bool = True, checked: dict | None = None,
                        announce=None) -> tuple[AggregateResult, ProvinceResult]:
    """The provincial aggregation, then the provincial site's build (the caller holds the build lock).
    ``checked``: the light checks of the units' build just made, not read again. ``announce(result)`` is
    called between the two (``invoke`` prints each source's state). Raises ``LookupError`` (no provincial
    portal declares ``tong_hop``) and :class:`portal.problems.PortalError` (a setting is wrong)."""
    from compliance import settings as compliance_settings

    typed = compliance_settings.read(project.settings)[0]
    limits = aggregate_settings.read(project.settings)
    result = run_aggregate(project, day, dt.datetime.now().replace(microsecond=0), limits, settings=typed,
                           checked=checked)
    if announce is not None:
        announce(result)
    return result, build_province(project, [result.province], checked=result.checked, index=index)


def build_and_aggregate(project: Project, chosen: list[str], jobs: int, search: bool, force: bool,
                        now: dt.datetime | None, announce=None,
                        published=None) -> tuple[str, ProvinceResult, ProvinceResult]:
    """``invoke build --aggregate``: (the provincial site's id, the units' build, the provincial build).
    ``chosen``: the sites asked for; the provincial site among them is built once, by the aggregation.
    ``published(result)`` is called once everything is online: the units and the aggregate ("online" is when
    the aggregate is published or found unchanged). Raises ``LookupError`` as :func:`aggregate_and_build`
    does."""
    day = now.date() if now else dt.date.today()
    province = province_site(project).id
    with build_lock(project.root):
        units_chosen = [s for s in chosen if s != province]
        units = (build_province(project, units_chosen, jobs=jobs, search=search, force=force, now=now, index=False)
                 if units_chosen else ProvinceResult([], [], time.time()))
        with ThreadPoolExecutor(max_workers=1) as indexer:
            indexing = indexer.submit(index_published, project, units)
            with timeline.span("aggregate"):
                _, aggregated = aggregate_and_build(project, day, index=False, checked=units.checks or None,
                                                    announce=announce)
            online_at = time.time()
            if published is not None:
                published(online(units, aggregated))
            indexing.result()
        # build-report.json, not on the way to online: both builds of the run in one report.
        index_published(project, aggregated, report=online(units, aggregated, report=True))
        # The province-wide search reads a copy of each unit's index: the new ones replace theirs at once.
        refresh_search(project, [s.site_id for s in units.sites if s.indexed_at],
                       dt.datetime.now().replace(microsecond=0))
        indexed = max([s.indexed_at for r in (units, aggregated) for s in r.sites] or [0.0])
        if indexed:
            indexed = time.time()
        build_report.record_run(project.output / build_report.REPORT_NAME, "build --aggregate", units,
                                online(units, aggregated), online_at=online_at, indexed=indexed,
                                searchable=build_report.searchable_at(units, aggregated))
    return province, units, aggregated


def online(*results: ProvinceResult, report: bool = False) -> ProvinceResult:
    """One result standing for several builds of one run: what is printed once everything is online; with
    ``report``, with their problems, start and sites found too, as build-report.json gives it."""
    sites = {s.site_id: s for r in results for s in r.sites}  # a site built twice: its last build
    if not report:
        return ProvinceResult(list(sites.values()), [])
    return ProvinceResult(sorted(sites.values(), key=lambda s: s.site_id), [p for r in results for p in r.problems],
                          min(r.started for r in results if r.started) if any(r.started for r in results) else 0.0,
                          sorted({f for r in results for f in r.found}))

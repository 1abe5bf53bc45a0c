"""Stage 6 of a build: the search index of every published site whose indexed pages changed.

:class:`EarlyIndex` begins it while other sites still render (each site as soon as it is published);
:func:`index_sites` indexes what is left once every site is online. For each site, :func:`index_one` first
makes the pages changed since its index searchable through a supplement (:mod:`portal.search_supplement`),
then makes the whole index again and swaps it in (:mod:`portal.search_index`). The build itself
(:mod:`portal.build`) decides what is due and records what was published.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from . import crashes, incremental, memory, render, search_index, timeline
from .problems import relpath

if TYPE_CHECKING:
    from .build import SiteResult, SiteTask


class EarlyIndex:
    """Stage 6 begun during stage 4: each site is indexed as soon as it is published, one Pagefind at a time
    while the render workers still run (they leave part of both cores idle: the cold build's timeline in
    docs/performance.md), as many as the build has workers once every site is online (:meth:`finish`).
    A site's own pages are online before its index is made; the last good index stays until the swap.
    A Pagefind starts only when the build's memory has room for it (:mod:`portal.memory`,
    ``BUILD_MEMORY_MB``), or when nothing else that holds memory can end first: no site rendering and no
    other Pagefind running (at 40 × 1,000, two Pagefinds side by side after the last render took the peak
    over 1 GiB)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.slots = render.SearchSlots(1)
        self.slots.room = self._room
        self.rendering = True
        self._pool = ThreadPoolExecutor(max_workers=_threads(self.workers), thread_name_prefix="chi-muc")
        self._begun: list[Future] = []

    def _room(self, need_mb: float) -> None:
        started = time.time()
        waiting = memory.wait_for_room(need_mb, lambda: self.rendering or bool(self.slots.running),
                                       reserved=self.slots.reserved_mb)
        if waiting >= memory.POLL and timeline.enabled():
            timeline.record(os.environ[timeline.ENV], "memory", "", started, time.time())

    def published(self, task: SiteTask, result: SiteResult) -> None:
        """Called by the publishing thread once ``result``'s site is swapped in."""
        if result.built and result.search_due:
            self._begun.append(self._pool.submit(index_one, task, result, self.slots))

    def finish(self) -> bool:
        """Every index begun, done (as many at once as there are workers from now on); whether any was."""
        self.rendering = False
        self.slots.widen(self.workers)
        for future in self._begun:
            future.result()
        self._pool.shutdown()
        return bool(self._begun)


def index_sites(tasks: list[SiteTask], results: list[SiteResult], workers: int = 1) -> bool:
    """Stage 6: the Pagefind index of every published site whose indexed pages changed, each swapped in
    atomically as soon as it is made. Pagefind leaves part of a core idle (its single-threaded stages), so
    as many run at once as the build has workers (``workers``; ~280 MB each per 1,000 pages), each holding a
    slot's lock file so that other builds of the same output share the slots (:class:`render.SearchSlots`).
    A failure is the site's problem; its last good index stays. Returns whether any site was indexed or failed."""
    due = [(task, result) for task, result in zip(tasks, results, strict=True)
           if result.built and result.search_due and result.search != "loi"]  # failed early: next build tries
    if not due:
        return False
    workers = max(1, min(workers, len(due)))
    slots = render.SearchSlots(workers)
    if len(due) == 1:
        for task, result in due:
            index_one(task, result, slots)
    else:
        with ThreadPoolExecutor(max_workers=_threads(workers)) as indexer:
            for future in [indexer.submit(index_one, task, result, slots) for task, result in due]:
                future.result()
    return True


def _threads(slots: int) -> int:
    """Indexing threads for ``slots`` Pagefinds at once: twice as many, so that while a thread files away the
    index its Pagefind just made (sorts it, reads its page ids, copies it into the site: most of a second
    for 1,000 pages), another one has started the next Pagefind in the freed slot. With as many threads as
    slots, both slots stood empty during that time after every pair of sites (the cold build's timeline:
    0.4–0.9 s each time, nine times at 20 × 1,000)."""
    return 2 * slots


def index_one(task: SiteTask, result: SiteResult, slots: render.SearchSlots) -> None:
    """One site of :func:`index_sites` or :class:`EarlyIndex`, in a thread of the parent: its supplement, then
    its whole index. Never raises."""
    site_id, project = task.site_dir.name, task.project
    where = relpath(task.site_dir, project.root)
    try:
        # The pages changed since the published index was made: searchable now, the whole index after.
        if result.search_parts and search_index.supplement(project, site_id, result.search_parts):
            result.supplemented_at = time.time()
        problems = search_index.index_site(project, site_id, where, slots, result.search_parts)
    except Exception as exc:  # noqa: BLE001 - an unexpected failure of our own: the site's problem
        problems = [crashes.problem(project.root, where, exc, "tim-kiem")]
    if problems:
        result.problems += problems
        result.search = "loi"
        return
    result.search, result.indexed_at = "moi", time.time()
    incremental.record_search(incremental.manifest_path(project.folder("build"), site_id),
                              project.output / site_id, result.search_due)
    result.search_due, result.search_parts = "", None

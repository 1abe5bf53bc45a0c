"""Render one checked site: Pelican into a temporary folder, then publish (its search index: portal.search_index).

Publishing swaps the new folder in with two renames; before that, every file whose bytes did not
change is replaced by a hard link to the published one, so unchanged pages keep their inode and mtime
(rsync and CDNs upload nothing for them) while the site still changes in one step.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import io
import logging
import os
import shutil
import stat
import sys
import threading
import time
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from . import check, content_types, memory, paths, search_bundle, search_supplement, staging, templating, timeline
from .cache import read_pickle, write_pickle
from .problems import ERROR, WARNING, Problem, relpath
from .project import Project


def settings_for(project: Project, checked: check.SiteCheck, output: Path, extra: dict | None = None) -> dict:
    """Pelican settings for one site: the project's settings file and overrides, what ``site.yaml`` says,
    then ``extra`` (what the build passes this site)."""
    from pelican.settings import read_settings

    site = checked.site
    config = site.config
    overrides = {
        "PATH": str(site.path.resolve()),
        "OUTPUT_PATH": str(output.resolve()),
        "SITENAME": config["ten_cong"],
        "PORTAL": config,
        # Scheduled items are read too (the reader makes them drafts): never loaded again unchecked.
        "PORTAL_DOCUMENTS": {paths.real_path(d.source): d for d in checked.documents + checked.scheduled},
        # Feeds and sitemaps always carry absolute links; pages stay relative unless
        # RELATIVE_URLS is off (publishconf.py), so the demo also opens from disk.
        "SITEURL": config["dia_chi_web"].rstrip("/"),
        "FEED_DOMAIN": config["dia_chi_web"].rstrip("/"),
        "CACHE_PATH": str(output.resolve() / ".cache"),
        "PORTAL_PROJECT": project,
        # One folder per content type, as content_types declares them (never kept in step by hand).
        "ARTICLE_PATHS": [t.id for t in content_types.TYPES if t.kind == "article"],
        "PAGE_PATHS": [t.id for t in content_types.TYPES if t.kind == "page"],
    }
    if config.get("so_tin_moi_trang"):
        overrides["DEFAULT_PAGINATION"] = config["so_tin_moi_trang"]
    overrides.update(project.overrides)
    overrides.update(extra or {})
    settings = read_settings(str(project.settings_file), override=overrides)
    # Every generator builds its own Jinja environment; compiled templates are shared through a
    # bytecode cache (keyed by each template's source checksum, written atomically by Jinja). Compiled
    # code depends on the environment's options too (autoescape above all), which Jinja's key does not
    # hold: each set of options has its own folder.
    options = templating.environment_options(settings)
    key = hashlib.sha1(repr(sorted((k, repr(v)) for k, v in options.items())).encode()).hexdigest()[:12]
    cache = project.folder("jinja") / key
    cache.mkdir(parents=True, exist_ok=True)
    settings["JINJA_ENVIRONMENT"] = {**options, "bytecode_cache": FileSystemBytecodeCache(str(cache))}
    return settings


class _Collect(logging.Handler):
    """Keeps Pelican's warnings and errors so they are reported with the site's problems."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


class _Pelican:
    """Pelican, keeping the writer its run made (the ``get_writer`` receiver's): the render returns it
    with what it wrote, instead of handing it over through a global."""

    def __new__(cls, settings):
        from pelican import Pelican

        class Run(Pelican):
            writer = None
            read_until = 0.0  # when the generators' contexts were complete (the writer is made next)

            def _get_writer(self):  # Pelican 4.x: the one place its run makes its writer
                self.read_until = time.time()
                self.writer = super()._get_writer()
                return self.writer

        return Run(settings)


def pelican_for(settings: dict):
    """A Pelican for ``settings`` that keeps the writer its run makes (the warm preview keeps it)."""
    return _Pelican(settings)


def run_pelican(project: Project, checked: check.SiteCheck, output: Path,
                extra: dict | None = None) -> tuple[list[Problem], object]:
    """Render one checked site with Pelican: (Pelican's own warnings as problems, the writer it used)."""
    settings = settings_for(project, checked, output, extra)
    collector = _Collect()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(collector)
    started = time.time()
    run = _Pelican(settings)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Pelican's own "Done: ..." summary
            run.run()
    finally:
        pelican_logger.removeHandler(collector)
        shutil.rmtree(output / ".cache", ignore_errors=True)
        forget_rendered_content()
    if timeline.enabled() and run.read_until:  # Pelican's two halves: reading (contexts), then writing
        site_id = checked.site_dir.name
        timeline.record(os.environ[timeline.ENV], "read", site_id, started, run.read_until)
        timeline.record(os.environ[timeline.ENV], "write", site_id, run.read_until, time.time())
    where = relpath(checked.site_dir, None)
    return [Problem(where, 0, f"Pelican: {r.getMessage()}",
                    severity=ERROR if r.levelno >= logging.ERROR else WARNING, code="pelican")
            for r in collector.records], run.writer


SEARCH_PAGES_FORMAT = 2  # of the cache of search_pages(); 2: the indexed element with its closing tag
SEARCH_MARK = b"data-pagefind-body"  # the theme marks what Pagefind indexes; other pages are skipped
SEARCH_OPTIONS = ["--keep-index-url", "--silent", "--force-language", "vi"]
# Pagefind splits its word index into chunks of about this many word positions (default 20,000), and a query
# downloads every chunk that holds one of its words. Pagefind counts only the positions of words without
# diacritics towards a chunk's size, so a Vietnamese chunk is several times larger than the number says: at
# the default one chunk is about 100 KB, and a 50-page site is a single chunk. Smaller chunks cut what one
# query downloads by 2 to 5 times, above all on the provincial search page that queries every unit's index
# (docs/performance.md, "Search: bytes per query"). The variable is Pagefind's own, marked unstable:
# tests/test_search.py fails if a Pagefind upgrade stops honouring it.
SEARCH_ENV = {"PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": "1000"}


def pagefind_command() -> list[str]:
    """The Pagefind binary of the pinned ``pagefind[bin]`` wheel (no Python wrapper process), else the module."""
    import importlib.util

    spec = importlib.util.find_spec("pagefind_bin")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / ("pagefind.exe" if os.name == "nt" else "pagefind")
        if binary.is_file() and os.access(binary, os.X_OK):
            return [str(binary)]
    return [sys.executable, "-m", "pagefind"]


def search_pages(site_out: Path, cache: Path | None = None) -> tuple[str, dict[str, str]]:
    """(the hash of every page Pagefind would index, path and bytes: equal digests give equal indexes; each
    indexed page's address → the digest of its indexed part, what a search supplement compares:
    :mod:`portal.search_supplement`), in one reading of the pages.

    ``cache`` keeps what was read of each page under its file's identity (inode, device, size, mtime): a
    page the incremental writer reused is a hard link to the published file, read when it was written, so
    only the pages rendered anew are read (the ctime is not part of it: linking a file changes it)."""
    digest = hashlib.sha1(" ".join(SEARCH_OPTIONS + sorted(f"{k}={v}" for k, v in SEARCH_ENV.items())).encode())
    digest.update(search_bundle.FORMAT.encode())
    stored = read_pickle(cache, {}) if cache else {}
    known = stored.get("trang", {}) if isinstance(stored, dict) and stored.get("dang") == SEARCH_PAGES_FORMAT else {}
    seen, parts = {}, {}
    for path in sorted(site_out.rglob("*.html")):
        name = path.relative_to(site_out).as_posix()
        st = path.stat()
        identity = (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns)
        entry = known.get(name)
        if entry is None or entry[0] != identity:
            data = path.read_bytes()
            marked = SEARCH_MARK in data
            entry = (identity, hashlib.sha1(data).digest() if marked else b"",
                     search_supplement.part_digest(data, SEARCH_MARK) if marked else "")
        seen[name] = entry
        if entry[1]:
            digest.update(name.encode() + b"\0")
            digest.update(entry[1])
            parts[name] = entry[2]
    if cache and seen != known:
        write_pickle(cache, {"dang": SEARCH_PAGES_FORMAT, "trang": seen})
    return digest.hexdigest(), parts


def reuse_search(published: Path, site_out: Path) -> bool:
    """Hard-link the published Pagefind index into ``site_out``; False when there is none to reuse."""
    source = published / "pagefind"
    if not (source / "pagefind-entry.json").is_file():
        return False
    target = site_out / "pagefind"
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


def forget_rendered_content() -> None:
    """Empty Pelican's class-level ``@memoized`` caches (``Content.get_content``, ``get_summary``).

    They are keyed by the content object itself, so they keep every article of every site a worker
    has rendered alive: a worker rendering ten 1,000-item sites grew by about 30 MB per site.
    """
    from pelican.contents import Content
    from pelican.utils import memoized

    for klass in (Content, *Content.__subclasses__()):
        for attribute in vars(klass).values():
            if isinstance(attribute, memoized):
                attribute.cache.clear()


class SearchSlots:
    """How many Pagefind runs of one build may overlap: stage 6 (:func:`portal.indexing.index_sites`) runs as
    many as the build has workers, since one Pagefind leaves part of a core idle (the cold build's
    timeline, docs/performance.md); :meth:`widen` lets a caller raise the limit while it runs.
    Slot ``n`` also holds the lock file ``.pagefind-n.lock`` beside the sites (slot 0: ``.pagefind.lock``),
    so builds of the same output folder in other processes share the slots. ``room`` (set by the build:
    :class:`portal.indexing.EarlyIndex`) is called with a Pagefind's expected MB once its slot is taken,
    before it starts, and waits until the build's memory has room for it (:func:`portal.memory.wait_for_room`);
    ``running`` holds the Pagefinds past that point (slot → [expected MB, pid once :meth:`started`])."""

    def __init__(self, limit: int = 1):
        self._free = threading.Condition()
        self._taken: set[int] = set()
        self.limit = max(1, limit)
        self.room = None  # Callable[[float], object] | None
        self.running: dict[int, list] = {}

    def started(self, slot: int, pid: int) -> None:
        """The Pagefind of ``slot`` is process ``pid`` (its memory is read from then on)."""
        with self._free:
            if slot in self.running:
                self.running[slot][1] = pid

    def reserved_mb(self) -> float:
        """What the running Pagefinds are still expected to take beyond what they hold now: a Pagefind starts
        small and grows to about its expected size, so the tree's memory alone would let a second one start
        beside a first that has not grown yet (two of them took a 40 × 1,000 build over 1 GiB)."""
        with self._free:
            running = [tuple(entry) for entry in self.running.values()]
        return sum(max(0.0, need - (memory.rss_kb(pid) / 1024 if pid else 0.0)) for need, pid in running)

    def widen(self, limit: int) -> None:
        with self._free:
            self.limit = max(self.limit, limit)
            self._free.notify_all()

    @contextlib.contextmanager
    def taken(self, folder: Path, need_mb: float = 0.0):
        with self._free:
            self._free.wait_for(lambda: len(self._taken) < self.limit)
            slot = min(set(range(self.limit)) - self._taken)
            self._taken.add(slot)
        try:
            with _search_lock(folder, slot):
                if self.room is not None and need_mb:
                    self.room(need_mb)
                with self._free:
                    self.running[slot] = [need_mb, 0]
                yield slot
        finally:
            with self._free:
                self._taken.discard(slot)
                self.running.pop(slot, None)
                self._free.notify_all()


@contextlib.contextmanager
def _search_lock(folder: Path, slot: int = 0):
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, Pagefinds may overlap
        yield
        return
    with open(folder / (f".pagefind-{slot}.lock" if slot else ".pagefind.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def keep_unchanged(new: Path, dest: Path) -> int:
    """Hard-link every file of ``new`` whose bytes equal the published one in ``dest``; returns the count."""
    if not dest.is_dir():
        return 0
    kept = 0
    base_new, base_dest = str(new), str(dest)
    for folder, _, files in os.walk(base_new):
        inside = os.path.relpath(folder, base_new)
        published = base_dest if inside == "." else os.path.join(base_dest, inside)
        for name in files:
            fresh, old = os.path.join(folder, name), os.path.join(published, name)
            try:
                old_stat = os.stat(old)
            except OSError:
                continue
            if not stat.S_ISREG(old_stat.st_mode):
                continue
            fresh_stat = os.stat(fresh)
            if (old_stat.st_ino, old_stat.st_dev) == (fresh_stat.st_ino, fresh_stat.st_dev):
                kept += 1  # already a link to the published file (a page reused by portal.incremental)
                continue
            if old_stat.st_size == fresh_stat.st_size and filecmp.cmp(old, fresh, False):
                link = os.path.join(folder, f".lnk-{name}")
                os.link(old, link)
                os.replace(link, fresh)
                kept += 1
    return kept


def publish(new: Path, dest: Path, retire_later: bool = False) -> int:
    """Replace ``dest`` by ``new`` (two renames on one file system), keeping unchanged files' inodes.

    The previous version is removed at once, or, with ``retire_later``, left in the staging folder until
    :func:`remove_retired` (the build calls it once every page of the run is online: removing thousands of
    files is not on the way there; a build killed meanwhile leaves it to the next one's
    ``staging.remove_stale``)."""
    kept = keep_unchanged(new, dest)
    old = staging.retired_folder(dest)
    clear(old)  # a version this process retired earlier and has not removed yet
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    if not retire_later:
        clear(old)
    return kept


def remove_retired(dest: Path) -> None:
    """Remove the version of ``dest`` that :func:`publish` left with ``retire_later``."""
    clear(staging.retired_folder(dest))


def clear(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)

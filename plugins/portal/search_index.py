"""Index a published site for search (Pagefind) and swap the new index in atomically.

A build publishes a site first, with its last good index still in place, and indexes it after
(:func:`portal.indexing.index_sites`). Pagefind reads the published pages and writes its bundle into the
staging folder (:mod:`portal.staging`); the bundle then joins ``output/<site>/pagefind/``. Every file of a
bundle but ``pagefind-entry.json`` is named by its content's hash (or, like ``pagefind.js``, is the same for
one Pagefind version), so the new files are added beside the published ones and the entry, the one file
that says which index is current, is replaced last, by one rename. A search that loads the entry before the
rename reads the old index, one after it the new one: never a mix, never a half-written file. The files of
the index just replaced stay for one more index, so a tab that loaded the old entry still finds its chunks;
those of older indexes are removed. A Pagefind that fails leaves the published index as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

from . import memory, render, search_bundle, search_source, search_supplement, staging, timeline
from .problems import Problem
from .project import Project

ENTRY = search_bundle.ENTRY
FOLDER = "pagefind"          # in each published site
RECORD_FOLDER = "tim-kiem"   # in the build cache: per site, the files of its current and previous index


def command(settings) -> list[str]:
    """``PORTAL_PAGEFIND`` (a path to a Pagefind binary) when set, else the pinned wheel's binary."""
    configured = (settings or {}).get("PORTAL_PAGEFIND")
    return [str(configured)] if configured else render.pagefind_command()


def index_site(project: Project, site_id: str, where: str, slots: render.SearchSlots | None = None,
               parts: dict[str, str] | None = None) -> list[Problem]:
    """Index ``output/<site_id>/`` and swap its new index in; the problems of a failure (the published index
    is then untouched). Pagefinds take the build's slots (:class:`render.SearchSlots`; default: one at a
    time on the machine). ``parts``: the indexed pages' digests (:func:`render.search_pages`), recorded with
    the index for the next build's supplement (:func:`supplement`)."""
    site_out = project.output / site_id
    # Pagefind writes every file of the bundle; nearly all are already published (named by their content).
    # In memory, only the new ones are then copied to the disk (half a second of a 1,000-page site).
    bundle = staging.scratch(project.output) / f"{FOLDER}-{site_id}-{os.getpid()}"
    render.clear(bundle)
    # What Pagefind reads: the indexed element of each page, not the whole page (the same index, a third less
    # work: portal.search_source); the site itself when none of its pages is marked.
    source = bundle.with_name(f"nguon-{site_id}-{os.getpid()}")
    try:
        read = source if search_source.write(site_out, source) else site_out
    except OSError:  # no room in memory for it: Pagefind reads the published pages
        read = site_out
    cmd = command(project.settings) + ["--site", str(read), "--output-path", str(bundle), *render.SEARCH_OPTIONS]
    try:
        need = memory.pagefind_mb(len(parts)) if parts else 0.0
        slots = slots or render.SearchSlots()
        with slots.taken(staging.folder(project.output), need) as slot, timeline.span("index", site_id) as event:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env={**os.environ, **render.SEARCH_ENV})
            slots.started(slot, proc.pid)
            event["pid"] = proc.pid  # drawn on Pagefind's own line of the timeline
            _yield_to_publishing(proc.pid)
            out, err = proc.communicate()
    except OSError as exc:  # no such file, not executable: the command itself could not start
        render.clear(bundle)
        render.clear(source)
        return [_failed(where, f"không chạy được «{cmd[0]}»: {_reason(exc)}")]
    render.clear(source)
    try:
        if proc.returncode != 0 or not (bundle / ENTRY).is_file():
            return [_failed(where, (err or out).strip()[:500]
                            or f"Pagefind kết thúc với mã {proc.returncode} mà không tạo {ENTRY}")]
        try:  # Pagefind writes its filter indexes in hash-map order: sort them, so equal pages give equal files
            search_bundle.make_reproducible(bundle)
        except (search_bundle.BundleFormatError, OSError, ValueError) as exc:
            return [Problem(where, 0, f"Không sắp xếp được chỉ mục tìm kiếm của Pagefind: {exc}", code="pagefind")]
        record = record_path(project, site_id)
        ids = search_supplement.page_ids(bundle) if parts else {}
        try:
            with swapping(site_out / FOLDER):
                search_supplement.retire(site_out / FOLDER)  # before the swap: never the new pages twice
                swapped = swap_in(bundle, site_out / FOLDER, _read_record(record))
        except OSError as exc:
            return [_failed(where, f"không thay được chỉ mục đang dùng: {exc}")]
        if parts:
            swapped["trang"] = {page: [digest, ids[page]] for page, digest in sorted(parts.items()) if page in ids}
        _write_record(record, swapped)
        return []
    finally:
        render.clear(bundle)
        if bundle.parent != staging.folder(project.output):
            with contextlib.suppress(OSError):  # the scratch folder in memory goes with its last bundle
                bundle.parent.rmdir()


def supplement(project: Project, site_id: str, parts: dict[str, str]) -> bool:
    """The pages of ``output/<site_id>/`` changed since its index was made, searchable at once through a
    supplement (:mod:`portal.search_supplement`); whether one is now in force. Never raises: a supplement
    that cannot be made leaves the search as it was until the whole index is swapped in."""
    live = project.output / site_id / FOLDER
    try:
        with swapping(live):
            recorded = (_read_record(record_path(project, site_id)) or {}).get("trang")
            found = search_supplement.changes(recorded if isinstance(recorded, dict) else {}, parts)
            if not found or not (found[0] or found[1]) or not (live / ENTRY).is_file():
                return False
            return search_supplement.make(live, project.output / site_id, *found, recorded,
                                          command(project.settings) + render.SEARCH_OPTIONS,
                                          {**os.environ, **render.SEARCH_ENV})
    except Exception:  # noqa: BLE001 - a supplement is an optimisation: the whole index follows in any case
        return False


SEARCH_NICENESS = 10  # below the build's own processes: the pages going online first, the index after


def _yield_to_publishing(pid: int) -> None:
    """Pagefind runs while the build still renders and publishes (the other sites, the provincial aggregate):
    on a busy machine the pages come first. Nothing to do where priorities cannot be set."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, pid, SEARCH_NICENESS)


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "không có tệp này"
    if isinstance(exc, PermissionError):
        return "không có quyền chạy tệp này"
    return f"lỗi hệ điều hành {exc.errno}: {exc.strerror or exc}"


def _failed(where: str, detail: str) -> Problem:
    return Problem(where, 0, "Không tạo được chỉ mục tìm kiếm (Pagefind); trang đã đăng, tìm kiếm vẫn dùng chỉ "
                   "mục cũ: " + detail, code="pagefind")


_SWAPS: dict[str, threading.Lock] = {}
_SWAPS_GUARD = threading.Lock()


@contextlib.contextmanager
def swapping(live: Path):
    """Held while a site's published index changes, and by whoever copies it meanwhile: ``invoke build
    --aggregate`` indexes a unit in one thread while another copies the unit's last index for the
    province-wide search (:mod:`aggregate.search`); the copy meets the index before or after the swap,
    never files half added or half removed."""
    with _SWAPS_GUARD:
        lock = _SWAPS.setdefault(str(Path(live).resolve()), threading.Lock())
    with lock:
        yield


def swap_in(bundle: Path, live: Path, record: dict | None) -> dict:
    """Move the files of ``bundle`` into ``live``, ``pagefind-entry.json`` last (one rename), then remove the
    files of ``live`` that belong neither to the new index nor to the one it replaced. ``record`` is what the
    last swap returned (``{"current": [...], "previous": [...]}``; None: unknown, every file found is kept
    once more); returns the record of this one. An index equal to the current one changes nothing, so a
    build that indexes the same pages again (``--force``) leaves the very same files."""
    files = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    present = sorted(name for name in (p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file())
                     if not search_supplement.owns(name)) if live.is_dir() else []
    if record is None:
        record = {"current": present, "previous": []}
    if files != record["current"]:
        record = {"current": files, "previous": record["current"]}
    live.mkdir(parents=True, exist_ok=True)
    for name in files:
        if name == ENTRY:
            continue
        source, target = bundle / name, live / name
        try:
            size = target.stat().st_size
        except FileNotFoundError:  # a name no published file has: no search reads it before the entry
            target.parent.mkdir(parents=True, exist_ok=True)
            _place(source, target, new=True)
            continue
        if size == source.stat().st_size and _same(source, target):
            continue  # named by its content: already published (keeps its inode for rsync and CDNs)
        _place(source, target)
    if not ((live / ENTRY).is_file() and _same(bundle / ENTRY, live / ENTRY)):
        _place(bundle / ENTRY, live / ENTRY)  # the swap: from here on, searches read the new index
    for name in sorted(set(present) - set(record["current"]) - set(record["previous"])):
        (live / name).unlink(missing_ok=True)
    return record


def _place(source: Path, target: Path, new: bool = False) -> None:
    """``source`` renamed over ``target``; from another file system (the bundle in memory: staging.scratch)
    copied beside ``target`` first, then renamed: a reader meets the old file or the whole new one. ``new``:
    no file has ``target``'s name yet and nothing reads it before the entry names it, so it is copied in
    place (a cold build's index is a thousand new files)."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        if new:
            shutil.copyfile(source, target)
            return
        tmp = target.with_name(f".tmp-{target.name}-{os.getpid()}")
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def _same(a: Path, b: Path) -> bool:
    import filecmp

    return filecmp.cmp(a, b, shallow=False)


def record_path(project: Project, site_id: str) -> Path:
    return project.folder("build") / RECORD_FOLDER / f"{site_id}.json"


def _read_record(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and all(isinstance(data.get(k), list) for k in ("current", "previous"))):
        return None
    return data


def _write_record(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}")
    tmp.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)

"""Build a whole province: every component site checked, rendered and indexed in parallel.

``build_province`` is the pipeline, stage by stage. Each site builds in a worker process into a
temporary folder beside its output and replaces ``output/<site>/`` only when it built cleanly, so
a failed build leaves the last good site in place and one broken site never stops the others.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from . import check, province_index, sites
from .problems import ERROR, WARNING, Problem, relpath

logger = logging.getLogger(__name__)
REPORT_NAME = "build-report.json"


@dataclass
class SiteTask:
    """What a worker needs to build one site (picklable)."""

    site_dir: Path
    root: Path
    output_dir: Path
    settings_file: Path
    search: bool = True
    overrides: dict = field(default_factory=dict)


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
                   jobs: int = 0, search: bool = True, overrides: dict | None = None) -> ProvinceResult:
    """Build the selected sites (all when ``site_ids`` is empty) and the province index page."""
    # 1. Find the sites; an unknown --site is a problem, not a crash.
    site_dirs, problems = sites.discover(root / "content", root)
    if site_ids:
        known = {d.name: d for d in site_dirs}
        for wanted in site_ids:
            if wanted not in known:
                problems.append(Problem("content/", 0, f"Không có cổng mã «{wanted}».",
                                        expected="một trong: " + ", ".join(sorted(known)), found=wanted,
                                        code="khong-co-cong"))
        site_dirs = [known[s] for s in site_ids if s in known]
    output_dir.mkdir(parents=True, exist_ok=True)
    # 2. Build each site in its own worker, biggest first so the pool stays busy.
    tasks = [SiteTask(d, root, output_dir, settings_file, search, dict(overrides or {}))
             for d in sorted(site_dirs, key=_weight, reverse=True)]
    results = _run_all(tasks, jobs)
    # 3. Write the province index and the machine-readable report, in a stable order.
    results.sort(key=lambda r: r.site_id)
    province = ProvinceResult(results, problems)
    province_index.write(output_dir, root / "content")
    write_report(province, output_dir / REPORT_NAME)
    return province


def _weight(site_dir: Path) -> int:
    return sum(1 for _ in site_dir.rglob("*.md"))


def _run_all(tasks: list[SiteTask], jobs: int) -> list[SiteResult]:
    workers = min(jobs or os.cpu_count() or 1, len(tasks)) or 1
    if workers == 1:
        return [build_site(t) for t in tasks]
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(build_site, tasks))


def build_site(task: SiteTask) -> SiteResult:
    """Check, render, index and publish one site. Runs in a worker; never raises."""
    started = time.perf_counter()
    site_id = task.site_dir.name
    tmp = task.output_dir / f".tmp-{site_id}-{os.getpid()}"
    try:
        # 1. Validate everything first: all problems of the site, no output touched.
        checked = check.check_site(task.site_dir, task.root)
        result = SiteResult(site_id, False, checked.problems, items=len(checked.documents))
        if checked.site:
            result.name, result.url = checked.site.name, checked.site.config.get("dia_chi_web", "")
        if not checked.ok:
            return result
        # 2. Render with Pelican into a fresh temporary folder.
        _clear(tmp)
        warnings = run_pelican(task.settings_file, checked, tmp, task.overrides)
        result.problems += warnings
        if any(p.severity == ERROR for p in warnings):
            return result
        # 3. Index for search (Pagefind), then 4. swap the new site in.
        if task.search:
            result.problems += index_search(tmp, relpath(task.site_dir, task.root))
        if any(p.severity == ERROR for p in result.problems):
            return result
        publish(tmp, task.output_dir / site_id)
        result.built = True
        return result
    except Exception as exc:  # an unexpected failure of our own: keep the traceback, keep going
        log = task.output_dir / f".crash-{site_id}.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        problem = Problem(relpath(task.site_dir, task.root), 0,
                          f"Lỗi hệ thống khi xây dựng cổng ({type(exc).__name__}: {exc}). "
                          f"Chi tiết kỹ thuật: {relpath(log, task.root)}", code="loi-he-thong")
        return SiteResult(site_id, False, [problem], crash=str(log))
    finally:
        _clear(tmp)
        if "result" in locals():
            result.seconds = round(time.perf_counter() - started, 3)


def settings_for(settings_file: Path, checked: check.SiteCheck, output: Path, extra: dict | None = None) -> dict:
    """Pelican settings for one site: the shared file plus what ``site.yaml`` says."""
    from pelican.settings import read_settings

    site = checked.site
    config = site.config
    overrides = {
        "PATH": str(site.path.resolve()),
        "OUTPUT_PATH": str(output.resolve()),
        "SITENAME": config["ten_cong"],
        "PORTAL": config,
        "PORTAL_DOCUMENTS": {str(d.path.resolve()): d for d in checked.documents},
        # Feeds and sitemaps always carry absolute links; pages stay relative unless
        # RELATIVE_URLS is off (publishconf.py), so the demo also opens from disk.
        "SITEURL": config["dia_chi_web"].rstrip("/"),
        "FEED_DOMAIN": config["dia_chi_web"].rstrip("/"),
        "CACHE_PATH": str(output.resolve() / ".cache"),
        "PORTAL_ROOT": str(site.path.resolve().parents[1]),
    }
    if config.get("so_tin_moi_trang"):
        overrides["DEFAULT_PAGINATION"] = config["so_tin_moi_trang"]
    overrides.update(extra or {})
    settings = read_settings(str(settings_file), override=overrides)
    # Every generator builds its own Jinja environment; compiled templates are shared through a
    # bytecode cache (keyed by each template's source checksum, written atomically by Jinja).
    cache = Path(overrides["PORTAL_ROOT"]) / ".cache" / "jinja"
    cache.mkdir(parents=True, exist_ok=True)
    settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"],
                                     "bytecode_cache": FileSystemBytecodeCache(str(cache))}
    return settings


class _Collect(logging.Handler):
    """Keeps Pelican's warnings and errors so they are reported with the site's problems."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def run_pelican(settings_file: Path, checked: check.SiteCheck, output: Path,
                extra: dict | None = None) -> list[Problem]:
    """Render one checked site with Pelican; Pelican's own warnings come back as problems."""
    from pelican import Pelican

    settings = settings_for(settings_file, checked, output, extra)
    collector = _Collect()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(collector)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Pelican's own "Done: ..." summary
            Pelican(settings).run()
    finally:
        pelican_logger.removeHandler(collector)
        shutil.rmtree(output / ".cache", ignore_errors=True)
    where = relpath(checked.site_dir, None)
    return [Problem(where, 0, f"Pelican: {r.getMessage()}",
                    severity=ERROR if r.levelno >= logging.ERROR else WARNING, code="pelican")
            for r in collector.records]


def index_search(site_out: Path, where: str) -> list[Problem]:
    """Build the Pagefind index of a rendered site."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_out), "--keep-index-url", "--silent",
           "--force-language", "vi"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return [Problem(where, 0, "Không tạo được chỉ mục tìm kiếm (Pagefind): "
                        + (proc.stderr or proc.stdout).strip()[:500], code="pagefind")]
    return []


def publish(new: Path, dest: Path) -> None:
    """Replace ``dest`` by ``new`` with two renames on the same file system."""
    old = dest.with_name(f".old-{dest.name}-{os.getpid()}")
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    _clear(old)


def _clear(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)


def write_report(province: ProvinceResult, path: Path) -> None:
    """``build-report.json``: per site built or not, counts, timings and every problem."""
    data = {
        "phien_ban": "1.0",
        "thanh_cong": province.ok,
        "cong": [{"ma": s.site_id, "ten": s.name, "da_xay_dung": s.built, "so_muc": s.items,
                  "so_loi": sum(p.severity == ERROR for p in s.problems),
                  "so_canh_bao": sum(p.severity == WARNING for p in s.problems)} for s in province.sites],
        "van_de": [asdict(p) for p in province.all_problems()],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

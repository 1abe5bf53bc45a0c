"""Scheduled publishing and the date horizon (plugins/portal/schedule.py): an item dated after the build's
now is checked but published nowhere until a build at or after its time, which the site's fingerprint
makes happen; a date beyond the horizon is an error."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, copy_case
from conftest import project as project_at
from test_incremental import same_files
from test_tasks import project as task_project
from test_tasks import run

from portal import check, schedule
from portal.build import build_province
from portal.problems import ERROR

SETTINGS = ROOT / "pelicanconf.py"
TITLE = "Thông báo hẹn giờ đăng lịch tiếp công dân quý hai"
SLUG = "thong-bao-hen-gio-dang-lich-tiep-cong-dan-quy-hai"
ITEM = f"---\ntieu_de: \"{TITLE}\"\nngay: 2026-03-20 08:30\n---\nNội dung được hẹn giờ đăng.\n"
BEFORE = dt.datetime(2026, 3, 15, 12, 0)
AT = dt.datetime(2026, 3, 20, 8, 30)
REL = "content/so-mau/thong-bao/hen-gio.md"


def build(root: Path, now: dt.datetime, force: bool = False, search: bool = False):
    return build_province(project_at(root), jobs=2, search=search, force=force, now=now)


@pytest.fixture()
def root(tmp_path) -> Path:
    root = copy_case("basic", tmp_path / "p")
    shutil.rmtree(root / "content" / "xa-loi")  # the basic case's deliberately broken site
    (root / "content" / "so-mau" / "thong-bao" / "hen-gio.md").write_text(ITEM, encoding="utf-8")
    return root


def files_mentioning(folder: Path, text: str) -> list[str]:
    needle = text.encode("utf-8")
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and needle in p.read_bytes())


def test_a_scheduled_item_is_checked_apart_and_falls_due_at_its_time(root):
    site = root / "content" / "so-mau"
    before = check.check_site(site, root, now=BEFORE)
    assert before.ok and [d.rel for d in before.scheduled] == [REL]
    assert REL not in [d.rel for d in before.documents]
    at = check.check_site(site, root, now=AT)
    assert REL in [d.rel for d in at.documents] and at.scheduled == []
    assert before.metadata != at.metadata  # list pages depend on what is due (portal.incremental)


def test_not_published_before_its_time_then_published_by_the_next_build(root, tmp_path):
    out = root / "output" / "so-mau"
    first = build(root, BEFORE, search=True)
    [site] = first.sites
    assert site.built and site.scheduled == [(REL, "08:30 20/03/2026")]
    report = json.loads((root / "output" / "build-report.json").read_text(encoding="utf-8"))
    assert report["cong"][0]["hen_gio_dang"] == [{"tep": REL, "ngay_dang": "08:30 20/03/2026"}]
    # No page, no list, feed, sitemap, export or province index entry: the title is nowhere.
    assert not (out / "thong-bao" / f"{SLUG}.html").exists()
    assert files_mentioning(root / "output", TITLE) == [] and files_mentioning(root / "output", SLUG) == []
    pages = json.loads((out / "pagefind" / "pagefind-entry.json").read_text("utf-8"))["languages"]["vi"]["page_count"]
    # The same content a day later: the site is not skipped, the item is published everywhere.
    again = build(root, BEFORE + dt.timedelta(hours=1), search=True)
    assert again.sites[0].skipped  # nothing fell due: nothing to do
    due = build(root, AT, search=True)
    assert due.sites[0].built and not due.sites[0].skipped and due.sites[0].scheduled == []
    assert (out / "thong-bao" / f"{SLUG}.html").is_file()
    for page in ("thong-bao/index.html", "index.html", "feeds/all.atom.xml", "feeds/thong-bao.rss.xml", "sitemap.xml"):
        assert SLUG in (out / page).read_text(encoding="utf-8"), page
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["vi"]["page_count"] == pages + 1
    # What the incremental build published is what a full build writes.
    incremental_copy = tmp_path / "incremental"
    shutil.copytree(root / "output", incremental_copy)
    assert build(root, AT, force=True, search=True).ok
    assert same_files(incremental_copy, root / "output") == []


def test_dates_beyond_the_horizon_are_errors_and_the_horizon_is_a_setting(root):
    site = root / "content" / "so-mau"
    path = site / "thong-bao" / "hen-gio.md"
    path.write_text(ITEM.replace("2026-03-20 08:30", "2026-06-01"), encoding="utf-8")
    assert check.check_site(site, root, now=BEFORE).ok  # 78 days ahead: within the default 365
    # The project's settings file (here not root/pelicanconf.py) sets it, for the check and the build alike.
    settings = root / "cau-hinh-khac.py"
    settings.write_text(SETTINGS.read_text(encoding="utf-8") + f'\nTHEME = "{ROOT}/themes/cong-thong-tin"\n'
                        f'PLUGIN_PATHS = ["{ROOT}/plugins"]\nPORTAL_SCHEDULE_HORIZON_DAYS = 30\n', encoding="utf-8")
    project = project_at(root, settings=settings)
    result = check.check_site(site, root, now=BEFORE, settings=project.settings)
    [problem] = [p for p in result.problems if p.severity == ERROR]
    assert (problem.path, problem.line, problem.field, problem.code) == (REL, 3, "ngay", "ngay-qua-xa")
    assert "hơn 30 ngày sau hôm nay, 15/03/2026" in problem.message and "14/04/2026" in problem.expected
    assert REL not in [d.rel for d in result.documents + result.scheduled]
    built = build_province(project, jobs=1, search=False, now=BEFORE)
    assert not built.ok and [p.code for p in built.all_problems() if p.severity == ERROR] == ["ngay-qua-xa"]


def test_a_future_update_date_of_a_published_item_is_a_warning(root):
    path = root / "content" / "so-mau" / "thong-bao" / "hen-gio.md"
    path.write_text(ITEM.replace("ngay: 2026-03-20 08:30", "ngay: 2026-03-01\ncap_nhat: 2026-04-01"), encoding="utf-8")
    result = check.check_site(root / "content" / "so-mau", root, now=BEFORE)
    assert result.ok and REL in [d.rel for d in result.documents]
    [warning] = [p for p in result.problems if p.path == REL]
    assert (warning.line, warning.field, warning.code) == (4, "cap_nhat", "ngay-tuong-lai")


def test_as_of_parses_dates_and_times_as_editors_write_them():
    assert schedule.parse_as_of("2026-03-20") == dt.datetime(2026, 3, 20)
    assert schedule.parse_as_of("20/03/2026 08:30") == dt.datetime(2026, 3, 20, 8, 30)
    assert schedule.parse_as_of("2026-02-30") is None and schedule.parse_as_of("mai") is None


def test_build_and_check_tasks_take_as_of_and_report_scheduled_items(tmp_path):
    proj = task_project(tmp_path, "basic")
    (proj / "content" / "so-mau" / "thong-bao" / "hen-gio.md").write_text(ITEM, encoding="utf-8")
    built = run(proj, "build", "--site", "so-mau", "--no-search", "--as-of", "2026-03-15 12:00")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Hẹn giờ đăng (1 bài, chưa xuất bản" in built.stdout and f"{REL}: đăng từ 08:30 20/03/2026" in built.stdout
    checked = run(proj, "check", "--site", "so-mau", "--as-of", "2026-03-15")
    assert checked.returncode == 0 and f"Hẹn giờ đăng (đã kiểm tra, chưa xuất bản): {REL}" in checked.stdout
    wrong = run(proj, "check", "--as-of", "2026-02-30")
    assert wrong.returncode == 2 and "--as-of phải là ngày (giờ) có thật" in wrong.stderr + wrong.stdout


def test_a_stored_light_check_splits_items_as_a_fresh_check_at_every_moment(root, tmp_path):
    """The light cache keeps which items were due when it was saved, and until when that holds
    (check.StoredCheck): read back at any moment, before, inside or after that window, it answers as
    a fresh check, and inside it without unpickling its documents to say so."""
    site = root / "content" / "so-mau"
    far = site / "van-ban" / "2027-05-01-qd-xa.md"  # beyond the 365-day horizon until 01/05/2026
    far.write_text((site / "van-ban" / "2026-02-20-qd-12.md").read_text(encoding="utf-8")
                   .replace("ngay: 2026-02-20", "ngay: 2027-05-01").replace("12/QĐ", "99/QĐ"), encoding="utf-8")
    cache = tmp_path / "cache"
    check.light_check(site, root, cache, now=BEFORE)  # saves the light cache and its window at BEFORE
    # The window ends at the first of: the scheduled item's time (AT), the far item's coming within the
    # horizon (01/05/2026 15:00) and, as its error names today's date, the next midnight.
    moments = [BEFORE, BEFORE + dt.timedelta(hours=1), dt.datetime(2026, 3, 15, 23, 59), dt.datetime(2026, 3, 16),
               AT - dt.timedelta(minutes=1), AT, dt.datetime(2026, 5, 1), dt.datetime(2026, 5, 2),
               BEFORE - dt.timedelta(days=1)]
    lazy = []
    for now in moments:
        fresh = check.check_site(site, root, now=now).light()
        stored = check.light_check(site, root, cache, now=now)
        assert isinstance(stored, check.StoredCheck)
        assert stored.item_count == len(fresh.documents)
        assert [d.rel for d in stored.scheduled] == [d.rel for d in fresh.scheduled]
        assert sorted(stored.problems) == sorted(fresh.problems) and stored.metadata == fresh.metadata
        assert ([d.rel for d in stored.light(("van-ban",)).documents]
                == [d.rel for d in fresh.light(("van-ban",)).documents])
        lazy.append("documents" not in vars(stored))
        assert [d.rel for d in stored.documents] == [d.rel for d in fresh.documents]
    # Inside the window nothing was unpickled; past it, or before the moment it was saved, the documents
    # were read and split again.
    assert lazy == [True, True, True, False, False, False, False, False, False]
    far_rel = far.relative_to(root).as_posix()
    assert far_rel not in [d.rel for d in check.light_check(site, root, cache, now=BEFORE).documents]
    assert far_rel in [d.rel for d in check.light_check(site, root, cache, now=dt.datetime(2026, 5, 2)).scheduled]
    # What a build asks of an unchanged site, answered from the window as from a fresh check.
    stored, fresh = check.light_check(site, root, cache, now=BEFORE), check.check_site(site, root, now=BEFORE)
    assert stored.cited() == fresh.cited() and stored.cited() and "documents" not in vars(stored)

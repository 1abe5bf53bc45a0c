"""The warm preview of ``invoke serve`` (portal.live, portal.warm, portal.preview) in real Chromium.

A small province (a unit and the provincial site aggregating it) is built and aggregated for real; the
preview server runs on 127.0.0.1 with the warm session; a file is written to disk as an editor's save
would, and the open tab must reload by itself with the change, on the item's page and on the provincial
overview page. A file with an error must show its problem (file, line, field) over the last good page.
"""

import datetime as dt
import functools
import http.server
import re
import threading
from pathlib import Path

import pytest
from browser import chromium
from conftest import build, copy_case
from conftest import project as project_at

from aggregate.pipeline import aggregate
from aggregate.warm import follower
from portal.live import LivePreview
from portal.preview import RELOAD_SCRIPT, PreviewHandler

UNIT, PROVINCE = "so-y", "tinh-x"
ITEM = Path("content") / UNIT / "tin-tuc" / "tin-2.md"
NOW = dt.datetime(2026, 11, 20, 9, 0)


@pytest.fixture
def preview(tmp_path):
    root = copy_case("aggregate", tmp_path / "p")
    registry = root / "content" / PROVINCE / "site.yaml"  # only the unit built here: no remote source
    registry.write_text("".join(line for line in registry.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.lstrip().startswith("- {ma:")), encoding="utf-8")
    assert build(root).ok
    aggregate(project_at(root), dt.date(2026, 11, 20), NOW)
    assert build(root, [PROVINCE]).ok
    project = project_at(root)
    live = LivePreview(project, followers=(follower(project, NOW),))
    live.start()
    handler = functools.partial(PreviewHandler, directory=str(project.output), live=live)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield root, live, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _save(root: Path, old: str, new: str) -> Path:
    """Write the item as an editor's save does (the whole file, on disk)."""
    path = root / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return path


def _item_url(root: Path) -> str:
    page = next((root / "output" / UNIT / "tin-tuc").glob("*nhiem-vu-so-2*.html"))
    return f"/{UNIT}/tin-tuc/{page.name}"


def test_a_saved_item_reloads_the_open_tabs_of_its_page_and_of_the_provincial_overview(preview):
    root, live, base = preview
    with chromium() as browser:
        item = browser.new_page()
        overview = browser.new_page()
        violations = []
        for page in (item, overview):
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        item.goto(base + _item_url(root))
        overview.goto(f"{base}/{PROVINCE}/tong-hop/")
        for page in (item, overview):
            assert page.locator(f'script[src="{RELOAD_SCRIPT}"]').count() == 1
            assert "nhiệm vụ số 2" in page.content()
        # Each tab marks itself: the mark is gone only if the tab really reloaded.
        for page in (item, overview):
            page.evaluate("window.chuaTaiLai = true")
        version = live.state()["phien_ban"]
        lines = live.apply([_save(root, "nhiệm vụ số 2", "nhiệm vụ số 2 đã sửa tại chỗ")])
        assert live.state()["phien_ban"] == version + 1, lines
        for page in (item, overview):
            page.wait_for_function("() => document.body.innerText.includes('nhiệm vụ số 2 đã sửa tại chỗ')",
                                   timeout=15_000)
            assert page.evaluate("window.chuaTaiLai === undefined")
        assert "đã sửa tại chỗ" in item.locator("h1").inner_text()
        assert not violations
    # The published output is untouched: no script, no edit (the next invoke build publishes it).
    published = (root / "output").joinpath(_item_url(root).lstrip("/")).read_text(encoding="utf-8")
    assert RELOAD_SCRIPT not in published and "đã sửa tại chỗ" not in published
    # The lists that show it and the unit's feeds were rendered too; the provincial feed follows.
    for shown in (f"{UNIT}/tin-tuc/index.html", f"{UNIT}/index.html", f"{UNIT}/feeds/all.atom.xml",
                  f"{PROVINCE}/tong-hop/tin-tuc/index.html", f"{PROVINCE}/tong-hop/feeds/all.atom.xml"):
        assert "đã sửa tại chỗ" in (live.folder / shown).read_text(encoding="utf-8"), shown
    assert "nhiem-vu-so-2-da-sua-tai-cho" in (live.folder / UNIT / "sitemap.xml").read_text(encoding="utf-8")


def test_a_saved_item_with_an_error_shows_its_problem_and_keeps_the_last_good_page(preview):
    root, live, base = preview
    with chromium() as browser:
        page = browser.new_page()
        page.goto(base + _item_url(root))
        version = live.state()["phien_ban"]
        live.apply([_save(root, "ngay: 2026-11-12 08:00", "ngay: 2026-13-45 08:00")])
        assert live.state()["phien_ban"] == version  # nothing rendered: no tab reloads
        alert = page.locator("#xem-thu-van-de")
        alert.wait_for(timeout=15_000)
        text = alert.inner_text()
        assert f"{ITEM.as_posix()}:3" in text and "(ngay)" in text and "LỖI" in text
        assert "Sở Thử Y triển khai nhiệm vụ số 2" in page.locator("h1").inner_text()  # the last good page
        # Mended: the problem goes, the page reloads with the new text.
        live.apply([_save(root, "ngay: 2026-13-45 08:00\n---\n", "ngay: 2026-11-12 08:00\n---\nĐoạn mới thêm. ")])
        page.wait_for_function("() => document.body.innerText.includes('Đoạn mới thêm.')", timeout=15_000)
        assert page.locator("#xem-thu-van-de").count() == 0
    assert live.state()["van_de"] == []
    assert not (live.folder / UNIT / "du-lieu").exists()  # a body edit of a news item: the exports stand


def test_a_change_outside_an_item_rebuilds_the_site_and_reports_its_problems_to_the_tabs(preview):
    root, live, _base = preview
    site_yaml = root / "content" / UNIT / "site.yaml"
    site_yaml.write_text(re.sub(r"(?m)^cap:.*$", "cap: phong-ban", site_yaml.read_text("utf-8")), "utf-8")
    lines = live.apply([site_yaml])
    assert any("LỖI - giữ bản cũ" in line for line in lines)
    problems = live.state()["van_de"]
    assert problems and all(p["path"] == f"content/{UNIT}/site.yaml" for p in problems)
    assert any(p["field"] == "cap" for p in problems)


def test_a_feed_parsed_entry_by_entry_reads_as_the_whole_feed(preview):
    """aggregate.warm.FeedEntries parses only the entries it has not seen: the same items as parse_feed."""
    from aggregate.parse import parse_feed
    from aggregate.warm import FeedEntries

    root, _live, _base = preview
    for name in ("all.rss.xml", "all.atom.xml"):  # the feed the aggregation reads, and the other
        feed = (root / "output" / UNIT / "feeds" / name).read_bytes()
        entries = FeedEntries()
        assert entries.parse(feed) == parse_feed(feed) and len(parse_feed(feed)) >= 2
        assert len(entries.parsed) == len(parse_feed(feed))  # one chunk an item: each parsed on its own
        edited = feed.replace("nhiệm vụ số 2".encode(), "nhiệm vụ số 2 sửa".encode())
        assert edited != feed and entries.parse(edited) == parse_feed(edited), name


def test_a_fault_of_ours_while_rendering_is_the_files_problem_and_the_preview_goes_on(preview, monkeypatch):
    """An unexpected exception in the warm render: a system-fault problem for that file (traceback in a log),
    the last good pages stay, and the next save is read and rendered again from the files."""
    from portal import warm

    root, live, _base = preview

    def broken(*_args, **_kwargs):
        raise RuntimeError("hỏng khi dựng")

    monkeypatch.setattr(warm.WarmWriter, "write_file", broken)
    version = live.state()["phien_ban"]
    live.apply([_save(root, "nhiệm vụ số 2", "nhiệm vụ số 2 lần một")])
    problems = live.state()["van_de"]
    assert live.state()["phien_ban"] == version
    assert [p["code"] for p in problems] == ["loi-he-thong"] and problems[0]["path"] == ITEM.as_posix()
    assert "RuntimeError" in problems[0]["van_ban"] and "Lỗi hệ thống" in problems[0]["van_ban"]
    monkeypatch.undo()
    live.apply([_save(root, "lần một", "lần hai")])
    assert live.state()["van_de"] == [] and live.state()["phien_ban"] == version + 1
    page = next((live.folder / UNIT / "tin-tuc").glob("*nhiem-vu-so-2-lan-hai*.html"))
    assert "nhiệm vụ số 2 lần hai" in page.read_text(encoding="utf-8")

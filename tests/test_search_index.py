"""Online first, searchable after: an edit's pages are published with the last good search index still in
place, then the edited site alone is indexed and its new index swapped in atomically; a Pagefind that fails
leaves the last good index, is reported with exit code 3 and is tried again by the next build."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shlex
import shutil
from pathlib import Path

import pytest
from browser import chromium, serve
from conftest import copy_case
from conftest import project as project_at

from portal import render, search_index, search_supplement
from portal.build import build_province

SITE = "so-mau"


@pytest.fixture()
def root(tmp_path):
    """The basic case, two valid sites, built once with their search indexes."""
    root = copy_case("basic", tmp_path / "p")
    shutil.rmtree(root / "content" / "xa-loi")  # the case's deliberately broken site
    shutil.copytree(root / "content" / SITE, root / "content" / "so-hai")
    result = build_province(project_at(root), jobs=2, search=True)
    assert result.ok, [p.format() for p in result.all_problems()]
    return root


def edit(root: Path, word: str) -> None:
    """A body edit of one news item of so-mau."""
    path = sorted((root / "content" / SITE / "tin-tuc").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + f"\nTừ khóa hiếm gặp: {word}.\n", encoding="utf-8")


def online(root: Path, word: str) -> bool:
    return any(word in p.read_text(encoding="utf-8") for p in (root / "output" / SITE / "tin-tuc").glob("*.html"))


def indexed(root: Path, word: str) -> bool:
    fragments = (root / "output" / SITE / "pagefind" / "fragment").glob("*.pf_fragment")
    return any(word.encode() in gzip.decompress(p.read_bytes()) for p in fragments)


def files(folder: Path) -> dict[str, bytes]:
    """The index's files (not a supplement's: tests/test_search_supplement.py)."""
    return {name: p.read_bytes() for p in folder.rglob("*") if p.is_file()
            if not search_supplement.owns(name := p.relative_to(folder).as_posix())}


def report(root: Path) -> dict:
    data = json.loads((root / "output" / "build-report.json").read_text(encoding="utf-8"))
    return {entry["ma"]: entry for entry in data["cong"]} | {"": data}


def gated_pagefind(folder: Path) -> tuple[Path, Path]:
    """(a Pagefind that starts only once ``gate`` exists, ``gate``): the real one, held back, so a test sees
    the published site while its index is being made (a site's index is begun as soon as it is published)."""
    gate, wrapper = folder / "mo-cong", folder / "pagefind-cho"
    real = " ".join(shlex.quote(part) for part in render.pagefind_command())
    wrapper.write_text(f'#!/bin/sh\nwhile [ ! -e "{gate}" ]; do sleep 0.05; done\nexec {real} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper, gate


def test_an_edit_is_online_with_the_old_index_then_searchable_with_the_new_one(root, tmp_path):
    pagefind, gate = gated_pagefind(tmp_path)
    gated = project_at(root, overrides={"PORTAL_PAGEFIND": str(pagefind)})
    gate.touch()  # a build with the same settings first: their change alone would build every site again
    assert build_province(gated, jobs=2, search=True).ok
    gate.unlink()
    entry = root / "output" / SITE / "pagefind" / "pagefind-entry.json"
    before = entry.read_bytes()
    edit(root, "quýtrúcđào")
    seen = {}

    def published(result):
        seen.update(online=online(root, "quýtrúcđào"), entry=entry.read_bytes(), report=report(root),
                    due=[s.site_id for s in result.sites if s.search_due])
        gate.touch()

    result = build_province(gated, jobs=2, search=True, published=published)
    assert result.exit_code == 0, [p.format() for p in result.all_problems()]
    # When the callback ran, the edited page was online and searches still read the last good index.
    assert seen["online"] and seen["entry"] == before and seen["due"] == [SITE]
    assert seen["report"][SITE]["xuat_ban"]["tim_kiem"] == "dang-tao"
    # Only the edited site was built and indexed; its new index holds the new word.
    assert entry.read_bytes() != before and indexed(root, "quýtrúcđào")
    by_id = {s.site_id: s for s in result.sites}
    assert by_id[SITE].search == "moi" and by_id["so-hai"].skipped and by_id["so-hai"].search == "khong-doi"
    times = report(root)[SITE]["xuat_ban"]
    assert times["tim_kiem"] == "moi"
    assert 0 < times["giay_den_khi_dang"] <= times["giay_den_khi_tim_duoc"]
    assert dt.datetime.fromisoformat(times["bat_dau"]) <= dt.datetime.fromisoformat(times["dang_luc"]) \
        <= dt.datetime.fromisoformat(times["tim_kiem_luc"])
    assert report(root)["so-hai"]["xuat_ban"] == {"tim_kiem": "khong-doi", "bat_dau": times["bat_dau"],
                                                  "dang_luc": None, "tim_kiem_luc": None, "chi_muc_luc": None,
                                                  "giay_den_khi_dang": None, "giay_den_khi_tim_duoc": None,
                                                  "giay_den_khi_co_chi_muc": None}


def test_a_failed_index_keeps_the_last_good_one_exits_3_and_is_tried_again(root, tmp_path):
    live = root / "output" / SITE / "pagefind"
    good = files(live)
    edit(root, "mãngcầuxiêm")
    broken = project_at(root, overrides={"PORTAL_PAGEFIND": str(tmp_path / "khong-co" / "pagefind")})
    for attempt in range(2):  # the second build has nothing new to render, yet indexes again
        result = build_province(broken, jobs=2, search=True)
        site = {s.site_id: s for s in result.sites}[SITE]
        assert site.built and not site.skipped and site.search == "loi", attempt
        assert result.exit_code == 3 and not result.ok
        [problem] = [p for p in site.problems if p.code == "pagefind"]
        assert problem.path == f"content/{SITE}" and problem.severity == "loi"
        assert problem.message == ("Không tạo được chỉ mục tìm kiếm (Pagefind); trang đã đăng, tìm kiếm vẫn "
                                          f"dùng chỉ mục cũ: không chạy được «{tmp_path}/khong-co/pagefind»: "
                                          "không có tệp này")
        assert online(root, "mãngcầuxiêm")  # the pages are published ...
        assert files(live) == good          # ... and searches read the last good index, untouched
        data = report(root)
        assert data[SITE]["xuat_ban"]["tim_kiem"] == "loi" and data[SITE]["so_loi"] == 1
        assert data[""]["thanh_cong"] is False
    # With Pagefind back, the next build indexes the edit.
    result = build_province(project_at(root), jobs=2, search=True)
    assert result.exit_code == 0 and {s.site_id: s.search for s in result.sites}[SITE] == "moi"
    assert indexed(root, "mãngcầuxiêm")


def test_a_pagefind_that_fails_while_running_keeps_the_last_good_index(root, tmp_path):
    """A binary that starts but fails (here: not Pagefind at all, /bin/false) is reported like a missing one."""
    live = root / "output" / SITE / "pagefind"
    good = files(live)
    edit(root, "bưởidiễn")
    result = build_province(project_at(root, overrides={"PORTAL_PAGEFIND": shutil.which("false")}), jobs=2,
                            search=True)
    assert result.exit_code == 3 and files(live) == good and online(root, "bưởidiễn")
    [problem] = [p for s in result.sites for p in s.problems if p.code == "pagefind"]
    assert "Pagefind kết thúc với mã 1" in problem.message


def test_the_replaced_index_stays_one_more_time_for_open_tabs_then_goes(root):
    live = root / "output" / SITE / "pagefind"
    first = set(files(live))
    edit(root, "chômchômmột")
    assert build_province(project_at(root), jobs=2, search=True).ok
    second = set(files(live))
    assert first < second  # the new index's files beside the replaced one's
    edit(root, "chômchômhai")
    assert build_province(project_at(root), jobs=2, search=True).ok
    third = set(files(live))
    record = json.loads(search_index.record_path(project_at(root), SITE).read_text(encoding="utf-8"))
    assert third == set(record["current"]) | set(record["previous"])
    assert set(record["previous"]) == second - (first - set(record["previous"]))
    gone = first - set(record["previous"]) - set(record["current"])
    assert gone and not gone & third  # the first index's own files are removed
    # Indexing the same pages again (--force) leaves the very same files.
    snapshot = files(live)
    assert build_province(project_at(root), jobs=2, search=True, force=True).ok
    assert files(live) == snapshot


@pytest.mark.browser
def test_a_search_started_before_the_swap_still_reads_its_index(root):
    """A tab that loaded the old index asks for the old fragment of the edited page after the new index is in."""
    with serve(root / "output") as base, chromium() as browser:
        tab = browser.new_page()
        failed: list[str] = []
        tab.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        tab.goto(f"{base}/{SITE}/tim-kiem.html")
        old = tab.evaluate("""async (index) => {
            window.pf = await import(index + 'pagefind.js');
            await window.pf.options({basePath: index});
            window.found = await window.pf.search('cải cách');
            return window.found.results.length;
        }""", f"{base}/{SITE}/pagefind/")
        assert old > 0
        edit(root, "sầuriêngđen")  # the edited page's fragment gets a new name
        assert build_province(project_at(root), jobs=2, search=True).exit_code == 0
        assert indexed(root, "sầuriêngđen")
        titles = tab.evaluate("""async () => {
            const data = await Promise.all(window.found.results.map((r) => r.data()));
            return data.map((d) => d.meta.title);
        }""")
        assert len(titles) == old and "Đoàn công tác số 1 làm việc về cải cách hành chính" in titles, titles
        assert failed == []
        # A search started after the swap reads the new index.
        tab.goto(f"{base}/{SITE}/tim-kiem.html")
        fresh = tab.evaluate("""async (index) => {
            const pf = await import(index + 'pagefind.js');
            await pf.options({basePath: index});
            const found = await pf.search('sầuriêngđen');
            return found.results.length;
        }""", f"{base}/{SITE}/pagefind/")
        assert fresh == 1 and failed == []


def test_build_with_aggregate_puts_an_edit_online_province_wide_before_indexing_it(tmp_path):
    """``invoke build --aggregate``: the unit's pages, then the provincial aggregate's pages and feed, are
    published before the unit's search index is made; the province-wide search then reads its new index."""
    from test_tasks import project as task_project
    from test_tasks import run

    root = task_project(tmp_path, "tim-kiem")
    first = run(root, "build", "--aggregate")
    assert first.returncode == 0, first.stdout + first.stderr
    path = root / "content" / "so-tu-phap" / "tin-tuc" / "2026-08-05-dak-nong-tro-giup-phap-ly.md"
    path.write_text(path.read_text(encoding="utf-8").replace('tieu_de: "', 'tieu_de: "Nhãn lồng Hưng Yên: ', 1),
                    encoding="utf-8")
    proc = run(root, "build", "--aggregate")
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    # Online first (the unit and the provincial site, built once), searchable after.
    assert "Đã đăng lúc " in out and ": so-tu-phap, dong-son." in out
    assert out.index("Đã đăng lúc ") < out.index("Tìm kiếm sẵn sàng lúc ") < out.index("Xem: ")
    assert "(chỉ mục mới: so-tu-phap)" in out
    assert "Trang vừa sửa đã tìm được lúc " in out and "(chỉ mục bổ sung: so-tu-phap)." in out
    assert out.index("Trang vừa sửa đã tìm được lúc ") < out.index("Tìm kiếm sẵn sàng lúc ")
    output = root / "output"
    for page in ("so-tu-phap/tin-tuc/index.html", "dong-son/tong-hop/tin-tuc/index.html"):
        assert "Nhãn lồng Hưng Yên" in (output / page).read_text(encoding="utf-8"), page
    feeds = list((output / "dong-son" / "tong-hop" / "feeds").glob("*.xml"))
    assert feeds and any("Nhãn lồng Hưng Yên" in f.read_text(encoding="utf-8") for f in feeds)
    # The province-wide search reads the unit's new index (its copy under tong-hop/tim-kiem/).
    copy = output / "dong-son" / "tong-hop" / "tim-kiem" / "so-tu-phap"
    unit = output / "so-tu-phap" / "pagefind"
    assert (copy / "pagefind-entry.json").read_bytes() == (unit / "pagefind-entry.json").read_bytes()
    meta = json.loads((unit / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["vi"]["hash"]
    assert (copy / f"pagefind.{meta}.pf_meta").is_file()
    written = json.loads((output / "build-report.json").read_text(encoding="utf-8"))
    run_times = written["lan_chay"]
    assert run_times["lenh"] == "build --aggregate"
    # One report of the run: the unit and the provincial site both built by it (neither report of the two
    # builds marks the other's sites as left from an earlier run), the others unchanged but in this run too.
    assert {e["ma"]: e["lan_nay"] for e in written["cong"]} == {"so-tu-phap": True, "dong-son": True,
                                                                 "xa-hoa-dong": True}, written["cong"]
    assert written["thanh_cong"] and written["ca_tinh_thanh_cong"]
    # The unit's edited page is searchable (its supplement) once it is online, which may be before the
    # provincial aggregate is; the whole new index comes last.
    assert 0 < run_times["giay_den_khi_tim_duoc"] <= run_times["giay_den_khi_co_chi_muc"]
    assert 0 < run_times["giay_den_khi_dang"] <= run_times["giay_den_khi_co_chi_muc"]
    unit_times = report(root)["so-tu-phap"]["xuat_ban"]
    assert 0 < unit_times["giay_den_khi_dang"] <= unit_times["giay_den_khi_tim_duoc"] \
        < unit_times["giay_den_khi_co_chi_muc"]


@pytest.mark.parametrize("scratch", ["tmpfs", "staging"])
def test_the_bundle_made_in_memory_or_beside_output_publishes_the_same_index(root, tmp_path, monkeypatch, scratch):
    """Pagefind writes its bundle to a scratch folder in memory (/dev/shm, another file system: only the new
    files are copied to the disk) or, without one, beside output/: the published index is the same, and
    nothing is left in the scratch folder."""
    from portal import staging

    before = files(root / "output" / SITE / "pagefind")
    if scratch == "staging":
        monkeypatch.setenv(staging.SCRATCH_ENV, "")
    else:  # a folder of its own in memory, so the test does not depend on what else uses /dev/shm
        if not staging._roomy(staging.MEMORY):
            pytest.skip("no tmpfs at /dev/shm on this machine")
        memory = Path(staging.MEMORY) / f"test-{tmp_path.name}"
        monkeypatch.setenv(staging.SCRATCH_ENV, str(memory))
    output = root / "output"
    assert (staging.scratch(output).stat().st_dev != output.stat().st_dev) == (scratch == "tmpfs")
    edit(root, "ngoaile")
    result = build_province(project_at(root), [SITE], jobs=1, search=True)
    assert result.ok and indexed(root, "ngoaile")
    after = files(root / "output" / SITE / "pagefind")
    assert set(before) - {"pagefind-entry.json"} <= set(after)  # the replaced index's files stay once more
    assert not list(staging.scratch(output).glob("pagefind-*"))
    if scratch == "tmpfs":
        shutil.rmtree(staging.scratch(output).parent)


def test_a_site_is_indexed_as_soon_as_it_is_published_while_others_still_render(tmp_path, monkeypatch):
    """Stage 6 begins during stage 4 (indexing.EarlyIndex): the render workers leave part of the cores idle, so
    the first site published is indexed while the next ones still render, and its pages were online first."""
    from portal import timeline

    root = copy_case("basic", tmp_path / "p")
    shutil.rmtree(root / "content" / "xa-loi")
    for copy in ("so-hai", "so-ba"):
        shutil.copytree(root / "content" / SITE, root / "content" / copy)
    trace = tmp_path / "dong-thoi-gian.jsonl"
    monkeypatch.setenv(timeline.ENV, str(trace))
    result = build_province(project_at(root), jobs=1, search=True)
    assert result.ok and all(s.search == "moi" for s in result.sites)
    events = timeline.read(trace)
    published = {e.site: e.end for e in events if e.stage == "publish"}
    indexed = {e.site: e.start for e in events if e.stage == "index" and e.site}
    assert set(indexed) == set(published) == {SITE, "so-hai", "so-ba"}
    assert all(published[site] <= indexed[site] for site in indexed)  # each site online before its index
    assert min(indexed.values()) < max(published.values())  # the first index began before the last publish

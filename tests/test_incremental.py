"""Incremental builds: unchanged sites are skipped, unchanged pages are not rendered again, and the
result is always byte for byte what a full build (--force) writes."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, copy_case
from conftest import project as project_at
from jinja2 import DictLoader, Environment

from portal import incremental
from portal.build import build_province

SETTINGS = ROOT / "pelicanconf.py"


def build(root: Path, force: bool = False):
    return build_province(project_at(root), jobs=2, search=False, force=force)


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """{relative path: (inode, mtime_ns)} of every file."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            out[path.relative_to(folder).as_posix()] = (stat.st_ino, stat.st_mtime_ns)
    return out


def same_files(a: Path, b: Path) -> list[str]:
    """Paths whose bytes differ between two trees, or that exist in one only (``build-report.json``: apart
    from each site's ``xuat_ban`` and the command's ``lan_chay``: when this run published and indexed)."""
    diff = []
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    for name in sorted(names):
        if name == "build-report.json" and (a / name).is_file() and (b / name).is_file():
            if _timeless(a / name) != _timeless(b / name):
                diff.append(name)
        elif not ((a / name).is_file() and (b / name).is_file() and filecmp.cmp(a / name, b / name, False)):
            diff.append(name)
    return diff


def _timeless(report: Path) -> dict:
    data = json.loads(report.read_text(encoding="utf-8"))
    data.pop("lan_chay", None)  # the times of the command that wrote it (invoke build)
    for entry in data.get("cong", []):
        entry.pop("xuat_ban", None)
    return data


@pytest.fixture()
def project(tmp_path):
    root = copy_case("basic", tmp_path / "p")
    shutil.copytree(root / "content" / "so-mau", root / "content" / "so-hai")  # a second, valid site
    shutil.rmtree(root / "content" / "xa-loi")  # the basic case's deliberately broken site
    result = build(root)
    assert result.ok, [p.format() for p in result.all_problems()]
    return root


def news_file(root: Path) -> Path:
    return sorted((root / "content" / "so-mau" / "tin-tuc").glob("*.md"))[0]


def compare_with_full_build(root: Path, tmp_path: Path) -> None:
    incremental_copy = tmp_path / "incremental"
    shutil.copytree(root / "output", incremental_copy)
    assert build(root, force=True).ok
    assert same_files(incremental_copy, root / "output") == []


def test_nothing_changed_skips_every_site_and_keeps_files(project):
    before = tree(project / "output" / "so-mau")
    result = build(project)
    assert all(s.skipped for s in result.sites)
    assert tree(project / "output" / "so-mau") == before


def test_body_edit_renders_only_that_page_and_matches_a_full_build(project, tmp_path):
    path = news_file(project)
    before = tree(project / "output" / "so-mau")
    path.write_text(path.read_text(encoding="utf-8") + "\nMột đoạn bổ sung ở cuối bài.\n", encoding="utf-8")
    result = build(project)
    site = {s.site_id: s for s in result.sites}
    assert site["so-mau"].built and not site["so-mau"].skipped
    # The item's page and the four feeds that carry it (the site's and its section's, Atom and RSS); every
    # other section's feed is the published file, linked.
    assert site["so-mau"].rendered == 5 and site["so-mau"].reused > 20
    assert site["so-hai"].skipped
    after = tree(project / "output" / "so-mau")
    changed = sorted(name for name in after if after[name] != before.get(name))
    # the item's page, plus files rebuilt outside the writer: feeds and exports carry bodies or dates
    pages = [name for name in changed if name.endswith(".html")]
    assert len(pages) == 1 and pages[0].startswith("tin-tuc/"), changed
    assert "Một đoạn bổ sung ở cuối bài." in (project / "output" / "so-mau" / pages[0]).read_text(encoding="utf-8")
    compare_with_full_build(project, tmp_path)


def test_title_edit_renders_the_lists_again_and_matches_a_full_build(project, tmp_path):
    path = news_file(project)
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^tieu_de: *(.+)$", text, re.M).group(1).strip().strip('"')
    path.write_text(text.replace(title, title + " (đã sửa)", 1), encoding="utf-8")
    result = build(project)
    site = {s.site_id: s for s in result.sites}
    assert site["so-mau"].rendered > 20  # the title shows on lists, home, tags, archives
    lists = [p for p in (project / "output" / "so-mau" / "tin-tuc").glob("*.html")
             if p.name == "index.html" or p.name.startswith("trang-")]
    assert any("(đã sửa)" in p.read_text(encoding="utf-8") for p in lists)
    compare_with_full_build(project, tmp_path)


def test_summary_from_the_body_start_renders_lists_again(project, tmp_path):
    """An item without tom_tat shows the start of its body on lists: editing that start is not body-only."""
    candidates = [p for p in (project / "content" / "so-mau").rglob("*.md")
                  if "tom_tat:" not in p.read_text(encoding="utf-8") and "/trang/" not in p.as_posix()]
    assert candidates, "the basic case needs an item without tom_tat"
    path = candidates[0]
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    path.write_text(head + sep + "Câu mở đầu mới của bài.\n\n" + body, encoding="utf-8")
    result = build(project)
    assert {s.site_id: s for s in result.sites}["so-mau"].rendered > 1
    compare_with_full_build(project, tmp_path)


def test_force_renders_everything(project):
    result = build(project, force=True)
    site = {s.site_id: s for s in result.sites}["so-mau"]
    assert site.reused == 0 and site.rendered > 20


def test_a_lost_published_page_is_rendered_again(project):
    path = news_file(project)
    path.write_text(path.read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")
    victim = project / "output" / "so-mau" / "tu-khoa" / "index.html"
    victim.unlink()
    assert build(project).ok
    assert victim.is_file() and "<html" in victim.read_text(encoding="utf-8")


def test_writing_through_a_reused_page_never_changes_the_published_one(tmp_path):
    published, fresh = tmp_path / "published", tmp_path / "fresh"
    (published / "tin-tuc").mkdir(parents=True)
    (published / "tin-tuc" / "a.html").write_text("bản đã xuất bản", encoding="utf-8")
    writer = incremental.IncrementalWriter(str(fresh), settings={
        "PORTAL_PAGE_DIGESTS": {"published": str(published), "previous": {}}, "SUMMARY_MAX_LENGTH": 60})
    assert writer._reuse(["tin-tuc/a.html"])
    target = fresh / "tin-tuc" / "a.html"
    assert os.path.samefile(target, published / "tin-tuc" / "a.html")
    with writer._open_w(str(target), "utf-8", override=True) as handle:
        handle.write("bản mới")
    assert (published / "tin-tuc" / "a.html").read_text(encoding="utf-8") == "bản đã xuất bản"
    assert target.read_text(encoding="utf-8") == "bản mới"
    assert not writer._reuse(["khong-co.html"])  # a missing published file: render instead


def test_template_analysis_follows_references_and_presence_tests():
    env = Environment(loader=DictLoader({
        "base.html": "{% if TONG_HOP is defined %}<a>tỉnh</a>{% endif %}{{ SITENAME }}{% block b %}{% endblock %}",
        "page.html": "{% extends 'base.html' %}{% block b %}{% include '_x.html' %}{% endblock %}",
        "_x.html": "{{ TUAN_THU.ngay }}",
        "dynamic.html": "{% include name %}",
    }))
    reads = incremental.TemplateReads()
    names, presence = reads.of(env.get_template("page.html"))
    assert {"TONG_HOP", "SITENAME", "TUAN_THU"} <= names
    assert "TONG_HOP" in presence and "TUAN_THU" not in presence
    assert reads.of(env.get_template("dynamic.html")) is None  # computed include: never reused


def test_template_analysis_is_stored_once_and_read_back(tmp_path):
    env = Environment(loader=DictLoader({"a.html": "{{ SITENAME }}{% include 'b.html' %}", "b.html": "{{ TONG_HOP }}"}))
    store = tmp_path / "template-reads.pickle"
    reads = incremental.TemplateReads(store)
    names, _ = reads.of(env.get_template("a.html"))
    assert not store.exists()  # nothing is written per template...
    reads.save()               # ...but once, after the render
    again = incremental.TemplateReads(store)
    assert len(again._own) == 2 and again.of(env.get_template("a.html"))[0] == names
    mtime = store.stat().st_mtime_ns
    again.save()               # nothing new analysed: not written again
    assert store.stat().st_mtime_ns == mtime


def test_search_pages_read_again_only_the_pages_written_anew(tmp_path, monkeypatch):
    """With its cache, search_pages gives what a full reading gives; a page linked from the published site
    (the incremental writer's reuse) is not read again, a page written anew, or marked for the index only
    now, is."""
    import os

    from portal import render

    published, site, cache = tmp_path / "published", tmp_path / "site", tmp_path / "cache" / "s.search-pages.pickle"
    for folder in (published, site):
        (folder / "tin-tuc").mkdir(parents=True)
    pages = {f"tin-tuc/{n}.html": f'<main data-pagefind-body><p>tin số {n}</p></main>' for n in range(5)}
    pages["index.html"] = "<p>trang chủ</p>"
    for name, text in pages.items():
        (published / name).write_text(text, encoding="utf-8")
        os.link(published / name, site / name)
    assert render.search_pages(site, cache) == render.search_pages(site)
    fresh = tmp_path / "site2"  # the next build: every page reused (linked) but one rendered anew
    (fresh / "tin-tuc").mkdir(parents=True)
    for name in pages:
        os.link(published / name, fresh / name)
    (fresh / "tin-tuc" / "3.html").unlink()
    (fresh / "tin-tuc" / "3.html").write_text('<main data-pagefind-body><p>tin số 3, đã sửa</p></main>',
                                               encoding="utf-8")
    (fresh / "index.html").unlink()
    (fresh / "index.html").write_text('<main data-pagefind-body><p>trang chủ</p></main>', encoding="utf-8")
    read = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.relative_to(fresh).as_posix()) or real(self))
    assert render.search_pages(fresh, cache) == render.search_pages(fresh)
    assert sorted(set(read[:2])) == ["index.html", "tin-tuc/3.html"] and len(read) == 2 + len(pages)
    assert "index.html" in render.search_pages(fresh, cache)[1]


def test_search_index_is_reused_only_while_indexed_pages_are_unchanged(tmp_path):
    from portal import render

    site = tmp_path / "site"
    (site / "tin-tuc").mkdir(parents=True)
    (site / "tin-tuc" / "a.html").write_text('<main data-pagefind-body><p>xin chào</p></main>', encoding="utf-8")
    (site / "index.html").write_text("<p>trang chủ</p>", encoding="utf-8")
    first = render.search_pages(site)[0]
    (site / "index.html").write_text("<p>trang chủ đã đổi</p>", encoding="utf-8")  # not indexed
    assert render.search_pages(site)[0] == first
    (site / "tin-tuc" / "a.html").write_text('<main data-pagefind-body><p>xin chào bạn</p></main>', encoding="utf-8")
    assert render.search_pages(site)[0] != first
    published, fresh = tmp_path / "published", tmp_path / "fresh"
    assert not render.reuse_search(published, fresh)  # nothing published yet
    (published / "pagefind" / "fragment").mkdir(parents=True)
    (published / "pagefind" / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    (published / "pagefind" / "fragment" / "x.pf_fragment").write_bytes(b"x")
    fresh.mkdir()
    assert render.reuse_search(published, fresh)
    assert os.path.samefile(fresh / "pagefind" / "fragment" / "x.pf_fragment",
                            published / "pagefind" / "fragment" / "x.pf_fragment")


def test_body_edit_with_search_rebuilds_the_index_with_the_new_words(project):
    import gzip

    assert build_province(project_at(project), jobs=2, search=True).ok
    entry = project / "output" / "so-mau" / "pagefind" / "pagefind-entry.json"
    path = news_file(project)
    path.write_text(path.read_text(encoding="utf-8") + "\nTừ khóa hiếm gặp: quýtrúcđào.\n", encoding="utf-8")
    assert build_province(project_at(project), jobs=2, search=True).ok
    fragments = [gzip.decompress(p.read_bytes()) for p in (entry.parent / "fragment").glob("*.pf_fragment")]
    assert any("quýtrúcđào".encode() in f for f in fragments)
    # A new accessibility run changes two pages that are not indexed: the site is rendered again,
    # the index is the published one, linked, not rebuilt.
    before = entry.stat().st_ino
    state = project / ".cache" / "kiem-tra" / "tiep-can" / "so-mau.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({
        "phien_ban": "1.0", "cong": "so-mau", "ngay_danh_gia": "2026-11-21", "tieu_chuan": "WCAG 2.1 mức AA",
        "cong_cu": {"ten": "axe-core", "phien_ban": "4.14.1", "the": ["wcag2a"], "trinh_duyet": "Chromium (headless)"},
        "so_trang": 0, "trang": [], "tong_hop": {}, "vi_pham": []}), encoding="utf-8")
    result = build_province(project_at(project), jobs=2, search=True)
    site = {s.site_id: s for s in result.sites}["so-mau"]
    assert result.ok and not site.skipped and 0 < site.rendered < 10
    assert "2026" in (project / "output" / "so-mau" / "kha-nang-tiep-can.html").read_text(encoding="utf-8")
    assert entry.stat().st_ino == before


def test_a_worker_rendering_many_sites_keeps_none_of_them_alive(project):
    """Pelican memoizes Content.get_content per object at class level; without clearing it a worker
    rendering site after site kept every article of every site (about 30 MB per 1,000 items)."""
    import gc

    from pelican.contents import Article

    for _ in range(2):
        assert build_province(project_at(project), jobs=1, search=False, force=True).ok
    gc.collect()
    assert [a for a in gc.get_objects() if isinstance(a, Article)] == []


def test_a_malformed_accessibility_run_does_not_break_the_site(project):
    state = project / ".cache" / "kiem-tra" / "tiep-can" / "so-mau.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text('{"ngay_danh_gia": "2026-11-21", "trang": []}', encoding="utf-8")  # no vi_pham, no tong_hop
    result = build(project)
    assert result.ok and not any(s.crash for s in result.sites)
    assert (project / "output" / "so-mau" / "kha-nang-tiep-can.html").is_file()


def test_hash_cache_rereads_a_file_whenever_it_was_written_even_with_size_and_mtime_kept(tmp_path):
    import pickle
    import time

    from portal.cache import HashCache

    source, store = tmp_path / "a.md", tmp_path / "hashes.pickle"
    source.write_bytes(b"tieu_de: A\n")
    old = source.stat()
    first = HashCache(store)
    digest = first.sha1_of(str(source), old)
    first.save()
    # Just written: too close to when the hash was stored to trust the signature ("racily clean").
    racy = HashCache(store)
    assert racy.sha1_of(str(source), source.stat()) == digest
    assert racy.seen[str(source)] is not racy.entries[str(source)]
    # Stored long after the file was written: the hash is reused without reading the file.
    data = pickle.loads(store.read_bytes())
    store.write_bytes(pickle.dumps({**data, "written": time.time_ns() + 10**10}))
    trusted = HashCache(store)
    assert trusted.sha1_of(str(source), source.stat()) == digest
    assert trusted.seen[str(source)] is trusted.entries[str(source)]
    # Same size, mtime put back: the write still changed the ctime, so the file is read and hashed again.
    source.write_bytes(b"tieu_de: B\n")
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    again = HashCache(store)
    assert source.stat().st_size == old.st_size and source.stat().st_mtime_ns == old.st_mtime_ns
    assert again.sha1_of(str(source), source.stat()) != digest


def test_a_paginated_list_of_records_is_part_of_the_pages_key(tmp_path):
    """The provincial news list is paginated over merged records from other sites, which no digest of the
    provincial site covers: a unit's new title must change the key of every page of the list (found stale
    by the bench: page 2 kept the old title and address until a forced build)."""
    env = Environment(loader=DictLoader({"list.html": "{% for it in articles_page.object_list %}{{ it.tieu_de }}"
                                                      "{% endfor %}"}))
    writer = incremental.IncrementalWriter(str(tmp_path / "out"), settings={
        "PORTAL_PAGE_DIGESTS": {"published": str(tmp_path), "previous": {}, "build": "b", "site_content": "m"},
        "SUMMARY_MAX_LENGTH": 60})
    template = env.get_template("list.html")

    def key(news):
        return writer.page_key("tong-hop/tin-tuc/index.html", template, {}, False, {"articles": news}, "section",
                               "tong-hop/tin-tuc/index.html", {"articles": news})

    before = [{"tieu_de": f"Tin {n}", "url": f"https://so.example.vn/tin-{n}.html"} for n in range(30)]
    after = [dict(it) for it in before]
    after[25] = {"tieu_de": "(Cập nhật) Tin 25", "url": "https://so.example.vn/cap-nhat-tin-25.html"}
    assert key(before) is not None and key(before) == key([dict(it) for it in before])
    assert key(after) != key(before)  # same length, one title and address changed


def _commit(root: Path, message: str, when: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Biên tập", "GIT_AUTHOR_EMAIL": "bien-tap@example.invalid",
           "GIT_COMMITTER_NAME": "Biên tập", "GIT_COMMITTER_EMAIL": "bien-tap@example.invalid",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["add", "--all", "content"], ["commit", "--quiet", "--no-verify", "-m", message]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_a_committed_body_edit_renders_that_page_and_the_compliance_pages_only(project, tmp_path):
    """In CI every edit is a commit: the git evidence of the edited file changes. Only the compliance
    evaluation reads it (when each file was committed), so the item's page and the pages that show the
    evaluation are rendered again, not every page of the site."""
    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    _commit(project, "Tỉnh mẫu", "2026-03-01T09:00:00+07:00")
    assert build(project).ok  # the evidence is read now: the site's reports change, the pages stay
    path = news_file(project)
    path.write_text(path.read_text(encoding="utf-8") + "\nMột đoạn bổ sung ở cuối bài.\n", encoding="utf-8")
    _commit(project, "Bổ sung tin", "2026-03-01T10:00:00+07:00")
    before = tree(project / "output" / "so-mau")
    result = build(project)
    site = {s.site_id: s for s in result.sites}
    assert site["so-hai"].skipped  # its files' evidence is unchanged
    # the item's page, the four feeds that carry it, and the compliance pages (at most three)
    assert 5 < site["so-mau"].rendered <= 8 and site["so-mau"].reused > 20, site["so-mau"]
    after = tree(project / "output" / "so-mau")
    pages = sorted(n for n in after if n.endswith(".html") and after[n] != before.get(n))
    assert pages[0].startswith("tin-tuc/") and all(p.startswith("tuan-thu/") for p in pages[1:]), pages
    compare_with_full_build(project, tmp_path)

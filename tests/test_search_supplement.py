"""An edit is searchable as soon as it is published: the pages changed since the site's index was made are
indexed alone into a supplement that the search page merges, leaving the replaced pages out, until the whole
index is made again (plugins/portal/search_supplement.py). Checked in a real Chromium on the site's search
page, with the real Pagefind held back only for the whole index."""

from __future__ import annotations

import json
import re
import shlex
import threading
import time
from pathlib import Path

import pytest
from browser import chromium, serve
from conftest import copy_case
from conftest import project as project_at
from playwright.sync_api import expect

from portal import render, search_index, search_supplement
from portal.build import build_province

pytestmark = pytest.mark.browser

SITE = "so-mau"
STATUS = "[data-tim-kiem-trang-thai]"
DONE = re.compile(r"^(Tìm thấy|Không tìm thấy)")
OLD, NEW = "sapochethaibinh", "mangcutlaithieu"  # one word each, found nowhere else


@pytest.fixture()
def root(tmp_path):
    """The basic case's valid site, one news item carrying the word OLD, built once with its search index."""
    root = copy_case("basic", tmp_path / "p")
    for name in [p.name for p in (root / "content").iterdir() if p.is_dir() and p.name != SITE]:
        import shutil

        shutil.rmtree(root / "content" / name)
    _write(root, OLD)
    result = build_province(project_at(root), jobs=2, search=True)
    assert result.ok, [p.format() for p in result.all_problems()]
    return root


def _item(root: Path) -> Path:
    return sorted((root / "content" / SITE / "tin-tuc").glob("*.md"))[0]


def _write(root: Path, word: str) -> None:
    text = re.sub(r"\nTừ khóa hiếm gặp: .*\n", "\n", _item(root).read_text(encoding="utf-8"))
    _item(root).write_text(text.rstrip("\n") + f"\nTừ khóa hiếm gặp: {word}.\n", encoding="utf-8")


def held_pagefind(folder: Path, site_out: Path) -> tuple[Path, Path]:
    """(the real Pagefind, held back while ``gate`` is missing when it indexes the whole ``site_out``; a
    supplement's Pagefind, over a few copied pages elsewhere, runs at once), ``gate``."""
    gate, wrapper = folder / "mo-cong", folder / "pagefind-cho"
    real = " ".join(shlex.quote(part) for part in render.pagefind_command())
    wrapper.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do if [ "$a" = {shlex.quote(str(site_out))} ]; then\n'
        f'  while [ ! -e {shlex.quote(str(gate))} ]; do sleep 0.05; done\n'
        "fi; done\n"
        f'exec {real} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper, gate


def results(page, base: str, query: str) -> list[str]:
    """The addresses the site's search page lists for ``query`` (every page of results)."""
    page.goto(f"{base}/{SITE}/tim-kiem.html?q={query}")
    expect(page.locator(STATUS)).to_have_text(DONE, timeout=20000)
    more = page.locator("[data-tim-kiem-them]")
    while more.is_visible():
        more.click()
    total = int((re.search(r"Tìm thấy (\d+)", page.locator(STATUS).inner_text()) or [0, 0])[1])
    expect(page.locator(".search-result")).to_have_count(total)
    return [a.get_attribute("href") for a in page.locator(".search-result__link").all()]


def pages(urls: list[str]) -> list[str]:
    return [u.split(f"/{SITE}/", 1)[1] for u in urls]


def first(urls: list[str]) -> str | None:
    return (pages(urls) or [None])[0]


def test_an_edit_is_found_through_the_supplement_before_the_index_and_after_it(root, tmp_path):
    live = root / "output" / SITE / "pagefind"
    recorded = json.loads(search_index.record_path(project_at(root), SITE).read_text(encoding="utf-8"))["trang"]
    item_page = next(p for p in recorded if p.startswith("tin-tuc/") and OLD in (root / "output" / SITE / p).read_text(
        encoding="utf-8"))
    assert search_supplement.read_manifest(live) == {"chi_muc": "", "thay": []}
    pagefind, gate = held_pagefind(tmp_path, root / "output" / SITE)
    held = project_at(root, overrides={"PORTAL_PAGEFIND": str(pagefind)})
    gate.touch()  # a build with the same settings first: their change alone would build the site again
    assert build_province(held, jobs=2, search=True).ok
    gate.unlink()

    _write(root, NEW)
    outcome = {}
    building = threading.Thread(target=lambda: outcome.update(result=build_province(held, jobs=2, search=True)))
    building.start()
    try:
        deadline = time.time() + 60
        while not search_supplement.read_manifest(live).get("chi_muc") and time.time() < deadline:
            time.sleep(0.05)
        manifest = search_supplement.read_manifest(live)
        # The whole index is still held back; the edited page alone is in the supplement.
        assert manifest["chi_muc"] and manifest["thay"] == [recorded[item_page][1]], manifest
        assert (live / manifest["chi_muc"] / "pagefind-entry.json").is_file()
        with serve(root / "output") as base, chromium() as browser:
            context = browser.new_context()
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            assert first(results(page, base, NEW)) == item_page  # (Pagefind adds near matches after it)
            assert item_page not in pages(results(page, base, OLD))  # the old text is no longer found
            common = results(page, base, "cải cách hành chính")
            assert sum(u.endswith(item_page) for u in common) == 1, common  # once, not twice
            context.close()
            assert errors == []
    finally:
        gate.touch()
        building.join(120)
    assert outcome["result"].ok
    site = next(s for s in outcome["result"].sites if s.site_id == SITE)
    assert 0 < site.published_at <= site.supplemented_at <= site.indexed_at
    # The whole index is in: no supplement is merged any more; the retired one stays for open tabs.
    assert search_supplement.read_manifest(live) == {"chi_muc": "", "thay": []}
    assert (live / manifest["chi_muc"]).is_dir()
    with serve(root / "output") as base, chromium() as browser:
        page = browser.new_context().new_page()
        assert first(results(page, base, NEW)) == item_page
        assert item_page not in pages(results(page, base, OLD))
    report = json.loads((root / "output" / "build-report.json").read_text(encoding="utf-8"))
    times = next(e for e in report["cong"] if e["ma"] == SITE)["xuat_ban"]
    assert times["giay_den_khi_dang"] <= times["giay_den_khi_tim_duoc"] < times["giay_den_khi_co_chi_muc"]


def test_the_next_edit_replaces_the_supplement_and_old_ones_are_removed(root):
    """Supplements are counted from the whole index (each holds every page changed since it was made); at most
    the one in force and the one before it stay. The published page is changed in place, as a build would."""
    project = project_at(root)
    site_out = root / "output" / SITE
    live = site_out / "pagefind"
    recorded = json.loads(search_index.record_path(project, SITE).read_text(encoding="utf-8"))["trang"]
    item_page = next(p for p in recorded if OLD in (site_out / p).read_text(encoding="utf-8"))
    names = []
    for word in ("chomchomnhan", "vaithieuluc", "sauriengcom"):
        html = (site_out / item_page).read_text(encoding="utf-8")
        (site_out / item_page).write_text(html.replace("</article>", f"<p>{word}</p></article>", 1), encoding="utf-8")
        assert search_index.supplement(project, SITE, render.search_pages(site_out)[1])
        manifest = search_supplement.read_manifest(live)
        assert manifest["thay"] == [recorded[item_page][1]]
        names.append(manifest["chi_muc"].rstrip("/"))
        assert sorted(p.name for p in live.glob(f"{search_supplement.PREFIX}*") if p.is_dir()) == sorted(names[-2:])
    assert len(set(names)) == 3
    # Nothing changed since the last supplement: the same one, nothing made again.
    assert search_index.supplement(project, SITE, render.search_pages(site_out)[1])
    assert search_supplement.read_manifest(live)["chi_muc"].rstrip("/") == names[-1]


def test_no_supplement_without_a_record_or_for_more_pages_than_the_limit():
    assert search_supplement.changes({}, {"a.html": "1"}) is None
    recorded = {f"p{i}.html": ["0", f"vi_{i}"] for i in range(60)}
    many = {f"p{i}.html": "1" for i in range(60)}
    assert search_supplement.changes(recorded, many) is None
    few = dict.fromkeys(recorded, "0") | {"p3.html": "1", "moi.html": "1"}
    del few["p7.html"]
    assert search_supplement.changes(recorded, few) == (["moi.html", "p3.html"], ["vi_3", "vi_7"])


def test_the_digest_covers_the_indexed_element_only():
    mark = render.SEARCH_MARK
    page = b'<nav>Tin moi</nav><article class="item" data-pagefind-body><h1>A</h1></article><aside>B</aside>'
    other_sidebar = page.replace(b"<aside>B", b"<aside>C").replace(b"Tin moi", b"Tin khac")
    assert search_supplement.part_digest(page, mark) == search_supplement.part_digest(other_sidebar, mark)
    assert search_supplement.part_digest(page, mark) != search_supplement.part_digest(page.replace(b"<h1>A", b"<h1>Z"),
                                                                                       mark)
    assert search_supplement.indexed_part(b"<main data-pagefind-body>x</main>", mark).endswith(b"</main>")

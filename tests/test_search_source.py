"""What Pagefind reads (portal.search_source): each indexed page cut to its ``<article data-pagefind-body>``
element gives the very index the published pages give, file for file, on every site of the demo province
and of the basic case; a page Pagefind would read more of is given whole."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from quality_demo import demo_output

from portal import render, search_bundle, search_index, search_source

_IMG = re.compile(rb"<img\b[^>]*>", re.I)


def _index(site: Path, bundle: Path) -> dict[str, bytes]:
    """Pagefind with the build's command, options and environment over ``site``: the bundle's files."""
    subprocess.run(search_index.command({}) + ["--site", str(site), "--output-path", str(bundle),
                                               *render.SEARCH_OPTIONS],
                   check=True, capture_output=True, env={**os.environ, **render.SEARCH_ENV}, timeout=300)
    search_bundle.make_reproducible(bundle)
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}


def _whole_copy(site: Path, dest: Path, images_outside: bool = True) -> None:
    """The site's pages as published, written in the order the source is written (Pagefind numbers pages in
    the order it finds the files); with ``images_outside=False``, a marked page without the ``<img>`` tags
    outside its indexed element."""
    for name in search_source._html_files(str(site)):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        page = (site / name).read_bytes()
        found = search_source.element(page)
        if found and not images_outside:
            start, end = found
            page = _IMG.sub(b"", page[:start]) + page[start:end] + _IMG.sub(b"", page[end:])
        (dest / name).write_bytes(page)


def _fragments(bundle: dict[str, bytes], folder: Path) -> dict[str, dict]:
    return {data["url"]: data for data in (search_bundle.read_fragment(folder / name)
                                           for name in bundle if name.startswith("fragment/"))}


def _sites(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and (p / search_index.FOLDER).is_dir())


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_output(tmp_path_factory)


def test_the_cut_pages_give_the_same_index_on_every_demo_site(demo, basic_out, tmp_path):
    sites = _sites(demo) + [basic_out]
    assert len(sites) >= 6, sites
    images_elsewhere = 0
    for site in sites:
        work = tmp_path / site.name
        count = search_source.write(site, work / "nguon")
        pages = [n for n in search_source._html_files(str(site)) if search_source.MARK in (site / n).read_bytes()]
        assert count == len(pages) > 10, site
        cut = sum(1 for n in pages if search_source.cut((site / n).read_bytes()) is not None)
        assert cut == len(pages), f"{site.name}: {len(pages) - cut} pages given whole"
        source_bytes = sum(p.stat().st_size for p in (work / "nguon").rglob("*.html"))
        whole_bytes = sum((site / n).stat().st_size for n in pages)
        assert source_bytes < 0.7 * whole_bytes, (site.name, source_bytes, whole_bytes)
        from_source = _index(work / "nguon", work / "chi-muc-nguon")

        # File for file, against the published pages without the images outside their elements.
        _whole_copy(site, work / "ca-trang", images_outside=False)
        whole = _index(work / "ca-trang", work / "chi-muc-ca-trang")
        assert whole.keys() == from_source.keys(), site.name
        differing = [name for name in whole if whole[name] != from_source[name]]
        assert not differing, (site.name, differing[:5])

        # Against the pages as published: every fragment equal, but an image Pagefind took from outside.
        _whole_copy(site, work / "nguyen-trang")
        as_published = _index(work / "nguyen-trang", work / "chi-muc-nguyen-trang")
        published = _fragments(as_published, work / "chi-muc-nguyen-trang")
        ours = _fragments(from_source, work / "chi-muc-nguon")
        assert published.keys() == ours.keys(), site.name
        for url, fragment in published.items():
            if fragment["meta"] != ours[url]["meta"]:
                page = (site / url.lstrip("/")).read_bytes()
                start, end = search_source.element(page)
                assert fragment["meta"]["image"].encode() not in page[start:end], url
                fragment["meta"] = {k: v for k, v in fragment["meta"].items() if k not in ("image", "image_alt")}
                images_elsewhere += 1
            assert fragment == ours[url], url
    assert images_elsewhere > 0  # the demo's related-news thumbnails: the case this module changes on purpose


def test_the_published_index_is_the_index_of_the_source(demo, tmp_path):
    """What the build published for each site holds the fragments of Pagefind's index of its cut pages, and no
    other: fragments are named by their content, and the demo's pages with another item's thumbnail beside
    them give other fragments when Pagefind reads them whole. (The other files number the pages in the order
    Pagefind found the files, which the folder's file system decides.)"""
    for site in _sites(demo):
        search_source.write(site, tmp_path / site.name / "nguon")
        made = _index(tmp_path / site.name / "nguon", tmp_path / site.name / "chi-muc")
        live = site / search_index.FOLDER
        published = {f"fragment/{p.name}" for p in (live / "fragment").iterdir()}
        assert published == {name for name in made if name.startswith("fragment/")}, site.name


PAGE = (b'<!DOCTYPE html><html lang="vi"><head><title>T</title><script>var a = "<article>";</script></head>'
        b'<body><header data-pagefind-ignore><p class="logo">S\xe1\xbb\x9f</p></header><main>'
        b'<article class="item" data-pagefind-body data-pagefind-meta="khong_dau:dien">'
        b'<h1>Ti\xc3\xaau \xc4\x91\xe1\xbb\x81</h1><p>N\xe1\xbb\x99i dung</p>'
        b'<aside data-pagefind-ignore><article class="news-item"><h3>Kh\xc3\xa1c</h3></article></aside>'
        b'<p>Cu\xe1\xbb\x91i</p></article></main><footer data-pagefind-ignore>F</footer></body></html>')


def test_the_cut_keeps_the_whole_element_with_articles_nested_in_it():
    cut = search_source.cut(PAGE)
    assert cut.startswith(b'<!DOCTYPE html><html lang="vi"><head>')
    assert b"Cu\xe1\xbb\x91i</p></article></body></html>" in cut  # past the nested article's end
    assert b"<header" not in cut and b"<footer" not in cut and b"<script" not in cut
    start, end = search_source.element(PAGE)
    assert PAGE[start:end] in cut and PAGE[end:].startswith(b"</main>")


@pytest.mark.parametrize("outside", [
    b'<nav><a data-pagefind-filter="Lo\xe1\xba\xa1i">Tin</a></nav>',   # a filter outside the element
    b'<span data-pagefind-meta="Ng\xc3\xa0y:01/12/2026"></span>',        # metadata outside it
    b'<div data-pagefind-sort="ngay:2026-12-01"></div>',                 # a sort key outside it
    b"<h1>T\xc3\xaan c\xe1\xbb\x95ng</h1>",                              # an h1: Pagefind's default title
    b"<H1>T\xc3\xaan c\xe1\xbb\x95ng</H1>",
])
def test_a_page_pagefind_reads_more_of_is_given_whole(outside):
    page = PAGE.replace(b"<main>", outside + b"<main>")
    assert search_source.cut(page) is None
    assert search_source.cut(PAGE.replace(b"</main>", b"</main>" + outside)) is None


@pytest.mark.parametrize("page", [
    b"<html><body><main>no mark</main></body></html>",
    PAGE.replace(b"</article></main>", b"</main>"),                                # the element never closes
    PAGE.replace(b"<main>", b'<main><section data-pagefind-body>x</section>'),       # two marked elements
    PAGE.replace(b'<article class="item" data-pagefind-body', b'<div class="item" data-pagefind-body'),
])
def test_no_cut_where_the_element_is_not_certain(page):
    assert search_source.cut(page) is None


def test_a_site_without_marked_pages_is_indexed_from_itself(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_bytes(b"<html><body><p>Trang ch\xe1\xbb\xa7</p></body></html>")
    (site / "a" / "b.html").write_bytes(PAGE)
    assert search_source.write(site, tmp_path / "nguon") == 1
    assert sorted(p.relative_to(tmp_path / "nguon").as_posix() for p in (tmp_path / "nguon").rglob("*.html")) \
        == ["a/b.html"]
    (site / "a" / "b.html").unlink()
    assert search_source.write(site, tmp_path / "nguon") == 0  # index_site then gives Pagefind the site


def test_a_supplement_is_given_its_pages_only_cut_or_whole(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "x.html").write_bytes(PAGE)
    (site / "y.html").write_bytes(PAGE.replace(b"<main>", b"<h1>H</h1><main>"))
    (site / "z.html").write_bytes(PAGE)
    assert search_source.write(site, tmp_path / "nguon", ["y.html", "x.html", "mat.html"]) == 2
    assert (tmp_path / "nguon" / "x.html").read_bytes() == search_source.cut(PAGE)
    assert (tmp_path / "nguon" / "y.html").read_bytes() == (site / "y.html").read_bytes()
    assert not (tmp_path / "nguon" / "z.html").exists()

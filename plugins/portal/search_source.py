"""What Pagefind reads: each indexed page cut down to the element it indexes.

The theme marks the part of an item page that search indexes with ``<article data-pagefind-body>``
(``bai_tim_kiem`` in ``_macros.html``); Pagefind drops every page without that mark and reads nothing of a
marked page outside it but ``data-pagefind-*`` attributes. Yet it parses each page in whole: the header,
menus, footer and scripts around the element are two thirds of a page's bytes, and the pages it drops are
a fifth of a site's. Measured on a 1,000-item site: 2.6 s of CPU over the published pages, 1.9 s over the
cut ones, the same index (docs/performance.md, "What Pagefind reads").

So Pagefind is given a *source*: a folder in memory (:func:`portal.staging.scratch`) with each marked page at
its own address (so the URLs in the index are the site's), holding the page's ``<html>`` start tag and the
indexed element, nothing else. A page that carries a ``data-pagefind-*`` attribute (other than
``data-pagefind-ignore``) or an ``<h1>`` outside the element, or whose element cannot be delimited, is
copied whole: Pagefind then reads it as it is published. A site with no marked page is indexed from the
site itself (Pagefind indexes every page in whole then).

One thing differs, on purpose: an ``<img>`` outside the element. With no image of its own in the element
(the theme marks an item's own picture ``data-pagefind-meta="image[src]"``), Pagefind records the first
image *anywhere* on the page as the page's ``image``, even one inside ``data-pagefind-ignore``: on an item
page, the thumbnail of another item in the related-news box. The cut pages have no such image, so the
index no longer pairs a page with another item's picture. ``tests/test_search_source.py`` holds the index
made from the source equal, file for file, to the index made from the published pages without the images
outside their elements, and the published pages' fragments equal but for those ``image`` fields.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

MARK = b"data-pagefind-body"
_ELEMENT = b"article"
_ARTICLE_TAG = re.compile(rb"<(/?)article\b[^>]*>", re.I)
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.I)
_ATTRIBUTE, _IGNORE = b"data-pagefind-", b"ignore"
_H1 = (b"<h1", b"<H1")
HEAD = b'<head><meta charset="utf-8"></head><body>'
TAIL = b"</body></html>\n"


def element(page: bytes) -> tuple[int, int] | None:
    """(start, end) of the ``<article data-pagefind-body>`` element of ``page``, its closing tag included;
    None when the page has no mark, more than one, or the element does not close."""
    at = page.find(MARK)
    if at < 0 or page.find(MARK, at + len(MARK)) >= 0:
        return None
    start = page.rfind(b"<" + _ELEMENT, 0, at)
    if start < 0 or page.find(b">", start, at) >= 0:
        return None  # the mark is not an attribute of that article's start tag
    depth = 0
    for tag in _ARTICLE_TAG.finditer(page, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start, tag.end()
    return None


def cut(page: bytes) -> bytes | None:
    """What Pagefind needs of ``page``: its ``<html>`` start tag and indexed element; None when the page must
    be read whole (see the module's docstring)."""
    found = element(page)
    if found is None:
        return None
    start, end = found
    if _reads_outside(page, 0, start) or _reads_outside(page, end, len(page)):
        return None
    html = _HTML_TAG.search(page, 0, start)
    return b"<!DOCTYPE html>" + (html.group() if html else b"<html>") + HEAD + page[start:end] + TAIL


def _reads_outside(page: bytes, start: int, end: int) -> bool:
    """Whether Pagefind reads something of ``page[start:end]`` (outside the element): a ``data-pagefind-*``
    attribute but ``data-pagefind-ignore`` (which only matters inside), or an ``<h1>`` (its default title is
    the page's first). Plain searches: this runs over every indexed page of every build."""
    if any(page.find(h1, start, end) >= 0 for h1 in _H1):
        return True
    at = page.find(_ATTRIBUTE, start, end)
    while at >= 0:
        if not page.startswith(_IGNORE, at + len(_ATTRIBUTE)):
            return True
        at = page.find(_ATTRIBUTE, at + len(_ATTRIBUTE), end)
    return False


def write(site_out: Path, target: Path, pages: Iterable[str] | None = None) -> int:
    """Write the source of ``site_out`` into ``target`` (emptied first): every marked page, or only ``pages``
    (addresses relative to the site) for a supplement. Returns how many pages it holds; 0 when ``site_out``
    has no marked page (then index the site itself)."""
    shutil.rmtree(target, ignore_errors=True)
    base = str(site_out)
    names = sorted(pages) if pages is not None else _html_files(base)
    made: set[str] = set()
    count = 0
    for name in names:
        try:
            with open(os.path.join(base, name), "rb") as handle:
                page = handle.read()
        except OSError:
            continue
        if pages is None and MARK not in page:
            continue
        folder = os.path.dirname(name)
        if folder not in made:
            os.makedirs(os.path.join(target, folder), exist_ok=True)
            made.add(folder)
        with open(os.path.join(target, name), "wb") as handle:
            handle.write(cut(page) or page)
        count += 1
    if count == 0 and pages is not None:
        os.makedirs(target, exist_ok=True)
    return count


def _html_files(base: str) -> list[str]:
    """Every ``*.html`` below ``base`` (relative, ``/``-separated), as Pagefind's default glob finds them."""
    found = []
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        inside = os.path.relpath(folder, base)
        prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
        found += [prefix + name for name in sorted(files) if name.endswith(".html")]
    return found

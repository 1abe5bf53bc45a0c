"""Header, menu and footer rendered once per site and section (portal.shared_parts), yet right on every page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from jinja2 import DictLoader, Environment
from markupsafe import Markup

from portal import shared_parts


def _environment(calls: list) -> Environment:
    env = Environment(autoescape=True, loader=DictLoader({
        "_phan.html": "{% set _ = calls.append(ten) %}<b>{{ ten }}</b>{{ PORTAL.ten_ngan }}",
        "trang.html": "{{ dung_chung('_phan.html', ten=ten, PORTAL=PORTAL) }}|{{ so }}",
    }))
    env.globals.update(calls=calls, dung_chung=shared_parts.dung_chung)
    return env


def test_a_part_is_rendered_once_per_distinct_values():
    calls: list = []
    env = _environment(calls)
    portal = {"ten_ngan": "Sở Tư pháp"}
    page = env.get_template("trang.html")
    pages = [page.render(ten="Tin tức", PORTAL=portal, so=n) for n in range(5)]
    assert pages == [f"<b>Tin tức</b>Sở Tư pháp|{n}" for n in range(5)]
    assert calls == ["Tin tức"]  # five pages, one rendering
    assert page.render(ten="Thông báo", PORTAL=portal, so=9) == "<b>Thông báo</b>Sở Tư pháp|9"
    assert calls == ["Tin tức", "Thông báo"]


def test_values_are_told_apart_by_type_and_unhashable_ones_by_identity():
    calls: list = []
    env = _environment(calls)
    page = env.get_template("trang.html")
    portal = {"ten_ngan": "Sở Tư pháp"}
    page.render(ten="<i>", PORTAL=portal, so=1)
    assert page.render(ten=Markup("<i>"), PORTAL=portal, so=1) == "<b><i></b>Sở Tư pháp|1"  # not the escaped one
    # An equal but different dictionary (another site's PORTAL) is rendered for itself...
    other = {"ten_ngan": "Sở Tư pháp"}
    page.render(ten="<i>", PORTAL=other, so=1)
    assert len(calls) == 3
    # ...and a dictionary changed in place after its part was stored is not served the old part.
    assert page.render(ten="x", PORTAL=portal, so=1) == "<b>x</b>Sở Tư pháp|1"
    portal_again = {"ten_ngan": "Sở Xây dựng"}
    assert page.render(ten="x", PORTAL=portal_again, so=1) == "<b>x</b>Sở Xây dựng|1"
    # Another environment (another site's generator) starts empty.
    other_env = _environment(calls)
    other_env.get_template("trang.html").render(ten="x", PORTAL=portal, so=1)
    assert calls[-1] == "x" and len(calls) == 6


class _Page(HTMLParser):
    """The links of the page's header, main menu and footer, and which of them are marked current."""

    def __init__(self):
        super().__init__()
        self.where: list[str] = []
        self.links: list[tuple[str, str, str | None]] = []  # (where, href, aria-current)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("nav", "header", "footer"):
            self.where.append(values.get("class") or tag)
        elif tag == "a" and self.where:
            self.links.append((self.where[-1], values.get("href") or "", values.get("aria-current")))

    def handle_endtag(self, tag):
        if tag in ("nav", "header", "footer") and self.where:
            self.where.pop()


def test_every_page_of_a_built_site_shows_its_own_place_in_the_menu(basic_out: Path):
    """Parts shared between pages must still mark each page's own section and page and link correctly
    from its own depth: a key too coarse would show another section as current, or break links."""
    pages = sorted(p for p in basic_out.rglob("*.html") if "pagefind" not in p.parts and "quan-tri" not in p.parts)
    assert len(pages) > 30
    sections_seen = set()
    for path in pages:
        rel = path.relative_to(basic_out).as_posix()
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8"))
        menu = [(href, current) for where, href, current in parser.links if where.startswith("main-nav")]
        assert menu, rel
        for where, href, _ in parser.links:
            if href.startswith(("http", "mailto:", "tel:", "#")):
                continue
            target = urljoin(f"https://x/{rel}", href.split("#")[0].split("?")[0]).removeprefix("https://x/")
            assert (basic_out / target).is_file(), f"{rel}: {where} links to {href}, which is not there"
        current = [href for href, mark in menu if mark == "true"]
        folder = rel.split("/")[0] if "/" in rel else ""
        section_link = next((href for href, _ in menu if re.search(rf"(^|/){re.escape(folder)}/index\.html$", href)),
                            None) if folder else None
        if section_link and folder not in ("trang",):
            assert section_link in current, f"{rel}: its section {folder} is not marked current ({current})"
            sections_seen.add(folder)
        marked_pages = [href for href, mark in menu if mark == "page"]
        if rel in ("index.html", "lien-he.html") or rel.startswith("trang/"):
            assert len(marked_pages) >= 1, rel
            assert all(urljoin(f"https://x/{rel}", h).endswith("/" + rel) for h in marked_pages), (rel, marked_pages)
        else:
            assert marked_pages == [], (rel, marked_pages)
    assert len(sections_seen) >= 5, sections_seen

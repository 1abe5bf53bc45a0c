"""The portal generator: section pages, weekly schedules, site map, contact and search pages.

It runs after Pelican's article and page generators, so it sees every item. Its context
additions (``PORTAL_SECTIONS``...) are what the theme reads; see docs/design-notes.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pelican.generators import Generator

from . import content_types, exports

PAGE_TEMPLATES = {"so-do-cong": "so-do-cong.html", "lien-he": "lien-he.html",
                  "tim-kiem": "tim-kiem.html", "404": "404.html"}


@dataclass
class Section:
    """One content type as a section of the site (menu entry, index page, feed)."""

    id: str
    label: str
    url: str
    template: str
    items: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def feed_atom(self) -> str:
        return f"feeds/{self.id}.atom.xml"

    @property
    def feed_rss(self) -> str:
        return f"feeds/{self.id}.rss.xml"


@dataclass
class Week:
    """A weekly schedule laid out by day, with its neighbours."""

    so_tuan: int
    nam: int
    tu_ngay: dt.date
    den_ngay: dt.date
    days: list
    prev: object = None
    next: object = None


def sort_key(item):
    """Newest first; ties broken by URL so output order never depends on file-system order."""
    return (-item.date.timestamp(), item.url)


class PortalGenerator(Generator):
    """Adds the portal's sections to the context and writes their pages."""

    def generate_context(self):
        articles = list(self.context.get("articles", []))
        pages = [p for p in self.context.get("pages", [])]
        sections = []
        for ctype in content_types.ARTICLE_TYPES:
            items = sorted((a for a in articles if a.portal_type == ctype.id), key=sort_key)
            sections.append(Section(ctype.id, ctype.label, f"{ctype.id}/index.html", ctype.list_template, items))
        by_id = {s.id: s for s in sections}
        _link_weeks(by_id["lich-cong-tac"].items)
        _link_documents(articles, by_id["van-ban"].items)
        pages.sort(key=lambda p: (p.fields.get("thu_tu", 999), p.title))
        self.context["PORTAL_SECTIONS"] = [s for s in sections if s.items]
        self.context["SECTION_BY_ID"] = by_id
        self.context["PORTAL_PAGES"] = pages
        self.context["PORTAL"] = self.settings["PORTAL"]

    def generate_output(self, writer):
        self.write_pages(writer)
        exports.write_all(self.context, self.settings)

    def write_pages(self, writer):
        """Section pages and the site's own pages (the warm preview writes the exports only when needed)."""
        relative = self.settings["RELATIVE_URLS"]
        for section in self.context["SECTION_BY_ID"].values():
            template = self.get_template(section.template)
            if section.template == "section":
                writer.write_file(section.url, template, self.context, relative, template_name="section",
                                  paginated={"articles": section.items}, url=section.url,
                                  section=section, articles=section.items, page_name=section.id + "/index")
            else:
                writer.write_file(section.url, template, self.context, relative, section=section,
                                  items=section.items, page_name=section.id + "/index")
        for name, save_as in PAGE_TEMPLATES.items():
            writer.write_file(save_as, self.get_template(name), self.context, relative, page_name=name)


def _link_weeks(schedules) -> None:
    """Attach a :class:`Week` to each schedule, with previous and next by start date."""
    ordered = sorted(schedules, key=lambda a: a.fields["tu_ngay"])
    for index, item in enumerate(ordered):
        start = item.fields["tu_ngay"]
        days = []
        for offset in range(7):
            day = start + dt.timedelta(days=offset)
            entries = [e for e in item.fields["lich"] if e["ngay"] == day]
            entries.sort(key=lambda e: ({"ca-ngay": 0, "sang": 1, "chieu": 2, "toi": 3}[e["buoi"]],
                                        e.get("gio", "").replace("h", ":")))
            days.append({"ngay": day, "items": entries})
        year, number, _ = start.isocalendar()
        item.week = Week(number, year, start, start + dt.timedelta(days=6), days,
                         ordered[index - 1] if index > 0 else None,
                         ordered[index + 1] if index + 1 < len(ordered) else None)


def _link_documents(articles, documents) -> None:
    """Give each cited document (căn cứ pháp lý, văn bản liên quan) the URL of its page here, if any."""
    by_number = {d.fields["so_ky_hieu"].casefold(): d.url for d in documents}
    for article in articles:
        for key in ("can_cu_phap_ly", "van_ban_lien_quan"):
            for ref in article.fields.get(key) or []:
                url = by_number.get(ref["so_ky_hieu"].casefold())
                if url:
                    ref["url"] = url
        qd = article.fields.get("quyet_dinh_cong_bo")
        if qd and by_number.get(qd["so_ky_hieu"].casefold()):
            qd["url"] = by_number[qd["so_ky_hieu"].casefold()]


def get_generators(pelican):
    """``get_generators`` receiver."""
    return PortalGenerator

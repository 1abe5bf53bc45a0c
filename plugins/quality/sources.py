"""Which file made an output page: the content file of an item page, or the template of a generated page.

The quality gates report a problem found in ``output/`` against the file someone has to edit: the
editor's Markdown when the problem sits in an item's body or front matter, otherwise the theme
template (or the plugin template) that wrote the page. Pages are mapped by their URL, which the
content model fixes (``<type>/<slug>.html``, ``<type>/index.html``...; docs/design-notes.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from portal import check, content_types, sites
from portal.document import Document
from portal.problems import relpath
from portal.project import Project
from portal.sections import PAGE_TEMPLATES

REPO = Path(__file__).resolve().parents[2]  # templates live with the code, content may be elsewhere
THEME_TEMPLATES = Path("themes") / "cong-thong-tin" / "templates"
PAGINATED_PREFIXES = {"luu-tru/": "archives"}
LIST_PAGE = re.compile(r"^(index|trang-\d+)\.html$")


@dataclass(frozen=True)
class PageSource:
    """Where an output page comes from.

    ``template`` is the repository-relative template that rendered the page ("" when unknown);
    ``document`` is the item's content file for item pages (None otherwise).
    """

    page: str
    site: str | None
    template: str
    document: Document | None = None


class SourceMap:
    """Maps output pages of one province build back to templates and content files.

    Content files are read (with :func:`portal.check.check_site`) only for sites where a problem
    was found, so a clean run costs nothing extra.
    """

    def __init__(self, project: Project):
        self.root = project.root
        self.settings = project.settings
        self.output_dir = project.output
        self.content_dir = project.content
        self.plugin_pages = project.contract.pages()  # pages plugins write inside a site, as they declare them
        self.province_pages = project.contract.province_pages()  # and outside every site (the province index...)
        self._documents: dict[str, dict[str, Document]] = {}

    def site_of(self, page: Path) -> tuple[str | None, str]:
        """(site id, path inside the site) of an output page; site id None outside every site."""
        rel = Path(page).resolve().relative_to(self.output_dir.resolve()).as_posix()
        head, _, rest = rel.partition("/")
        if rest and (self.content_dir / head / sites.SITE_FILE).is_file():
            return head, rest
        return None, rel

    def documents(self, site_id: str) -> dict[str, Document]:
        """Published documents of a site by URL (``tin-tuc/x.html``)."""
        if site_id not in self._documents:
            result = check.check_site(self.content_dir / site_id, self.root, settings=self.settings)
            self._documents[site_id] = {d.url: d for d in result.documents if d.status != "draft"}
        return self._documents[site_id]

    def source(self, page: Path) -> PageSource:
        """The template and (for item pages) the content file that made ``page``."""
        shown = relpath(Path(page), self.root)
        try:
            site_id, rel = self.site_of(page)
        except ValueError:  # not a page of this output folder
            return PageSource(shown, None, "")
        if site_id is None:
            return PageSource(shown, None, province_template(rel, self.province_pages))
        doc = self.documents(site_id).get(rel)
        if doc is not None:
            return PageSource(shown, site_id, self.template_path(doc.type.template), doc)
        return PageSource(shown, site_id, self.template_path(site_template(rel, self.plugin_pages)))

    def template_path(self, name: str) -> str:
        return (THEME_TEMPLATES / f"{name}.html").as_posix() if name else ""

    def theme_templates(self, first: str) -> list[Path]:
        """Templates to search for a literal: the page's own first, then the base and the partials."""
        folder = REPO / THEME_TEMPLATES
        ordered = [REPO / first] if first else []
        ordered += [folder / "base.html"] + sorted(folder.glob("_*.html"))
        return [p for p in dict.fromkeys(ordered) if p.is_file()]


def province_template(rel: str, province_pages: dict[str, Path]) -> str:
    """Repository-relative template of a page outside every site at ``rel``, as the plugin that writes it
    declares it (:class:`portal.contract.ProvincePage`; a path ending in ``/`` stands for every page under it)."""
    template = province_pages.get(rel) or next((t for p, t in province_pages.items()
                                                if p.endswith("/") and rel.startswith(p)), None)
    if template is None:
        return ""
    template = template.resolve()
    return template.relative_to(REPO).as_posix() if template.is_relative_to(REPO) else template.as_posix()


def site_template(rel: str, plugin_pages: dict[str, str]) -> str:
    """Template name (without .html) of a generated (non-item) page at ``rel`` inside a site.

    ``plugin_pages`` maps the pages plugins declare (:class:`portal.contract.Page`) to their templates; a
    declared path ending in ``/`` stands for every page under it (a paginated list)."""
    name = rel.removesuffix(".html")
    if name in PAGE_TEMPLATES or name == "index" or ("/" not in name and (REPO / THEME_TEMPLATES / rel).is_file()):
        return name
    if rel in plugin_pages:
        return plugin_pages[rel]
    prefixes = {**{p: t for p, t in plugin_pages.items() if p.endswith("/")}, **PAGINATED_PREFIXES}
    for prefix, template in prefixes.items():
        if rel.startswith(prefix):
            return template
    head, _, rest = rel.partition("/")
    if head == "tu-khoa":
        return "tags" if rest == "index.html" else "tag"
    ctype = content_types.get(head)
    if ctype is not None and ctype.list_template and LIST_PAGE.match(rest):
        return ctype.list_template
    return ""


def find_line(path: Path, needles: list[str], start: int = 1) -> int:
    """1-based number of the first line (from ``start`` on) of ``path`` containing any of ``needles``; 0 if none."""
    needles = [n for n in needles if n]
    if not needles or not path.is_file():
        return 0
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if number >= start and any(n in line for n in needles):
            return number
    return 0


def body_range(soup) -> tuple[int, int] | None:
    """(first, last) page lines of the item body (``div.prose``: the editor's Markdown), if any."""
    prose = soup.find(class_="prose")
    if prose is None or prose.sourceline is None:
        return None
    for element in prose.find_all_next(True):
        if prose not in element.parents:
            return prose.sourceline, (element.sourceline or 10**9) - 1
    return prose.sourceline, 10**9

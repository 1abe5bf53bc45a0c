"""Link gate: every internal link, anchor and attachment of the built province resolves.

Stages, in order: read each site's address (``dia_chi_web`` in ``content/<site>/site.yaml``) so that
absolute links to any portal of the province map to ``output/<site>/`` → parse every HTML page once,
keeping its ids and its links → resolve each link (relative, site-absolute ``/x`` or
``https://<site domain>/x``) to a file, and its ``#fragment`` to an ``id`` (or ``name``) in the target
page → report each broken link against the file to edit: the item's Markdown when the link comes
from the editor's text or front matter, otherwise the template that wrote it.

``mailto:``, ``tel:``, ``data:`` and ``javascript:`` links and hosts outside the province are not
followed (external links are not fetched).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from portal import sites
from portal.problems import ERROR, Problem, relpath
from portal.project import Project

from .html_validity import html_pages
from .sources import REPO, SourceMap, body_range, find_line

NOT_FOLLOWED = {"mailto", "tel", "sms", "data", "javascript", "callto", "geo"}
LINK_ATTRIBUTES = {"a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"),
                   "source": ("src", "srcset"), "script": ("src",), "iframe": ("src",), "embed": ("src",),
                   "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "object": ("data",),
                   "form": ("action",)}
TOP = {"", "top"}  # "#" and "#top" scroll to the top of any page (HTML navigation rules)
MISSING, NO_ANCHOR, OUTSIDE = "thieu-trang", "thieu-neo", "ngoai-thu-muc"
REASONS = {
    MISSING: "trang hoặc tệp đích không tồn tại",
    NO_ANCHOR: "trang đích không có mục (id) «#{fragment}»",
    OUTSIDE: "đường dẫn ra ngoài thư mục xuất bản của tỉnh",
}


@dataclass(frozen=True)
class BrokenLink:
    """One broken link on one page, and the file (and line) that made it."""

    page: str
    line: int
    url: str
    target: str
    reason: str
    fragment: str
    source: str
    source_line: int = 0

    def problem(self, others: int = 0) -> Problem:
        why = REASONS[self.reason].format(fragment=self.fragment)
        more = f" (cùng liên kết hỏng trên {others} trang khác)" if others else ""
        expected = ("một mục có id=\"" + self.fragment + "\" trong trang đích" if self.reason == NO_ANCHOR
                    else "đường dẫn tới một trang hoặc tệp có trong cổng")
        return Problem(self.source or self.page, self.source_line if self.source else self.line,
                       f"Liên kết hỏng ở trang {self.page}:{self.line}{more}: {why}.",
                       expected=expected, found=f"«{self.url}» → {self.target}", severity=ERROR,
                       code=f"lien-ket-{self.reason}")


@dataclass
class LinkReport:
    """What one run found: pages and links checked, every broken link, seconds taken."""

    pages: int = 0
    links: int = 0
    broken: list[BrokenLink] = field(default_factory=list)
    seconds: float = 0.0

    def problems(self) -> list[Problem]:
        """One problem per broken link; the same template link broken on many pages is reported once."""
        groups: dict[tuple, list[BrokenLink]] = {}
        for b in self.broken:
            key = (b.source, b.source_line, b.url, b.reason) if b.source.startswith(("themes/", "plugins/")) else (b,)
            groups.setdefault(key, []).append(b)
        return sorted(bs[0].problem(len(bs) - 1) for bs in groups.values())


@dataclass
class _Page:
    ids: set
    links: list  # (url, line, in_body)


class Province:
    """The built province: where each portal's address points in ``output/``."""

    def __init__(self, root: Path, output_dir: Path):
        self.output_dir = Path(output_dir).resolve()
        self.addresses: list[tuple[str, str, Path]] = []  # (host, path prefix, site folder)
        site_dirs, _ = sites.discover(Path(root) / "content", root)
        for site_dir in site_dirs:
            site, _ = sites.load(site_dir, root)
            address = (site.config.get("dia_chi_web") or "") if site else ""
            parts = urlsplit(address)
            if parts.hostname:
                self.addresses.append((parts.hostname.lower(), parts.path.rstrip("/"), self.output_dir / site_dir.name))
        self.addresses.sort(key=lambda a: -len(a[1]))  # longest prefix wins

    def site_root(self, page: Path) -> Path:
        """The folder a site-absolute link (``/x``) starts from: the page's site, else output/."""
        for _, _, folder in self.addresses:
            if page.is_relative_to(folder):
                return folder
        return self.output_dir

    def resolve(self, page: Path, url: str) -> tuple[Path | None, str] | None:
        """(file path or None when it leaves output/, fragment) of a link; None when it is not followed."""
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme in NOT_FOLLOWED or (scheme and scheme not in ("http", "https")):
            return None
        path = unquote(parts.path)
        if parts.netloc:
            host = (parts.hostname or "").lower()
            for name, prefix, folder in self.addresses:
                if host == name and (path == prefix or path.startswith(prefix + "/") or not prefix):
                    base, path = folder, path[len(prefix):].lstrip("/")
                    break
            else:
                return None  # outside the province: not followed
        elif path.startswith("/"):
            base, path = self.site_root(page), path.lstrip("/")
        elif path:
            base = page.parent
        else:
            return page, unquote(parts.fragment)  # "#x" or "?q" on the same page
        target = Path(os.path.normpath(base / path))
        if not target.is_relative_to(self.output_dir):
            return None, unquote(parts.fragment)
        if target.is_dir() or path.endswith("/") or not path:
            target = target / "index.html"
        return target, unquote(parts.fragment)


def check_links(project: Project, site_ids: list[str] | None = None) -> LinkReport:
    """Check every link of every page of a built province (or of the given sites)."""
    started = time.monotonic()
    output_dir = project.output.resolve()
    province = Province(project.root, output_dir)
    pages = {page.resolve(): _read(page) for page in html_pages(output_dir, site_ids)}
    report = LinkReport(pages=len(pages))
    sources = SourceMap(project)
    ids_elsewhere: dict[Path, set] = {}
    for page, parsed in pages.items():
        for url, line, in_body in parsed.links:
            report.links += 1
            resolved = province.resolve(page, url)
            if resolved is None:
                continue
            target, fragment = resolved
            reason = _broken(target, fragment, pages, ids_elsewhere)
            if reason:
                report.broken.append(_attribute(page, line, url, target, fragment, reason, in_body, sources))
    report.broken.sort(key=lambda b: (b.page, b.line, b.url))
    report.seconds = time.monotonic() - started
    return report


def _read(page: Path) -> _Page:
    soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
    ids = {t["id"] for t in soup.find_all(id=True)} | {t["name"] for t in soup.find_all("a", attrs={"name": True})}
    body = body_range(soup)
    links = []
    for tag in soup.find_all(LINK_ATTRIBUTES):
        for attribute in LINK_ATTRIBUTES[tag.name]:
            value = tag.get(attribute)
            if value is None or (tag.name == "form" and not value.strip()):
                continue
            urls = [c.strip().split()[0] for c in value.split(",") if c.strip()] if attribute == "srcset" else [value]
            in_body = bool(body and body[0] <= (tag.sourceline or 0) <= body[1])
            links += [(u, tag.sourceline or 0, in_body) for u in urls]
    return _Page(ids, links)


def _broken(target: Path | None, fragment: str, pages: dict, ids_elsewhere: dict) -> str:
    if target is None:
        return OUTSIDE
    if target not in pages and not target.is_file():
        return MISSING
    if fragment.lower() in TOP or target.suffix.lower() not in (".html", ".htm"):
        return ""
    if target in pages:
        ids = pages[target].ids
    else:  # an HTML file not in the checked set (another site, or the search index): read its ids once
        if target not in ids_elsewhere:
            ids_elsewhere[target] = _read(target).ids
        ids = ids_elsewhere[target]
    return "" if fragment in ids else NO_ANCHOR


def _attribute(page: Path, line: int, url: str, target: Path | None, fragment: str, reason: str,
               in_body: bool, sources: SourceMap) -> BrokenLink:
    """The broken link, blamed on the content file (body or front matter) or on the template."""
    origin = sources.source(page)
    shown = relpath(target, sources.root) if target is not None else "(ngoài thư mục xuất bản)"
    site_root = sources.output_dir / origin.site if origin.site else sources.output_dir
    inside = target.relative_to(site_root).as_posix() if target is not None and target.is_relative_to(site_root) else ""
    path = urlsplit(url).path
    needles = [url, path, inside] + ([f"#{fragment}"] if fragment else [])
    needles = [n for n in needles if n and n not in ("index.html", "/")]
    doc = origin.document
    if doc is not None:
        number = find_line(doc.path, needles)
        if number or in_body:
            return BrokenLink(origin.page, line, url, shown, reason, fragment, doc.rel, number or doc.body_line)
    if origin.site:  # addresses written in site.yaml (partner links, the satisfaction survey...)
        site_file = sources.content_dir / origin.site / sites.SITE_FILE
        number = find_line(site_file, [url.strip()]) if "://" in url else 0
        if number:
            return BrokenLink(origin.page, line, url, shown, reason, fragment, relpath(site_file, sources.root), number)
    for template in sources.theme_templates(origin.template):
        number = find_line(template, [inside] if inside else needles)
        if number:
            return BrokenLink(origin.page, line, url, shown, reason, fragment, relpath(template, REPO), number)
    return BrokenLink(origin.page, line, url, shown, reason, fragment, origin.template)

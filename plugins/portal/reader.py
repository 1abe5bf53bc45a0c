"""Pelican reader for portal Markdown: YAML front matter validated by :mod:`portal.check`.

The reader does not validate again: the build checks a whole site first (so every problem in
every file is reported at once) and hands the valid documents to Pelican through the
``PORTAL_DOCUMENTS`` setting. Here each document becomes Pelican metadata plus rendered HTML, which is
sanitised with the allowlist of :mod:`portal.sanitize` (nh3) before Pelican sees it: validation
already refused unsafe HTML, this is defence in depth. The check ran that pass already and kept its
result with the document (keyed by the body's hash and the embeds allowed); it is run again here only
for a document the check did not sanitise with the same body and settings.

An item dated after the build's now (``PORTAL_NOW``, see :mod:`portal.schedule`) is read as a draft:
it is never written and never listed until a later build. File names ending in ``.MD`` or ``.Md``
are read like ``.md`` (Windows editors save them so; the check reads them too).

When the reader is installed it also refuses files under tep/ and anh/ that may not be published
(symlinks out of the site folder, active types, unsafe SVG; the build's check already stopped the site):
it logs an error (so the build does not publish the site) and keeps Pelican's static copy away from them.
"""

from __future__ import annotations

import glob
import logging
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import escape
from pelican.readers import BaseReader
from pelican.urlwrappers import Category, Tag
from pelican.utils import SafeDatetime

from . import attachments, body_tables, document, markup, paths, project, sanitize, schedule, summaries
from .dates import as_datetime

# Under "pelican" (as namespace plugins are) so the build collects these records with Pelican's own.
logger = logging.getLogger("pelican.plugins.portal.reader")


class PortalMarkdownReader(BaseReader):
    """Reads ``.md`` files of a portal site (front matter in YAML)."""

    enabled = True
    file_extensions = ["md", "MD", "Md", "mD"]

    def read(self, source_path):
        doc = self._document(Path(source_path))
        configured = self.settings["MARKDOWN"]
        embeds = sanitize.allowed_embeds(self.settings)
        default = markup.same_as_default(configured)
        # The HTML checked and sanitised during validation is reused unless the site configures
        # Markdown or the embeds differently.
        content = doc.sanitized_html(embeds) if default else ""
        if not content:
            html = (doc.checked_html() if default else "") or markup.convert(doc.body, configured)
            content = sanitize.clean_markup(document.site_links(html), embeds)
        content = sanitize.external_rel(content, self._own_hosts())
        # Tables the editor wrote get their column headers on every cell, for the phone layout.
        content = body_tables.label(content)
        metadata = self._metadata(doc)
        # Text for list pages and descriptions; Pelican's own ``summary`` (HTML) serves the feeds. The check
        # made it already for an unchanged body (document.Document.keep_summary).
        words, end = self.settings.get("SUMMARY_MAX_LENGTH"), self.settings.get("SUMMARY_END_SUFFIX", "…")
        kept = doc.kept_summary(embeds, words, end) if default else None
        metadata["plain_summary"] = (kept if kept is not None
                                     else summaries.plain_summary(doc.fields, content, words, end))
        return content, metadata

    def _own_hosts(self) -> tuple[str, ...]:
        """Hosts of this site: links to them are not external."""
        urls = [self.settings.get("SITEURL") or "", (self.settings.get("PORTAL") or {}).get("dia_chi_web") or ""]
        return tuple(sorted({urlsplit(u).hostname for u in urls if urlsplit(u).hostname}))

    def _document(self, path: Path) -> document.Document:
        by_path = self.settings.get("PORTAL_DOCUMENTS") or {}
        doc = by_path.get(paths.real_path(path))
        if doc is None:
            # Not pre-checked (e.g. Pelican run directly on one file): load it now, strictly.
            site_dir = path.parent.parent
            doc, problems = document.load(path, site_dir, path.parent.name,
                                          allowed_embeds=sanitize.allowed_embeds(self.settings))
            errors = [p.format() for p in problems if p.severity == "loi"]
            if doc is None or errors:
                raise ValueError("\n".join(errors) or f"{path}: không đọc được")
        return doc

    def _metadata(self, doc: document.Document) -> dict:
        settings, f = self.settings, doc.fields
        category = Category(doc.type.label, settings)
        category.slug = doc.type.id
        now = settings.get("PORTAL_NOW")
        status = doc.status if now is None or schedule.is_due(f, now) else "draft"  # scheduled: not yet
        meta = {
            "title": doc.title,
            "slug": doc.slug,
            "status": status,
            "template": doc.type.template,
            # Drafts are read (so links to them can be checked) but never written.
            "url": doc.url if status != "draft" else "",
            "save_as": doc.url if status != "draft" else "",
            "category": category,
            "portal_type": doc.type.id,
            "fields": f,
            "source_rel": doc.rel,
        }
        date = f.get("ngay") or f.get("cap_nhat")
        if date:
            meta["date"] = SafeDatetime.fromisoformat(as_datetime(date).isoformat())
        if f.get("cap_nhat"):
            meta["modified"] = SafeDatetime.fromisoformat(as_datetime(f["cap_nhat"]).isoformat())
        if f.get("tom_tat"):
            meta["summary"] = str(escape(f["tom_tat"]))
        if f.get("tu_khoa"):
            meta["tags"] = [Tag(tag, settings) for tag in f["tu_khoa"]]
        # Fields are also plain attributes (article.so_ky_hieu) unless Pelican owns the name.
        for key, value in f.items():
            meta.setdefault(key, value)
        return meta


def add_reader(readers) -> None:
    """``readers_init`` receiver: our reader handles ``.md`` (any case); unsafe static files are refused."""
    for extension in PortalMarkdownReader.file_extensions:
        readers.reader_classes[extension] = PortalMarkdownReader
    # Pelican's own Markdown reader (for .markdown, .mkd, .mdown) would be instantiated too, and it
    # adds its "meta" extension to the shared MARKDOWN setting; content is .md only.
    for extension in ("markdown", "mkd", "mdown"):
        readers.reader_classes.pop(extension, None)
    refuse_unsafe_static(readers.settings)


def refuse_unsafe_static(settings: dict) -> None:
    """Log an error for each file under the static folders that may not be published (a symlink out of
    the site, a type or an SVG :mod:`portal.attachments` refuses) and keep Pelican from copying it
    (IGNORE_FILES by name; a whole static folder leaves STATIC_PATHS).

    Every generator builds its own readers, all sharing one settings dict: act once per build.
    """
    if "PORTAL_REFUSED_STATIC" in settings or not settings.get("PATH"):
        return
    site = Path(settings["PATH"])
    root = project.of(settings).root
    problems = document.asset_problems(site, root)
    problems += attachments.problems(site, root)
    settings["PORTAL_REFUSED_STATIC"] = [p.path for p in problems]
    for problem in problems:
        logger.error("%s", problem.format())
        name = Path(problem.path).name
        if name in document.ASSET_FOLDERS and (site / name).is_symlink():
            settings["STATIC_PATHS"] = [p for p in settings["STATIC_PATHS"] if p.strip("/") != name]
        else:
            settings["IGNORE_FILES"] = [*settings["IGNORE_FILES"], glob.escape(name)]

"""Pelican reader for portal Markdown: YAML front matter validated by :mod:`portal.check`.

The reader does not validate again: the build checks a whole site first (so every problem in
every file is reported at once) and hands the valid documents to Pelican through the
``PORTAL_CHECK`` setting. Here each document becomes Pelican metadata plus rendered HTML.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markdown import Markdown
from markupsafe import escape
from pelican.readers import BaseReader
from pelican.urlwrappers import Category, Tag
from pelican.utils import SafeDatetime

from . import document
from .dates import as_datetime

logger = logging.getLogger(__name__)


class PortalMarkdownReader(BaseReader):
    """Reads ``.md`` files of a portal site (front matter in YAML)."""

    enabled = True
    file_extensions = ["md"]

    def read(self, source_path):
        doc = self._document(Path(source_path))
        md = Markdown(**self.settings["MARKDOWN"])
        # Links to the site's own files are written relative to the site folder; Pelican's
        # {static} marker makes them resolve from any page depth.
        body = document.BODY_FILE_LINK.sub(lambda m: m.group(0).replace(m.group(1), "{static}/" + m.group(1)),
                                           doc.body)
        content = md.convert(body)
        return content, self._metadata(doc)

    def _document(self, path: Path) -> document.Document:
        by_path = self.settings.get("PORTAL_DOCUMENTS") or {}
        doc = by_path.get(str(path.resolve()))
        if doc is None:
            # Not pre-checked (e.g. Pelican run directly on one file): load it now, strictly.
            site_dir = path.parent.parent
            doc, problems = document.load(path, site_dir, path.parent.name)
            errors = [p.format() for p in problems if p.severity == "loi"]
            if doc is None or errors:
                raise ValueError("\n".join(errors) or f"{path}: không đọc được")
        return doc

    def _metadata(self, doc: document.Document) -> dict:
        settings, f = self.settings, doc.fields
        category = Category(doc.type.label, settings)
        category.slug = doc.type.id
        meta = {
            "title": doc.title,
            "slug": doc.slug,
            "status": doc.status,
            "template": doc.type.template,
            # Drafts are read (so links to them can be checked) but never written.
            "url": doc.url if doc.status != "draft" else "",
            "save_as": doc.url if doc.status != "draft" else "",
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
    """``readers_init`` receiver: our reader handles ``.md``."""
    readers.reader_classes["md"] = PortalMarkdownReader

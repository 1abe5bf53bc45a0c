"""What every check sees: one site's content, the evaluation date, the calendar and the evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from portal.dates import as_datetime
from portal.history import FileHistory

from ..calendar import WorkingCalendar
from ..model import DAT, Finding, Rule


@dataclass
class Settings:
    """Evaluation options (``COMPLIANCE`` in pelicanconf.py, or the command line)."""

    sap_den_han_ngay_lam_viec: int = 3      # due within this many working days → "sắp đến hạn"
    dung_sai_bang_chung_ngay: int = 1       # days of slack between front-matter date and git history
    bang_chung_tu_ngay: dt.date | None = None  # commits on or before this date are a bulk import, not evidence


@dataclass
class SiteContext:
    site_id: str
    config: dict
    documents: list            # valid portal.document.Document objects of the site
    as_of: dt.date
    calendar: WorkingCalendar
    history: dict[str, FileHistory]
    settings: Settings
    province_documents: dict = field(default_factory=dict)  # so_ky_hieu (casefold) → Document, all sites
    province_sites: dict = field(default_factory=dict)      # site id → config
    # obligation (``nghia_vu``) → every version of it in the loaded rule sets, in force or not: a period is
    # judged by the version in force at the period's own date (checks/periodic.py)
    rule_versions: dict = field(default_factory=dict)
    root: Path | None = None            # the project root (paths in findings are relative to it)
    quality_runs: Path | None = None    # where the quality gates save their runs (QUALITY_STATE_DIR)

    @property
    def level(self) -> str:
        return self.config["cap"]

    @property
    def site_file(self) -> str:
        return f"content/{self.site_id}/site.yaml"

    def published(self, section: str | None = None, page_kind: str | None = None) -> list:
        """Published items dated on or before the evaluation date (pages: any date)."""
        out = []
        for doc in self.documents:
            if doc.status == "draft":
                continue
            if page_kind is not None:
                if doc.type.id == "trang" and doc.fields.get("loai_trang") == page_kind:
                    out.append(doc)
                continue
            if section is not None and doc.type.id != section:
                continue
            if doc.type.id != "trang" and self.posted(doc).date() > self.as_of:
                continue
            out.append(doc)
        return out

    def posted(self, doc) -> dt.datetime:
        """When the item was really published: its front-matter date, or later if git says so."""
        claimed = as_datetime(doc.fields.get("ngay") or dt.date(2000, 1, 1))
        added = self.evidence(doc)
        if added and added.date() - claimed.date() > dt.timedelta(days=self.settings.dung_sai_bang_chung_ngay):
            return added
        return claimed

    def evidence(self, doc) -> dt.datetime | None:
        """Commit time that added the file, when it counts as evidence (after the bulk import date)."""
        record = self.history.get(doc.rel)
        if record is None:
            return None
        added = record.added.replace(tzinfo=None)
        cutoff = self.settings.bang_chung_tu_ngay
        if cutoff and added.date() <= cutoff:
            return None
        return added

    def where(self, doc, path: tuple = ()) -> str:
        return f"{doc.rel}:{doc.line_of(path) if path else 1}"

    def ok(self, rule: Rule, message: str, item: str = "") -> Finding:
        return Finding(self.site_id, rule, DAT, message, muc=item or self.site_file)


def get(fields: dict, dotted: str):
    """``fields['a']['b']`` for ``'a.b'``; None when any step is missing."""
    value = fields
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}

"""Import one Word or PDF file as a new item of a site: the stages, in order.

1. check the request: the site exists, the type is a content type, the file is a .docx (any type) or a
   .pdf (văn bản only) and is not empty — otherwise WrongUse (exit 2);
2. convert it (:mod:`.docx_convert`, :mod:`.pdf_convert`) — ImportRefused (exit 1) writes nothing;
3. write the item, its pictures and its attachment (:mod:`.item`), never overwriting;
4. check the site as ``invoke check`` does and keep the problems of what was written: what the editor must
   still fill (placeholders, pictures' descriptions) is reported with file, line and field.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from portal import check as checking
from portal import content_types, schedule, sites
from portal.problems import ERROR, Problem, relpath

from . import docx_convert, item, pdf_convert
from .converted import Converted
from .errors import WrongUse

KINDS = {"docx": "văn bản Word (.docx)", "pdf": "tệp PDF có chữ (.pdf)"}
PDF_TYPES = ("van-ban",)


@dataclass
class ImportResult:
    """What one import did: the files written (relative to the root), what was filled from where, the
    notes for the editor and the problems the check found in the new item."""

    item: str
    images: list[str]
    attachment: str | None
    fields: dict
    sources: dict[str, str]
    notes: list[str]
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    legacy_runs: int = 0
    tables: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


def kind_of(name: str) -> str:
    """'docx' or 'pdf' from a file name; WrongUse for anything else."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        if extension == "doc":
            raise WrongUse(f"«{name}» là văn bản Word kiểu cũ (.doc): hãy mở bằng Word, lưu lại dạng .docx rồi nhập.")
        raise WrongUse(f"«{name}» không phải {KINDS['docx']} hay {KINDS['pdf']}.")
    return extension


def import_file(root: Path, site_id: str, type_id: str, name: str, data: bytes,
                now: dt.datetime | None = None, expect: str | None = None,
                settings: Mapping | None = None) -> ImportResult:
    """Import the file ``name`` (its bytes ``data``) as a new ``type_id`` item of site ``site_id``.

    ``expect`` ('docx' or 'pdf') is the kind the command takes; ``now`` the posting time (default: now,
    Vietnam time); ``settings`` the project's, which the check of the new item follows (the iframe sources
    allowed, the scheduling horizon). Raises WrongUse or ImportRefused, with nothing written.
    """
    started = time.perf_counter()
    when = now or schedule.now()
    site_dir = _request(root, site_id, type_id)
    kind = kind_of(name)
    if expect and kind != expect:
        raise WrongUse(f"Lệnh này nhập {KINDS[expect]}; «{name}» là {KINDS[kind]}: hãy dùng invoke import-{kind}.")
    if kind == "pdf" and type_id not in PDF_TYPES:
        raise WrongUse(f"Tệp PDF chỉ nhập được thành văn bản (--type van-ban): nội dung của PDF chỉ là các dòng chữ."
                       f" Với loại «{type_id}», hãy nhập từ tệp Word.")
    if not data:
        raise WrongUse(f"Tệp «{name}» trống.")
    units = _unit_names(root)
    converted: Converted = (docx_convert.convert(data, name, type_id, units) if kind == "docx"
                            else pdf_convert.convert(data, name, units))
    written = item.write(site_dir, type_id, converted, when)
    result = ImportResult(relpath(written.item, root), [relpath(p, root) for p in written.images],
                          relpath(written.attachment, root) if written.attachment else None, written.fields,
                          {k: v for k, v in converted.reading.sources.items() if k in written.fields},
                          converted.notes, legacy_runs=converted.legacy_runs, tables=converted.tables)
    result.problems = _problems(root, site_dir, result, when, settings)
    result.seconds = time.perf_counter() - started
    return result


def _request(root: Path, site_id: str, type_id: str) -> Path:
    site_dir = root / "content" / site_id
    if not site_id or not (site_dir / sites.SITE_FILE).is_file():
        known = ", ".join(d.name for d in sites.discover(root / "content", root)[0])
        raise WrongUse(f"Không có cổng «{site_id}». Các cổng: {known}.")
    if content_types.get(type_id) is None:
        raise WrongUse(f"Không có loại tin bài «{type_id}». Các loại: "
                       + ", ".join(t.id for t in content_types.TYPES) + ".")
    return site_dir


def _unit_names(root: Path) -> list[str]:
    """Every unit's full name in the province (how a letterhead's issuing body is spelled)."""
    names = []
    for site_dir in sites.discover(root / "content", root)[0]:
        site, _ = sites.load(site_dir, root)
        if site is not None and site.config.get("ten_day_du"):
            names.append(site.config["ten_day_du"])
    return names


def _problems(root: Path, site_dir: Path, result: ImportResult, now: dt.datetime,
              settings: Mapping | None) -> list[Problem]:
    """The site's check, reduced to the files this import wrote."""
    mine = {result.item, *result.images, *([result.attachment] if result.attachment else [])}
    checked = checking.check_site(site_dir, root, now=now, settings=settings)
    return sorted(p for p in checked.problems if p.path in mine or result.item in p.message)

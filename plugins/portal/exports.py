"""Machine-readable outputs of a site: JSON exports of văn bản and TTHC, the list of every published item
(``muc-luc``), sitemap.xml, robots.txt.

The JSON exports follow ``schemas/export.schema.json`` (documented in docs/exports.md) and are
what the provincial portal aggregates (``muc-luc`` feeds its province-wide quick search, aggregate.quick_search).
A procedure's record also carries what its page says of it
(:func:`portal.procedures.export_fields`): complete or "chưa đủ thông tin", the missing fields, how it
is submitted. Output is deterministic: no build time, stable order.
"""

from __future__ import annotations

import datetime as dt
import os
from xml.sax.saxutils import escape

from . import content_types, jsonfmt, procedures, schema

EXPORT_VERSION = "1.2"  # 1.1: procedures carry their completeness state and how they are submitted; 1.2: muc-luc
EXPORT_TYPES = ("van-ban", "thu-tuc")
CATALOG = "muc-luc"  # every published item of every type, by title: what the province-wide quick search reads
CATALOG_LABEL = "Mục lục thông tin đã đăng"
# The field that identifies an item of a type besides its title (what a citizen may search by).
CODES = {"van-ban": "so_ky_hieu", "thu-tuc": "ma_thu_tuc"}


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _absolute(base: str, url: str) -> str:
    return f"{base.rstrip('/')}/{url}"


def export_items(type_id: str, items, site: dict) -> dict:
    """The export document for one type: site header plus one record per published item."""
    base = site["dia_chi_web"]
    records = []
    for item in items:
        record = {"id": f"{site['id']}:{item.slug}", "url": _absolute(base, item.url), "tieu_de": item.title}
        record.update(_jsonable({k: v for k, v in item.fields.items()
                                 if k not in ("trang_thai", "duong_dan", "noi_bat")}))
        for key, value in list(record.items()):
            if isinstance(value, str) and schema.subschema(type_id, (key,)).get("x-labels"):
                record[key + "_nhan"] = schema.value_label(type_id, (key,), value)
        if type_id == "thu-tuc":
            record.update(procedures.export_fields(item.fields))  # the state the page shows, for aggregators
        _absolutise_files(record, base)
        records.append(record)
    latest = max((i.fields.get("cap_nhat") or i.fields["ngay"] for i in items), default=None,
                 key=lambda d: (d.isoformat() if d else ""))
    return {
        "phien_ban": EXPORT_VERSION,
        "loai": type_id,
        "loai_nhan": content_types.get(type_id).label,
        "don_vi": {"ma_cong": site["id"], "ten": site["ten_day_du"], "cap": site["cap"],
                   "dia_chi_web": base},
        "cap_nhat_moi_nhat": _jsonable(latest),
        "so_luong": len(records),
        "muc": records,
    }


def catalog(items, site: dict) -> dict:
    """The ``muc-luc`` export: one short record per published item of every type (articles and pages),
    newest first: id, url, title, date, its type and, for a văn bản or a procedure, its number or code."""
    base = site["dia_chi_web"]
    records = []
    for item in sorted(items, key=lambda i: (-(_day(i) or dt.date.min).toordinal(), i.url)):
        ctype = content_types.get(item.portal_type)
        day = _day(item)
        record = {"id": f"{site['id']}:{item.slug}", "url": _absolute(base, item.url), "tieu_de": item.title,
                  "ngay": day.isoformat() if day else "", "loai_muc": ctype.id, "loai_muc_nhan": ctype.label}
        code = item.fields.get(CODES.get(ctype.id, ""))
        if isinstance(code, str) and code.strip():
            record[CODES[ctype.id]] = code
        records.append(record)
    latest = max((r["ngay"] for r in records if r["ngay"]), default=None)
    return {"phien_ban": EXPORT_VERSION, "loai": CATALOG, "loai_nhan": CATALOG_LABEL,
            "don_vi": {"ma_cong": site["id"], "ten": site["ten_day_du"], "cap": site["cap"], "dia_chi_web": base},
            "cap_nhat_moi_nhat": latest, "so_luong": len(records), "muc": records}


def published(context: dict) -> list:
    """Every published item of the site: each section's items and the site's own pages."""
    return [i for s in context["SECTION_BY_ID"].values() for i in s.items] + list(context.get("PORTAL_PAGES", []))


def _day(item) -> dt.date | None:
    """An item's day: its ``ngay`` (``cap_nhat`` for a page that has only that), else none."""
    fields = getattr(item, "fields", None) or {}
    value = fields.get("ngay") or fields.get("cap_nhat") or getattr(item, "date", None)
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _absolutise_files(record, base):
    """Attachment and form paths become absolute URLs, so an aggregator can link them."""
    if isinstance(record, dict):
        for key, value in record.items():
            if key in ("tep", "mau_don") and isinstance(value, str):
                record[key] = _absolute(base, value)
            else:
                _absolutise_files(value, base)
    elif isinstance(record, list):
        for value in record:
            _absolutise_files(value, base)


def sitemap(urls: list[tuple[str, object]], base: str) -> str:
    rows = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in sorted(urls, key=lambda u: u[0]):
        row = f"  <url><loc>{escape(_absolute(base, url))}</loc>"
        if lastmod:
            day = lastmod.date() if isinstance(lastmod, dt.datetime) else lastmod
            row += f"<lastmod>{day.isoformat()}</lastmod>"
        rows.append(row + "</url>")
    rows.append("</urlset>")
    return "\n".join(rows) + "\n"


def write_all(context: dict, settings: dict) -> None:
    """Write the JSON exports, sitemap.xml and robots.txt into the output folder."""
    out = settings["OUTPUT_PATH"]
    site = settings["PORTAL"]
    by_id = context["SECTION_BY_ID"]
    for type_id in EXPORT_TYPES:
        data = export_items(type_id, by_id[type_id].items, site)
        _write(os.path.join(out, "du-lieu", f"{type_id}.json"),
               jsonfmt.dumps(data) + "\n")
    _write(os.path.join(out, "du-lieu", f"{CATALOG}.json"), jsonfmt.dumps(catalog(published(context), site)) + "\n")
    urls = [("index.html", None)]
    urls += [(s.url, s.items[0].date if s.items else None) for s in by_id.values()]
    for item in list(context.get("articles", [])) + list(context.get("pages", [])):
        urls.append((item.url, getattr(item, "modified", None) or getattr(item, "date", None)))
    urls += [(f"{name}.html", None) for name in ("so-do-cong", "lien-he")]
    base = site["dia_chi_web"]
    _write(os.path.join(out, "sitemap.xml"), sitemap(urls, base))
    _write(os.path.join(out, "robots.txt"),
           "User-agent: *\nAllow: /\nDisallow: /pagefind/\nDisallow: /tong-hop/tim-kiem/\n"
           "Disallow: /tong-hop/tim-nhanh/\n\n"
           f"Sitemap: {_absolute(base, 'sitemap.xml')}\n")


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)

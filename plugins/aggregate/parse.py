"""Turn fetched bytes into items: feeds (Atom/RSS, parsed safely) and the units' JSON exports.

XML is first parsed by defusedxml, which refuses entity declarations (no "billion laughs") and external
references; only then does feedparser read it. Entry HTML is cleaned with nh3 to a small allowlist.
Dates come from the feed; an RSS item of another CMS without one may carry a Vietnamese date in its
text ("ngày 15/11/2026", "15/11/2026 08:30"), which is used instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from xml.etree.ElementTree import ParseError

import feedparser
import jsonschema
import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from portal import schema

VN = dt.timezone(dt.timedelta(hours=7))
TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote"}
_VN_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ ,]+(?:lúc )?(\d{1,2})[:hg](\d{2}))?")
_TIME_FIRST = re.compile(r"(\d{1,2})[:hg](\d{2})[ ,]+(?:ngày )?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


class SourceError(Exception):
    """The bytes are not a usable feed or export; the message is Vietnamese."""


def clean_html(html: str) -> str:
    return nh3.clean(html or "", tags=TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def text_of(html: str) -> str:
    return " ".join(nh3.clean(html or "", tags=set()).split())


def vietnamese_date(text: str) -> dt.datetime | None:
    """First real date written the Vietnamese way in ``text`` (dd/mm/yyyy, optional time)."""
    text = text or ""
    match = _TIME_FIRST.search(text)
    if match:
        h, mi, d, mo, y = (int(x) for x in match.groups())
    else:
        match = _VN_DATE.search(text)
        if not match:
            return None
        d, mo, y, h, mi = (int(x) if x else 0 for x in match.groups())
    try:
        return dt.datetime(y, mo, d, h, mi)
    except ValueError:
        return None


def parse_feed(body: bytes) -> list[dict]:
    """Entries of an Atom or RSS feed as plain dicts; raises :class:`SourceError`."""
    try:
        fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise SourceError("Nguồn tin chứa khai báo thực thể hoặc tham chiếu ngoài trong XML (có thể là tấn công "
                          "«billion laughs»); đã từ chối.") from None
    except ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        raise SourceError(f"Nguồn tin không phải XML hợp lệ (lỗi cú pháp ở dòng {line}).") from None
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version"):
        raise SourceError("Dữ liệu không phải nguồn tin RSS hoặc Atom.")
    items = []
    for entry in parsed.entries:
        link = entry.get("link", "")
        if not link.startswith(("http://", "https://")):
            continue
        summary = entry.get("summary", "") or (entry.get("content") or [{}])[0].get("value", "")
        title = text_of(entry.get("title", "")) or "(không có tiêu đề)"
        when = None
        for key in ("published_parsed", "updated_parsed"):
            if entry.get(key):
                when = dt.datetime.fromtimestamp(calendar.timegm(entry[key]), VN).replace(tzinfo=None)
                break
        if when is None:
            when = vietnamese_date(title) or vietnamese_date(text_of(summary))
        items.append({"guid": entry.get("id") or link, "tieu_de": title, "url": link,
                      "ngay": when.isoformat() if when else None, "tom_tat": clean_html(summary)[:2000]})
    return items


def parse_export(body: bytes, kind: str) -> dict:
    """A unit's ``du-lieu/<kind>.json``, checked against ``export.schema.json``."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"Tệp dữ liệu không phải JSON hợp lệ ({type(exc).__name__}).") from None
    try:
        jsonschema.validate(data, schema.schema("export"))
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(gốc)"
        raise SourceError(f"Tệp dữ liệu không đúng định dạng xuất bản (tại {where}).") from None
    if data["loai"] != kind:
        raise SourceError(f"Tệp dữ liệu là loại «{data['loai']}», cần «{kind}».")
    return data

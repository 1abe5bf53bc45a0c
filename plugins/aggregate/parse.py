"""Turn fetched bytes into items: feeds (Atom/RSS, parsed safely) and the units' JSON exports.

XML is first parsed by defusedxml, which refuses entity declarations (no "billion laughs") and external
references; only then does feedparser read it. Dates come from the feed; an RSS item of another CMS
without one may carry a Vietnamese date in its text ("ngày 15/11/2026", "15/11/2026 08:30"), which is
used instead.

Whatever another portal sends is untrusted. An entry's title and summary become plain text (its HTML
reduced to its words); the theme escapes them like any other text, and the province's feeds escape
them again as HTML. Links are kept only when they are http(s) addresses: an entry without one is
dropped, and a URL field of an export record (``url``, file and service addresses) with any other
scheme (``javascript:``, ``data:``...) is removed from the record (relative addresses stay).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
import re
import unicodedata
from html import unescape
from xml.etree.ElementTree import ParseError

import feedparser
import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from portal import content_types, schema

VN = dt.timezone(dt.timedelta(hours=7))
FORMAT = 2  # what parse_feed makes; data stored by an older version is fetched and parsed again
SUMMARY_CHARS = 2000
WEB_SCHEMES = ("http://", "https://")
# Keys of export records that hold addresses: the record's own, and every field the content schemas
# declare as a file (made absolute by the exporter) or a web address (see url_keys).
URL_KEYS = frozenset({"url", "dia_chi_web"})
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_VN_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ ,]+(?:lúc )?(\d{1,2})[:hg](\d{2}))?")
_TIME_FIRST = re.compile(r"(\d{1,2})[:hg](\d{2})[ ,]+(?:ngày )?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


class SourceError(Exception):
    """The bytes are not a usable feed or export; the message is Vietnamese."""


def text_of(html: str) -> str:
    """The words of a remote HTML fragment as one line of plain text (markup and scripts dropped,
    character references decoded, decomposed letters composed: NFC, as our own content is). Never
    written as HTML: templates and feeds escape it."""
    return unicodedata.normalize("NFC", " ".join(unescape(nh3.clean(html or "", tags=set())).split()))


def is_web_address(value) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith(WEB_SCHEMES)


def harmless_address(value: str) -> bool:
    """An http(s) address or a relative one (no scheme at all). Browsers ignore tabs, line breaks and
    leading control characters in a URL, so ``java\tscript:`` is read the way a browser reads it."""
    compact = _URL_NOISE.sub("", value).lower()
    match = _SCHEME.match(compact)
    return match is None or match.group(1) in ("http", "https")


@functools.cache
def url_keys() -> frozenset:
    """Keys whose values are addresses, in a record of any kind (a remote record may carry any key):
    :data:`URL_KEYS` and every field any content schema declares as a file or a web address."""
    keys = set(URL_KEYS)

    def walk(kind: str, path: tuple):
        node = schema.subschema(kind, path)
        names = [p for p in path if isinstance(p, str)]
        if names and node.get("format") in ("tep", "uri"):
            keys.add(names[-1])
        for name in schema.properties_of(node):
            walk(kind, path + (name,))
        if isinstance(node.get("items"), dict):
            walk(kind, path + (0,))

    for ctype in content_types.TYPES:
        walk(ctype.id, ())
    return frozenset(keys)


def web_addresses_only(value, keys: frozenset):
    """``value`` with every address under ``keys`` that has a scheme other than http(s) removed (nested lists and
    objects too): a remote record cannot put a ``javascript:`` link on the provincial portal."""
    if isinstance(value, dict):
        return {k: web_addresses_only(v, keys) for k, v in value.items()
                if not (k in keys and isinstance(v, str) and not harmless_address(v))}
    if isinstance(value, list):
        return [web_addresses_only(v, keys) for v in value]
    return value


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
        if not is_web_address(link):
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
        items.append({"guid": entry.get("id") or link, "tieu_de": title, "url": link.strip(),
                      "ngay": when.isoformat() if when else None, "tom_tat": text_of(summary)[:SUMMARY_CHARS]})
    return items


def parse_export(body: bytes, kind: str) -> dict:
    """A unit's ``du-lieu/<kind>.json``, checked against ``export.schema.json``."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"Tệp dữ liệu không phải JSON hợp lệ ({type(exc).__name__}).") from None
    except RecursionError:  # arrays or objects nested thousands deep: the parser's own limit
        raise SourceError("Tệp dữ liệu lồng nhau quá sâu, không đọc được.") from None
    try:
        valid = schema.fast_check("export")  # stricter than jsonschema only in formats: "valid" is trusted
        if valid is None or not valid(data):
            import jsonschema  # for the verdict and the place of the error (the import costs 0.1 s)

            try:
                jsonschema.validate(data, schema.schema("export"))
            except jsonschema.ValidationError as exc:
                where = "/".join(str(p) for p in exc.absolute_path) or "(gốc)"
                raise SourceError(f"Tệp dữ liệu không đúng định dạng xuất bản (tại {where}).") from None
    except RecursionError:
        raise SourceError("Tệp dữ liệu lồng nhau quá sâu, không đọc được.") from None
    if data["loai"] != kind:
        raise SourceError(f"Tệp dữ liệu là loại «{data['loai']}», cần «{kind}».")
    data["muc"] = [web_addresses_only(record, url_keys()) for record in data["muc"]]
    return data

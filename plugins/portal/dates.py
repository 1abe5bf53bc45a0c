"""Dates as editors write them (ISO or Vietnamese dd/mm/yyyy) and as citizens read them."""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")
_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ ,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def _parts(text: str):
    text = str(text).strip()
    m = _ISO.match(text)
    if m:
        y, mo, d, h, mi, s = m.groups()
    else:
        m = _VN.match(text)
        if not m:
            return None
        d, mo, y, h, mi, s = m.groups()
    return int(y), int(mo), int(d), h, mi, s


def parse_datetime(text: str) -> dt.datetime | dt.date | None:
    """``date`` when no time was given, ``datetime`` when it was; None if not a real date."""
    parts = _parts(text)
    if parts is None:
        return None
    y, mo, d, h, mi, s = parts
    try:
        if h is None:
            return dt.date(y, mo, d)
        return dt.datetime(y, mo, d, int(h), int(mi), int(s or 0))
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """A date with no time part; None if ``text`` is not a real calendar date."""
    value = parse_datetime(text)
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def ngay(value) -> str:
    """dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def ngay_gio(value) -> str:
    """dd/mm/yyyy HH:MM, or just the date when there is no time (or it is midnight)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and (value.hour or value.minute):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d} {value.hour:02d}:{value.minute:02d}"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def thu(value) -> str:
    """Vietnamese weekday name."""
    return WEEKDAYS[value.weekday()] if value else ""


def iso(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}"
    return value.isoformat()


def so_tien(value) -> str:
    """1250000000 → '1.250.000.000 đồng'."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".") + " đồng"

"""When an item may be published: scheduled items, and the horizon beyond which a date is a mistake.

An item's publication date is its ``ngay`` (Ngày đăng), or ``cap_nhat`` when it has no ``ngay`` (an
introduction page). Relative to the build's *now* (Vietnam time, UTC+7; ``invoke build --as-of``
fixes it for a reproducible build):

- a date later than now + ``PORTAL_SCHEDULE_HORIZON_DAYS`` (the project's settings, :func:`horizon_days`;
  default :data:`HORIZON_DAYS`) is an error: year 9999 is a typing mistake, and it would pin the item to the
  top of every list for ever. ``cap_nhat`` is held to the same horizon;
- a later date within the horizon makes the item *scheduled*: it is checked like any other, but it is
  not published (no page, not in lists, feeds, the sitemap, exports, search or the provincial
  portal) until a build runs at or after that moment. The check keeps such items apart
  (:attr:`portal.check.SiteCheck.scheduled`), the reader turns them into drafts, and the build reports
  them and counts them in the site's fingerprint, so the first build after the moment publishes them.

Whether an item is due is decided for every run, after the content-hash caches, never stored in them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from . import schema
from .dates import as_datetime, parse_datetime
from .problems import ERROR, WARNING, Problem

HORIZON_DAYS = 365
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh: no daylight saving time


def horizon_days(settings) -> int:
    """``PORTAL_SCHEDULE_HORIZON_DAYS`` of ``settings`` (the project's), else :data:`HORIZON_DAYS` (also for a
    value that is not a whole number of days, 0 or more)."""
    value = (settings or {}).get("PORTAL_SCHEDULE_HORIZON_DAYS", HORIZON_DAYS)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else HORIZON_DAYS


def now() -> dt.datetime:
    """The current time in Vietnam, naive (as editors write dates), to the minute."""
    return dt.datetime.now(VIETNAM).replace(tzinfo=None, second=0, microsecond=0)


def parse_as_of(text: str) -> dt.datetime | None:
    """``--as-of``: a date (start of that day) or a date and time, ISO or dd/mm/yyyy; None if invalid."""
    value = parse_datetime(text)
    return as_datetime(value) if value is not None else None


def publication_date(fields: dict) -> dt.datetime | None:
    value = fields.get("ngay") or fields.get("cap_nhat")
    return as_datetime(value) if isinstance(value, dt.date) else None


def is_due(fields: dict, when: dt.datetime) -> bool:
    """True when the item may be published at ``when`` (undated items always may)."""
    date = publication_date(fields)
    return date is None or date <= when


def shown(value: dt.datetime) -> str:
    return value.strftime("%H:%M %d/%m/%Y") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")


def horizon_problems(doc, when: dt.datetime, days: int) -> list[Problem]:
    """Errors for dates beyond ``when`` + ``days``; a warning for an update date in the future of a
    published item."""
    limit = when + dt.timedelta(days=days)
    problems = []
    for key in ("ngay", "cap_nhat"):
        value = doc.fields.get(key)
        if not isinstance(value, dt.date):
            continue
        moment = as_datetime(value)
        common = dict(field=key, label=schema.label(doc.type.id, (key,)), found=f"«{shown(moment)}»")
        if moment > limit:
            problems.append(Problem(doc.rel, doc.line_of((key,)),
                                    f"Ngày này ở quá xa trong tương lai (hơn {days} ngày sau hôm nay,"
                                    f" {when:%d/%m/%Y}); có thể là gõ nhầm năm. Bài sẽ không được xuất bản.",
                                    expected=f"ngày không muộn hơn {limit:%d/%m/%Y}; muốn hẹn giờ đăng thì ghi đúng"
                                             " ngày giờ sẽ đăng", severity=ERROR, code="ngay-qua-xa", **common))
        elif key == "cap_nhat" and moment > when and is_due(doc.fields, when):
            problems.append(Problem(doc.rel, doc.line_of((key,)), "Ngày cập nhật ở tương lai, sau ngày đăng đã đến.",
                                    expected=f"ngày không muộn hơn {shown(when)}", severity=WARNING,
                                    code="ngay-tuong-lai", **common))
    return problems


def apply(result, when: dt.datetime, days: int):
    """Split ``result`` (a :class:`portal.check.SiteCheck`) into the items due at ``when`` and the
    scheduled ones, and add the horizon's problems; returns ``result``, changed in place."""
    due, scheduled = [], []
    for doc in result.documents:
        problems = horizon_problems(doc, when, days)
        result.problems.extend(problems)
        if any(p.severity == ERROR for p in problems):
            continue
        (due if is_due(doc.fields, when) else scheduled).append(doc)
    result.documents = due
    result.scheduled = sorted(scheduled, key=lambda d: (publication_date(d.fields), d.rel))
    if result.scheduled:  # pages list what is due: they change when an item falls due (portal.incremental)
        waiting = "\0".join(d.rel for d in result.scheduled)
        result.metadata = hashlib.sha1(f"{result.metadata}\0{waiting}".encode()).hexdigest()
    return result

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
import re
from pathlib import Path

from . import content_types, frontmatter, schema
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
        if moment <= when:  # the common case, every past item of every site on every build: nothing to say
            continue
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


def next_change(documents, when: dt.datetime, days: int) -> dt.datetime | None:
    """The first moment after ``when`` at which :func:`apply` would split ``documents`` otherwise or report
    other horizon problems (None: never). :func:`apply` gives the same answer at every moment of
    [``when``, that moment): an item falls due at its date, an update date stops being in the future at
    itself, a date beyond the horizon comes within it ``days`` before itself. The problems' wording also
    moves: the horizon's error names today (the next midnight), the future update's warning names the
    minute (the next minute)."""
    later = []
    reach = dt.timedelta(days=days)
    for doc in documents:
        for key in ("ngay", "cap_nhat"):
            value = doc.fields.get(key)
            if isinstance(value, dt.date):
                moment = as_datetime(value)
                later += [m for m in (moment, moment - reach) if m > when]
                if moment > when + reach:
                    later.append(dt.datetime.combine(when.date() + dt.timedelta(days=1), dt.time()))
                elif key == "cap_nhat" and moment > when and is_due(doc.fields, when):
                    later.append(when.replace(second=0, microsecond=0) + dt.timedelta(minutes=1))
    return min(later, default=None)


# A top-level date field of the front matter, as written: ``ngay: 2026-03-20 08:30``, ``ngay: "20/03/2026"``.
_DATE_LINE = re.compile(r"^(ngay|cap_nhat)[ \t]*:[ \t]*['\"]?([^'\"#\n]+?)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)
_HEAD_BYTES = 16384  # front matter is at the start of a file; dates come early in it


def fell_due(content_dir: Path, after: dt.datetime, until: dt.datetime) -> dict[str, list[str]]:
    """The items whose publication date lies in (``after``, ``until``], by site: what a scheduled CI run
    must build although no commit touched them (``invoke matrix``). Paths are relative to the content
    folder's parent (``content/<site>/<type>/<file>.md``), as git prints them.

    A plan, not a check: only the start of each file is read and a date that cannot be read is skipped
    (the build's check reports it). An item whose date is past by the time the base commit was built was
    published by that build; including it again only costs one more build of its site."""
    found: dict[str, list[str]] = {}
    for site_dir in sorted(p for p in Path(content_dir).iterdir() if p.is_dir()):
        for ctype in content_types.TYPES:
            folder = site_dir / ctype.id
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() != ".md" or not path.is_file():
                    continue
                date = _written_date(path)
                if date is not None and after < date <= until:
                    found.setdefault(site_dir.name, []).append(path.relative_to(content_dir.parent).as_posix())
    return found


def _written_date(path: Path) -> dt.datetime | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")
        yaml_text = frontmatter.split(head)[0]
    except (OSError, frontmatter.FrontMatterError):
        return None
    values = dict(m.group(1, 2) for m in _DATE_LINE.finditer(yaml_text))
    value = parse_datetime((values.get("ngay") or values.get("cap_nhat") or "").strip())
    return as_datetime(value) if value is not None else None

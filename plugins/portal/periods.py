"""Reporting periods of budget disclosures (``ngan-sach``): which period an item covers.

A budget disclosure names its kind (``loai``), its budget year (``nam``) and, for execution reports, its
period (``ky``). Periods that end on the same day are one period for the disclosure deadlines: ``quy-1``
and ``3-thang`` end on 31/03, ``quy-2`` and ``6-thang`` on 30/06, ``quy-3`` and ``9-thang`` on 30/09
(the older circulars say "quý", the 2026 decree "03, 06, 09 tháng"). Estimates (``du-toan``) and
settlements (``quyet-toan``) cover the whole year.

An execution report without ``ky`` is placed by its publication date: the latest period of its year that
had ended by then. :func:`problems` warns about such items, so the editor can say it instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import schema
from .problems import WARNING, Problem, short

TYPE = "ngan-sach"
PERIODIC = ("du-toan", "thuc-hien", "quyet-toan")  # report kinds due per period
ANNUAL = ("du-toan", "quyet-toan")                  # always the whole budget year
# Period value → the period it counts as; and that period's last day (month, day).
SLOT = {"quy-1": "3-thang", "3-thang": "3-thang", "quy-2": "6-thang", "6-thang": "6-thang",
        "quy-3": "9-thang", "9-thang": "9-thang", "quy-4": "quy-4", "nam": "nam"}
END = {"3-thang": (3, 31), "6-thang": (6, 30), "9-thang": (9, 30), "quy-4": (12, 31), "nam": (12, 31)}
# Periods a report without ``ky`` may be placed in (quy-4 is never guessed: it ends with the year).
GUESSABLE = ("3-thang", "6-thang", "9-thang", "nam")


@dataclass(frozen=True)
class Period:
    """The period a report covers: budget year and slot (see :data:`SLOT`)."""

    year: int
    slot: str
    guessed: bool = False  # placed by publication date: the item has no ``ky``

    @property
    def end(self) -> dt.date:
        return end_of(self.year, self.slot)


def end_of(year: int, slot: str) -> dt.date:
    month, day = END[slot]
    return dt.date(year, month, day)


def period_of(fields: dict, published: dt.date) -> Period | None:
    """The period of a budget disclosure, or None when it is not a periodic report or cannot be placed."""
    kind, year = fields.get("loai"), fields.get("nam")
    if kind not in PERIODIC or not isinstance(year, int):
        return None
    if kind in ANNUAL:
        return Period(year, "nam")
    if fields.get("ky") in SLOT:
        return Period(year, SLOT[fields["ky"]])
    ended = [slot for slot in GUESSABLE if end_of(year, slot) < published]
    return Period(year, ended[-1], guessed=True) if ended else None


def label(ky: str, year: int) -> str:
    """Vietnamese name of a period: "9 tháng năm 2026", "Quý I năm 2026", "năm 2026"."""
    if ky == "nam":
        return f"năm {year}"
    return f"{schema.value_label(TYPE, ('ky',), ky)} năm {year}"


def problems(documents) -> list[Problem]:
    """Warnings for budget disclosures whose period or deadline date is missing or inconsistent."""
    return [p for doc in documents if doc.type.id == TYPE and doc.fields.get("loai") in PERIODIC
            for p in _problems(doc)]


def _problems(doc) -> list[Problem]:
    found, f, kind = [], doc.fields, doc.fields["loai"]

    def warn(key, message, expected, value, at=None):
        found.append(Problem(doc.rel, doc.line_of((at or key,)), message, field=key, label=schema.label(TYPE, (key,)),
                             expected=expected, found=value, severity=WARNING, code="ky-bao-cao"))

    ky, posted = f.get("ky"), f.get("ngay")
    posted_day = posted.date() if isinstance(posted, dt.datetime) else posted
    if kind in ANNUAL and ky not in (None, "nam"):
        warn("ky", "Dự toán và quyết toán là báo cáo của cả năm ngân sách; kỳ báo cáo được coi là «Cả năm».",
             "nam (Cả năm), hoặc bỏ trường này", short(ky))
    if kind == "thuc-hien" and ky is None:
        guess = period_of(f, posted_day) if isinstance(posted_day, dt.date) else None
        placed = (f"được xếp vào kỳ {label(guess.slot, guess.year)} theo ngày đăng" if guess
                  else "không xếp được vào kỳ nào vì đăng trước khi quý I của năm đó kết thúc")
        warn("ky", f"Chưa ghi kỳ báo cáo (quý, 3/6/9 tháng hay cả năm); khi đánh giá hạn công khai, báo cáo {placed}.",
             "ky: quy-1, quy-2, quy-3, quy-4, 3-thang, 6-thang, 9-thang hoặc nam", "(trống)", at="loai")
    anchor = "ngay_trinh" if kind == "thuc-hien" and ky == "nam" else "ngay_phe_duyet" if kind in ANNUAL else None
    if anchor and f.get(anchor) is None:
        if anchor == "ngay_phe_duyet":
            what = "ngày văn bản quyết định, giao dự toán hoặc phê chuẩn, phê duyệt quyết toán được ban hành"
            after = "báo cáo tuân thủ tính hạn theo ngày muộn nhất mà luật cho phép"
        else:
            what = "ngày báo cáo cả năm được trình cấp có thẩm quyền"
            after = "không đánh giá được báo cáo có được công khai đúng hạn hay không"
        warn(anchor, f"Chưa ghi {schema.label(TYPE, (anchor,)).lower()}: hạn công khai tính từ {what}; thiếu ngày "
             f"này thì {after}.", f"{anchor}: ngày dạng YYYY-MM-DD", "(trống)", at="loai")
    for key in ("ngay_phe_duyet", "ngay_trinh"):
        day = f.get(key)
        if isinstance(day, dt.date) and isinstance(posted_day, dt.date) and day > posted_day:
            warn(key, f"{schema.label(TYPE, (key,))} muộn hơn ngày đăng: báo cáo không thể được công khai trước khi "
                 "có văn bản.", f"ngày trước hoặc bằng {posted_day:%d/%m/%Y}", f"{day:%d/%m/%Y}")
    return found

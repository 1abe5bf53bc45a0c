"""Working days in Vietnam: weekends, public holidays (``holidays``), and each year's swaps.

Public holidays come from the ``holidays`` package (Tết, Giỗ Tổ, 30/4, 1/5, Quốc khánh and their
observed days). Each year the Government also moves days off and sets make-up working Saturdays; those
are data in ``data/lich-lam-viec.yaml`` (with their source), so a new year's notice is a data change.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import holidays
import yaml

from portal.dates import parse_date

DATA = Path(__file__).parent / "data" / "lich-lam-viec.yaml"


class WorkingCalendar:
    """Answers 'is this a working day' and does deadline arithmetic in working days."""

    def __init__(self, extra_days_off: set[dt.date] = frozenset(), extra_working_days: set[dt.date] = frozenset()):
        self._days_off = set(extra_days_off)
        self._working = set(extra_working_days)
        self._holidays = holidays.country_holidays("VN")

    @classmethod
    def from_file(cls, path: Path = DATA) -> WorkingCalendar:
        return _load(str(path))

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._working:
            return True
        if day in self._days_off or day in self._holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself when count is 0 and it is one)."""
        day = start
        if count == 0:
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
            return day
        added = 0
        while added < count:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                added += 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))


@functools.cache
def _load(path: str) -> WorkingCalendar:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    off, working = set(), set()
    for year in data.get("nam", []):
        off |= {parse_date(str(d["ngay"])) for d in year.get("ngay_nghi_them", [])}
        working |= {parse_date(str(d["ngay"])) for d in year.get("ngay_lam_bu", [])}
    return WorkingCalendar(off, working)

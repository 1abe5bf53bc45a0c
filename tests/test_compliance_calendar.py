"""Working-day arithmetic with Vietnamese holidays, Tết 2026 and the yearly swapped days."""

import datetime as dt

import pytest

from compliance.calendar import WorkingCalendar

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar.from_file()


def test_tet_2026_days_are_not_working_days(cal):
    assert [cal.is_working_day(D(2026, 2, d)) for d in range(13, 25)] == [
        True, False, False,            # Fri 13; Sat 14, Sun 15
        False, False, False, False, False,  # Mon 16 – Fri 20: Tết Bính Ngọ
        False, False,                  # Sat 21, Sun 22
        True, True]                    # Mon 23, Tue 24


def test_deadline_that_falls_in_tet(cal):
    # Issued Friday 13/02/2026, published within 2 working days: Tết and two weekends in between.
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert cal.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert cal.working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == -2


def test_other_holidays_and_the_swapped_days(cal):
    assert not cal.is_working_day(D(2026, 4, 27))  # Giỗ Tổ (26/4 is a Sunday) observed on Monday
    assert not cal.is_working_day(D(2026, 4, 30)) and not cal.is_working_day(D(2026, 5, 1))
    assert not cal.is_working_day(D(2026, 9, 2))
    assert not cal.is_working_day(D(2026, 8, 31))  # day off moved from Saturday 22/8
    assert cal.is_working_day(D(2026, 8, 22))      # make-up working Saturday (data/lich-lam-viec.yaml)
    assert cal.holiday_name(D(2026, 2, 17)) is not None


def test_zero_days_rolls_to_the_next_working_day(cal):
    assert cal.add_working_days(D(2026, 2, 14), 0) == D(2026, 2, 23)
    assert cal.add_working_days(D(2026, 2, 12), 0) == D(2026, 2, 12)


def test_extra_days_are_configurable():
    cal = WorkingCalendar({D(2027, 1, 4)}, {D(2027, 1, 9)})
    assert not cal.is_working_day(D(2027, 1, 4)) and cal.is_working_day(D(2027, 1, 9))

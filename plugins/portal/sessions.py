"""The session of the day (buổi) of each weekly-schedule entry: written, or derived from its time (giờ).

Many real schedules give each entry's time ("08h30", "14:00") and no session. An entry needs one of
the two; without ``buoi`` it is derived from ``gio`` by :data:`BOUNDS` (before 12:00 sáng, from 12:00
to before 18:00 chiều, from 18:00 tối). ``ca-ngay`` (all day) is never derived: it must be written.
An entry whose written session disagrees with its time is published as written, with a warning.
"""

from __future__ import annotations

from . import schema
from .problems import ERROR, WARNING, Problem

TYPE = "lich-cong-tac"
# (first minute of the session, session): the last one whose start is not after the time wins.
BOUNDS = ((0, "sang"), (12 * 60, "chieu"), (18 * 60, "toi"))


def of_time(gio: str) -> str | None:
    """The session of a time written ``08:30`` or ``08h30``; None when it is not one."""
    text = gio.strip().replace("h", ":") if isinstance(gio, str) else ""
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        return None
    minute = int(hours) * 60 + int(minutes)
    return [name for start, name in BOUNDS if start <= minute][-1]


def complete(fields: dict, rel: str, line_of) -> list[Problem]:
    """Fill the missing ``buoi`` of every entry of ``fields['lich']`` from its ``gio``, in place; the
    problems: an entry with neither (error), a written session its time contradicts (warning)."""
    problems = []
    for index, entry in enumerate(fields.get("lich") or []):
        if not isinstance(entry, dict):
            continue
        derived = of_time(entry.get("gio"))
        written = entry.get("buoi")
        if written is None and entry.get("gio") is None:
            problems.append(Problem(rel, line_of(("lich", index)), "Mục lịch không có buổi và cũng không có giờ.",
                                    field=schema.dotted(("lich", index, "gio")),
                                    label=schema.label(TYPE, ("lich", index, "gio")),
                                    expected="thêm «gio: \"08:30\"» (buổi được tự suy ra) hoặc «buoi: sang»"
                                             " (sang, chieu, toi, ca-ngay)", found="không có", severity=ERROR,
                                    code="thieu-buoi"))
        elif written is None and derived is not None:
            entry["buoi"] = derived
        elif derived is not None and written not in (derived, "ca-ngay"):
            label = schema.value_label(TYPE, ("lich", index, "buoi"), written)
            problems.append(Problem(rel, line_of(("lich", index, "buoi")),
                                    f"Buổi «{label}» không khớp với giờ {entry['gio']}; trang đăng đúng như đã ghi.",
                                    field=schema.dotted(("lich", index, "buoi")),
                                    label=schema.label(TYPE, ("lich", index, "buoi")),
                                    expected=f"«{derived}» ({schema.value_label(TYPE, ('lich', 0, 'buoi'), derived)}) "
                                             "theo giờ, hoặc sửa giờ", found=f"«{written}»", severity=WARNING,
                                    code="buoi-gio"))
    return problems

"""The options of a list filter, collected one way for every list of the theme.

- :func:`options`: a filter whose rows hold the value as written (the documents' loại, lĩnh vực, cơ quan
  and year; a procedure's cấp thực hiện): one option per distinct value, labelled and ordered.
- :class:`Choices`: a text filter of procedures (lĩnh vực, cơ quan thực hiện), where spellings that differ
  only by letter case, white space or Unicode form ("Hộ tịch", "Hộ Tịch", "Hộ  tịch", decomposed
  "Hộ tịch") are one value.

A :class:`Choices` option's value and label are the spelling :func:`choose` picks, and a row's value is the
spelling chosen for its text, so addresses with a filter (``?linh-vuc=Hộ tịch``)
stay readable. The chosen spelling is the most frequent one; on a tie, the tidy one (NFC, single
spaces), then the one with fewer capitals
(Vietnamese writes "Hộ tịch", not "Hộ Tịch"), then the first in code-point order. Deterministic, so
two builds show the same label. The unit's catalog and the provincial one use the same rule.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


def options(rows: Iterable, field: str, label: Callable[[str], str] | None = None,
            order: str | Sequence[str] = "label") -> list[tuple[str, str]]:
    """(label, value) of each distinct value of ``field`` over ``rows``, for a filter whose rows hold the
    value as written (``data-<key>="{{ value }}"``).

    ``rows`` are mappings (front-matter fields or export records); ``field`` is a key, dotted for a key
    inside one (``don_vi_goc.ten``); a list counts each of its values; empty values are left out. A value's
    label is the row's ``<field>_nhan`` (an export record carries the label its unit wrote), else
    ``label(value)``, else the value; the first row with the value gives it. ``order``:

    - ``"label"``: by label, letter case ignored (as Jinja's ``sort``); equal labels keep the rows' order;
    - ``"year"``: the year of a date or of an ISO date text, newest first;
    - a sequence of values (an enum's order): in that order, and a value it does not list is left out.
    """
    found: dict[str, str] = {}
    for row in rows:
        value = _get(row, field)
        for one in value if isinstance(value, (list, tuple)) else [value]:
            if one is None or one == "":
                continue
            text = _year(one) if order == "year" else str(one)
            if text and text not in found:
                written = _get(row, f"{field}_nhan")
                found[text] = written if isinstance(written, str) and written else (label(text) if label else text)
    if order == "label":
        return sorted(((shown, value) for value, shown in found.items()), key=lambda o: o[0].lower())
    if order == "year":
        return sorted(((value, value) for value in found), reverse=True)
    return [(found[value], value) for value in order if value in found]


def _get(row, field: str):
    for part in field.split("."):
        row = row.get(part) if isinstance(row, dict) else getattr(row, part, None)
    return row


def _year(value) -> str:
    return str(value.year) if hasattr(value, "year") else str(value)[:4]


def tidy(value: str) -> str:
    """``value`` in NFC with runs of white space as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def key(value) -> str:
    """The filter value of a text: tidy, case-folded (equal for every spelling of one value)."""
    return unicodedata.normalize("NFC", tidy(value).casefold()) if isinstance(value, str) else ""


def choose(counts: dict[str, int]) -> str:
    """The spelling shown for one value, among ``counts`` (spelling → how many items use it)."""
    best = sorted(counts, key=lambda s: (-counts[s], s != tidy(s), sum(c.isupper() for c in s), s))[0]
    return tidy(best)


class Choices:
    """The options of one filter over ``values`` (texts; empty ones skipped), and each text's option."""

    def __init__(self, values):
        groups: dict[str, Counter] = {}
        for value in values:
            if isinstance(value, str) and value.strip():
                groups.setdefault(key(value), Counter())[value] += 1
        self._chosen = {k: choose(groups[k]) for k in groups}

    @property
    def options(self) -> list[tuple[str, str]]:
        """(label, value) of each distinct value, sorted by :func:`key`; label and value are the chosen
        spelling."""
        return [(self._chosen[k], self._chosen[k]) for k in sorted(self._chosen)]

    def chon(self, value) -> str:
        """The option of ``value`` (its chosen spelling), '' for an empty or unknown one."""
        return self._chosen.get(key(value), "")


@dataclass
class Variants:
    """One filter value written more than one way: the spelling chosen and where each one is."""

    chosen: str
    places: dict[str, list]  # spelling as written → the places (files, records) that write it

    def others(self) -> dict[str, list]:
        """The spellings other than the chosen one, with their places."""
        return {s: p for s, p in self.places.items() if s != self.chosen}


def variants(items) -> list[Variants]:
    """The values of ``items`` ((text, place) pairs) written more than one way, in key order."""
    groups: dict[str, dict[str, list]] = {}
    for value, place in items:
        if isinstance(value, str) and value.strip():
            groups.setdefault(key(value), {}).setdefault(value, []).append(place)
    found = []
    for k in sorted(groups):
        spellings = groups[k]
        if len(spellings) > 1:
            # The chosen spelling is tidy: it may be one nobody wrote exactly ("Hộ  tịch" → "Hộ tịch").
            found.append(Variants(choose({s: len(p) for s, p in spellings.items()}), spellings))
    return found

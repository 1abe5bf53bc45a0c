"""Values of a list filter (lĩnh vực, cơ quan thực hiện): spellings that differ only by letter case,
white space or Unicode form ("Hộ tịch", "Hộ Tịch", "Hộ  tịch", decomposed "Hộ tịch") are one value.

A filter option's value and label are the spelling :func:`choose` picks, and a row's value is the
spelling chosen for its text (:class:`Choices`), so addresses with a filter (``?linh-vuc=Hộ tịch``)
stay readable. The chosen spelling is the most frequent one; on a tie, the tidy one (NFC, single
spaces), then the one with fewer capitals
(Vietnamese writes "Hộ tịch", not "Hộ Tịch"), then the first in code-point order. Deterministic, so
two builds show the same label. The unit's catalog and the provincial one use the same rule.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass


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

"""Stable ASCII slugs from Vietnamese text: 'Quyết định số 12/2026/QĐ-UBND' → 'quyet-dinh-so-12-2026-qd-ubnd'.

A slug depends only on its text, so an address stays the same from build to build. Up to
:data:`MAX_LENGTH` characters it is the whole title. A longer one is shortened so that titles which
share a long beginning stay apart ("Công khai … quý I", "… quý II"): the title's first words are kept,
and so are the *distinguishing groups* further on — every number (year, date, quarter, document number)
with the word that names it ("quý II", "năm 2026", "lần 2", "đợt 3", "6 tháng đầu năm", "số 224/2026/NĐ-CP")
and roman numerals after such a word; what is dropped is the middle, which long titles of one unit
repeat. When every distinguishing group already lies within the first :data:`MAX_LENGTH` characters,
the slug is cut at the last word that fits, as it always was.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

MAX_LENGTH = 80
HEAD_MIN = 24  # characters of the title's beginning a shortened slug always keeps
MAX_GAP = 2    # words between two distinguishing groups kept with them
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
# Look-alikes of đ and i that have no decomposition (Ð eth, Ɖ African D, ı dotless i), and characters
# that are invisible inside a word (soft hyphen, zero-width space, joiners, BOM): they must neither
# vanish from a word nor split it.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "Ɖ": "D", "ı": "i",
                          "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
                          "\ufeff": None})
# Words that name the number after them ("quý II", "năm 2026", "lần thứ 2"), and words that belong to the
# number before them ("6 tháng", "9 tháng đầu").
MARKERS = frozenset("quy nam lan dot thang tuan ngay so ky khoa phan chuong muc dieu khoan doan phien thu goi"
                    " buoi tap quyen lop".split())
_TWO_WORD_MARKERS = frozenset({("giai", "doan"), ("lan", "thu"), ("ky", "thu"), ("dot", "thu"), ("hop", "thu")})
UNITS = frozenset("thang nam tuan ngay quy lan dot ky gio".split())
_AFTER_UNIT = frozenset("dau cuoi".split())
JOINING = frozenset("cua va tai cho ve voi theo trong cac nhung den de o la".split())  # never end a head
ORDINALS = frozenset("nhat hai ba tu nam sau bay tam chin muoi".split())  # after "thứ"
ROMAN = frozenset("i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split())


def words(text: str) -> tuple[list[str], list[bool]]:
    """The slug's words (lower-case ASCII) and, for each, whether it was written in capitals (QĐ, NĐ, IV)."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_LETTERS)  # NFKC: ﬁ → fi, full-width → ASCII
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    written = [w for w in _SEPARATORS.split(text) if w]
    return [w.lower() for w in written], [w.isupper() for w in written]


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    """Lower-case ASCII slug; Đ/đ (and its look-alike Ð/ð) become d, tone and vowel marks are dropped,
    words joined by '-'. Longer than ``max_length``: shortened as the module says."""
    found, capitals = words(text)
    slug = "-".join(found)
    if len(slug) <= max_length:
        return slug
    return shorten(found, capitals, max_length)


def shorten(found: list[str], capitals: list[bool], max_length: int = MAX_LENGTH) -> str:
    """A slug longer than ``max_length``: its first words and its distinguishing groups."""
    slug = "-".join(found)
    cut = slug[:max_length].rsplit("-", 1)[0]  # the last word that fits and no further: the slug until now
    groups = distinguishing(found, capitals)
    if "-" not in slug[:max_length] or not any(g.stop > cut.count("-") + 1 for g in groups):
        return cut  # nothing distinguishing is lost by cutting there
    kept: list[range] = []
    budget = max_length - HEAD_MIN - 1
    for group in reversed(groups):  # the last groups first: the tail tells items of a series apart
        if len("-".join(found[i] for g in [group, *kept] for i in g)) > budget:
            break
        kept.insert(0, group)
    if not kept:
        return cut
    keep = {i for g in kept for i in g}
    # A short gap between two groups reads better kept: "thang-5-va-thang-6".
    for before, after in itertools.pairwise(kept):
        gap = range(before.stop, after.start)
        if len(gap) <= MAX_GAP and len("-".join(found[i] for i in sorted(keep.union(gap)))) <= budget:
            keep.update(gap)
    room = max_length - len("-".join(found[i] for i in sorted(keep)))
    head: list[int] = []
    for i, word in enumerate(found):  # then the title's words from its beginning, as many as fit
        if i in keep:
            continue
        if len(word) + 1 > room:
            break
        head.append(i)
        room -= len(word) + 1
    while head and found[head[-1]] in JOINING:  # no "...-nam-2026-cua" before what was dropped
        head.pop()
    return "-".join(found[i] for i in sorted(keep.union(head)))


def distinguishing(found: list[str], capitals: list[bool]) -> list[range]:
    """Runs of word indexes that tell one title of a series from another: numbers with the words that
    name them ("quy-ii", "nam-2026", "lan-thu-2", "6-thang-dau"), roman numerals after such a word,
    ordinals after "thứ", and abbreviations in capitals joined to a number ("224-2026-nd-cp", "xl-01")."""
    count = len(found)
    shouting = sum(capitals) * 2 > count  # a title in capitals: capitals say nothing about abbreviations
    keep = [False] * count
    for i, word in enumerate(found):
        named = i > 0 and found[i - 1] in MARKERS
        if any(c.isdigit() for c in word):
            keep[i] = True
            if i + 1 < count and found[i + 1] in UNITS:
                keep[i + 1] = True
                if i + 2 < count and found[i + 2] in _AFTER_UNIT:
                    keep[i + 2] = True
        elif (word in ROMAN and capitals[i] and (named or i == count - 1)
              or word in ORDINALS and i > 0 and found[i - 1] == "thu"):
            keep[i] = True
        else:
            continue
        if named:  # the word naming it, with its first half: "quy", "lan-thu", "giai-doan"
            keep[i - 1] = True
            if i > 1 and (found[i - 2], found[i - 1]) in _TWO_WORD_MARKERS:
                keep[i - 2] = True
    if not shouting:  # abbreviations joined to a number: 224/2026/NĐ-CP, XL-01
        for i in range(count):
            if keep[i] and any(c.isdigit() for c in found[i]):
                for step in (1, -1):
                    j = i + step
                    while 0 <= j < count and capitals[j] and not found[j].isdigit() and len(found[j]) <= 5:
                        keep[j] = True
                        j += step
    groups, start = [], None
    for i, kept in enumerate([*keep, False]):
        if kept and start is None:
            start = i
        elif not kept and start is not None:
            groups.append(range(start, i))
            start = None
    return groups


# What the site writes itself inside a section folder (see pelicanconf.py): the list at <type>/index.html
# and its further pages at <type>/trang-N.html (PAGINATION_PATTERNS). An item must not take those
# addresses: its page would overwrite the list, or the list would overwrite it.
SECTION_LIST = "index"
PAGINATION = re.compile(r"trang-(\d+)")
TAG_LIST = "index"  # tu-khoa/index.html lists the tags; a tag's own page is tu-khoa/<slug>.html


def reserved(ctype, slug: str) -> str | None:
    """What the site writes at ``<type>/<slug>.html`` itself (Vietnamese), or None when it is free."""
    if ctype.kind != "article":
        return None  # introduction pages live in trang/, where the site writes nothing of its own
    if slug == SECTION_LIST:
        return f"trang danh sách của chuyên mục {ctype.label}"
    page = PAGINATION.fullmatch(slug)
    if page:
        return f"trang {int(page.group(1))} của danh sách chuyên mục {ctype.label}"
    return None

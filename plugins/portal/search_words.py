"""The words of an indexed page written with đ/Đ, folded to d, for citizens who type without diacritics.

Pagefind folds a word by removing its combining marks ("điện" → "đien"), but đ (U+0111) is a letter of
its own, not d with a mark: "dien tu" never met "điện tử". The theme gives Pagefind each such word once
more, folded ("dien"), in the hidden metadata field ``khong_dau`` of the indexed element, and a title
holding đ/Đ folded whole in ``khong_dau_tieu_de``, which the search page weighs like the title
(``bai_tim_kiem`` in ``_macros.html``). Metadata is searchable in Pagefind 1.5, is not part of the text an
excerpt is cut from, and is never shown. A query typed with đ is folded by Pagefind to "đ…" and does not
meet these words, so exact spellings rank as before (docs/theme.md, "Search").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from html import unescape
from typing import NamedTuple

# đ/Đ, and the look-alikes ð/Ð (Icelandic eth) that copy-paste brings in for them.
_D = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}
_EDGES = re.compile(r"^\W+|\W+$")
_D_LETTERS = frozenset(_D)  # a word (a run of non-spaces) holding one of them is given folded
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_IGNORED = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\sdata-pagefind-ignore\b[^>]*>")
_SKIPPED = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.S | re.I)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "data", "em", "i", "kbd", "mark", "q", "s", "small", "span",
           "strong", "sub", "sup", "time", "u", "var", "wbr"}  # no word break at these, as in Pagefind
_INLINE_TAG = re.compile(r"</?(?:" + "|".join(sorted(_INLINE, key=len, reverse=True)) + r")\b[^>]*>", re.I)


def fold(text: str) -> str:
    """Lower case, no combining marks, đ → d: what a citizen types without Vietnamese input."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(_D.get(c, c) for c in decomposed if not unicodedata.combining(c))
    return bare.lower()


class Folded(NamedTuple):
    """What a page gives search besides its text: ``words``, every word of its indexed text that holds
    đ/Đ, folded, once each, sorted; ``title``, its title (first ``h1``) folded when it holds đ/Đ, else
    empty (Pagefind's own title field then already matches a query typed without diacritics)."""

    words: str
    title: str


def folded(html) -> Folded:
    """The folded words and title of ``html``, the indexed part of a page (``bai_tim_kiem``).

    ``html`` is the theme's own output around a body cleaned by :mod:`portal.sanitize`: well-formed, and
    ``>`` always escaped inside a tag, so tags are found by pattern (measured against html.parser: the same
    words on the demo and a 1,000-item site, in 40 % of its time)."""
    indexed = _without_ignored(str(html))
    words = {w for w in (_fold_token(t) for t in _text(indexed).split() if not _D_LETTERS.isdisjoint(t)) if w}
    heading = _H1.search(indexed)
    title = " ".join(_text(heading.group(1)).split()) if heading else ""
    return Folded(" ".join(sorted(words)), fold(title) if any(c in _D for c in title) else "")


@functools.lru_cache(maxsize=4096)
def _fold_token(token: str) -> str:
    return _EDGES.sub("", fold(token))


def _text(html: str) -> str:
    """Text as Pagefind reads it: no scripts, a space for a block element's tag, none for an inline one."""
    html = _SKIPPED.sub(" ", html)
    return unescape(_TAG.sub(" ", _INLINE_TAG.sub("", html)))


def _without_ignored(html: str) -> str:
    """``html`` without the elements marked ``data-pagefind-ignore`` (and what they hold)."""
    kept, pos = [], 0
    while (start := _IGNORED.search(html, pos)) is not None:
        kept.append(html[pos:start.start()])
        name, pos, depth = start.group(1).lower(), start.end(), 1
        if name in _VOID:
            continue
        same = re.compile(rf"<(/?){name}\b[^>]*>", re.I)
        while depth and (tag := same.search(html, pos)) is not None:
            depth += -1 if tag.group(1) else 1
            pos = tag.end()
        if depth:
            pos = len(html)
    kept.append(html[pos:])
    return "".join(kept)

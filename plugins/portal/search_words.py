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

import re
import unicodedata
from html.parser import HTMLParser
from typing import NamedTuple

META_WORDS = "khong_dau"              # the hidden metadata fields, searchable and never shown
META_TITLE = "khong_dau_tieu_de"      # weighted like the title by search.js
# đ/Đ, and the look-alikes ð/Ð (Icelandic eth) that copy-paste brings in for them.
_D = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}
_EDGES = re.compile(r"^\W+|\W+$")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIP = {"script", "style", "template"}
_INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "data", "em", "i", "kbd", "mark", "q", "s", "small", "span",
           "strong", "sub", "sup", "time", "u", "var", "wbr"}  # no word break at these, as in Pagefind


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
    """The folded words and title of ``html``, the indexed part of a page (``bai_tim_kiem``)."""
    reader = _IndexedText()
    reader.feed(str(html))
    reader.close()
    words = set()
    for token in reader.text.split():
        if any(c in _D for c in token):
            word = _EDGES.sub("", fold(token))
            if word:
                words.add(word)
    title = " ".join(reader.title.split())
    return Folded(" ".join(sorted(words)), fold(title) if any(c in _D for c in title) else "")


class _IndexedText(HTMLParser):
    """The text Pagefind indexes: everything outside ``data-pagefind-ignore`` elements and scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.titles = 0  # h1 elements closed so far
        self.stack: list[tuple[str, bool]] = []  # (tag, inside an ignored element)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def title(self) -> str:
        return "".join(self.title_parts)

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            self._break(tag)
            return
        ignored = bool(self.stack and self.stack[-1][1])
        ignored = ignored or tag in _SKIP or any(name == "data-pagefind-ignore" for name, _ in attrs)
        self.stack.append((tag, ignored))
        self._break(tag)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                self.titles += tag == "h1"
                break
        self._break(tag)

    def _break(self, tag):
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)
            if not self.titles and any(tag == "h1" for tag, _ in self.stack):
                self.title_parts.append(data)

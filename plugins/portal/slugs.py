"""Stable ASCII slugs from Vietnamese text: 'Quyết định số 12/2026/QĐ-UBND' → 'quyet-dinh-so-12-2026-qd-ubnd'."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII slug; Đ/đ become d, tone and vowel marks are dropped, words joined by '-'.

    The result depends only on the text, so a URL stays the same from build to build. Long slugs
    are cut at a word boundary.
    """
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = _NON_ALNUM.sub("-", text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug

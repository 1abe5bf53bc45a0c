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

"""Pictures in an item's body need their alternative text: what a screen reader says instead of the picture.

``![](anh/x.png)`` and ``<img src="anh/x.png">`` have none (Python-Markdown writes ``alt=""``), and
``invoke import-docx`` writes a Word document's pictures that way on purpose, for the editor to describe
what each one shows. Like the required ``mo_ta`` of the front matter's ``anh``, a picture without its
description is an error on its Markdown line: the item is not published until it is written. Found in
the rendered body (the same HTML the reader publishes), located in the Markdown source by its address.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .problems import Problem, short
from .sanitize import prose_lines

MAX_LISTED = 5  # per file; the rest are counted in one more problem
CODE = "anh-thieu-mo-ta"
MESSAGE = ("Ảnh trong phần nội dung chưa có mô tả (văn bản thay thế cho người khiếm thị): trình đọc màn hình"
           " không đọc được ảnh này. Trang sẽ không được xuất bản cho đến khi bạn viết mô tả.")
_ANY_IMAGE = re.compile(r"!\[|<\s*img\b", re.IGNORECASE)


class _Images(HTMLParser):
    """The ``src`` of every ``<img>`` whose ``alt`` is missing or blank, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.missing: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            if not (values.get("alt") or "").strip():
                self.missing.append((values.get("src") or "").strip())

    handle_startendtag = handle_starttag


def missing(html: str, body: str, body_line: int, rel: str) -> list[Problem]:
    """One error per picture of ``html`` (the rendered ``body``) without alternative text, on its line."""
    if "<img" not in html:
        return []
    scanner = _Images()
    scanner.feed(html)
    scanner.close()
    if not scanner.missing:
        return []
    lines = prose_lines(body)
    problems, cursor = [], 0
    for src in scanner.missing:
        index = _find(lines, src, cursor)
        cursor = index + 1 if index is not None else cursor  # the next picture is further on (or wraps)
        where = body_line + (index or 0)
        found = short(lines[index].strip()) if index is not None else (f"«{src}»" if src else "")
        address = src or "anh/ten-anh.png"
        written_as_html = index is not None and re.search(r"<\s*img\b", lines[index], re.IGNORECASE)
        example = (f'<img src="{address}" alt="mô tả điều ảnh thể hiện">' if written_as_html
                   else f"![mô tả điều ảnh thể hiện]({address})")
        problems.append(Problem(rel, where, MESSAGE, expected=f"{example}; mô tả nội dung của ảnh, không viết"
                                " «ảnh 1», «hình minh họa»", found=found, code=CODE))
    if len(problems) > MAX_LISTED:
        head = problems[0]
        rest = len(problems) - MAX_LISTED
        problems = problems[:MAX_LISTED] + [Problem(
            rel, head.line, f"Còn {rest} ảnh khác trong tệp này cũng chưa có mô tả (chỉ liệt kê {MAX_LISTED} ảnh đầu).",
            expected=head.expected, code=CODE)]
    return problems


def _find(lines: list[str], src: str, start: int) -> int | None:
    """The line of the next picture without description from ``start`` (wrapping around): written with this
    address and an empty ``![]`` or a blank ``alt``, else any line with this address, else any picture."""
    start = min(start, len(lines))
    order = list(range(start, len(lines))) + list(range(0, start))
    address = re.escape(src)
    patterns = [re.compile(rf"!\[\s*\]\(\s*<?{address}"),
                re.compile(rf"<\s*img\b(?![^>]*\balt\s*=\s*[\"']?[^\s\"'>])[^>]*{address}", re.IGNORECASE),
                re.compile(address)] if src else []
    for group in (patterns[:2], patterns[2:], [_ANY_IMAGE]):
        for index in order:
            if any(pattern.search(lines[index]) for pattern in group):
                return index
    return None

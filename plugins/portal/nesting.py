"""Refuse Markdown whose shape would crash or stall the renderer, before rendering it.

Python-Markdown recurses once per nested block: a few hundred nested lists already take seconds
and a thousand end in ``RecursionError`` (after tens of seconds). Python-Markdown and
``html.parser`` also take quadratic time on long runs of unclosed ``[`` or of ``<tag`` without
``>``. No real article nests anywhere near these limits, so a body that does gets one clear
Vietnamese problem instead of a crash or a hung build.
"""

from __future__ import annotations

import re

from .problems import Problem

MAX_NESTING = 50  # block levels (quotes, list markers, four-column indents) and open [ brackets
MAX_ELEMENT_DEPTH = 2 * MAX_NESTING + 20  # rendered elements: one list level is <ul><li>
MAX_UNCLOSED_TAGS = 200  # "<tag" followed by another "<" before any ">"

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_PREFIX = re.compile(r"[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))")
_ANGLE = re.compile(r"<(?=[A-Za-z/!?])|>")


def fence_state(line: str, fence: str) -> str:
    """The open code fence after ``line`` ("" when outside fenced code)."""
    match = _FENCE.match(line)
    if not match:
        return fence
    marker = match.group(1)
    if not fence:
        return marker
    return "" if marker[0] == fence[0] and len(marker) >= len(fence) else fence


def block_depth(body: str, limit: int = MAX_NESTING) -> tuple[int, int]:
    """(0-based line, depth): the first line deeper than ``limit`` (else the deepest line) and the
    greatest depth. Depth counts quote markers, list markers and indentation (four columns a
    level); fenced code is skipped."""
    first, worst, fence = None, (0, 0), ""
    for index, line in enumerate(body.split("\n")):
        was, fence = fence, fence_state(line, fence)
        if was or fence:
            continue
        depth, pos = 0, 0
        while (match := _PREFIX.match(line, pos)) is not None:
            depth, pos = depth + 1, match.end()
        indent = len(line) - len(line.lstrip(" \t"))
        depth += len(line[:indent].expandtabs(4)) // 4
        if depth > worst[1]:
            worst = (index, depth)
        if depth > limit and first is None:
            first = index
    return (worst[0] if first is None else first), worst[1]


def bracket_depth(body: str) -> tuple[int, int]:
    """(0-based line, depth) of the most deeply nested unclosed ``[`` within a paragraph."""
    worst, depth, fence = (0, 0), 0, ""
    if "[" not in body:
        return worst
    for index, line in enumerate(body.split("\n")):
        was, fence = fence, fence_state(line, fence)
        if was or fence or not line.strip():
            depth = 0
            continue
        if "[" not in line and "]" not in line:
            continue
        for char in line.replace("\\[", "").replace("\\]", ""):
            if char == "[":
                depth += 1
                if depth > worst[1]:
                    worst = (index, depth)
            elif char == "]":
                depth = max(depth - 1, 0)
    return worst


def unclosed_tags(body: str) -> tuple[int, int]:
    """(0-based line of the first, count) of ``<tag`` openings never closed by ``>`` before the next one."""
    count, first, pending = 0, None, None
    for match in _ANGLE.finditer(body):
        if match.group() == ">":
            pending = None
            continue
        if pending is not None:
            count += 1
            first = pending if first is None else first
        pending = match.start()
    line = body.count("\n", 0, first) if first is not None else 0
    return line, count


def too_deep(rel: str, line: int, found: str, message: str = "") -> Problem:
    return Problem(rel, line, message or "Nội dung lồng nhau quá sâu (trích dẫn «>», danh sách hoặc thẻ lồng"
                                         " trong nhau quá nhiều cấp); trình chuyển Markdown thành trang web"
                                         " không xử lý được.",
                   expected=f"tối đa {MAX_NESTING} cấp lồng nhau", found=found, code="long-qua-sau")


def check(body: str, body_line: int, rel: str) -> Problem | None:
    """The first shape problem of ``body`` (lines are file lines), or None when it is safe to render."""
    index, depth = block_depth(body)
    if depth > MAX_NESTING:
        return too_deep(rel, body_line + index, f"{depth} cấp")
    index, depth = bracket_depth(body)
    if depth > MAX_NESTING:
        return too_deep(rel, body_line + index, f"{depth} dấu «[» chưa đóng",
                        "Có quá nhiều dấu «[» lồng nhau chưa được đóng bằng «]»; trình chuyển Markdown thành"
                        " trang web không xử lý được.")
    index, count = unclosed_tags(body)
    if count > MAX_UNCLOSED_TAGS:
        return Problem(rel, body_line + index, "Có quá nhiều thẻ HTML mở bằng «<» mà không đóng bằng «>»;"
                                               " trình chuyển Markdown thành trang web không xử lý được.",
                       expected=f"mỗi «<» của thẻ HTML có «>» đi kèm (tối đa {MAX_UNCLOSED_TAGS} chỗ thiếu)",
                       found=f"{count} chỗ thiếu «>»", code="long-qua-sau")
    return None

"""What one content file may cost to read, check and render: every limit in one place.

A single file must never stall or crash the check of a province, so each stage has a bound, checked
before the stage runs and cheapest first:

1. bytes: :data:`MAX_FILE_BYTES` (read by :func:`portal.document.read_text`);
2. front matter: YAML nested at most :data:`MAX_YAML_DEPTH` levels, no anchors or aliases (enforced
   while :mod:`portal.frontmatter` reads the YAML events, before any value is built);
3. body shape, measured on the Markdown source in linear time (:func:`body_problem`): block nesting,
   open ``[``, ``<`` without ``>`` (:mod:`portal.nesting`), and here the shapes that make
   Python-Markdown superlinear: inline marks within one paragraph (each match copies the paragraph),
   abbreviation definitions and headings;
4. a wall-clock budget (:func:`time_budget`, :data:`TIME_BUDGET_SECONDS`) around the whole check of
   one file, for shapes nobody foresaw: past it the file gets an error instead of holding the build.

The figures leave wide room for real content (docs/quality-gates.md lists them with what a real
article reaches) and were measured on the shapes that broke the build (issue 11).
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading

from . import nesting
from .problems import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 20  # the deepest schema (compliance rule sets) needs 4
# Inline marks × characters of one paragraph. Python-Markdown rebuilds a paragraph's text for every
# inline match, so its cost grows with this product: 10^9 is about half a second on a 2-core machine
# (33,000 «<span>» in one 200 KB paragraph, 6.6 × 10^9, took 3.2 s; 2 MB took minutes).
MAX_INLINE_COST = 10**9
MAX_ABBREVIATIONS = 500  # «*[HTML]: …» definitions; the abbr extension slows quadratically with them
MAX_HEADINGS = 3000      # the toc extension's unique ids are quadratic in repeated heading texts
TIME_BUDGET_SECONDS = 10.0  # a 2 MB article of ordinary prose is checked in about 3 s

_FENCE = nesting.fence_state
_MARKS = re.compile(r"[<&`*_\[\\!]| {2,}$")
_MARK_CHARS = re.compile(r"[<&`*_\[\\!]")
_BLOCK_START = re.compile(r"^\s{0,3}(?:[-*+]\s|\d{1,9}[.)]\s|#|\||>)")
_ABBREVIATION = re.compile(r"^\s{0,3}\*\[[^\]]+\]:", re.MULTILINE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)|^\s{0,3}(?:=+|-+)\s*$", re.MULTILINE)


def inline_cost(body: str) -> tuple[int, int, int, int]:
    """(0-based first line, marks, characters, cost) of the costliest paragraph of ``body``.

    A paragraph is a run of non-blank lines; a list item, table row, heading or quote line starts a
    new one, as Python-Markdown gives each its own text. Fenced code is not inline-processed."""
    worst = (0, 0, 0, 0)
    start, marks, chars, fence = 0, 0, 0, ""
    lines = body.split("\n")
    for index, line in enumerate(lines + [""]):
        was, fence = fence, _FENCE(line, fence) if index < len(lines) else ""
        boundary = was or fence or not line.strip() or _BLOCK_START.match(line)
        if boundary:
            if marks * chars > worst[3]:
                worst = (start, marks, chars, marks * chars)
            start, marks, chars = index, 0, 0
            if was or fence or not line.strip():
                continue
        marks += len(_MARKS.findall(line))
        chars += len(line) + 1
    return worst


def body_problem(body: str, body_line: int, rel: str) -> Problem | None:
    """The first shape of ``body`` that would crash or stall the renderer (file lines), else None."""
    shape = nesting.check(body, body_line, rel)
    if shape is not None:
        return shape
    # Any paragraph's marks × characters is at most (every mark character + one line-end mark per line) ×
    # the body's length: below the limit (nearly every real body), no paragraph needs measuring.
    bound = (len(_MARK_CHARS.findall(body)) + body.count("\n") + 1) * (len(body) + 1)
    index, marks, chars, cost = inline_cost(body) if bound > MAX_INLINE_COST else (0, 0, 0, 0)
    if cost > MAX_INLINE_COST:
        return Problem(rel, body_line + index, "Đoạn văn quá dài và có quá nhiều ký hiệu định dạng (thẻ HTML,"
                                               " «**», «`», «[», «&»…); trình chuyển Markdown thành trang web"
                                               " sẽ chạy quá lâu.",
                       expected="tách thành nhiều đoạn ngắn hơn (một dòng trống giữa hai đoạn); số ký hiệu nhân"
                                f" số ký tự của một đoạn tối đa {MAX_INLINE_COST:,}".replace(",", "."),
                       found=f"{marks:,} ký hiệu trong một đoạn {chars:,} ký tự".replace(",", "."),
                       code="qua-phuc-tap")
    for pattern, limit, what in ((_ABBREVIATION, MAX_ABBREVIATIONS, "định nghĩa chữ viết tắt «*[…]:»"),
                                 (_HEADING, MAX_HEADINGS, "tiêu đề mục")):
        found = pattern.findall(body)
        if len(found) > limit:
            first = pattern.search(body)
            return Problem(rel, body_line + body.count("\n", 0, first.start()),
                           f"Bài có quá nhiều {what}; trình chuyển Markdown thành trang web sẽ chạy quá lâu.",
                           expected=f"tối đa {limit:,}".replace(",", ".") + f" {what}; hãy chia thành nhiều bài",
                           found=f"{len(found):,}".replace(",", ".") + f" {what}", code="qua-phuc-tap")
    return None


class OverBudget(BaseException):
    """Raised inside :func:`time_budget` when the time is up. Not an :class:`Exception`, so that no
    ``except Exception`` in a library swallows it (as with KeyboardInterrupt)."""


@contextlib.contextmanager
def time_budget(seconds: float = TIME_BUDGET_SECONDS):
    """Raise :class:`OverBudget` in the block once ``seconds`` of wall-clock time have passed.

    A POSIX interval timer interrupts pure-Python work and regular expressions alike. It needs the
    main thread (Python delivers signals there): elsewhere, and where SIGALRM is already in use, the
    block runs without a budget and the shape limits above are the only bound.
    """
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and seconds > 0 and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return

    active = [True]

    def expire(signum, frame):
        if active[0]:  # a signal arriving while the block is being left is ignored
            raise OverBudget(f"{seconds:g} s")

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def over_budget(rel: str, seconds: float = TIME_BUDGET_SECONDS) -> Problem:
    return Problem(rel, 0, f"Kiểm tra tệp này mất hơn {seconds:g} giây nên đã dừng: nội dung quá phức tạp để"
                           " chuyển thành trang web. Các tệp khác vẫn được kiểm tra.",
                   expected="bài viết có cấu trúc thông thường; bài rất dài hãy chia thành nhiều bài",
                   found=f"quá {seconds:g} giây", code="qua-thoi-gian")

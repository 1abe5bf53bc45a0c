"""Raw HTML in editors' Markdown: one allowlist, used twice.

- :func:`find_problems` (validation, called from :mod:`portal.document`): renders the body, parses
  the HTML with a real parser and reports, with the line of the Markdown source, everything the
  allowlist removes. Scripts, event handlers, ``javascript:``/``data:``/``vbscript:`` URLs, iframes
  from hosts not in the embed allowlist, ``<object>``, ``<embed>``, forms and ``style`` are errors
  (the site does not publish until the editor removes them); other tags and attributes that are
  merely dropped are warnings. It also refuses nesting deep enough to crash Python-Markdown.
- :func:`clean` (the reader): nh3 with the same allowlist, so nothing unsafe reaches Pelican even
  if validation was bypassed, then ``rel="noopener noreferrer"`` on links to other hosts. Its nh3 pass
  (:func:`clean_markup`) runs once, at check time, and is kept with the document in the check's
  content-hash cache; the reader reuses it while the body and the allowed embeds are the same.

Bodies too deeply nested to render safely are refused first (:mod:`portal.nesting`).

``PORTAL_ALLOWED_EMBEDS`` (Pelican setting, default :data:`ALLOWED_EMBEDS`) lists the iframe
sources allowed, as URL patterns where ``*`` matches any text and everything else is literal.
Validation and the reader both read it with :func:`allowed_embeds` from the project's settings
(``Project.settings``, passed down to the check), so a source the province allows is not refused by the
check and then kept by the reader.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from . import markup, nesting
from .problems import ERROR, WARNING, Problem, short

ALLOWED_EMBEDS = (
    "https://www.youtube-nocookie.com/embed/*",
    "https://www.youtube.com/embed/*",
    "https://maps.google.com/maps?*output=embed*",
)



def allowed_embeds(settings) -> tuple[str, ...]:
    """``PORTAL_ALLOWED_EMBEDS`` of ``settings`` (the project's, or a Pelican run's), else :data:`ALLOWED_EMBEDS`."""
    return tuple((settings or {}).get("PORTAL_ALLOWED_EMBEDS", ALLOWED_EMBEDS))


# What Python-Markdown renders (tables, lists, footnotes, abbr, code...) plus a few inline tags.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "iframe", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var", "wbr",
}
GENERIC_ATTRIBUTES = {"id", "class", "title", "lang", "dir"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "hreflang"}, "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "headers"}, "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"}, "colgroup": {"span"}, "ol": {"start", "reversed", "type"}, "li": {"value"},
    "time": {"datetime"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"}, "q": {"cite"},
    "blockquote": {"cite"}, "details": {"open"},
    "iframe": {"src", "title", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "background", "data", "srcset",
                  "xlink:href", "ping", "longdesc", "codebase", "manifest"}
# Dropped without a word: harmless leftovers of embed codes and of links opening new windows.
SILENT_ATTRIBUTES = {"frameborder", "rel", "target"}
REMOVED_WITH_CONTENT = {"script", "style", "template", "noscript", "svg", "math"}
MAX_PER_KIND = 5  # a page pasted from Word may carry hundreds of style="..."; report a few
MARKDOWN_EXTENSIONS = ["markdown.extensions.extra", "markdown.extensions.sane_lists", "markdown.extensions.toc"]

_PUBLISH = "Trang sẽ không được xuất bản cho đến khi bạn xóa phần này khỏi tệp."
_NO_CODE = ("Cổng không đăng mã chạy trên trình duyệt do người biên tập chèn vào bài: mã như vậy có"
            " thể đánh cắp thông tin hoặc thay nội dung trang của cơ quan nhà nước.")
_MARKDOWN = "nội dung viết bằng Markdown: chữ, tiêu đề, danh sách, bảng, hình ảnh, liên kết"
_TAG_REASONS = {
    "script": f"Thẻ <script> chứa mã chạy trên máy của người đọc. {_NO_CODE}",
    "style": "Thẻ <style> thay đổi giao diện của cả trang; định dạng do giao diện chung của cổng quyết định"
             " để bảo đảm thống nhất và dễ tiếp cận.",
    "object": "Thẻ <{tag}> nhúng chương trình hoặc nội dung từ nơi khác vào trang.",
    "form": "Biểu mẫu (thẻ <{tag}>) trong bài có thể bị lợi dụng để thu thập thông tin của người dân;"
            " thủ tục trực tuyến thực hiện trên Cổng Dịch vụ công, mẫu đơn đăng dưới dạng tệp trong tep/.",
    "base": "Thẻ <{tag}> thay đổi cách trình duyệt tải cả trang.",
    "svg": "Thẻ <{tag}> viết trực tiếp có thể chứa mã chạy; hãy lưu hình vào thư mục anh/ và chèn bằng"
           " ![mô tả](anh/ten-hinh.svg).",
}
_TAG_KIND = {"script": "script", "style": "style", "object": "object", "embed": "object", "applet": "object",
             "frame": "object", "frameset": "object", "form": "form", "input": "form", "button": "form",
             "select": "form", "textarea": "form", "base": "base", "meta": "base", "link": "base",
             "svg": "svg", "math": "svg"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot", "colgroup"}
_TABLE_ALIGN = re.compile(r'<(th|td) style="text-align: (left|center|right);">')
_EMPTY_IFRAME = re.compile(r"<iframe\b(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


@dataclass(frozen=True)
class Finding:
    """One thing the allowlist removes, found in the rendered HTML."""

    kind: str  # groups findings for the per-kind cap
    message: str
    expected: str
    needles: tuple[str, ...]  # regexes that find it in the Markdown source, best first
    severity: str = ERROR
    generated_ok: bool = False  # not in the source: Python-Markdown made it, so it is not the editor's


def embed_allowed(src: str | None, allowed: tuple[str, ...] | list[str] = ALLOWED_EMBEDS) -> bool:
    """True if an iframe ``src`` matches one of the ``allowed`` patterns (``*`` = any text)."""
    if not src or _CONTROL.search(src.strip()):
        return False
    src = src.strip()
    return any(_glob(pattern).fullmatch(src) for pattern in allowed)


def _glob(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern)))


def _scheme(url: str) -> str:
    """The scheme a browser would see (it ignores whitespace and control characters), lower case.
    A single letter is a Windows drive (C:\\...), reported by the path check of the body."""
    match = re.match(r"([a-z][a-z0-9+.\-]+):", _CONTROL.sub("", url).lower())
    return match.group(1) if match else ""


def _url_values(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
    return [value]


def _align_tables(html: str) -> str:
    """Python-Markdown aligns table columns with style="text-align: …"; use a class instead."""
    return _TABLE_ALIGN.sub(r'<\1 class="align-\2">', html)


# --- validation ------------------------------------------------------------------------------

def render(body: str) -> str:
    """The body as HTML, the way the reader renders it (without the site's link rewriting)."""
    return markup.convert(body)


def find_problems(body: str, body_line: int, rel: str,
                  allowed_embeds: tuple[str, ...] | list[str] = ALLOWED_EMBEDS, html: str | None = None,
                  shape_checked: bool = False) -> list[Problem]:
    """Every construct of ``body`` the allowlist removes, as problems on its Markdown line.

    Args:
        body: the Markdown body; ``body_line`` is the file line of its first line.
        rel: the file as named in problems.
        allowed_embeds: iframe source patterns (``PORTAL_ALLOWED_EMBEDS``).
        shape_checked: the caller already ran :func:`nesting.check` on ``body`` and it passed.
    Returns:
        Problems in body order: errors for what makes the page unsafe, warnings for what is dropped.
    """
    shape = None if shape_checked else nesting.check(body, body_line, rel)
    if shape is not None:
        return [shape]
    try:
        html = _align_tables(render(body) if html is None else html)
    except RecursionError:  # nesting the pre-check cannot see (e.g. thousands of nested *emphasis*)
        return [nesting.too_deep(rel, body_line, "cấu trúc lồng nhau quá sâu")]
    scanner = _Scanner(tuple(allowed_embeds))
    scanner.feed(html)
    scanner.close()
    if scanner.max_depth > nesting.MAX_ELEMENT_DEPTH:
        return [nesting.too_deep(rel, body_line, f"{scanner.max_depth} thẻ HTML lồng nhau")]
    if not scanner.findings:
        return []
    source, lines = prose_lines(body), body.split("\n")
    cursors: dict[str, tuple[int, int]] = {}
    problems: list[Problem] = []
    first: dict[str, Problem] = {}
    counts: dict[str, int] = {}
    for finding in scanner.findings:
        index = _locate(source, finding.needles, cursors)
        if index is None and finding.generated_ok:
            continue
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
        if counts[finding.kind] > MAX_PER_KIND:
            continue
        problem = Problem(rel, body_line + (index or 0), finding.message, expected=finding.expected,
                          found=short(lines[index].strip()) if index is not None else "", severity=finding.severity,
                          code="html-khong-an-toan" if finding.severity == ERROR else "html-bi-bo")
        first.setdefault(finding.kind, problem)
        problems.append(problem)
    for kind, count in counts.items():
        if count > MAX_PER_KIND:
            head = first[kind]
            problems.append(Problem(rel, head.line, f"Còn {count - MAX_PER_KIND} chỗ khác có cùng lỗi như dòng"
                                                    f" {head.line} trong tệp này (chỉ liệt kê {MAX_PER_KIND} chỗ đầu).",
                                    expected=head.expected, severity=head.severity, code=head.code))
    return problems


def prose_lines(body: str) -> list[str]:
    """Source lines with fenced code blanked and code spans hidden: HTML shown as code is not HTML."""
    out, fence = [], ""
    for line in body.split("\n"):
        was, fence = fence, nesting.fence_state(line, fence)
        if was or fence:
            out.append("")
        else:
            out.append(_CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
    return out


def _locate(lines: list[str], needles: tuple[str, ...], cursors: dict) -> int | None:
    """0-based line of the next occurrence of the first needle that occurs at all.

    Each needle keeps a cursor, so the second <script> maps to the second line that has one; when
    the source has fewer occurrences than the HTML (a tag written once, repeated by Markdown), the
    search wraps around to the first.
    """
    for needle in needles:
        pattern = re.compile(needle, re.IGNORECASE)
        line, col = cursors.get(needle, (0, 0))
        starts = [(index, col if index == line else 0) for index in range(line, len(lines))]
        starts += [(index, 0) for index in range(0, line + 1)]
        for index, start in starts:
            match = pattern.search(lines[index], start)
            if match:
                cursors[needle] = (index, match.end())
                return index
    return None


def _attr_needles(name: str) -> tuple[str, ...]:
    name = re.escape(name)
    return (rf"(?<![\w:\-]){name}\s*=", rf"(?<![\w:\-]){name}(?![\w\-])")


class _Scanner(HTMLParser):
    """Collects findings and the element depth of rendered HTML (linear; no recursion)."""

    def __init__(self, allowed_embeds: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.allowed_embeds = allowed_embeds
        self.findings: list[Finding] = []
        self.stack: list[str] = []
        self.max_depth = 0

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        if tag not in _VOID and tag not in _OPTIONAL_END:
            self.stack.append(tag)
            self.max_depth = max(self.max_depth, len(self.stack))

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def _add(self, *args, **kwargs):
        self.findings.append(Finding(*args, **kwargs))

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _TAG_KIND:
            kind = _TAG_KIND[tag]
            self._add(f"tag:{kind}", f"{_TAG_REASONS[kind].format(tag=tag)} {_PUBLISH}", _MARKDOWN,
                      (rf"<\s*{tag}\b",))
            return
        if tag == "iframe" and not embed_allowed(values.get("src"), self.allowed_embeds):
            src = (values.get("src") or "").strip()
            host = urlsplit(src).hostname if src else None
            where = f"từ «{host}»" if host else "không có địa chỉ hợp lệ"
            self._add("iframe", f"Khung nhúng (iframe) {where} không nằm trong danh sách được phép nhúng:"
                                f" nội dung của trang khác hiện trong cổng mà cơ quan không kiểm soát được."
                                f" {_PUBLISH}",
                      "chỉ nhúng video YouTube hoặc bản đồ Google Maps: "
                      + "; ".join(p.replace("*", "…") for p in self.allowed_embeds),
                      ((rf"<\s*iframe\b[^>]*{re.escape(src[:60])}",) if src else ()) + (r"<\s*iframe\b",))
            return
        if tag == "iframe" and not (values.get("title") or "").strip():
            self._add("iframe-title", "Khung nhúng (iframe) cần thuộc tính title mô tả nội dung để người dùng"
                                      " trình đọc màn hình biết đó là gì.",
                      'title="Video: …" hoặc title="Bản đồ: …"', (r"<\s*iframe\b",), severity=WARNING)
        if tag not in ALLOWED_TAGS:
            kept = "cả phần bên trong" if tag in REMOVED_WITH_CONTENT else "phần chữ bên trong được giữ lại"
            self._add("tag-other", f"Thẻ <{tag}> không được dùng trong bài nên sẽ bị bỏ ({kept}).", _MARKDOWN,
                      (rf"<\s*{re.escape(tag)}\b",), severity=WARNING)
        for name, value in attrs:
            self._attribute(tag, name, value)

    def _attribute(self, tag: str, name: str, value: str | None) -> None:
        if name.startswith("on"):
            self._add("event", f"Thuộc tính «{name}» của thẻ <{tag}> là mã chạy khi có sự kiện trên trang (bấm"
                               f" chuột, tải ảnh…). {_NO_CODE} {_PUBLISH}",
                      f"thẻ <{tag}> không có thuộc tính on…", _attr_needles(name))
        elif name == "style":
            self._add("style-attr", "Thuộc tính style (định dạng trực tiếp) không được dùng: định dạng do giao"
                                    " diện chung của cổng quyết định, để trang thống nhất, dễ đọc và chính sách"
                                    f" bảo mật của trang (CSP) không bị nới lỏng. {_PUBLISH}",
                      "bỏ style=\"…\"; nhấn mạnh bằng **chữ đậm**, tiêu đề bằng ## Tiêu đề",
                      _attr_needles("style"), generated_ok=True)
        elif name in ("srcdoc", "formaction"):
            self._add("event", f"Thuộc tính «{name}» của thẻ <{tag}> nạp trang hoặc mã khác vào bài. {_PUBLISH}",
                      f"thẻ <{tag}> không có thuộc tính {name}", _attr_needles(name))
        elif name in URL_ATTRIBUTES and value:
            for url in _url_values(name, value):
                self._url(tag, name, url)
        if name not in GENERIC_ATTRIBUTES | ALLOWED_ATTRIBUTES.get(tag, set()) | SILENT_ATTRIBUTES \
                and not name.startswith("on") and name not in ("style", "srcdoc", "formaction") \
                and tag in ALLOWED_TAGS:
            self._add("attr-other", f"Thuộc tính «{name}» của thẻ <{tag}> không được dùng nên sẽ bị bỏ.",
                      "chỉ các thuộc tính cơ bản như href, src, alt, title", _attr_needles(name),
                      severity=WARNING, generated_ok=True)

    def _url(self, tag: str, name: str, url: str) -> None:
        scheme = _scheme(url)
        if not scheme or scheme in URL_SCHEMES or scheme == "file":  # file: is the body path check's
            return
        needles = (re.escape(url.strip()[:60]), rf"{scheme}\s*:", *_attr_needles(name), r"\]\(")
        what = "Liên kết" if name == "href" else f"Địa chỉ trong thuộc tính «{name}»"
        if scheme in ("javascript", "vbscript"):
            self._add("url-script", f"{what} dùng «{scheme}:» chạy mã khi người đọc bấm vào. {_NO_CODE} {_PUBLISH}",
                      "liên kết http://, https://, mailto: hoặc tel:, hoặc tệp trong tep/", needles)
        elif scheme == "data":
            self._add("url-data", f"{what} dùng «data:» nhúng dữ liệu trực tiếp vào trang và có thể chứa mã."
                                  f" {_PUBLISH}", "ảnh đặt trong thư mục anh/, tệp đặt trong thư mục tep/", needles)
        else:
            self._add("url-other", f"{what} dùng giao thức «{scheme}:» không được phép nên sẽ bị bỏ.",
                      "liên kết http://, https://, mailto: hoặc tel:", needles, severity=WARNING)


# --- rendering ---------------------------------------------------------------------------------

def clean(html: str, allowed_embeds: tuple[str, ...] | list[str] = ALLOWED_EMBEDS,
          own_hosts: tuple[str, ...] = ()) -> str:
    """Sanitise rendered HTML with the allowlist; mark links to other hosts noopener noreferrer."""
    return external_rel(clean_markup(html, allowed_embeds), own_hosts)


def clean_markup(html: str, allowed_embeds: tuple[str, ...] | list[str] = ALLOWED_EMBEDS) -> str:
    """The allowlist pass of :func:`clean` (nh3), which depends only on the HTML and the embeds allowed:
    the check runs it once and keeps the result with the document (``Document.sanitized_html``)."""
    # The iframe filter is a Python call for every attribute of every element: only a body that may hold an
    # iframe is cleaned with it (without one the filter keeps every value, so the output is the same).
    cleaned = _cleaner(tuple(allowed_embeds), "iframe" in html.lower()).clean(_align_tables(html))
    # An iframe whose source was refused is an empty, untitled frame: drop it altogether.
    return _EMPTY_IFRAME.sub("", cleaned)


@functools.lru_cache(maxsize=16)
def _cleaner(allowed: tuple[str, ...], iframes: bool) -> nh3.Cleaner:
    """The allowlist as a reusable nh3 sanitizer (made once, not converted again for every body)."""

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "iframe" and attribute == "src" and not embed_allowed(value, allowed):
            return None
        return value

    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = set(GENERIC_ATTRIBUTES)
    return nh3.Cleaner(tags=ALLOWED_TAGS, clean_content_tags=REMOVED_WITH_CONTENT, attributes=attributes,
                       attribute_filter=keep if iframes else None, strip_comments=True, link_rel=None,
                       url_schemes=URL_SCHEMES)


def is_external(href: str | None, own_hosts: tuple[str, ...] = ()) -> bool:
    """A link to another host (absolute http(s) or scheme-relative URL)."""
    href = (href or "").strip()
    if not href.lower().startswith(("http://", "https://", "//")):
        return False
    host = (urlsplit(href).hostname or "").lower()
    return bool(host) and host not in {h.lower() for h in own_hosts}


class _Anchors(HTMLParser):
    def __init__(self, own_hosts):
        super().__init__(convert_charrefs=True)
        self.own_hosts, self.positions = own_hosts, []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and is_external(dict(attrs).get("href"), self.own_hosts):
            self.positions.append(self.getpos())


# An href that may point at another host: its value holds "//" or a character reference (conservative:
# anything else cannot start with http://, https:// or //).
_MAYBE_EXTERNAL = re.compile(r"""href\s*=\s*["']?[^"'>]*?(?://|&)""", re.IGNORECASE)


def external_rel(html: str, own_hosts: tuple[str, ...] = ()) -> str:
    """Insert ``rel="noopener noreferrer"`` into every ``<a>`` that points at another host."""
    if not _MAYBE_EXTERNAL.search(html):
        return html  # most bodies link nowhere else: no need to parse them
    parser = _Anchors(own_hosts)
    parser.feed(html)
    parser.close()
    if not parser.positions:
        return html
    starts = [0]  # offset of each line, counted as HTMLParser counts them (LF only)
    for line in html.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    out, last = [], 0
    for line, col in parser.positions:
        at = starts[line - 1] + col + 2  # just after "<a"
        out += [html[last:at], ' rel="noopener noreferrer"']
        last = at
    return "".join(out) + html[last:]

"""Read one content file into a validated :class:`Document`, collecting every problem in it.

Stages, in order: read bytes (size cap; a symlink out of the site is refused) → decode (UTF-8
only; legacy encodings are named; double-encoded text and lone CRs are warned about) → control
characters (:mod:`portal.characters`, before YAML sees them) → NFC and look-alike letters
(:mod:`portal.letters`: the text is read as it will be published) → split and parse front matter (line
numbers kept) → placeholders and fillers (:mod:`portal.placeholders`) → validate against the type's
schema → convert dates → check referenced files (front matter and body) → type-specific rules
(sessions of a schedule: :mod:`portal.sessions`; procedures: :mod:`portal.procedure_checks`) → bidirectional
controls → shape of the body (:mod:`portal.limits`) → raw HTML (:mod:`portal.sanitize`) → pictures without
alternative text (:mod:`portal.alt_text`) → slug and URL (reserved addresses refused).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from . import (
    alt_text,
    characters,
    content_types,
    letters,
    limits,
    markup,
    paths,
    placeholders,
    procedure_checks,
    sanitize,
    schema,
    sessions,
    slugs,
    summaries,
)
from .dates import parse_date, parse_datetime
from .encoding import EncodingProblem, decode_source, double_encoding_message, find_double_encoding
from .frontmatter import FrontMatterError, Parsed, parse
from .problems import ERROR, WARNING, Problem, relpath, short
from .slugs import slugify

WEEKDAYS = ('thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật')  # as a sentence writes them

MAX_FILE_BYTES = limits.MAX_FILE_BYTES
ASSET_FOLDERS = ("tep", "anh")  # copied to the site as they are (STATIC_PATHS)
# Links and images in the body that point at the site's own files: ](tep/x.pdf) or ](anh/y.svg),
# and the same in raw HTML: src="anh/y.svg", href='tep/x.pdf'. Both are relative to the site folder.
BODY_FILE_LINK = re.compile(r"\]\(\s*<?((?:tep|anh)/[^)\s>]+)")
BODY_FILE_ATTR = re.compile(r"""((?<![\w-])(?:src|href)\s*=\s*["']?)((?:tep|anh)/)""", re.IGNORECASE)
# Every link target in the body: ](x), reference definitions [id]: x, raw HTML src/href/poster.
# Each pattern with the text (lower case) a line must hold for it to match: a body without any is not scanned.
_BODY_TARGETS = (
    (re.compile(r"\]\(\s*<?([^)\s>]+)"), ("](",)),
    (re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)"), ("]:",)),
    (re.compile(r"""(?<![\w-])(?:src|href|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE),
     ("src", "href", "poster")),
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
BODY_REQUIRED = {"tin-tuc", "thong-bao", "pho-bien-phap-luat", "hoi-dap"}
STATUS = {"cong-bo": "published", "nhap": "draft", "an": "hidden"}


@dataclass
class Document:
    """A validated content file, ready for the Pelican reader and for exports."""

    source: str  # the file's path, kept as a string: the caches unpickle 20,000 of these per command
    rel: str
    type: content_types.ContentType
    fields: dict
    body: str
    body_line: int
    lines: dict
    slug: str = ""
    title: str = ""
    extra: dict = field(default_factory=dict)
    html: str = ""      # the body converted with markup.DEFAULT, checked by sanitize
    html_key: str = ""  # hash of the body ``html`` was made from
    clean_html: str = ""  # ``html`` with the site's file links and through the sanitizer's allowlist
    clean_key: tuple = ()  # (``html_key``, allowed embeds) ``clean_html`` was made with
    summary_key: str = ""  # digest of what a list page can show of the body (see :func:`summary_key`)
    # The plain-text summary of an item without ``tom_tat`` (portal.summaries), made at check time with the
    # sanitised body, and (``clean_key``, words, end) it was made with: the reader takes it on every render
    # instead of truncating every body again (a third of the reader's time).
    summary_text: str = ""
    summary_for: tuple = ()

    @functools.cached_property
    def path(self) -> Path:
        return Path(self.source)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("path", None)  # made again from ``source`` when first asked for
        return state

    def checked_html(self) -> str:
        """``html`` if it still belongs to ``body`` (else '')."""
        return self.html if self.html and self.html_key == markup.body_key(self.body) else ""

    def sanitize(self, allowed_embeds: tuple[str, ...]) -> None:
        """Run the reader's allowlist pass now (at check time), so that rendering reuses it."""
        if self.html:
            self.clean_html = sanitize.clean_markup(site_links(self.html), allowed_embeds)
            self.clean_key = (self.html_key, tuple(allowed_embeds))

    def keep_summary(self, words: int | None, end: str) -> None:
        """Make the plain summary now (at check time) from the sanitised body, for :meth:`kept_summary`.
        The reader's own passes over the body (links to other hosts, table labels) add attributes only, so
        the text, and the summary, are the same."""
        if self.clean_html and not self.fields.get("tom_tat"):
            self.summary_text = summaries.plain_summary(self.fields, self.clean_html, words, end)
            self.summary_for = (self.clean_key, words, end)

    def kept_summary(self, allowed_embeds: tuple[str, ...], words: int | None, end: str) -> str | None:
        """The summary :meth:`keep_summary` made, if made from the body the reader publishes with these
        embeds and settings (else None: the reader makes it)."""
        made_with = (self.clean_key, words, end)
        if self.summary_for and self.summary_for == made_with and self.sanitized_html(allowed_embeds):
            return self.summary_text
        return None

    def sanitized_html(self, allowed_embeds: tuple[str, ...]) -> str:
        """``clean_html`` if it was made from this body's checked HTML with these embeds (else '')."""
        checked = self.checked_html()
        if checked and self.clean_html and self.clean_key == (self.html_key, tuple(allowed_embeds)):
            return self.clean_html
        return ""

    @property
    def url(self) -> str:
        return f"{self.type.id}/{self.slug}.html"

    @property
    def status(self) -> str:
        return STATUS[self.fields.get("trang_thai", "cong-bo")]

    @property
    def date(self):
        return self.fields.get("ngay")

    def line_of(self, path: tuple) -> int:
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def read_text(path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES) -> tuple[str | None, list[Problem]]:
    """Decoded text of ``path`` or None with the problem that stopped it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [Problem(rel, 0, "Tệp quá lớn để là một bài viết; tệp đính kèm hãy đặt trong thư mục tep/.",
                                  expected=f"tối đa {max_bytes // 1024} KB", found=f"{size // 1024} KB",
                                  code="tep-qua-lon")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 0, f"Không đọc được tệp ({exc.strerror}).", code="khong-doc-duoc")]
    if not data.strip():
        return None, [Problem(rel, 0, "Tệp trống.", expected="phần thông tin (front matter) và nội dung",
                              found="tệp không có nội dung", code="tep-trong")]
    try:
        text = decode_source(data)
    except EncodingProblem as exc:
        return None, [Problem(rel, exc.line or 0, exc.message, code=f"ma-hoa:{exc.encoding or 'khac'}")]
    warnings = []
    line = characters.lone_carriage_return(data)
    if line:
        warnings.append(characters.carriage_return_problem(rel, line))
    double = find_double_encoding(text)
    if double:
        bad, good, offset, count = double
        line = text.count("\n", 0, offset) + 1
        warnings.append(Problem(rel, line, double_encoding_message(bad, good, line, count), found=f"«{bad}»",
                                expected=f"«{good}»", severity=WARNING, code="ma-hoa:hai-lan"))
    return text, warnings


def summary_settings(settings) -> tuple[int | None, str]:
    """(words, end) of an item's summary, as the reader makes it: ``SUMMARY_MAX_LENGTH`` and
    ``SUMMARY_END_SUFFIX`` of the project's settings, Pelican's defaults without them."""
    settings = settings or {}
    return settings.get("SUMMARY_MAX_LENGTH", 50), settings.get("SUMMARY_END_SUFFIX", "…")


def load(path: Path, site_dir: Path, type_id: str, root: Path | None = None, max_bytes: int = MAX_FILE_BYTES,
         allowed_embeds: tuple[str, ...] | list[str] = sanitize.ALLOWED_EMBEDS, summary: tuple | None = None,
         ) -> tuple[Document | None, list[Problem]]:
    """Load and validate one Markdown content file of type ``type_id``.

    ``allowed_embeds`` are the iframe sources the body may embed (the ``PORTAL_ALLOWED_EMBEDS`` setting).
    ``summary`` (the words and end of a summary, :func:`summary_settings`): make the item's plain summary
    now, for the reader (:meth:`Document.keep_summary`).
    """
    rel = _rel(path, root)
    ctype = content_types.get(type_id)
    if not paths.inside(path, site_dir):
        return None, [Problem(rel, 0, "Tệp là liên kết (symlink) trỏ ra ngoài thư mục của cổng nên không được đọc.",
                              expected="tệp thật nằm trong thư mục của cổng", found=paths.link_target(path),
                              code="tep-ngoai")]
    text, problems = read_text(path, rel, max_bytes)
    if text is None:
        return None, problems
    text, controls = characters.scan_controls(text, rel)
    written = letters.review(text, letters.front_matter_lines(text))
    text, controls = written.text, controls + letters.problems(written, rel)
    try:
        parsed = parse(text)
    except FrontMatterError as exc:
        return None, problems + controls + [Problem(rel, exc.line, exc.message, expected=exc.expected,
                                                    found=exc.found, code="yaml")]
    problems += characters.with_fields(controls, lambda line: _field_at(type_id, parsed, line))
    problems += [Problem(rel, line, "Trường bị khai báo hai lần; chỉ giữ một dòng.", field=schema.dotted(p),
                         label=schema.label(type_id, p), code="lap-truong") for p, line in parsed.duplicates]
    data, stand_ins = placeholders.scan(type_id, parsed.data, parsed.body, parsed.body_line, rel, parsed.line_of)
    problems += stand_ins + placeholders.without_repeats(schema.validate(type_id, data, rel, parsed.line_of),
                                                         stand_ins)
    fields = _convert(type_id, data, ())
    problems += _check_files(type_id, fields, site_dir, rel, parsed)
    doc = Document(source=os.fspath(path), rel=rel, type=ctype, fields=fields, body=parsed.body,
                   body_line=parsed.body_line, lines=parsed.lines)
    problems += _rules(doc)
    problems += _body_links(doc, site_dir)
    problems += characters.bidi_in_fields(parsed.data, rel, parsed.line_of, lambda p: schema.label(type_id, p),
                                          lambda p: _strict(type_id, p), schema.dotted)
    problems += characters.bidi_in_body(doc.body, doc.body_line, rel)
    if doc.body.strip():
        shape = limits.body_problem(doc.body, doc.body_line, rel)
        try:
            doc.html = markup.convert(doc.body) if shape is None else ""
            doc.html_key = markup.body_key(doc.body)
        except RecursionError:
            doc.html = ""
        problems += ([shape] if shape is not None else
                     sanitize.find_problems(doc.body, doc.body_line, rel, allowed_embeds, html=doc.html or None,
                                            shape_checked=True))
        if doc.html:
            problems += alt_text.missing(doc.html, doc.body, doc.body_line, rel)
        if not any(p.severity == ERROR for p in problems):  # will be published: sanitise once, here
            doc.sanitize(tuple(allowed_embeds))
            if summary is not None:
                doc.keep_summary(*summary)
    doc.summary_key = summary_key(doc, problems)
    if any(p.severity == ERROR for p in problems):  # not published: "published as incomplete" would be untrue
        problems = [p for p in problems if p.code != procedure_checks.MISSING]
    else:
        doc.title = _title(doc)
        doc.slug = fields.get("duong_dan") or _slug(doc)
        if not doc.slug:
            problems.append(Problem(rel, doc.line_of(("tieu_de",)), "Không tạo được đường dẫn từ tiêu đề.",
                                    field="duong_dan", label="Đường dẫn (slug)",
                                    expected="thêm trường «duong_dan:» gồm chữ thường không dấu và dấu gạch ngang"))
        problems += _reserved(doc)
    return doc, problems


# Front matter fields where a bidirectional control is an error: what readers see as the item's name,
# address or code (plus every URL and file field, by format).
STRICT_FIELDS = {"tieu_de", "duong_dan", "so_ky_hieu", "ma_thu_tuc"}


def _strict(type_id: str, path: tuple) -> bool:
    return (len(path) == 1 and path[0] in STRICT_FIELDS) or \
        schema.subschema(type_id, path).get("format") in ("uri", "tep")


def _field_at(type_id: str, parsed: Parsed, line: int) -> tuple[str, str] | None:
    """The front matter field whose value is on file ``line`` (None on a body or fence line)."""
    if not parsed.body_line or line >= parsed.body_line - 1:
        return None
    path = parsed.path_at(line)
    return (schema.dotted(path), schema.label(type_id, path)) if path else None


def _reserved(doc: Document) -> list[Problem]:
    """An item whose address is one the site writes itself (the section list, its page N, …)."""
    problems = []
    for index, tag in enumerate(doc.fields.get("tu_khoa") or []):
        if isinstance(tag, str) and slugify(tag) == slugs.TAG_LIST:
            problems.append(Problem(doc.rel, doc.line_of(("tu_khoa", index)), "Từ khóa này có địa chỉ"
                                    " «tu-khoa/index.html», trùng với trang danh sách từ khóa do cổng tự tạo.",
                                    field=schema.dotted(("tu_khoa", index)),
                                    label=schema.label(doc.type.id, ("tu_khoa",)),
                                    expected="một từ khóa khác", found=short(tag), code="duong-dan-danh-rieng"))
    page = slugs.reserved(doc.type, doc.slug)
    if page is None:
        return problems
    field = address_field(doc)
    message = f"Địa chỉ «{doc.url}» là {page} do cổng tự tạo; bài này sẽ ghi đè lên trang đó."
    return problems + [Problem(doc.rel, doc.line_of((field,)), message, field=field,
                               label=schema.label(doc.type.id, (field,)),
                               expected="thêm hoặc sửa trường «duong_dan:» thành đường dẫn khác, ví dụ "
                                        f"«{doc.type.id}-{doc.slug}»", found=f"«{doc.slug}»",
                               code="duong-dan-danh-rieng")]


def address_field(doc: Document) -> str:
    """The field the item's address (slug) comes from: ``duong_dan``, else the one it is made of."""
    if doc.fields.get("duong_dan"):
        return "duong_dan"
    if doc.type.id == "thu-tuc" and not doc.fields.get("ma_thu_tuc"):
        return "tieu_de"  # a procedure without its national code is addressed by its name
    return {"van-ban": "so_ky_hieu", "thu-tuc": "ma_thu_tuc", "lich-cong-tac": "tu_ngay"}.get(doc.type.id, "tieu_de")


def _convert(type_id: str, value, path: tuple):
    """Turn date strings into ``date``/``datetime`` where the schema says so; leave the rest."""
    if isinstance(value, dict):
        return {k: _convert(type_id, v, path + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(type_id, v, path + (i,)) for i, v in enumerate(value)]
    if isinstance(value, str):
        fmt = schema.subschema(type_id, path).get("format")
        if fmt == "ngay":
            return parse_date(value) or value
        if fmt == "ngay-gio":
            return parse_datetime(value) or value
        return value.strip() if fmt in ("tep", "uri") else value
    return value


def _walk(value, path: tuple = ()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, path + (i,))
    else:
        yield path, value


SUMMARY_WORDS = 200  # a summary longer than this (SUMMARY_MAX_LENGTH) makes every page depend on every body


def summary_key(doc: Document, problems: list[Problem]) -> str:
    """What list pages can show of the body: its first :data:`SUMMARY_WORDS` words as HTML.

    Pelican makes an item's summary from the start of its body when there is no ``tom_tat``; a list
    page showing it depends on that start, not on the rest. When the sanitizer drops something the
    start after cleaning is not known here, so the whole body counts.
    """
    if doc.fields.get("tom_tat"):
        return "tom_tat"  # the summary is a field: part of the metadata already
    if not doc.html or any(p.code.startswith("html-") for p in problems):
        return "body:" + markup.body_key(doc.body)
    # The HTML up to the end of the SUMMARY_WORDS-th run of text holding a letter or digit: every word
    # Pelican counts lies inside one such run, so the start Pelican truncates to is inside this prefix.
    words, end = 0, len(doc.html)
    for match in _TEXT_RUN.finditer(doc.html):
        if match.group()[0] != "<" and _WORD.search(match.group()):
            words += 1
            if words >= SUMMARY_WORDS:
                end = match.end()
                break
    return "start:" + markup.body_key(doc.html[:end])


_TEXT_RUN = re.compile(r"<[^>]*>|[^<\s]+")
_WORD = re.compile(r"\w")


def _check_files(type_id: str, fields: dict, site_dir: Path, rel: str, parsed: Parsed) -> list[Problem]:
    """Every ``tep`` field must name a file inside the site folder (no ``..``, no symlink out)."""
    problems = []
    for path, value in _walk(fields):
        if not isinstance(value, str) or schema.subschema(type_id, path).get("format") != "tep":
            continue
        common = dict(field=schema.dotted(path), label=schema.label(type_id, path), found=short(value))
        line = parsed.line_of(path)
        target = (site_dir / value)
        if value.startswith(("/", "\\")) or ".." in Path(value).parts or ":" in value:
            problems.append(Problem(rel, line, "Đường dẫn tệp phải nằm trong thư mục của cổng.",
                                    expected="đường dẫn tương đối như tep/ten-tep.pdf", code="tep-ngoai", **common))
        elif not target.is_file():
            problems.append(Problem(rel, line, "Không tìm thấy tệp được tham chiếu.",
                                    expected=f"tệp có trong thư mục {Path(rel).parent.parent.as_posix()}/",
                                    code="thieu-tep",
                                    **common))
        elif not paths.inside(target, site_dir):
            problems.append(Problem(rel, line, "Tệp là liên kết (symlink) trỏ ra ngoài thư mục của cổng.",
                                    expected="tệp thật nằm trong thư mục của cổng", code="tep-ngoai", **common))
    return problems


def _rules(doc: Document) -> list[Problem]:
    """Rules a schema cannot state: date order, schedule weeks, required body."""
    f, problems, tid = doc.fields, [], doc.type.id

    def bad(path, message, expected, found, severity=ERROR):
        problems.append(Problem(doc.rel, doc.line_of(path), message, field=schema.dotted(path),
                                label=schema.label(tid, path), expected=expected, found=found, severity=severity,
                                code="quy-tac"))

    def is_date(v):
        return isinstance(v, dt.date)

    if tid in BODY_REQUIRED and not doc.body.strip():
        what = "câu trả lời" if tid == "hoi-dap" else "nội dung bài viết"
        problems.append(Problem(doc.rel, doc.body_line, f"Thiếu {what} sau dòng «---».",
                                expected=f"{what} viết bằng Markdown", found="(trống)", code="thieu-noi-dung"))
    if tid == "lich-cong-tac":
        problems += sessions.complete(f, doc.rel, doc.line_of)
    if tid == "thu-tuc":
        problems += procedure_checks.file_problems(doc)
    if tid == "lich-cong-tac" and is_date(f.get("tu_ngay")):
        start = f["tu_ngay"]
        if start.weekday() != 0:
            bad(("tu_ngay",), "Ngày bắt đầu tuần phải là thứ Hai.",
                f"thứ Hai, ví dụ {(start - dt.timedelta(days=start.weekday())).strftime('%d/%m/%Y')}",
                f"{start.strftime('%d/%m/%Y')} ({WEEKDAYS[start.weekday()]})")
        else:
            end = start + dt.timedelta(days=6)
            for i, item in enumerate(f.get("lich") or []):
                day = item.get("ngay") if isinstance(item, dict) else None
                if is_date(day) and not start <= day <= end:
                    bad(("lich", i, "ngay"), "Ngày của mục lịch nằm ngoài tuần.",
                        f"từ {start.strftime('%d/%m/%Y')} đến {end.strftime('%d/%m/%Y')}", day.strftime("%d/%m/%Y"))
    pairs = {"van-ban": [("ngay_ban_hanh", "ngay_hieu_luc"), ("ngay_hieu_luc", "ngay_het_hieu_luc")],
             "du-thao": [("ngay_bat_dau", "han_gop_y")]}
    for before, after in pairs.get(tid, []):
        a, b = f.get(before), f.get(after)
        if is_date(a) and is_date(b) and b < a:
            bad((after,), "Ngày này không thể sớm hơn " + schema.label(tid, (before,)).lower() + ".",
                f"từ {a.strftime('%d/%m/%Y')} trở đi", b.strftime("%d/%m/%Y"))
    return problems


def _body_links(doc: Document, site_dir: Path) -> list[Problem]:
    """Paths in the body stay in the site: no ``../`` out of it, no absolute or local-disk paths,
    and files under tep/ or anh/ exist and are not symlinks out of the site folder.

    ``tep/…`` and ``anh/…`` are relative to the site folder (the reader rewrites them); any other
    relative path is a URL relative to the page, which is written to ``<type>/<slug>.html``.
    """
    problems, seen = [], set()
    lowered = doc.body.lower()
    patterns = [pattern for pattern, needles in _BODY_TARGETS if any(n in lowered for n in needles)]
    if not patterns:
        return problems  # no pattern can match a line of this body (most news items have no link)
    for offset, line in enumerate(sanitize.prose_lines(doc.body)):
        for pattern in patterns:
            for match in pattern.finditer(line):
                written = next(g for g in match.groups() if g is not None).strip()
                if (offset, written) in seen:
                    continue
                seen.add((offset, written))
                problem = _body_target(written, doc.type.id, site_dir)
                if problem:
                    message, expected, code = problem
                    problems.append(Problem(doc.rel, doc.body_line + offset, message, expected=expected,
                                            found=short(written.split("#")[0]), code=code))
    return problems


def _body_target(written: str, type_id: str, site_dir: Path) -> tuple[str, str, str] | None:
    """(message, expected, code) when a body link target leaves the site or misses its file."""
    outside = ("Đường dẫn đi ra ngoài thư mục của cổng.",
               "tệp trong thư mục của cổng, ví dụ tep/ten-tep.pdf hoặc anh/ten-anh.jpg", "tep-ngoai")
    target = unquote(written.split("#")[0].split("?")[0]).replace("\\", "/")
    for marker in ("{static}", "{attach}", "{filename}"):
        if target.startswith(marker):
            target = target[len(marker):].lstrip("/")
    if not target or target.startswith("//"):
        return None
    if _DRIVE.match(target) or target.lower().startswith("file:"):
        return ("Đường dẫn trỏ tới một tệp trên máy tính của người soạn; người đọc không mở được và tệp"
                " phải nằm trong thư mục của cổng.", outside[1], "tep-ngoai")
    if _SCHEME.match(target):
        return None  # a web address; unsafe schemes are reported by the sanitizer
    if target.startswith("/"):
        return ("Đường dẫn tuyệt đối (bắt đầu bằng «/») không dùng được trong bài.",
                "đường dẫn tương đối như tep/ten-tep.pdf, ../van-ban/index.html, hoặc địa chỉ đầy đủ https://…",
                "tep-ngoai")
    base = "" if target.split("/")[0] in ASSET_FOLDERS else type_id
    norm = posixpath.normpath(posixpath.join(base, target))
    if norm == ".." or norm.startswith("../"):
        return outside
    if norm.split("/")[0] not in ASSET_FOLDERS:
        return None  # a page of the site: the link check of the built site follows it
    file = site_dir / norm
    if not file.is_file():
        return ("Liên kết tới tệp không tồn tại trong cổng.",
                f"tệp có trong thư mục {site_dir.name}/{norm.split('/')[0]}/", "thieu-tep")
    if not paths.inside(file, site_dir):
        return ("Tệp là liên kết (symlink) trỏ ra ngoài thư mục của cổng.", "tệp thật nằm trong thư mục của cổng",
                "tep-ngoai")
    return None


def site_links(html: str) -> str:
    """Links to the site's own files (written relative to the site folder) get Pelican's {static}
    marker, so they resolve from any page depth."""
    lowered = html.lower()
    if "tep/" not in lowered and "anh/" not in lowered:
        return html  # the pattern needs one of them (most bodies link no file of the site)
    return BODY_FILE_ATTR.sub(r"\1{static}/\2", html)


def _rel(path: Path, root: Path | None) -> str:
    """Like :func:`relpath`, but names a symlink by where it is, not by where it points."""
    path = Path(path)
    folder = relpath(path.parent, root)
    return path.name if folder == "." else f"{folder}/{path.name}"


def asset_problems(site_dir: Path, root: Path | None = None) -> list[Problem]:
    """Symlinks under the site's tep/ and anh/ (or those folders themselves) that point out of the
    site folder or nowhere: Pelican would copy what they point at, so the site must not build."""
    problems = []
    for folder in ASSET_FOLDERS:
        base = Path(site_dir) / folder
        entries = [base] if base.is_symlink() else []
        if base.is_dir() and not base.is_symlink():
            for dirpath, dirs, files in os.walk(base):  # symlinked folders are listed, not entered
                entries += [Path(dirpath) / name for name in sorted(dirs) + sorted(files)]
        for entry in entries:
            if not entry.is_symlink():
                continue
            if not entry.exists():
                message = "Liên kết (symlink) hỏng: nơi nó trỏ tới không tồn tại."
            elif not paths.inside(entry, site_dir):
                message = ("Tệp hoặc thư mục là liên kết (symlink) trỏ ra ngoài thư mục của cổng; nội dung ngoài"
                           " thư mục của cổng không được đăng lên trang.")
            else:
                continue
            problems.append(Problem(_rel(entry, root), 0, message, expected="tệp thật nằm trong thư mục của cổng",
                                    found=paths.link_target(entry), code="tep-ngoai"))
    return problems


def _title(doc: Document) -> str:
    f = doc.fields
    if f.get("tieu_de"):
        return f["tieu_de"]
    if doc.type.id == "lich-cong-tac" and isinstance(f.get("tu_ngay"), dt.date):
        start = f["tu_ngay"]
        end = start + dt.timedelta(days=6)
        return (f"Lịch công tác tuần {start.isocalendar()[1]} "
                f"(từ {start.strftime('%d/%m/%Y')} đến {end.strftime('%d/%m/%Y')})")
    return doc.path.stem


def _slug(doc: Document) -> str:
    f, tid = doc.fields, doc.type.id
    if tid == "van-ban":
        return slugify(f["so_ky_hieu"])
    if tid == "thu-tuc" and f.get("ma_thu_tuc"):
        return slugify(f["ma_thu_tuc"])
    if tid == "lich-cong-tac":
        year, week, _ = f["tu_ngay"].isocalendar()
        return f"{year}-tuan-{week:02d}"
    return slugify(f.get("tieu_de") or doc.path.stem)


__all__ = ["Document", "asset_problems", "load", "read_text", "WARNING"]

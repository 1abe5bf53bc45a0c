"""Read one content file into a validated :class:`Document`, collecting every problem in it.

Stages, in order: read bytes (size cap) → decode (UTF-8 only; legacy encodings are named) →
split and parse front matter (line numbers kept) → validate against the type's schema →
convert dates → check referenced files → type-specific rules → compute slug and URL.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import content_types, schema
from .dates import parse_date, parse_datetime
from .encoding import EncodingProblem, decode_source
from .frontmatter import FrontMatterError, Parsed, parse
from .problems import ERROR, WARNING, Problem, relpath, short
from .slugs import slugify

MAX_FILE_BYTES = 2 * 1024 * 1024
# Links and images in the body that point at the site's own files: ](tep/x.pdf) or ](anh/y.svg)
BODY_FILE_LINK = re.compile(r"\]\(\s*<?((?:tep|anh)/[^)\s>]+)")
BODY_REQUIRED = {"tin-tuc", "thong-bao", "pho-bien-phap-luat", "hoi-dap"}
STATUS = {"cong-bo": "published", "nhap": "draft", "an": "hidden"}


@dataclass
class Document:
    """A validated content file, ready for the Pelican reader and for exports."""

    path: Path
    rel: str
    type: content_types.ContentType
    fields: dict
    body: str
    body_line: int
    lines: dict
    slug: str = ""
    title: str = ""
    extra: dict = field(default_factory=dict)

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
        return decode_source(data), []
    except EncodingProblem as exc:
        return None, [Problem(rel, exc.line or 0, exc.message, code=f"ma-hoa:{exc.encoding or 'khac'}")]


def load(path: Path, site_dir: Path, type_id: str, root: Path | None = None,
         max_bytes: int = MAX_FILE_BYTES) -> tuple[Document | None, list[Problem]]:
    """Load and validate one Markdown content file of type ``type_id``."""
    rel = relpath(path, root)
    ctype = content_types.get(type_id)
    text, problems = read_text(path, rel, max_bytes)
    if text is None:
        return None, problems
    try:
        parsed = parse(text)
    except FrontMatterError as exc:
        return None, [Problem(rel, exc.line, exc.message, expected=exc.expected, found=exc.found, code="yaml")]
    problems = [Problem(rel, line, "Trường bị khai báo hai lần; chỉ giữ một dòng.", field=schema.dotted(p),
                        label=schema.label(type_id, p), code="lap-truong") for p, line in parsed.duplicates]
    problems += schema.validate(type_id, parsed.data, rel, parsed.line_of)
    fields = _convert(type_id, parsed.data, ())
    problems += _check_files(type_id, fields, site_dir, rel, parsed)
    doc = Document(path=path, rel=rel, type=ctype, fields=fields, body=parsed.body,
                   body_line=parsed.body_line, lines=parsed.lines)
    problems += _rules(doc)
    problems += _body_links(doc, site_dir)
    if not any(p.severity == ERROR for p in problems):
        doc.title = _title(doc)
        doc.slug = fields.get("duong_dan") or _slug(doc)
        if not doc.slug:
            problems.append(Problem(rel, doc.line_of(("tieu_de",)), "Không tạo được đường dẫn từ tiêu đề.",
                                    field="duong_dan", label="Đường dẫn (slug)",
                                    expected="thêm trường «duong_dan:» gồm chữ thường không dấu và dấu gạch ngang"))
    return doc, problems


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


def _check_files(type_id: str, fields: dict, site_dir: Path, rel: str, parsed: Parsed) -> list[Problem]:
    """Every ``tep`` field must name a file inside the site folder (no ``..``, no symlink out)."""
    problems = []
    root = site_dir.resolve()
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
                                    expected=f"tệp có trong thư mục {Path(rel).parent.parent.as_posix()}/", code="thieu-tep",
                                    **common))
        elif not target.resolve().is_relative_to(root):
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
    if tid == "lich-cong-tac" and is_date(f.get("tu_ngay")):
        start = f["tu_ngay"]
        if start.weekday() != 0:
            bad(("tu_ngay",), "Ngày bắt đầu tuần phải là thứ Hai.",
                f"thứ Hai, ví dụ {(start - dt.timedelta(days=start.weekday())).strftime('%d/%m/%Y')}",
                f"{start.strftime('%d/%m/%Y')} ({['thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật'][start.weekday()]})")
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
    """Files linked from the body (``[Tải về](tep/x.pdf)``) must exist in the site folder."""
    problems = []
    for offset, line in enumerate(doc.body.split("\n")):
        for match in BODY_FILE_LINK.finditer(line):
            target = match.group(1).split("#")[0]
            if ".." in Path(target).parts or not (site_dir / target).is_file():
                problems.append(Problem(doc.rel, doc.body_line + offset, "Liên kết tới tệp không tồn tại trong cổng.",
                                        expected=f"tệp có trong thư mục {Path(doc.rel).parent.parent.as_posix()}/",
                                        found=f"«{target}»", code="thieu-tep"))
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
    if tid == "thu-tuc":
        return slugify(f["ma_thu_tuc"])
    if tid == "lich-cong-tac":
        year, week, _ = f["tu_ngay"].isocalendar()
        return f"{year}-tuan-{week:02d}"
    return slugify(f.get("tieu_de") or doc.path.stem)


__all__ = ["Document", "load", "read_text", "WARNING"]

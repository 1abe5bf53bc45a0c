"""A text PDF (a văn bản whose only source is its PDF) → Markdown paragraphs, fields, and the PDF kept.

pypdf reads the text layer with its layout (``extraction_mode="layout"``: lines as placed on the page,
columns apart, blank lines where paragraphs are apart), which is all a PDF knows: no headings, lists or
table cells, only lines. The two-column letterhead and the signature block are split at their column
gap and read like a Word letterhead (:mod:`.letterhead`); the other lines become paragraphs. A PDF without
a text layer (a scan, a photo) is refused: its text could only be guessed. The PDF itself is kept as the
item's attachment, so the published page always offers the original.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata

from portal import letters

from .converted import Converted
from .errors import ImportRefused
from .letterhead import Line, Reading, complete, is_letterhead, read_effect, read_letterhead, read_title, signature

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PAGES = 300
MIN_TEXT = 40  # characters of text a PDF must have to be a text PDF
_GAP = re.compile(r" {3,}")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?\s*$", re.IGNORECASE)
_STARTS_ITEM = re.compile(r"^(?:[-+•–]\s|[a-zđ]\)\s|\d{1,2}[.)]\s|Điều\s+\d+|Chương\s+[IVXLC\d]+|Mục\s+\d+"
                          r"|Phần\s+[IVXLC\d]+)")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_ORDERED = re.compile(r"^(\d+)\. ")
_SCANNED = ("Tệp PDF «{name}» không có lớp chữ (có thể là bản quét hoặc ảnh chụp văn bản) nên không lấy được nội"
            " dung: chữ chỉ có thể đoán bằng nhận dạng ảnh, dễ sai số liệu. Hãy nhập từ tệp Word gốc"
            " (invoke import-docx), hoặc tạo văn bản bằng invoke new --type van-ban rồi đính kèm tệp PDF này vào"
            " trường dinh_kem.")

logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-but-readable PDFs: pypdf's warnings are noise


def convert(data: bytes, name: str, units: list[str]) -> Converted:
    """Convert the bytes of PDF ``name``; the PDF becomes the attachment. Raises ImportRefused."""
    pages = _pages(data, name)
    text_pages = [i for i, page in enumerate(pages) if page.strip()]
    if sum(len("".join(page.split())) for page in pages) < MIN_TEXT:
        raise ImportRefused(_SCANNED.format(name=name))
    notes = []
    empty = [i + 1 for i in range(len(pages)) if i not in text_pages]
    if empty:
        notes.append(f"Trang {', '.join(map(str, empty))} của tệp PDF không có chữ (có thể là trang quét) nên nội"
                     " dung các trang này không có trong phần nội dung; tệp PDF đầy đủ vẫn được đính kèm.")
    lines = [line.rstrip() for page in pages for line in page.split("\n") + [""]]
    lines = [line for line in lines if not _PAGE_NUMBER.match(line) or not line.strip()]
    reading = Reading()
    start = _letterhead(lines, units, reading)
    groups = _groups(lines[start:])
    used = read_title([[Line(" ".join(line.split())) for line in group] for group in groups], reading)
    paragraphs = _paragraphs(groups[used:], reading)
    read_effect(" ".join(paragraphs), reading)
    complete(reading)
    body = "\n\n".join(paragraphs)
    body = letters.review(unicodedata.normalize("NFC", body)).text.strip() + "\n"
    return Converted(body, reading, [], (name, data), notes + reading.notes)


def _pages(data: bytes, name: str) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(f"Tệp «{name}» lớn {len(data) // (1024 * 1024)} MB, vượt giới hạn"
                            f" {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if not data.startswith(b"%PDF"):
        raise ImportRefused(f"Tệp «{name}» không phải là tệp PDF (phần đầu tệp không phải %PDF).")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportRefused(f"Tệp PDF «{name}» có mật khẩu nên không đọc được nội dung; hãy lưu lại bản không"
                                " đặt mật khẩu rồi nhập lại.")
        if len(reader.pages) > MAX_PAGES:
            raise ImportRefused(f"Tệp PDF «{name}» có {len(reader.pages)} trang, vượt giới hạn {MAX_PAGES} trang của"
                                " một lần nhập.")
        return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except ImportRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ImportRefused(f"Tệp PDF «{name}» bị hỏng, không đọc được ({type(exc).__name__}). Hãy xuất lại tệp PDF"
                            " từ văn bản gốc rồi nhập lại.") from None


def _split(line: str, middle: int | None) -> tuple[str, str]:
    """A line of a two-column block → (left, right) at the column gap (or by where its text starts)."""
    pieces = [(m.start(), m.group()) for m in re.finditer(r"\S+(?: {1,2}\S+)*", line)]
    if not pieces:
        return "", ""
    if middle is None:
        middle = pieces[1][0] if len(pieces) > 1 else len(line)
    left = " ".join(text for start, text in pieces if start < middle)
    right = " ".join(text for start, text in pieces if start >= middle)
    return left, right


def _letterhead(lines: list[str], units: list[str], reading: Reading) -> int:
    """Read the two-column letterhead at the top of the first page; returns the first line after it."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _GAP.search(lines[first].strip()):
        return 0
    middle = _split_point(lines[first])
    end = first
    left, right = [], []
    while end < len(lines) and end - first < 10:
        line = lines[end]
        if not line.strip():
            if any(re.search(r"ngày\s+\d", r.text) for r in right):
                break
            end += 1
            continue
        a, b = _split(line, middle)
        if a:
            left.append(Line(a))
        if b:
            right.append(Line(b))
        end += 1
    if not is_letterhead(left, right):
        return 0
    read_letterhead(left, right, units, reading)
    return end


def _split_point(line: str) -> int:
    """The column boundary of a two-column line: halfway across the gap between its two texts."""
    match = _GAP.search(line.rstrip(), len(line) - len(line.lstrip()))
    return (match.start() + match.end()) // 2 if match else len(line)


def _groups(lines: list[str]) -> list[list[str]]:
    """Lines in groups separated by blank lines (the vertical gaps of the page)."""
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def _paragraphs(groups: list[list[str]], reading: Reading) -> list[str]:
    """Markdown paragraphs: a group's lines joined, a new paragraph at each list item or article; the
    signature block (two columns from "Nơi nhận:") read for the signer and written as two paragraphs."""
    out: list[str] = []
    for group in groups:
        if group[0].strip().lower().startswith("nơi nhận") and _GAP.search(group[0].strip()):
            middle = _split_point(group[0])
            left = [a for a, _ in (_split(line, middle) for line in group) if a]
            right = [b for _, b in (_split(line, middle) for line in group) if b]
            reading.set("nguoi_ky", signature([Line(r) for r in right]), "khối chữ ký cuối văn bản")
            out += ["  \n".join(_escape(r) for r in right), "  \n".join(_escape(a) for a in left)]
            continue
        current: list[str] = []
        indent = min(len(line) - len(line.lstrip()) for line in group)
        for line in group:
            text = " ".join(line.split())
            centred = len(line) - len(line.lstrip()) - indent > 12
            if current and (_STARTS_ITEM.match(text) or centred):
                out.append(_escape(" ".join(current)))
                current = []
            current.append(text)
            if centred:
                out.append(_escape(" ".join(current)))
                current = []
        if current:
            out.append(_escape(" ".join(current)))
    return [p for p in out if p.strip()]


def _escape(text: str) -> str:
    """Plain text as Markdown that shows it as written (a PDF has no formatting to keep)."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^(#+)", r"\\\1", text)
    return _ORDERED.sub(r"\1\\. ", text) if _ORDERED.match(text) and not text.startswith("1. ") else text

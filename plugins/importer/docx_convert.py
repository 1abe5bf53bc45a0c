"""A Word (.docx) document → the project's Markdown body and the front matter its standard parts state.

Stages, in order: open the package safely (:mod:`.docx_package`) → decode legacy-font runs
(:mod:`.legacy_fonts`) → read every table's grid from the XML (:mod:`.tables`, for the proof) → pandoc's
tree → letterhead, kind and trích yếu, signature (:mod:`.letterhead`) taken out of the body into fields →
styles and attributes removed, headings from ``##``, pictures set aside (:mod:`.tree`) → tables written as
HTML → Markdown (pandoc) → NFC and look-alike letters mended (:mod:`portal.letters`) → every table proved
cell by cell against the Word file, or the import refused.
"""

from __future__ import annotations

import posixpath
import unicodedata

from defusedxml.ElementTree import fromstring

from portal import attachments, letters

from . import legacy_fonts, pandoc, tables, tree
from .converted import IMAGE_TOKEN, Asset, Converted
from .docx_package import DOCUMENT, open_docx
from .errors import ImportRefused
from .letterhead import (
    Line,
    Reading,
    complete,
    is_letterhead,
    is_signature,
    read_effect,
    read_letterhead,
    read_title,
    signature,
)

IMAGE_TYPES = {ext for ext, kind in attachments.ALLOWED.items() if kind == "hình ảnh"} - {"svg"}
_TAIL = 3  # the signature table is among the last blocks


def convert(data: bytes, name: str, type_id: str, units: list[str]) -> Converted:
    """Convert the .docx bytes of file ``name`` for an item of ``type_id``; ``units`` are the province's
    unit names (how a letterhead's issuing body is spelled). Raises ImportRefused."""
    package = open_docx(data, name)
    decoded_xml, decoded = legacy_fonts.decode_document(package)
    docx = package.with_parts({DOCUMENT: decoded_xml}) if decoded_xml else data
    grids = tables.docx_grids(fromstring(decoded_xml or package.read(DOCUMENT)))
    document = pandoc.docx_tree(docx)
    blocks = document["blocks"]
    table_at = [i for i, block in enumerate(blocks) if block["t"] == "Table"]
    if len(table_at) != len(grids):
        raise ImportRefused(f"Văn bản có {len(grids)} bảng nhưng chỉ đọc được {len(table_at)} bảng (có thể có bảng"
                            " nằm trong khung văn bản - text box). Hãy đưa bảng ra khỏi khung rồi nhập lại.")
    reading = Reading()
    notes: list[str] = []
    blocks = _head(blocks, reading, units)
    blocks = _tail(blocks, reading)
    read_effect(" ".join(" ".join(line.text for line in tree.lines([b])) for b in blocks), reading)
    if type_id == "van-ban":
        complete(reading)
    title = _meta_title(document.get("meta", {}))
    if title:
        reading.set("tieu_de", title, "tiêu đề của tài liệu Word (kiểu Title)")
    elif not reading.fields.get("tieu_de") and blocks and blocks[0]["t"] == "Header":
        reading.set("tieu_de", tree.text(blocks[0]["c"][2]).strip(), "tiêu đề đầu tiên của văn bản")
        blocks = blocks[1:]

    images: list[Asset] = []

    def image(target: str, alt: str) -> str | None:
        member = posixpath.normpath(posixpath.join("word", target))
        extension = target.rsplit(".", 1)[-1].lower() if "." in target else ""
        if member not in package.names:
            notes.append(f"Ảnh «{target}» được liên kết tới tệp bên ngoài văn bản nên không được đưa vào; hãy chèn"
                         " ảnh vào văn bản (hoặc lưu vào thư mục anh/) rồi thêm vào bài.")
            return None
        if extension not in IMAGE_TYPES:
            notes.append(f"Ảnh «{posixpath.basename(target)}» ở dạng .{extension} (ảnh vẽ của Office), trình duyệt"
                         " không hiển thị được nên không được đưa vào bài; hãy lưu ảnh thành PNG (trong Word: bấm"
                         " chuột phải vào ảnh → Lưu dưới dạng ảnh) rồi chèn vào bài.")
            return None
        token = IMAGE_TOKEN.format(len(images) + 1)
        images.append(Asset(package.read(member) or b"", "jpg" if extension == "jpeg" else extension, token, alt))
        return token

    remaining = {id(b) for b in blocks}
    numbering = [n for n, i in enumerate(table_at) if id(document["blocks"][i]) in remaining]  # tables kept
    kept = [grids[n] for n in numbering]
    cleaned = tree.heading_shift(tree.clean(blocks, image))
    table_blocks = [b for b in cleaned if b["t"] == "Table"]
    written = tables.to_html(table_blocks, document["pandoc-api-version"],
                             lambda i: f"Bảng thứ {numbering[i] + 1} trong văn bản")
    written_iter = iter(written)
    cleaned = [{"t": "RawBlock", "c": ["html", next(written_iter)]} if b["t"] == "Table" else b for b in cleaned]
    markdown = pandoc.write(tree.document(cleaned, document["pandoc-api-version"]), pandoc.MARKDOWN)
    markdown = letters.review(unicodedata.normalize("NFC", markdown)).text.strip() + "\n"
    _prove(markdown, kept, numbering)
    if decoded:
        sample = decoded[0]
        table = "TCVN3" if sample.encoding == "tcvn3" else "VNI"
        notes.append(f"Đã chuyển {len(decoded)} đoạn chữ gõ bằng phông {sample.font} (bảng mã {table}) sang"
                     f" Unicode, ví dụ «{sample.before.strip()}» → «{sample.after.strip()}».")
    return Converted(markdown, reading, images, None, notes + reading.notes, len(decoded), len(kept))


def _head(blocks: list, reading: Reading, units: list[str]) -> list:
    """Take the letterhead table and the kind and trích yếu paragraphs out of the body, into ``reading``."""
    start = 0
    while start < len(blocks) and blocks[start]["t"] in ("Para", "Plain") and not tree.text(blocks[start]["c"]).strip():
        start += 1
    if start < len(blocks) and blocks[start]["t"] == "Table":
        left, right = _columns(blocks[start])
        if is_letterhead(left, right):
            read_letterhead(left, right, units, reading)
            start += 1
    paragraphs = []
    for block in blocks[start:]:
        if block["t"] not in ("Para", "Plain"):
            break
        paragraphs.append(tree.paragraph_lines(block))
    used = read_title(paragraphs, reading)
    return blocks[start + used:]


def _tail(blocks: list, reading: Reading) -> list:
    """The signature table at the end becomes paragraphs (a table only lays it out); its signer is read."""
    for index in range(len(blocks) - 1, max(-1, len(blocks) - 1 - _TAIL), -1):
        if blocks[index]["t"] != "Table":
            continue
        left, right = _columns(blocks[index])
        if not is_signature(left, right):
            break
        reading.set("nguoi_ky", signature(right), "khối chữ ký cuối văn bản")
        replacement = [tree.plain_paragraph(part) for part in (right, left) if part]
        return blocks[:index] + replacement + blocks[index + 1:]
    return blocks


def _columns(table: dict) -> tuple[list[Line], list[Line]]:
    """The lines of a two-column layout table: its first column and its last column, every row."""
    left: list[Line] = []
    right: list[Line] = []
    attr, caption, colspecs, head, bodies, foot = table["c"]
    rows = head[1] + [row for body in bodies for row in body[2] + body[3]] + foot[1]
    for row in rows:
        cells = row[1]
        if not cells:
            continue
        left += [line for line in tree.lines(cells[0][4]) if line.text]
        if len(cells) > 1:
            right += [line for line in tree.lines(cells[-1][4]) if line.text]
    return left, right


def _meta_title(meta: dict) -> str:
    title = meta.get("title")
    if not title:
        return ""
    if title["t"] == "MetaInlines":
        return " ".join(tree.text(title["c"]).split())
    if title["t"] == "MetaBlocks":
        return " ".join(line.text for line in tree.lines(title["c"]))
    return ""


def _prove(markdown: str, expected: list, numbering: list[int]) -> None:
    """Every kept table, as published, holds the Word table's cells at the same places; else refuse."""
    found = tables.html_grids(tables.published_html(markdown))
    if len(found) != len(expected):
        raise ImportRefused(f"Sau khi chuyển, nội dung có {len(found)} bảng thay vì {len(expected)}; văn bản không"
                            " được nhập để không làm sai lệch bảng.")
    for index, (grid_e, grid_f) in enumerate(zip(expected, found, strict=True)):
        problem = tables.difference(grid_e, grid_f)
        if problem:
            first = next((slot.text for row in grid_e for slot in row if slot.text), "")
            raise ImportRefused(f"Bảng thứ {numbering[index] + 1} trong văn bản (bắt đầu bằng «{first[:40]}») không"
                                f" chuyển được chính xác: {problem}. Văn bản không được nhập để không làm lệch dữ"
                                " liệu của bảng. Hãy kiểm tra các ô gộp của bảng trong Word (bỏ gộp những ô không"
                                " cần gộp) rồi nhập lại.")

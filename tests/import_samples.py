"""Real-looking documents for the import tests, made on the spot: a quyết định in Word (python-docx) and the
same kind of document as a text PDF and as a scan (printed by headless Chromium).

The Word file has what the importer must keep or read: the two-column letterhead table, the kind and
trích yếu lines, headings on two levels, a bulleted and a numbered list, runs typed in .VnTime (TCVN3) and
VNI-Times, a picture without description, a table whose merged cells pandoc's own HTML writer loses (a
merged header, a cell merged down the last column, a cell merged across a data row, a cell merged down
the second column), and the signature table.
"""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from portal.encoding import encode_legacy

NUMBER = "24/2026/QĐ-UBND"
SUBJECT = "Về việc ban hành Quy chế làm việc của Ban biên tập Cổng thông tin điện tử tỉnh"
TCVN3_TEXT = "Nghị định số 42/2022/NĐ-CP của Chính phủ"
VNI_TEXT = "Thông tư số 22/2025/TT-BTTTT hướng dẫn"
# The merged-cell table as it must be published: rows of (tag, text, rowspan, colspan).
TABLE = [
    [("th", "TT", 2, 1), ("th", "Bộ phận", 2, 1), ("th", "Nhiệm vụ", 1, 2), ("th", "Ghi chú", 2, 1)],
    [("th", "Biên tập", 1, 1), ("th", "Duyệt", 1, 1)],
    [("td", "1", 1, 1), ("td", "Văn phòng", 1, 1), ("td", "Có", 1, 1), ("td", "Không", 1, 1),
     ("td", "Đầu mối", 2, 1)],
    [("td", "2", 1, 1), ("td", "Công an xã", 1, 1), ("td", "Cả hai", 1, 2)],
    [("td", "3", 1, 1), ("td", "Tư pháp và Văn hóa", 2, 1), ("td", "Không", 1, 1), ("td", "Có", 1, 1),
     ("td", "Thành viên", 1, 1)],
    [("td", "4", 1, 1), ("td", "Có", 1, 1), ("td", "Có", 1, 1), ("td", "Thành viên", 1, 1)],
]


def png(width: int = 40, height: int = 20) -> bytes:
    """A small red PNG, written with the standard library."""
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _legacy(text: str, encoding: str) -> str:
    """``text`` as Word stores it in a legacy-font run: the Windows-1252 reading of its legacy bytes."""
    return encode_legacy(text, encoding).decode("cp1252")


def _bold(cell_or_doc, text: str, centre: bool = False):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.add_run(text).bold = True
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def quyet_dinh_docx(path: Path, nested_table: bool = False) -> Path:
    """Write the sample quyết định to ``path`` (with a table inside a cell when ``nested_table``)."""
    doc = Document()
    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.paragraphs[0].add_run("ỦY BAN NHÂN DÂN").bold = True
    _bold(left, "TỈNH MẪU")
    left.add_paragraph(f"Số: {NUMBER}")
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    _bold(right, "Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph().add_run("Mẫu, ngày 05 tháng 3 năm 2026").italic = True
    _bold(doc, "QUYẾT ĐỊNH", centre=True)
    _bold(doc, SUBJECT, centre=True)
    _bold(doc, "ỦY BAN NHÂN DÂN TỈNH MẪU", centre=True)
    doc.add_paragraph("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;")
    paragraph = doc.add_paragraph("Căn cứ ")
    paragraph.add_run(_legacy(TCVN3_TEXT, "tcvn3")).font.name = ".VnTime"
    paragraph.add_run(";")
    paragraph = doc.add_paragraph("Căn cứ ")
    paragraph.add_run(_legacy(VNI_TEXT, "vni")).font.name = "VNI-Times"
    paragraph.add_run(";")
    _bold(doc, "QUYẾT ĐỊNH:", centre=True)
    doc.add_heading("Điều 1. Ban hành Quy chế", level=1)
    paragraph = doc.add_paragraph("Ban hành kèm theo Quyết định này Quy chế với các nội dung ")
    paragraph.add_run("chính").italic = True
    paragraph.add_run(":")
    doc.add_paragraph("Nguyên tắc làm việc;", style="List Bullet")
    doc.add_paragraph("Nhiệm vụ của thành viên;", style="List Bullet")
    doc.add_heading("Quy trình đăng tin", level=2)
    doc.add_paragraph("Tiếp nhận tin bài", style="List Number")
    doc.add_paragraph("Duyệt và đăng tin", style="List Number")
    doc.add_heading("Điều 2. Phân công", level=1)
    table = doc.add_table(rows=6, cols=5)
    table.style = "Table Grid"
    values = [["TT", "Bộ phận", "Nhiệm vụ", "", "Ghi chú"], ["", "", "Biên tập", "Duyệt", ""],
              ["1", "Văn phòng", "Có", "Không", "Đầu mối"], ["2", "Công an xã", "Cả hai", "", ""],
              ["3", "Tư pháp", "Không", "Có", "Thành viên"], ["4", "Văn hóa", "Có", "Có", "Thành viên"]]
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Nhiệm vụ"
    table.cell(0, 0).merge(table.cell(1, 0)).text = "TT"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Bộ phận"
    table.cell(0, 4).merge(table.cell(1, 4)).text = "Ghi chú"
    table.cell(2, 4).merge(table.cell(3, 4)).text = "Đầu mối"
    table.cell(3, 2).merge(table.cell(3, 3)).text = "Cả hai"
    table.cell(4, 1).merge(table.cell(5, 1)).text = "Tư pháp và Văn hóa"
    if nested_table:
        table.cell(5, 4).add_table(rows=1, cols=2)
    picture = path.with_suffix(".png")
    picture.write_bytes(png())
    doc.add_picture(str(picture), width=Cm(3))
    doc.add_paragraph("Điều 3. Quyết định này có hiệu lực kể từ ngày ký.")
    signature = doc.add_table(rows=1, cols=2)
    signature.cell(0, 0).paragraphs[0].add_run("Nơi nhận:").bold = True
    signature.cell(0, 0).add_paragraph("- Như Điều 3;")
    signature.cell(0, 0).add_paragraph("- Lưu: VT.")
    signature.cell(0, 1).paragraphs[0].add_run("TM. ỦY BAN NHÂN DÂN").bold = True
    _bold(signature.cell(0, 1), "CHỦ TỊCH")
    _bold(signature.cell(0, 1), "Nguyễn Văn An")
    doc.save(path)
    return path


PDF_NUMBER = "15/QĐ-UBND"
PDF_HTML = """<!doctype html><html lang="vi"><meta charset="utf-8"><style>
body{font-family:'DejaVu Serif','Liberation Serif',serif;font-size:13pt}
table{width:100%} td{vertical-align:top;text-align:center;width:50%} .c{text-align:center;font-weight:bold}
</style><body>
<table><tr><td>ỦY BAN NHÂN DÂN<br><b>TỈNH MẪU</b><br>Số: 15/QĐ-UBND</td>
<td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br>
<i>Mẫu, ngày 10 tháng 3 năm 2026</i></td></tr></table>
<p class="c">QUYẾT ĐỊNH<br>Về việc thành lập Ban biên tập Cổng thông tin điện tử tỉnh</p>
<p class="c">CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH MẪU</p>
<p>Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;</p>
<p>Căn cứ Nghị định số 42/2022/NĐ-CP ngày 24 tháng 6 năm 2022 của Chính phủ quy định về việc cung cấp thông
tin và dịch vụ công trực tuyến của cơ quan nhà nước trên môi trường mạng;</p>
<p class="c">QUYẾT ĐỊNH:</p>
<p><b>Điều 1.</b> Thành lập Ban biên tập Cổng thông tin điện tử tỉnh gồm các ông, bà có tên sau đây.</p>
<p><b>Điều 2.</b> Quyết định có hiệu lực kể từ ngày 15 tháng 3 năm 2026.</p>
<table><tr><td style="text-align:left"><b><i>Nơi nhận:</i></b><br>- Như Điều 2;<br>- Lưu: VT.</td>
<td><b>CHỦ TỊCH</b><br><br><br><b>Trần Thị Bình</b></td></tr></table>
</body></html>"""


def text_pdf(browser, path: Path) -> Path:
    """The sample as a text PDF, printed by Chromium."""
    page = browser.new_page()
    page.set_content(PDF_HTML)
    page.pdf(path=str(path), format="A4")
    page.close()
    return path


def scanned_pdf(browser, path: Path) -> Path:
    """The same page as a scan: a picture of the text, printed into a PDF that has no text layer."""
    page = browser.new_page(viewport={"width": 800, "height": 1100})
    page.set_content(PDF_HTML)
    picture = base64.b64encode(page.screenshot(full_page=True)).decode()
    page.set_content(f'<!doctype html><body style="margin:0"><img alt="" style="width:100%"'
                     f' src="data:image/png;base64,{picture}"></body>')
    page.pdf(path=str(path), format="A4")
    page.close()
    return path

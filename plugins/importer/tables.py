"""Tables of a Word document, kept cell for cell: written as HTML with ``colspan``/``rowspan``, then proved.

pandoc's reader sees merged cells right, but its writers do not always: on a table with a merged header
and a cell merged down the last column, pandoc 3.9 dropped two merged cells from its HTML
(docs/import.md). So the importer writes each table's HTML itself from pandoc's tree (the cells' content
still written by pandoc, all cells in one run), and then proves the result: every table of the Word file
is read a second time, straight from its XML (``w:gridSpan``, ``w:vMerge``), into a grid of slots, and
compared slot by slot with the grid of the table as the portal will publish it (the Markdown body rendered
and cleaned as the build does). Any difference refuses the import with the table, row and column named:
a table is never published with a cell moved or missing.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from xml.etree import ElementTree

from bs4 import BeautifulSoup

from portal import letters, markup, sanitize

from . import pandoc
from .docx_package import w
from .errors import ImportRefused

_MARK = "@@o-bang-{}@@"
_MARK_SPLIT = re.compile(r"<p>@@o-bang-(\d+)@@</p>\n?")


# --- writing ---------------------------------------------------------------------------------------------

def to_html(tables: list[dict], api_version: list, label) -> list[str]:
    """The HTML of each pandoc Table block. ``label(i)`` names table ``i`` in messages."""
    cells: list[list] = []
    for number, table in enumerate(tables):
        for _, _, cell in _cells(table):
            if _nested(cell[4]):
                raise ImportRefused(f"{label(number)} có bảng lồng trong một ô. Bảng lồng nhau không hiển thị"
                                    " được trên điện thoại và dễ lệch ô: hãy tách bảng bên trong thành bảng riêng"
                                    " trong Word rồi nhập lại.")
            cells.append(cell[4])
    contents = _cell_contents(cells, api_version)
    out, position = [], 0
    for table in tables:
        attr, caption, colspecs, head, bodies, foot = table["c"]
        rows = ["<table>"]
        caption_text = " ".join(_plain(caption[1]).split())
        if caption_text:
            rows.append(f"<caption>{html.escape(caption_text)}</caption>")
        sections = [("thead", head[1], True, 0)] + \
                   [("tbody", body[2] + body[3], False, body[1]) for body in bodies] + [("tfoot", foot[1], False, 0)]
        for tag, section_rows, header, row_heads in sections:
            if not section_rows:
                continue
            rows.append(f"<{tag}>")
            for row in section_rows:
                parts = []
                for column, cell in enumerate(row[1]):
                    name = "th" if header or column < row_heads else "td"
                    spans = (f' rowspan="{cell[2]}"' if cell[2] > 1 else "") + \
                            (f' colspan="{cell[3]}"' if cell[3] > 1 else "")
                    parts.append(f"<{name}{spans}>{contents[position]}</{name}>")
                    position += 1
                rows.append("<tr>" + "".join(parts) + "</tr>")
            rows.append(f"</{tag}>")
        rows.append("</table>")
        out.append("\n".join(rows))
    return out


def _cells(table: dict):
    attr, caption, colspecs, head, bodies, foot = table["c"]
    for row in head[1]:
        for cell in row[1]:
            yield "head", row, cell
    for body in bodies:
        for row in body[2] + body[3]:
            for cell in row[1]:
                yield "body", row, cell
    for row in foot[1]:
        for cell in row[1]:
            yield "foot", row, cell


def _nested(blocks: list) -> bool:
    return any(b["t"] == "Table" or (b["t"] == "Div" and _nested(b["c"][1])) for b in blocks)


def _plain(blocks: list) -> str:
    from .tree import lines

    return " ".join(line.text for line in lines(blocks))


def _cell_contents(cells: list[list], api_version: list) -> list[str]:
    """Every cell's content as HTML, written by pandoc in one run (a marker paragraph before each)."""
    if not cells:
        return []
    blocks = []
    for index, content in enumerate(cells):
        blocks.append({"t": "Para", "c": [{"t": "Str", "c": _MARK.format(index)}]})
        blocks += content
    written = pandoc.write({"pandoc-api-version": api_version, "meta": {}, "blocks": blocks}, "html")
    parts = _MARK_SPLIT.split(written)
    found = {int(parts[i]): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if sorted(found) != list(range(len(cells))):
        raise ImportRefused("Không tách được nội dung các ô bảng khi chuyển đổi; văn bản không được nhập.")
    # One paragraph in a cell is written as its text, as Word shows it.
    return [re.sub(r"^<p>(.*)</p>$", r"\1", found[i], flags=re.DOTALL) if found[i].count("<p>") == 1
            else found[i] for i in range(len(cells))]


# --- proving -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    """One position of a table's grid: the text of the cell covering it, and where that cell starts."""

    text: str
    origin: tuple[int, int]


Grid = list[list[Slot]]


def docx_grids(root: ElementTree.Element) -> list[Grid]:
    """The grid of every top-level table of ``word/document.xml``, in document order (nested tables are
    part of their cell's text; tables in text boxes are left out, as pandoc leaves them)."""
    body = root.find(w("body"))
    grids = []
    for table in _top_tables(body if body is not None else root):
        grids.append(_docx_grid(table))
    return grids


def _top_tables(element: ElementTree.Element):
    for child in element:
        if child.tag == w("tbl"):
            yield child
        elif child.tag in (w("sdt"), w("sdtContent"), w("customXml")):
            yield from _top_tables(child)


def _row_cells(row: ElementTree.Element):
    for child in row:
        if child.tag == w("tc"):
            yield child
        elif child.tag in (w("sdt"), w("sdtContent"), w("customXml")):
            yield from _row_cells(child)


def _docx_grid(table: ElementTree.Element) -> Grid:
    grid: Grid = []
    origins: dict[int, tuple[int, int]] = {}  # column → the cell a vertical merge continues
    texts: dict[tuple[int, int], list[str]] = {}
    for r, row in enumerate(child for child in table if child.tag == w("tr")):
        slots: list[tuple[int, int] | None] = []
        before = row.find(f"{w('trPr')}/{w('gridBefore')}")
        slots += [None] * int(before.get(w("val"), "0")) if before is not None else []
        for cell in _row_cells(row):
            props = cell.find(w("tcPr"))
            span_el = props.find(w("gridSpan")) if props is not None else None
            span = int(span_el.get(w("val"), "1")) if span_el is not None else 1
            merge = props.find(w("vMerge")) if props is not None else None
            column = len(slots)
            continues = merge is not None and merge.get(w("val"), "continue") == "continue" and column in origins
            origin = origins[column] if continues else (r, column)
            if not continues:
                texts[origin] = [_cell_text(cell)]
            for offset in range(span):
                slots.append(origin)
                origins[column + offset] = origin
        grid.append([Slot(_norm(" ".join(texts[o])), o) if o is not None else Slot("", (r, i))
                     for i, o in enumerate(slots)])
    width = max((len(row) for row in grid), default=0)
    return [row + [Slot("", (r, c)) for c in range(len(row), width)] for r, row in enumerate(grid)]


def _cell_text(cell: ElementTree.Element) -> str:
    """The text a cell shows: its ``w:t`` (not deleted text, not field codes), a space between paragraphs."""
    out = []
    for node in cell.iter():
        if node.tag == w("t"):
            out.append(node.text or "")
        elif node.tag in (w("p"), w("tab"), w("br"), w("cr")):
            out.append(" ")
    return "".join(out)


def html_grids(body_html: str) -> list[Grid]:
    """The grid of every top-level table of published HTML."""
    soup = BeautifulSoup(body_html, "html.parser")
    grids = []
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        grid: dict[tuple[int, int], Slot] = {}
        for r, tr in enumerate(rows):
            column = 0
            for cell in tr.find_all(["td", "th"], recursive=False):
                while (r, column) in grid:
                    column += 1
                rowspan, colspan = _span(cell.get("rowspan")), _span(cell.get("colspan"))
                slot = Slot(_norm(cell.get_text(" ")), (r, column))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        if r + dr < len(rows):
                            grid[(r + dr, column + dc)] = slot
                column += colspan
        width = max((c for _, c in grid), default=-1) + 1
        grids.append([[grid.get((r, c), Slot("", (r, c))) for c in range(width)] for r in range(len(rows))])
    return grids


def _span(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\u2011": "-"})


def _norm(text: str) -> str:
    """Text as compared: NFC with the look-alikes the check mends, one kind of quotes, single spaces."""
    return " ".join(letters.review(unicodedata.normalize("NFC", text)).text.translate(_QUOTES).split())


def published_html(markdown: str) -> str:
    """The body as the portal publishes it: rendered by the build's Markdown, cleaned by its sanitizer."""
    return sanitize.clean(markup.convert(markdown))


def difference(expected: Grid, found: Grid) -> str | None:
    """None when the two grids hold the same cells at the same places; else what differs (Vietnamese)."""
    if len(expected) != len(found) or (expected and len(expected[0]) != len(found[0])):
        return (f"bảng trong Word có {len(expected)} dòng × {len(expected[0]) if expected else 0} cột nhưng sau khi"
                f" chuyển có {len(found)} dòng × {len(found[0]) if found else 0} cột")
    for r, (row_e, row_f) in enumerate(zip(expected, found, strict=True)):
        if len(row_e) != len(row_f):
            return f"dòng {r + 1}: trong Word có {len(row_e)} ô, sau khi chuyển có {len(row_f)} ô"
        for c, (slot_e, slot_f) in enumerate(zip(row_e, row_f, strict=True)):
            if slot_e.text != slot_f.text:
                return (f"dòng {r + 1}, cột {c + 1}: trong Word là «{slot_e.text or '(ô trống)'}», sau khi chuyển"
                        f" là «{slot_f.text or '(ô trống)'}»")
            same_e = (r - slot_e.origin[0], c - slot_e.origin[1])
            same_f = (r - slot_f.origin[0], c - slot_f.origin[1])
            if same_e != same_f:
                return (f"dòng {r + 1}, cột {c + 1}: ô gộp «{slot_e.text or '(ô trống)'}» không còn gộp đúng như"
                        " trong Word")
    return None

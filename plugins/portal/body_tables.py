"""Tables in item bodies, labelled for small screens.

Below 768 px the theme shows a data table marked ``table--stack`` as one card per row, each cell
preceded by its column header (``portal.css``; ``docs/theme.md``). Templates write that header into each
cell's ``data-label`` themselves; a table an editor writes in Markdown (a budget disclosure's figures, a
list of documents) gets it here, from its own header row, after the body has been sanitised.

A table qualifies when it has exactly one header row (``<thead>`` with one ``<tr>``), at least
``MIN_COLUMNS`` columns, no ``colspan``/``rowspan`` and no table inside it: then every header maps to one
column and the label of each cell is certain. Any other table is left as written (it keeps the sideways
scrolling wrapper ``portal.js`` gives it). Nothing but attributes is added: the text, and so the search
index and the summaries, stay the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

MIN_COLUMNS = 3          # two-column tables fit a phone as they are
STACK_CLASS = "table--stack"
_SPANS = {"colspan", "rowspan"}


@dataclass
class _Tag:
    """A start tag as written: where it is in the HTML, its raw text, its attributes."""

    start: int
    text: str
    attrs: list[tuple[str, str | None]]


@dataclass
class _Table:
    tag: _Tag
    header_rows: int = 0
    headers: list[str] = field(default_factory=list)
    rows: list[list[_Tag]] = field(default_factory=list)   # cells of every row outside <thead>
    in_head: bool = False
    header_text: list[str] | None = None                  # text of the <th> being read, if any
    broken: bool = False                                   # spans, nested table, odd shape: leave alone


class _Scanner(HTMLParser):
    """Finds every table of a body with its header texts and the start tags of its other cells."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0]
        for i, ch in enumerate(html):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.open: list[_Table] = []
        self.done: list[_Table] = []

    def _here(self, attrs) -> _Tag:
        line, column = self.getpos()
        return _Tag(self.line_starts[line - 1] + column, self.get_starttag_text() or "", attrs)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            for outer in self.open:
                outer.broken = True  # a table inside a cell: the outer one's columns are not certain
            self.open.append(_Table(self._here(attrs)))
            return
        if not self.open:
            return
        table = self.open[-1]
        if tag in ("td", "th") and any(name in _SPANS for name, _ in attrs):
            table.broken = True
        if tag == "thead":
            table.in_head = True
        elif tag in ("tbody", "tfoot"):
            table.in_head = False
        elif tag == "tr":
            if table.in_head:
                table.header_rows += 1
            else:
                table.rows.append([])
        elif tag in ("td", "th"):
            if table.in_head:
                table.header_text = []
            elif table.rows:
                table.rows[-1].append(self._here(attrs))
            else:
                table.broken = True  # a cell outside any row

    def handle_endtag(self, tag):
        if not self.open:
            return
        table = self.open[-1]
        if tag == "table":
            self.done.append(self.open.pop())
        elif tag == "thead":
            table.in_head = False
        elif tag in ("td", "th") and table.header_text is not None:
            table.headers.append(" ".join("".join(table.header_text).split()))
            table.header_text = None

    def handle_data(self, data):
        if self.open and self.open[-1].header_text is not None:
            self.open[-1].header_text.append(data)


def _qualifies(table: _Table) -> bool:
    columns = len(table.headers)
    return (not table.broken and table.header_rows == 1 and columns >= MIN_COLUMNS
            and all(len(row) <= columns for row in table.rows))


def _start_tag(name: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [name] + [key if value is None else f'{key}="{escape(value, quote=True)}"' for key, value in attrs]
    return "<" + " ".join(parts) + ">"


def label(html: str) -> str:
    """``html`` with each qualifying table marked ``table--stack`` and each of its cells labelled.

    Every ``<td>`` outside the header row gets ``data-label="<its column's header text>"`` (a cell whose
    header is empty gets none); ``<th>`` cells in the body are row headers and stay unlabelled.
    """
    if "<table" not in html:
        return html
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    edits: list[tuple[int, int, str]] = []
    for table in scanner.done:
        if not _qualifies(table):
            continue
        attrs = dict(table.tag.attrs)
        classes = (attrs.get("class") or "").split()
        if STACK_CLASS not in classes:
            attrs["class"] = " ".join(classes + [STACK_CLASS])
        edits.append((table.tag.start, len(table.tag.text), _start_tag("table", list(attrs.items()))))
        for row in table.rows:
            for column, cell in enumerate(row):
                header = table.headers[column]
                if not cell.text.lower().startswith("<td") or not header:
                    continue
                cell_attrs = [(k, v) for k, v in cell.attrs if k != "data-label"] + [("data-label", header)]
                edits.append((cell.start, len(cell.text), _start_tag("td", cell_attrs)))
    for start, length, text in sorted(edits, reverse=True):
        html = html[:start] + text + html[start + length:]
    return html

"""Tables an editor writes in Markdown get their column headers on every cell (portal/body_tables.py), for
the phone layout; any table whose columns are not certain is left exactly as written. The built page is
checked in tests/test_small_screens.py (the budget disclosure of the sample sở)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from portal import body_tables, markup, sanitize

BUDGET = """Số liệu công khai:

| STT | Nội dung | Dự toán "được giao" & điều chỉnh (triệu đồng) | Ghi chú |
|---|---|--:|---|
| A | **Tổng thu** | 1.250 | Phí <em>thẩm định</em> |
| 1 | Phí được để lại | 812 | |
"""


def rendered(body: str) -> str:
    """The body as the reader has it before labelling: Markdown rendered, then sanitised."""
    return sanitize.clean(markup.convert(body))


def text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_each_cell_of_a_markdown_table_is_labelled_with_its_column_header():
    before = rendered(BUDGET)
    after = body_tables.label(before)
    table = BeautifulSoup(after, "html.parser").table
    assert table["class"] == ["table--stack"]
    rows = [[(td.get("data-label"), td.get_text()) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    header = 'Dự toán "được giao" & điều chỉnh (triệu đồng)'
    assert rows == [[("STT", "A"), ("Nội dung", "Tổng thu"), (header, "1.250"), ("Ghi chú", "Phí thẩm định")],
                    [("STT", "1"), ("Nội dung", "Phí được để lại"), (header, "812"), ("Ghi chú", "")]]
    # the header text is escaped inside the attribute; the alignment class of the column is kept
    assert 'data-label="Dự toán &quot;được giao&quot; &amp; điều chỉnh (triệu đồng)"' in after
    assert table.tbody.find_all("td")[2]["class"] == ["align-right"]
    # only attributes were added: the text (search index, summaries) is the same
    assert text(after) == text(before)
    assert re.sub(r' (class="table--stack"|data-label="[^"]*")', "", after) == before


def test_tables_whose_columns_are_not_certain_are_left_as_written():
    two_columns = rendered("| Lĩnh vực | Số thủ tục |\n|---|---|\n| Hộ tịch | 12 |\n")
    spans = ('<table><thead><tr><th>A</th><th>B</th><th>C</th></tr></thead>'
             '<tbody><tr><td colspan="2">gộp</td><td>c</td></tr></tbody></table>')
    two_header_rows = ('<table><thead><tr><th>A</th><th colspan="2">B</th></tr><tr><th>x</th><th>y</th><th>z</th></tr>'
                       '</thead><tbody><tr><td>1</td><td>2</td><td>3</td></tr></tbody></table>')
    no_header = "<table><tbody><tr><td>1</td><td>2</td><td>3</td></tr></tbody></table>"
    too_many_cells = ('<table><thead><tr><th>A</th><th>B</th><th>C</th></tr></thead>'
                      '<tbody><tr><td>1</td><td>2</td><td>3</td><td>4</td></tr></tbody></table>')
    for html in (two_columns, spans, two_header_rows, no_header, too_many_cells, "<p>Không có bảng</p>"):
        assert body_tables.label(html) == html


def test_a_table_inside_a_cell_leaves_the_outer_table_alone_and_labels_the_inner_one():
    inner = ('<table><thead><tr><th>X</th><th>Y</th><th>Z</th></tr></thead>'
             '<tbody><tr><td>x</td><td>y</td><td>z</td></tr></tbody></table>')
    html = (f'<table class="bang-rieng"><thead><tr><th>A</th><th>B</th><th>C</th></tr></thead>'
            f'<tbody><tr><td>1</td><td>{inner}</td><td>3</td></tr></tbody></table>')
    soup = BeautifulSoup(body_tables.label(html), "html.parser")
    outer, nested = soup.find_all("table")
    assert outer["class"] == ["bang-rieng"] and not outer.tbody.tr.find("td").get("data-label")
    assert nested["class"] == ["table--stack"] and [td["data-label"] for td in nested.find_all("td")] == ["X", "Y", "Z"]


def test_an_editor_class_is_kept_and_a_row_header_cell_is_not_labelled():
    html = ('<table class="so-lieu"><thead><tr><th>Chỉ tiêu</th><th>Kế hoạch</th><th>Thực hiện</th></tr></thead>'
            '<tbody><tr><th>Thu ngân sách</th><td>10</td><td data-label="cũ">11</td></tr></tbody></table>')
    soup = BeautifulSoup(body_tables.label(html), "html.parser")
    assert soup.table["class"] == ["so-lieu", "table--stack"]
    assert soup.tbody.th.get("data-label") is None
    assert [td["data-label"] for td in soup.tbody.find_all("td")] == ["Kế hoạch", "Thực hiện"]

"""Pictures in a body without alternative text are errors on their Markdown line (portal.alt_text)."""

from conftest import copy_case

from portal import alt_text, check
from portal.problems import ERROR

BODY = """Tin có ảnh.

![Hội trường tầng 2 trong buổi họp](anh/minh-hoa.svg)

Ảnh chưa mô tả: ![](anh/minh-hoa.svg)

<img src="anh/minh-hoa.svg" alt=" ">

`![](anh/trong-ma-nguon.svg)` là mã nguồn, không phải ảnh.
"""


def test_pictures_without_alternative_text_are_errors_on_their_lines(tmp_path):
    root = copy_case("basic", tmp_path / "proj")
    item = root / "content" / "so-mau" / "tin-tuc" / "anh-chua-mo-ta.md"
    item.write_text('---\ntieu_de: "Tin có ảnh chưa mô tả"\nngay: 2026-03-02\n---\n' + BODY, encoding="utf-8")
    result = check.check_site(root / "content" / "so-mau", root)
    found = [(p.line, p.severity, p.found) for p in result.problems if p.code == alt_text.CODE]
    rel = "content/so-mau/tin-tuc/anh-chua-mo-ta.md"
    assert all(p.path == rel for p in result.problems if p.code == alt_text.CODE)
    assert found == [(9, ERROR, "«Ảnh chưa mô tả: ![](anh/minh-hoa.svg)»"),
                     (11, ERROR, '«<img src="anh/minh-hoa.svg" alt=" ">»')]
    assert not result.ok
    first = next(p for p in result.problems if p.code == alt_text.CODE)
    assert first.format().startswith(f"{rel}:9: LỖI: Ảnh trong phần nội dung chưa có mô tả (văn bản thay thế")
    assert "![mô tả điều ảnh thể hiện](anh/minh-hoa.svg)" in first.expected
    second = [p for p in result.problems if p.code == alt_text.CODE][1]
    assert second.expected.startswith('<img src="anh/minh-hoa.svg" alt="mô tả điều ảnh thể hiện">')


def test_many_pictures_are_listed_five_then_counted():
    body = "\n\n".join(f"![](anh/a{i}.png)" for i in range(8))
    html = "".join(f'<p><img alt="" src="anh/a{i}.png"></p>' for i in range(8))
    problems = alt_text.missing(html, body, 10, "x.md")
    assert [p.line for p in problems] == [10, 12, 14, 16, 18, 10]
    assert problems[-1].message.startswith("Còn 3 ảnh khác trong tệp này cũng chưa có mô tả")

"""Front matter: YAML with line numbers and without YAML 1.1 surprises."""

import pytest

from portal.frontmatter import FrontMatterError, parse


def test_values_keep_what_the_editor_wrote():
    parsed = parse('---\ntieu_de: Tin\nngay: 2026-03-02\ngio: 08:30\nbuoi: no\nso: 12\nco: true\n---\nThân bài\n')
    assert parsed.data == {"tieu_de": "Tin", "ngay": "2026-03-02", "gio": "08:30", "buoi": "no", "so": 12, "co": True}
    assert parsed.body == "Thân bài\n"
    assert parsed.body_line == 9


def test_line_numbers_for_nested_keys():
    parsed = parse("---\na: 1\nlich:\n  - ngay: 2026-03-02\n    noi_dung: Họp\n  - ngay: 2026-03-03\n---\n")
    assert parsed.lines[("a",)] == 2
    assert parsed.lines[("lich", 0, "noi_dung")] == 5
    assert parsed.lines[("lich", 1, "ngay")] == 6
    assert parsed.line_of(("lich", 1, "khong_co")) == 6


def test_duplicate_keys_are_reported_not_merged():
    parsed = parse("---\ntieu_de: Một\ntieu_de: Hai\n---\n")
    assert parsed.data["tieu_de"] == "Một"
    assert parsed.duplicates == [(("tieu_de",), 3)]


@pytest.mark.parametrize("text, line, words", [
    ("tieu_de: Tin\n", 1, "không bắt đầu"),
    ("---\ntieu_de: Tin\n", 1, "không có dòng «---» kết thúc"),
    ("---\ntieu_de: Tin\n\tngay: 2026\n---\n", 3, "Tab"),
    ("---\ntieu_de: \"chưa đóng\n---\n", 2, "YAML"),
    ("---\n---\n", 2, "trống"),
    ("---\n- mot\n- hai\n---\n", 2, "tên: giá trị"),
])
def test_unreadable_front_matter_names_the_line(text, line, words):
    with pytest.raises(FrontMatterError) as info:
        parse(text)
    assert info.value.line == line
    assert words in info.value.message + info.value.expected

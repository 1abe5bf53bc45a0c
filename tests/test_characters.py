"""Invisible and hostile characters (plugins/portal/characters.py), double-encoded text
(plugins/portal/encoding.py) and the YAML reader's refusals (plugins/portal/frontmatter.py), on real
files checked by the real check."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from portal import check, document, limits
from portal.encoding import find_double_encoding
from portal.frontmatter import FrontMatterError, parse
from portal.problems import ERROR, WARNING

SITE_YAML = ROOT / "tests" / "bad-input" / "content" / "xa-hong" / "site.yaml"
HEAD = 'tieu_de: "Tin kiểm tra ký tự đặc biệt"\nngay: 2026-03-01\n'


def load(tmp_path: Path, text: str | bytes, name: str = "tin.md"):
    site = tmp_path / "content" / "xa"
    (site / "tin-tuc").mkdir(parents=True, exist_ok=True)
    (site / "site.yaml").write_bytes(SITE_YAML.read_bytes())
    path = site / "tin-tuc" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return document.load(path, site, "tin-tuc", tmp_path)


CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f"] + \
    [chr(c) for c in range(0x80, 0xA0)] + ["\ufffe", "\uffff"]


@pytest.mark.parametrize("char", CONTROLS[1:], ids=lambda c: f"U+{ord(c):04X}")  # NUL: the encoding check's
def test_every_control_character_is_an_error_in_the_body(tmp_path, char):
    doc, problems = load(tmp_path, f"---\n{HEAD}---\nMột dòng.\nChữ{char} ở đây.\n")
    [problem] = [p for p in problems if p.code == "ky-tu-dieu-khien"]
    assert (problem.line, problem.severity) == (6, ERROR)
    assert f"(U+{ord(char):04X}" in problem.message and "ở cột 4" in problem.message


def test_tab_and_crlf_are_fine(tmp_path):
    text = f"---\n{HEAD}---\n| a\t| b |\n|---|---|\n| 1\t| 2 |\n"
    doc, problems = load(tmp_path, text.replace("\n", "\r\n"))
    assert problems == [] and doc is not None


def test_a_lone_carriage_return_is_a_warning_on_its_line(tmp_path):
    doc, problems = load(tmp_path, f"---\n{HEAD}---\nDòng một.\nDòng hai\rvẫn dòng hai.\n")
    [problem] = problems
    assert (problem.line, problem.severity, problem.code) == (6, WARNING, "xuong-dong-cr")


def test_many_control_characters_are_listed_five_times_then_counted(tmp_path):
    doc, problems = load(tmp_path, f"---\n{HEAD}---\n" + "chữ\x0b" * 40 + "\n")
    controls = [p for p in problems if p.code == "ky-tu-dieu-khien"]
    assert len(controls) == 6 and "Còn 35 ký tự tương tự khác" in controls[-1].message


def test_a_control_character_in_a_multi_line_value_names_its_field(tmp_path):
    doc, problems = load(tmp_path, f"---\n{HEAD}tom_tat: |\n  Dòng đầu của tóm tắt.\n  Dòng\x1b sau.\n---\nNội dung.\n")
    [problem] = problems
    assert (problem.line, problem.field, problem.label) == (6, "tom_tat", "Tóm tắt")


def test_the_file_s_other_problems_are_still_reported(tmp_path):
    doc, problems = load(tmp_path, '---\ntieu_de: "Tin có chuông\x07"\nngay: 2026-02-30\n---\nNội dung.\n')
    assert [(p.line, p.field, p.code) for p in problems] == [(2, "tieu_de", "ky-tu-dieu-khien"),
                                                             (3, "ngay", "sai-dinh-dang")]


@pytest.mark.parametrize("field, strict", [("tieu_de", True), ("duong_dan", True), ("tom_tat", False)])
def test_bidi_controls_are_errors_in_titles_and_addresses_warnings_elsewhere(tmp_path, field, strict):
    value = "tin-\u202ephe-duyet" if field == "duong_dan" else "Tin \u202ephê duyệt"
    head = HEAD if field != "tieu_de" else "ngay: 2026-03-01\n"
    doc, problems = load(tmp_path, f"---\n{head}{field}: \"{value}\"\n---\nNội dung.\n")
    bidi = [p for p in problems if p.code == "ky-tu-huong-chu"]
    assert len(bidi) == 1 and bidi[0].field == field
    assert bidi[0].severity == (ERROR if strict else WARNING)


def test_bidi_marks_are_warnings(tmp_path):
    doc, problems = load(tmp_path, f"---\n{HEAD}---\nChữ\u200f có dấu ẩn.\n")
    [problem] = problems
    assert (problem.line, problem.severity) == (5, WARNING) and "«RLM» (U+200F)" in problem.message


@pytest.mark.parametrize("text, found", [
    ("ThÃ´ng bÃ¡o lá»‹ch tiáº¿p cÃ´ng dÃ¢n", ("ThÃ´ng", "Thông")),
    ("Cá»™ng hÃ²a xÃ£ há»™i chá»§ nghÄ©a Viá»‡t Nam", ("Cá»™ng", "Cộng")),
    ("Quyáº¿t Ä‘á»‹nh sá»‘ 12", ("Quyáº¿t", "Quyết")),
])
def test_double_encoded_vietnamese_is_found(text, found):
    bad, good, offset, count = find_double_encoding(text)
    assert (bad, good) == found and count >= 2


def test_no_double_encoding_is_found_in_real_vietnamese_or_foreign_names():
    texts = ["Thông báo lịch tiếp công dân", "Müller, Ångström, São Paulo, Café, naïve, Ã là chữ cái", "Â Ê Ô Ă Đ"]
    for folder in ("content", "tests/sites"):
        for path in (ROOT / folder).rglob("*.md"):
            try:
                texts.append(path.read_bytes().decode("utf-8"))
            except UnicodeDecodeError:
                continue  # the legacy-encoding samples
    assert [t[:40] for t in texts if find_double_encoding(t)] == []


@pytest.mark.parametrize("yaml_text, words", [
    ("tieu_de: &t Tin\nngay: 2026-03-01\n", "«&t»"),
    ("tieu_de: Tin\nngay: 2026-03-01\nghi_chu: *quan trọng*\n", "«*quan»"),
    ("a: &a {x: 1}\ntieu_de: Tin\n<<: *a\n", "«&a»"),
])
def test_anchors_and_aliases_are_refused_with_advice(yaml_text, words):
    with pytest.raises(FrontMatterError) as info:
        parse(f"---\n{yaml_text}---\nNội dung.\n")
    assert words in info.value.found and "ngoặc kép" in info.value.expected


def test_ampersand_and_asterisk_inside_values_are_text():
    parsed = parse('---\ntieu_de: Sở Tài chính & Kế hoạch *mới*\ntom_tat: "*quan trọng*"\n---\n')
    assert parsed.data == {"tieu_de": "Sở Tài chính & Kế hoạch *mới*", "tom_tat": "*quan trọng*"}


def test_nesting_is_bounded_at_the_limit():
    deep = limits.MAX_YAML_DEPTH - 1  # the mapping of the front matter itself is one level
    parsed = parse("---\nx: " + "[" * deep + "1" + "]" * deep + "\n---\n")
    value = parsed.data["x"]
    for _ in range(deep - 1):
        value = value[0]
    assert value == [1]
    with pytest.raises(FrontMatterError) as info:
        parse("---\nx: " + "[" * (deep + 1) + "]" * (deep + 1) + "\n---\n")
    assert info.value.line == 2 and f"tối đa {limits.MAX_YAML_DEPTH} cấp" in info.value.expected


def test_demo_content_is_far_within_every_limit():
    for site in (ROOT / "content").iterdir():
        if (site / "site.yaml").is_file():
            result = check.check_site(site, ROOT)
            assert result.ok and not any(p.code in ("qua-phuc-tap", "ky-tu-dieu-khien", "ky-tu-huong-chu",
                                                    "xuong-dong-cr", "ma-hoa:hai-lan") for p in result.problems)
            worst = max((limits.inline_cost(d.body)[3] for d in result.documents), default=0)
            assert worst * 100 < limits.MAX_INLINE_COST

"""Related news chosen by the editor (tin_lien_quan): checked against the site's own news files, shown on the
item's page above "Cùng chuyên mục" in the editor's order, and never shown twice."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conftest import build, copy_case

NEWS = "content/so-mau/tin-tuc"


def write(root, name: str, front: str, body: str = "Nội dung tin có tin liên quan.") -> None:
    (root / NEWS / name).write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")


def test_chosen_news_show_on_the_page_in_the_editors_order(tmp_path):
    root = copy_case("basic", tmp_path)
    write(root, "2026-03-11-co-lien-quan.md",
          'tieu_de: "Tin có tin liên quan do biên tập chọn"\nngay: 2026-03-11 09:00\n'
          "tin_lien_quan:\n  - 2026-03-02-tin-2\n  - 2026-03-01-tin-1.md\n")
    result = build(root, ["so-mau"])
    assert result.ok, [p.format() for s in result.sites for p in s.problems]
    page = next((root / "output" / "so-mau").rglob("tin-co-tin-lien-quan-do-bien-tap-chon*/index.html"), None) \
        or next(p for p in (root / "output" / "so-mau").rglob("*.html")
                if "Tin có tin liên quan do biên tập chọn" in p.read_text(encoding="utf-8")
                and "tin-duoc-chon" in p.read_text(encoding="utf-8"))
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    chosen = soup.find(id="tin-duoc-chon").find_parent("aside")
    titles = [a.get_text(" ", strip=True) for a in chosen.select("a") if a.get_text(strip=True)]
    assert titles[0].startswith("Đoàn công tác số 2") and titles[1].startswith("Đoàn công tác số 1"), titles
    same_section = soup.find(id="tin-lien-quan")
    if same_section is not None:  # the latest of the section, without those already chosen nor the item itself
        others = same_section.find_parent("aside").get_text(" ", strip=True)
        assert "Đoàn công tác số 2" not in others and "Đoàn công tác số 1 " not in others


def test_a_name_that_is_no_news_item_is_an_error_with_the_closest_names(tmp_path):
    root = copy_case("basic", tmp_path)
    write(root, "2026-03-11-sai-ten.md",
          'tieu_de: "Tin ghi sai tên tin liên quan"\nngay: 2026-03-11 09:00\n'
          "tin_lien_quan:\n  - 2026-03-02-tin-22\n  - 2026-03-11-sai-ten\n")
    result = build(root, ["so-mau"])
    problems = [p for s in result.sites for p in s.problems if p.path.endswith("2026-03-11-sai-ten.md")]
    by_code = {p.code: p for p in problems}
    missing, itself = by_code["lien-quan-khong-co"], by_code["lien-quan-chinh-no"]
    assert missing.line == 5 and missing.field == "tin_lien_quan[0]" and missing.label == "Tin liên quan"
    assert "«2026-03-02-tin-2»" in missing.expected and missing.found == "2026-03-02-tin-22"
    assert itself.line == 6 and itself.field == "tin_lien_quan[1]"
    assert "Không có tin nào của cổng mang tên tệp này" in missing.format()
    # the item is not published, the others are (one broken file never stops the site)
    out = root / "output" / "so-mau"
    assert not any("Tin ghi sai tên tin liên quan" in p.read_text(encoding="utf-8") for p in out.rglob("index.html")
                   if "tin-tuc" in str(p))


def test_a_draft_named_as_related_is_a_warning_and_not_linked(tmp_path):
    root = copy_case("basic", tmp_path)
    write(root, "2026-03-09-nhap.md", 'tieu_de: "Tin còn là bản nháp"\nngay: 2026-03-09 09:00\ntrang_thai: nhap\n')
    write(root, "2026-03-11-lien-quan-nhap.md",
          'tieu_de: "Tin liên quan tới bản nháp"\nngay: 2026-03-11 09:00\ntin_lien_quan: [2026-03-09-nhap]\n')
    result = build(root, ["so-mau"])
    problems = [p for s in result.sites for p in s.problems if p.code == "lien-quan-chua-dang"]
    assert len(problems) == 1 and problems[0].severity == "canh-bao" and problems[0].line == 4
    assert result.ok
    html = "".join(p.read_text(encoding="utf-8") for p in (root / "output" / "so-mau").rglob("index.html"))
    assert "Tin còn là bản nháp" not in html and "tin-duoc-chon" not in html

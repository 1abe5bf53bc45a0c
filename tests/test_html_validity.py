"""HTML validity gate: the Nu Html Checker finds no error in any built page (one JVM per run)."""

from pathlib import Path

import pytest
from conftest import copy_case
from conftest import project as project_at
from quality_demo import demo_output

from portal import check
from quality import html_validity

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_output(tmp_path_factory)


def _errors(report) -> list[str]:
    return [p.format() for p in report.problems() if p.severity == "loi"]


def test_basic_site_has_no_html_errors(basic_build):
    root, _ = basic_build
    report = html_validity.validate(project_at(root))
    assert len(report.pages) > 20
    assert _errors(report) == []


def test_demo_province_has_no_html_errors(demo):
    report = html_validity.validate(project_at(ROOT, demo))
    checked = {p.relative_to(demo).as_posix() for p in report.pages}
    for page in ("index.html", "thanhvan/tong-hop/index.html", "thanhvan/tong-hop/tuan-thu/index.html",
                 "thanhvan/tuan-thu/toan-tinh.html", "stp/tuan-thu/index.html", "hosen/thu-tuc/index.html",
                 "tuan-thu/2026-11-23/bao-cao-tuan-thu.html"):
        assert page in checked, page
    assert not any("pagefind" in p for p in checked)
    assert len(checked) > 600
    assert _errors(report) == []


def test_error_in_a_page_is_reported_with_file_and_line(tmp_path):
    output = tmp_path / "output"
    (output / "mot-cong").mkdir(parents=True)
    page = output / "mot-cong" / "loi.html"
    page.write_text('<!DOCTYPE html>\n<html lang="vi">\n<head><title>Lỗi</title></head>\n'
                    "<body>\n<div><p>Đoạn văn</span></div>\n<img src=\"a.png\">\n</body>\n</html>\n",
                    encoding="utf-8")
    (output / "mot-cong" / "tot.html").write_text(
        '<!DOCTYPE html>\n<html lang="vi"><head><title>Tốt</title></head><body><p>Tốt</p></body></html>\n',
        encoding="utf-8")
    report = html_validity.validate(project_at(tmp_path, output))
    assert len(report.pages) == 2
    found = {(m.page, m.line, m.message.split(" ")[0]) for m in report.errors}
    assert ("output/mot-cong/loi.html", 5, "Stray") in found
    assert ("output/mot-cong/loi.html", 6, "An") in found  # <img> without alt
    problem = report.problems()[0]
    assert problem.severity == "loi" and "output/mot-cong/loi.html:5:" in problem.format()


def test_error_in_an_item_body_is_blamed_on_its_markdown(tmp_path):
    """The page is written by hand here so the test does not depend on how bodies are sanitized."""
    root = copy_case("basic", tmp_path)
    source = root / "content" / "so-mau" / "tin-tuc" / "2026-03-01-tin-1.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nXem <b>bảng số liệu</i> dưới đây.\n", encoding="utf-8")
    doc = next(d for d in check.check_site(root / "content" / "so-mau", root).documents if d.path == source)
    page = root / "output" / "so-mau" / doc.url
    page.parent.mkdir(parents=True)
    page.write_text('<!DOCTYPE html>\n<html lang="vi">\n<head><title>Tin</title></head>\n<body>\n<main>\n'
                    '<div class="prose"><p>Sáng ngày 01/03/2026.</p>\n<p>Xem <b>bảng số liệu</i> dưới đây.</p>\n'
                    '</div>\n<p>Chân trang</p>\n</main>\n</body>\n</html>\n', encoding="utf-8")
    report = html_validity.validate(project_at(root))
    rel = "content/so-mau/tin-tuc/2026-03-01-tin-1.md"
    stray = next(m for m in report.errors if "Stray end tag “i”" in m.message)
    assert (stray.line, stray.source, stray.source_line) == (7, rel, 9)  # the body line holding «</i>»
    assert any(p.format().startswith(f"{rel}:9: LỖI: HTML không hợp lệ ở trang output/so-mau/{doc.url}:7:")
               for p in report.problems())

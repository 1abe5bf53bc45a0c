"""Link gate: every internal link, anchor and attachment resolves; a broken one names the file that made it."""

import shutil
from pathlib import Path

import pytest
from conftest import build, copy_case
from conftest import project as project_at
from quality_demo import demo_output

from quality import links

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_output(tmp_path_factory)


def _broken(report) -> list[str]:
    return [p.format() for p in report.problems()]


def test_demo_province_has_no_broken_links(demo):
    report = links.check_links(project_at(ROOT, demo))
    assert report.pages > 600 and report.links > 20000
    assert _broken(report) == []


def test_basic_site_has_no_broken_links(basic_build):
    root, _ = basic_build
    report = links.check_links(project_at(root))
    assert report.pages > 20
    assert _broken(report) == []


def test_production_urls_on_the_site_domain_resolve(tmp_path):
    root = copy_case("basic", tmp_path)
    shutil.rmtree(root / "content" / "xa-loi")
    assert build(root, ["so-mau"], search=True, production=True).ok
    home = (root / "output" / "so-mau" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://stp.mau.gov.vn/lien-he.html"' in home
    report = links.check_links(project_at(root))
    assert _broken(report) == []
    # The same absolute address pointing at a page that does not exist is caught.
    (root / "output" / "so-mau" / "lien-he.html").unlink()
    broken = links.check_links(project_at(root)).broken
    assert broken and all(b.url == "https://stp.mau.gov.vn/lien-he.html" for b in broken)
    assert {b.source for b in broken} >= {"themes/cong-thong-tin/templates/base.html"}


def test_broken_links_in_markdown_are_blamed_on_the_content_file(tmp_path):
    root = copy_case("basic", tmp_path)
    shutil.rmtree(root / "content" / "xa-loi")
    item = root / "content" / "so-mau" / "tin-tuc" / "2026-03-11-lien-ket.md"
    item.write_text(
        "---\n"
        'tieu_de: "Hướng dẫn tra cứu hồ sơ"\n'
        "ngay: 2026-03-11 08:00\n"
        'tom_tat: "Các liên kết tra cứu."\n'
        "---\n"
        "Xem [tin đã gỡ](../tin-tuc/tin-khong-con.html) trước khi nộp hồ sơ.\n"
        "\n"
        "Liên hệ theo [mục không có](../lien-he.html#muc-khong-co) hoặc [đầu trang](#top).\n"
        "\n"
        "Trang [liên hệ](../lien-he.html) và [tệp mẫu](../tep/to-khai.pdf) vẫn dùng được.\n",
        encoding="utf-8")
    assert build(root, ["so-mau"], search=True).ok
    report = links.check_links(project_at(root))
    rel = "content/so-mau/tin-tuc/2026-03-11-lien-ket.md"
    page = "output/so-mau/tin-tuc/huong-dan-tra-cuu-ho-so.html"
    found = {(b.page, b.url, b.reason, b.source, b.source_line) for b in report.broken}
    assert found == {
        (page, "../tin-tuc/tin-khong-con.html", links.MISSING, rel, 6),
        (page, "../lien-he.html#muc-khong-co", links.NO_ANCHOR, rel, 8),
    }
    messages = {p.format() for p in report.problems()}
    assert any(m.startswith(f"{rel}:6: LỖI: Liên kết hỏng ở trang {page}:") and "không tồn tại" in m for m in messages)
    assert any(m.startswith(f"{rel}:8: LỖI") and "«#muc-khong-co»" in m for m in messages)

"""Per-site outputs: HTML layouts, feeds, sitemap, robots.txt and JSON exports."""

import json
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import jsonschema
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(path: Path) -> str:
    return " ".join(soup(path).get_text(" ").split())


def test_every_page_is_vietnamese_with_landmarks_and_skip_link(basic_out):
    pages = sorted(basic_out.rglob("*.html"))
    assert len(pages) > 25
    for page in pages:
        if page.parts[-2] == "pagefind":
            continue
        s = soup(page)
        assert s.html["lang"] == "vi", page
        skip = s.find("a", href="#noi-dung")
        assert skip is not None and "nội dung chính" in skip.get_text(), page
        assert s.find("main", id="noi-dung") is not None, page
        assert s.find("header") and s.find("footer") and s.find("nav"), page
        assert not s.find("script", src=False), f"inline script in {page}"


def test_news_item_dates_attachments_and_sample_label(basic_out):
    page = basic_out / "tin-tuc" / "day-manh-chuyen-doi-so-trong-cong-tac-tu-phap.html"
    s = soup(page)
    assert s.find("h1").get_text(strip=True) == "Đẩy mạnh chuyển đổi số trong công tác tư pháp"
    body = text(page)
    assert "10/03/2026 09:15" in body and "12/03/2026" in body
    assert s.find("a", href=lambda h: h and h.endswith("tep/ke-hoach.pdf"))
    assert s.find("img", alt="Hình minh họa hội nghị chuyển đổi số")
    assert "Dữ liệu mẫu" in body
    assert (basic_out / "tep" / "ke-hoach.pdf").is_file() and (basic_out / "anh" / "minh-hoa.svg").is_file()


def test_procedure_page_has_the_national_sections(basic_out):
    page = basic_out / "thu-tuc" / "1-003583-000-00-00-h98.html"
    body = text(page)
    for heading in ("Mã thủ tục", "Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ",
                    "Thời hạn giải quyết", "Đối tượng thực hiện", "Cơ quan thực hiện", "Kết quả thực hiện",
                    "Căn cứ pháp lý", "Phí, lệ phí"):
        assert heading in body, heading
    assert "1.003583.000.00.00.H98" in body and "Toàn trình" in body
    s = soup(page)
    assert s.find("a", href=lambda h: h and h.startswith("https://dichvucong.gov.vn"))
    assert s.find("a", href=lambda h: h and h.endswith("tep/to-khai.pdf"))
    # the legal basis that is a document of this site links to its page
    assert s.find("a", href=lambda h: h and h.endswith("van-ban/12-2026-qd-ubnd.html"))


def test_document_list_carries_filter_data(basic_out):
    s = soup(basic_out / "van-ban" / "index.html")
    rows = s.select("tr[data-loai]")
    assert len(rows) == 2
    assert {r["data-nam"] for r in rows} == {"2026", "2025"}
    assert s.find("select")
    assert "12/2026/QĐ-UBND" in s.get_text() and "18/02/2026" in s.get_text()


def test_weekly_schedule_has_week_table_and_neighbours(basic_out):
    first = basic_out / "lich-cong-tac" / "2026-tuan-10.html"
    second = basic_out / "lich-cong-tac" / "2026-tuan-11.html"
    body = text(first)
    assert "02/03/2026" in body and "08/03/2026" in body and "Điều chỉnh lần 1" in body
    assert "Giao ban lãnh đạo Sở" in body and "Thứ Hai" in body
    assert soup(first).find("table")
    assert soup(first).find("a", href=lambda h: h and h.endswith("2026-tuan-11.html"))
    assert soup(second).find("a", href=lambda h: h and h.endswith("2026-tuan-10.html"))


def test_sections_paginate(basic_out):
    assert (basic_out / "tin-tuc" / "index.html").is_file()
    assert (basic_out / "tin-tuc" / "trang-2.html").is_file()
    first = soup(basic_out / "tin-tuc" / "index.html")
    assert first.find("a", href=lambda h: h and h.endswith("trang-2.html"))
    for section in ("thong-bao", "van-ban", "thu-tuc", "lich-cong-tac", "hoi-dap", "du-thao", "du-an",
                    "ngan-sach", "quy-hoach", "pho-bien-phap-luat"):
        assert (basic_out / section / "index.html").is_file(), section
    assert (basic_out / "luu-tru" / "index.html").is_file()
    assert (basic_out / "tu-khoa" / "cai-cach-hanh-chinh.html").is_file()


def test_site_map_contact_search_pages(basic_out):
    sitemap_page = text(basic_out / "so-do-cong.html")
    for label in ("Tin tức - Sự kiện", "Văn bản", "Thủ tục hành chính", "Lịch công tác", "Lãnh đạo Sở"):
        assert label in sitemap_page, label
    contact = text(basic_out / "lien-he.html")
    for fact in ("Số 1 đường Lê Lợi", "0200 3800 001", "stp@mau.gov.vn", "Trần Thị Đào", "Chánh Văn phòng Sở"):
        assert fact in contact, fact
    assert soup(basic_out / "tim-kiem.html").find(id="tim-kiem")


def test_feeds_parse_as_atom_and_rss(basic_out):
    atom = feedparser.parse((basic_out / "feeds" / "all.atom.xml").read_bytes())
    rss = feedparser.parse((basic_out / "feeds" / "all.rss.xml").read_bytes())
    assert not atom.bozo and not rss.bozo
    assert atom.version == "atom10" and rss.version == "rss20"
    titles = [e.title for e in atom.entries]
    assert "Đẩy mạnh chuyển đổi số trong công tác tư pháp" in titles
    assert atom.entries[0].link.startswith("https://stp.mau.gov.vn/")
    per_type = feedparser.parse((basic_out / "feeds" / "van-ban.atom.xml").read_bytes())
    assert {e.title for e in per_type.entries} == {"Quyết định ban hành Quy chế cung cấp thông tin",
                                                   "Công văn về việc hướng dẫn chứng thực bản sao điện tử"}
    assert not feedparser.parse((basic_out / "feeds" / "thu-tuc.rss.xml").read_bytes()).bozo


def test_sitemap_and_robots(basic_out):
    tree = ElementTree.parse(basic_out / "sitemap.xml")
    locs = [loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://stp.mau.gov.vn/thu-tuc/1-003583-000-00-00-h98.html" in locs
    assert all(loc.startswith("https://stp.mau.gov.vn/") for loc in locs)
    assert "Sitemap: https://stp.mau.gov.vn/sitemap.xml" in (basic_out / "robots.txt").read_text(encoding="utf-8")


def test_json_exports_follow_their_schema(basic_out):
    schema = json.loads((ROOT / "plugins/portal/schemas/export.schema.json").read_text(encoding="utf-8"))
    for name in ("van-ban", "thu-tuc"):
        data = json.loads((basic_out / "du-lieu" / f"{name}.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
        assert data["don_vi"]["ma_cong"] == "so-mau" and data["loai"] == name
    tthc = json.loads((basic_out / "du-lieu" / "thu-tuc.json").read_text(encoding="utf-8"))["muc"][0]
    assert tthc["ma_thu_tuc"] == "1.003583.000.00.00.H98" and tthc["muc_do"] == "toan-trinh"
    assert tthc["muc_do_nhan"] == "Dịch vụ công trực tuyến toàn trình"
    assert tthc["thanh_phan_ho_so"][0]["mau_don"] == "https://stp.mau.gov.vn/tep/to-khai.pdf"
    vb = json.loads((basic_out / "du-lieu" / "van-ban.json").read_text(encoding="utf-8"))
    assert vb["so_luong"] == 2 and vb["muc"][0]["ngay_ban_hanh"] == "2026-02-18"


def test_catalog_lists_every_published_item_newest_first(basic_out):
    """``du-lieu/muc-luc.json``: what the province-wide quick search reads of a site; every item of the sitemap
    (the section lists and the site's own pages aside), each with its type and, for a văn bản or a procedure,
    its number or code."""
    schema = json.loads((ROOT / "plugins/portal/schemas/export.schema.json").read_text(encoding="utf-8"))
    data = json.loads((basic_out / "du-lieu" / "muc-luc.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["loai"] == "muc-luc" and data["so_luong"] == len(data["muc"])
    tree = ElementTree.parse(basic_out / "sitemap.xml")
    items = {loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
             if loc.text.endswith(".html") and "/index.html" not in loc.text
             and loc.text.rsplit("/", 1)[1] not in ("index.html", "so-do-cong.html", "lien-he.html")}
    assert {r["url"] for r in data["muc"]} == items
    days = [r["ngay"] for r in data["muc"] if r["ngay"]]
    assert days == sorted(days, reverse=True) and data["cap_nhat_moi_nhat"] == days[0]
    by_url = {r["url"]: r for r in data["muc"]}
    procedure = by_url["https://stp.mau.gov.vn/thu-tuc/1-003583-000-00-00-h98.html"]
    assert procedure["ma_thu_tuc"] == "1.003583.000.00.00.H98" and procedure["loai_muc_nhan"] == "Thủ tục hành chính"
    assert all(r.get("so_ky_hieu") for r in data["muc"] if r["loai_muc"] == "van-ban")
    assert {r["loai_muc"] for r in data["muc"]} >= {"tin-tuc", "van-ban", "thu-tuc", "trang"}


def test_body_links_to_site_files_resolve_from_the_item_page(basic_out):
    page = basic_out / "thong-bao" / "thong-bao-lich-tiep-cong-dan-thang-3-nam-2026.html"
    s = soup(page)
    link = s.find("a", string="kế hoạch tiếp công dân")
    assert link["href"] == "../tep/ke-hoach.pdf"
    assert (page.parent / link["href"]).resolve() == (basic_out / "tep" / "ke-hoach.pdf").resolve()
    assert s.find("img", alt="Sơ đồ phòng tiếp dân")["src"] == "../anh/minh-hoa.svg"


def test_compliance_report_page_is_published_in_the_site(basic_out):
    page = soup(basic_out / "tuan-thu" / "index.html")
    assert page.find("h1").get_text(strip=True) == "Báo cáo tuân thủ quy định về cung cấp thông tin"
    rows = page.select("table.tt-bang tbody tr")
    assert rows and rows[0].find(class_="badge")
    data = json.loads((basic_out / "tuan-thu" / "bao-cao.json").read_text(encoding="utf-8"))
    assert [s["ma"] for s in data["cong"]] == ["so-mau"]
    assert len(rows) == len(data["cong"][0]["phat_hien"])
    assert soup(basic_out / "so-do-cong.html").find("a", href=lambda h: h and h.endswith("tuan-thu/index.html"))

"""Procedures (TTHC) and schedules with the data real portals have (tests/sites/tthc, tỉnh Đồng Mẫu H96).

xa-an-binh holds procedures copied from pages in three provinces' layouts: complete in the national order
(Cần Thơ), a short code, a level badge and no decision (Lạng Sơn), no national code (Huế), only name,
agency and fees, a code of another province. xa-binh-minh publishes the same code (normal), fillers, a
level that contradicts its channels and a level of the wrong tier. xa-sai holds what must not publish.
tinh-dm aggregates both communes and has a schedule that gives times, not sessions.
"""

import datetime as dt
import json
import unicodedata

import jsonschema
import pytest
from browser import chromium, serve
from bs4 import BeautifulSoup
from conftest import ROOT, build, copy_case
from conftest import project as project_at

from aggregate.pipeline import aggregate
from compliance.checks.context import Settings
from compliance.engine import evaluate
from portal import check, facets, placeholders, procedures, sessions
from portal.problems import PortalError

DAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = copy_case("tthc", tmp_path_factory.mktemp("tthc"))
    built = build(root)
    result = aggregate(project_at(root, root / "output"), DAY, dt.datetime(2026, 12, 1, 9, 0))
    rebuilt = build(root, ["tinh-dm"])
    return {"root": root, "built": {s.site_id: s for s in built.sites}, "aggregate": result, "province": rebuilt,
            "out": root / "output"}


def problems_of(province, site):
    return check.check_site(province["root"] / "content" / site, province["root"]).problems


def formatted(province, site, code):
    return [p.format() for p in problems_of(province, site) if p.code == code]


def page(province, path):
    return BeautifulSoup((province["out"] / path).read_text(encoding="utf-8"), "html.parser")


def text(node):
    return " ".join(node.get_text(" ", strip=True).split())


# --- invoke check: what an editor reads -----------------------------------------------------------------

def test_sites_with_incomplete_procedures_build_and_the_broken_one_does_not(province):
    built = province["built"]
    assert built["xa-an-binh"].built and built["xa-binh-minh"].built and built["tinh-dm"].built
    assert not built["xa-sai"].built
    assert province["province"].ok


def test_each_missing_national_field_is_a_warning_naming_file_line_and_field(province):
    found = [p for p in problems_of(province, "xa-an-binh") if p.code == "thu-tuc-chua-du"]
    only_name = [p for p in found if p.path.endswith("xac-nhan-tinh-trang-hon-nhan.md")]
    assert [p.field for p in only_name] == list(procedures.national_fields())
    assert only_name[0].format() == (
        "content/xa-an-binh/thu-tuc/xac-nhan-tinh-trang-hon-nhan.md:2: CẢNH BÁO trường «Mã thủ tục» (ma_thu_tuc):"
        " Chưa có trường này: thủ tục được đăng ở trạng thái «chưa đủ thông tin» (trang ghi rõ trường còn thiếu và"
        " chỉ tới Cổng Dịch vụ công quốc gia).\n"
        "    Cần: «ma_thu_tuc: …» lấy từ Cổng Dịch vụ công quốc gia hoặc quyết định công bố; không tự đặt giá trị\n"
        "    Đang có: không có")
    layout_ls = sorted(p.field for p in found if p.path.endswith("dang-ky-ket-hon.md"))
    assert layout_ls == ["can_cu_phap_ly", "loai_thu_tuc", "quyet_dinh_cong_bo"]
    assert not [p for p in found if p.path.endswith("dang-ky-khai-sinh.md")]  # the complete one


def test_a_code_of_another_province_is_a_warning(province):
    assert formatted(province, "xa-an-binh", "ma-tinh-khac") == [
        "content/xa-an-binh/thu-tuc/cap-ban-sao-trich-luc.md:5: CẢNH BÁO trường «Mã thủ tục» (ma_thu_tuc): Mã thủ tục"
        " có đuôi «H37» của tỉnh khác: tỉnh của cổng này là «H96» (ma_tinh trong site.yaml). Mã của tỉnh khác thường"
        " do chép từ trang của tỉnh khác.\n"
        "    Cần: mã của thủ tục tại tỉnh này, kết thúc bằng .H96 (tra trên Cổng Dịch vụ công), ví dụ"
        " 2.000635.000.00.00.H96; chưa có mã thì bỏ trường này\n"
        "    Đang có: «2.000635.000.00.00.H37»"]


def test_channels_and_level_that_contradict_are_warnings_on_the_line_that_says_so(province):
    assert formatted(province, "xa-an-binh", "thu-tuc-mau-thuan") == [
        "content/xa-an-binh/thu-tuc/chung-thuc-ban-sao.md:14: CẢNH BÁO trường «Hình thức nộp»"
        " (cach_thuc_thuc_hien[2].hinh_thuc): Có hình thức nộp trực tuyến nhưng chưa ghi mức độ dịch vụ công trực"
        " tuyến (muc_do); trang ghi «Trực tuyến (chưa rõ mức độ)».\n"
        "    Cần: thêm «muc_do: toan-trinh» hoặc «muc_do: mot-phan» và «lien_ket_dvc» theo Cổng Dịch vụ công\n"
        "    Đang có: «truc-tuyen», không có muc_do"]
    assert formatted(province, "xa-binh-minh", "thu-tuc-mau-thuan") == [
        "content/xa-binh-minh/thu-tuc/dang-ky-khai-tu.md:22: CẢNH BÁO trường «Mức độ dịch vụ công trực tuyến»"
        " (muc_do): Mức độ ghi «Dịch vụ công trực tuyến toàn trình» (nộp được trực tuyến) nhưng Cách thức thực hiện"
        " không có hình thức nộp trực tuyến; trang hiện nút nộp trực tuyến kèm lời báo dữ liệu chưa thống nhất.\n"
        "    Cần: thêm một dòng «hinh_thuc: truc-tuyen» vào cach_thuc_thuc_hien, hoặc bỏ muc_do nếu thủ tục không nộp"
        " trực tuyến\n"
        "    Đang có: «toan-trinh»; cách thức: Trực tiếp"]


def test_a_level_not_of_this_site_is_a_warning(province):
    assert formatted(province, "xa-binh-minh", "cap-khong-khop") == [
        "content/xa-binh-minh/thu-tuc/to-chuc-le-hoi.md:7: CẢNH BÁO trường «Cấp thực hiện» (cap_thuc_hien): Cấp thực"
        " hiện không có cấp của cổng này (Cấp Xã); kiểm tra lại với quyết định công bố.\n"
        "    Cần: danh sách có xa\n"
        "    Đang có: [\"bo\"]"]


def test_one_value_spelt_two_ways_is_a_warning_naming_the_files_and_the_spelling_chosen(province):
    assert formatted(province, "xa-an-binh", "gia-tri-loc") == [
        "content/xa-an-binh/thu-tuc/dang-ky-ket-hon.md:8: CẢNH BÁO trường «Lĩnh vực» (linh_vuc): «Hộ Tịch» chỉ khác"
        " «Hộ tịch» ở chữ hoa, chữ thường, khoảng trắng hoặc cách gõ dấu; bộ lọc coi là một giá trị và hiện"
        " «Hộ tịch».\n"
        "    Cần: viết thống nhất «Hộ tịch» (như content/xa-an-binh/thu-tuc/cap-ban-sao-trich-luc.md,"
        " content/xa-an-binh/thu-tuc/dang-ky-khai-sinh.md)\n"
        "    Đang có: «Hộ Tịch»"]


def test_fillers_count_as_absent_and_say_so(province):
    assert formatted(province, "xa-binh-minh", "gia-tri-dien-cho-co") == [
        "content/xa-binh-minh/thu-tuc/dang-ky-khai-tu.md:12: CẢNH BÁO trường «Phí, lệ phí»"
        " (cach_thuc_thuc_hien[1].phi_le_phi): Giá trị này không phải thông tin thật nên được coi như để trống: giá"
        " trị không được đăng.\n"
        "    Cần: thông tin thật lấy từ nguồn chính thức, hoặc xóa dòng này\n"
        "    Đang có: «Đang cập nhật»",
        "content/xa-binh-minh/thu-tuc/dang-ky-khai-tu.md:18: CẢNH BÁO trường «Cơ quan phối hợp» (co_quan_phoi_hop):"
        " Giá trị này không phải thông tin thật nên được coi như để trống: giá trị không được đăng.\n"
        "    Cần: thông tin thật lấy từ nguồn chính thức, hoặc xóa dòng này\n"
        "    Đang có: «...»",
        "content/xa-binh-minh/thu-tuc/dang-ky-khai-tu.md:19: CẢNH BÁO trường «Kết quả thực hiện» (ket_qua_thuc_hien):"
        " Giá trị này không phải thông tin thật nên được coi như để trống: giá trị không được đăng.\n"
        "    Cần: thông tin thật lấy từ nguồn chính thức, hoặc xóa dòng này\n"
        "    Đang có: danh sách chỉ gồm giá trị điền cho có: [\"(chưa có trên trang nguồn)\"]"]
    html = (province["out"] / "xa-binh-minh/thu-tuc/1-000656-000-00-00-h96.html").read_text(encoding="utf-8")
    assert "Đang cập nhật" not in html and "chưa có trên trang nguồn" not in html
    assert "Cơ quan phối hợp" not in html  # the section of an optional field left empty is not shown


def test_what_must_not_publish_is_an_error_with_its_line(province):
    problems = {(p.path.rsplit("/", 1)[-1], p.line, p.field): p for p in problems_of(province, "xa-sai")
                if p.severity == "loi"}
    assert set(problems) == {
        ("moi-tao.md", 5, "ma_thu_tuc"), ("moi-tao.md", 6, "linh_vuc"), ("moi-tao.md", 7, "co_quan_thuc_hien"),
        ("moi-tao.md", 10, ""), ("thieu-co-quan.md", 2, "co_quan_thuc_hien"),
        ("co-quan-dien-cho-co.md", 4, "co_quan_thuc_hien"), ("tuan-49.md", 9, "lich[2].gio"),
        ("khai-sinh-1.md", 4, "ma_thu_tuc"), ("khai-sinh-2.md", 4, "ma_thu_tuc"), ("khai-sinh-3.md", 4, "ma_thu_tuc")}
    assert problems["moi-tao.md", 5, "ma_thu_tuc"].format() == (
        "content/xa-sai/thu-tuc/moi-tao.md:5: LỖI trường «Mã thủ tục» (ma_thu_tuc): Giá trị tạm do lệnh «invoke new»"
        " điền vẫn chưa được thay; tệp sẽ không được đăng khi chưa sửa.\n"
        "    Cần: thông tin thật, hoặc xóa cả dòng nếu chưa có thông tin\n"
        "    Đang có: «1.000000.000.00.00.H96»")
    assert problems["moi-tao.md", 7, "co_quan_thuc_hien"].expected == "thông tin thật (trường bắt buộc)"
    assert problems["moi-tao.md", 10, ""].message.startswith("Phần nội dung vẫn là câu mẫu do lệnh «invoke new»")
    assert problems["co-quan-dien-cho-co.md", 4, "co_quan_thuc_hien"].format() == (
        "content/xa-sai/thu-tuc/co-quan-dien-cho-co.md:4: LỖI trường «Cơ quan thực hiện» (co_quan_thuc_hien): Giá trị"
        " này không phải thông tin thật, mà trường này bắt buộc: chưa đăng được khi chưa có thông tin.\n"
        "    Cần: thông tin thật lấy từ nguồn chính thức\n"
        "    Đang có: «Đang cập nhật»")
    assert problems["thieu-co-quan.md", 2, "co_quan_thuc_hien"].message == "Thiếu trường bắt buộc."
    assert problems["tuan-49.md", 9, "lich[2].gio"].format() == (
        "content/xa-sai/lich-cong-tac/tuan-49.md:9: LỖI trường «Giờ» (lich[2].gio): Mục lịch không có buổi và cũng"
        " không có giờ.\n"
        "    Cần: thêm «gio: \"08:30\"» (buổi được tự suy ra) hoặc «buoi: sang» (sang, chieu, toi, ca-ngay)\n"
        "    Đang có: không có")
    # A file that will not be published is not said to be published "chưa đủ thông tin".
    assert not [p for p in problems_of(province, "xa-sai")
                if p.code == "thu-tuc-chua-du" and p.path.endswith(("moi-tao.md", "co-quan-dien-cho-co.md"))]


def test_a_duplicate_code_in_one_site_is_one_error_per_file_listing_every_file(province):
    found = formatted(province, "xa-sai", "trung-ma-thu-tuc")
    files = ", ".join(f"content/xa-sai/thu-tuc/khai-sinh-{i}.md" for i in (1, 2, 3))
    assert found[1] == (
        f"content/xa-sai/thu-tuc/khai-sinh-2.md:4: LỖI trường «Mã thủ tục» (ma_thu_tuc): Mã thủ tục 1.001193.H96 có ở"
        f" 3 tệp của cổng này: {files}. Mỗi thủ tục chỉ có một trang.\n"
        "    Cần: gộp các tệp thành một (giữ tệp đầy đủ nhất, chép phần còn thiếu vào đó, xóa các tệp kia); nếu là thủ"
        " tục khác thì sửa mã cho đúng thủ tục\n"
        "    Đang có: trùng mã với content/xa-sai/thu-tuc/khai-sinh-1.md, content/xa-sai/thu-tuc/khai-sinh-3.md")
    assert len(found) == 3
    # khai-sinh-1 and -3 also share an address: the same fault, said once, with the right advice.
    assert not formatted(province, "xa-sai", "trung-duong-dan")


def test_the_same_code_on_two_communes_is_normal(province):
    for site in ("xa-an-binh", "xa-binh-minh"):
        assert not formatted(province, site, "trung-ma-thu-tuc")
        assert (province["out"] / site / "thu-tuc/1-001193-000-00-00-h96.html").is_file()


# --- the pages ------------------------------------------------------------------------------------------

def test_a_complete_procedure_has_no_notice(province):
    doc = page(province, "xa-an-binh/thu-tuc/1-001193-000-00-00-h96.html")
    assert doc.select_one("#chua-du-thong-tin") is None and "Chưa có thông tin" not in text(doc.select_one("main"))
    assert text(doc.select_one(".procedure-cta")) == (
        "Mức độ dịch vụ công trực tuyến: Toàn trình Nộp hồ sơ trực tuyến (trên Cổng Dịch vụ công)")


def test_a_procedure_with_only_name_agency_and_fees_says_what_is_missing_and_where_it_is(province):
    doc = page(province, "xa-an-binh/thu-tuc/cap-giay-xac-nhan-tinh-trang-hon-nhan.html")
    notice = doc.select_one("#chua-du-thong-tin")
    labels = ", ".join(label for _, label in procedures.summary({}).thieu)
    assert text(notice) == (
        f"Thông tin thủ tục chưa đầy đủ Trang này chưa có: {labels}. Thông tin đầy đủ, chính thức của thủ tục có trên"
        " Cổng Dịch vụ công quốc gia : tìm theo tên thủ tục «Cấp Giấy xác nhận tình trạng hôn nhân».")
    assert notice.a["href"] == "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html"
    assert text(doc.select_one(".procedure-cta")) == (
        "Mức độ dịch vụ công trực tuyến: Chưa rõ cách nộp Trang này chưa có thông tin về cách nộp hồ sơ; xem thủ tục"
        " trên Cổng Dịch vụ công quốc gia .")
    for section in ("trinh-tu", "cach-thuc", "thanh-phan-ho-so", "thoi-han", "doi-tuong", "ket-qua", "can-cu-phap-ly"):
        assert text(doc.select_one(f"#{section}")).endswith("Chưa có thông tin"), section
    assert text(doc.select_one("#co-quan-thuc-hien")).endswith("Ủy ban nhân dân xã An Bình")
    assert "15.000 đồng" in text(doc.select_one("#phi-le-phi"))
    facts = {text(tr.th): text(tr.td) for tr in doc.select("#thong-tin-chung tr")}
    assert facts["Mã thủ tục"] == facts["Loại thủ tục"] == facts["Lĩnh vực"] == "Chưa có thông tin"


def test_a_procedure_with_a_code_points_to_the_national_search_by_code(province):
    doc = page(province, "xa-an-binh/thu-tuc/2-000635-000-00-00-h37.html")
    assert text(doc.select_one("#chua-du-thong-tin")).endswith(
        "Trang này chưa có: Căn cứ pháp lý. Thông tin đầy đủ, chính thức của thủ tục có trên Cổng Dịch vụ công quốc"
        " gia : tìm theo mã thủ tục 2.000635.000.00.00.H37 .")
    assert text(doc.select_one(".procedure-cta")).endswith(
        "Không trực tuyến Thủ tục này nộp hồ sơ trực tiếp, không nộp trực tuyến; xem phần Cách thức thực hiện.")


def test_a_procedure_with_its_own_national_link_sends_readers_there(province):
    doc = page(province, "xa-an-binh/thu-tuc/1-000894-h96.html")
    notice = doc.select_one("#chua-du-thong-tin")
    assert text(notice) == (
        "Thông tin thủ tục chưa đầy đủ Trang này chưa có: Quyết định công bố, Loại thủ tục, Căn cứ pháp lý. Thông tin"
        " đầy đủ, chính thức của thủ tục có tại trang của thủ tục trên Cổng Dịch vụ công .")
    assert notice.a["href"] == "https://dichvucong.dongmau.gov.vn/thu-tuc/1.000894.H96"
    rows = [[text(c) for c in tr.select("th, td")] for tr in doc.select("#cach-thuc tbody tr")]
    assert rows[0][:3] == ["Trực tiếp", "Ngay trong ngày làm việc", "Xem mục Phí, lệ phí"]  # not an invented "Không"


def test_an_online_channel_without_a_level_is_never_called_offline(province):
    doc = page(province, "xa-an-binh/thu-tuc/chung-thuc-ban-sao-tu-ban-chinh-giay-to-van-ban.html")
    cta = text(doc.select_one(".procedure-cta"))
    assert cta == ("Mức độ dịch vụ công trực tuyến: Trực tuyến (chưa rõ mức độ) Thủ tục này có thể nộp hồ sơ trực"
                   " tuyến; trang này chưa ghi mức độ và địa chỉ nộp: tìm thủ tục trên Cổng Dịch vụ công quốc gia .")
    assert "Không trực tuyến" not in text(doc.select_one("main"))
    assert not doc.select("a.button--primary")  # no submission button without an address to submit to


def test_a_level_online_with_only_in_person_submission_says_the_data_disagree(province):
    doc = page(province, "xa-binh-minh/thu-tuc/1-000656-000-00-00-h96.html")
    assert text(doc.select_one(".procedure-cta__warning")) == (
        "Lưu ý: Dữ liệu của thủ tục chưa thống nhất: mức độ ghi là dịch vụ công trực tuyến toàn trình, nhưng phần Cách"
        " thức thực hiện chỉ ghi nộp hồ sơ trực tiếp. Hãy kiểm tra trên Cổng Dịch vụ công trước khi nộp hồ sơ.")
    assert doc.select_one("a.button--primary")["href"].endswith("ma_thu_tuc=187811")


def test_the_catalog_counts_incomplete_procedures_and_merges_spellings_in_its_filters(province):
    doc = page(province, "xa-an-binh/thu-tuc/index.html")
    assert text(doc.select_one(".stat-row")) == (
        "5 thủ tục 1 dịch vụ công trực tuyến toàn trình 1 dịch vụ công trực tuyến một phần 4 thủ tục chưa đủ thông tin")
    options = [(o.get_text(), o["value"]) for o in doc.select("#loc-linh-vuc option")]
    assert options == [("Tất cả", ""), ("Chứng thực", "Chứng thực"), ("Hộ tịch", "Hộ tịch")]
    rows = {text(tr.th): tr for tr in doc.select("#bang-thu-tuc tbody tr")}
    assert rows["Đăng ký kết hôn Chưa đủ thông tin"]["data-linh-vuc"] == "Hộ tịch"  # written «Hộ Tịch»
    assert rows["Chứng thực bản sao từ bản chính giấy tờ, văn bản Chưa đủ thông tin"]["data-muc-do"] == "truc-tuyen"
    assert rows["Cấp Giấy xác nhận tình trạng hôn nhân Chưa đủ thông tin"]["data-muc-do"] == "chua-ro"
    assert rows["Đăng ký khai sinh"]["data-muc-do"] == "toan-trinh"
    levels = [o["value"] for o in doc.select("#loc-muc-do option")]
    assert levels == ["", "toan-trinh", "mot-phan", "truc-tuyen", "khong", "chua-ro"]


# --- exports, compliance, the province ----------------------------------------------------------------

def test_the_export_carries_the_state_and_follows_its_schema(province):
    data = json.loads((province["out"] / "xa-an-binh/du-lieu/thu-tuc.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "plugins/portal/schemas/export.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["phien_ban"] == "1.2"
    by_id = {r["id"]: r for r in data["muc"]}
    only_name = by_id["xa-an-binh:cap-giay-xac-nhan-tinh-trang-hon-nhan"]
    assert only_name["tinh_trang_du_lieu"] == "chua-du-thong-tin"
    assert only_name["tinh_trang_du_lieu_nhan"] == "Chưa đủ thông tin"
    assert only_name["truong_con_thieu"] == list(procedures.national_fields())
    assert only_name["truong_con_thieu_nhan"][:2] == ["Mã thủ tục", "Quyết định công bố"]
    assert only_name["hinh_thuc_nop"] == "chua-ro" and "ma_thu_tuc" not in only_name
    complete = by_id["xa-an-binh:1-001193-000-00-00-h96"]
    assert (complete["tinh_trang_du_lieu"], complete["truong_con_thieu"]) == ("day-du", [])
    assert by_id["xa-an-binh:chung-thuc-ban-sao-tu-ban-chinh-giay-to-van-ban"]["hinh_thuc_nop"] == "truc-tuyen"
    khai_tu = json.loads((province["out"] / "xa-binh-minh/du-lieu/thu-tuc.json").read_text(encoding="utf-8"))
    record = next(r for r in khai_tu["muc"] if r["ma_thu_tuc"].startswith("1.000656"))
    assert "co_quan_phoi_hop" not in record and "ket_qua_thuc_hien" not in record  # fillers are not published
    assert "phi_le_phi" not in record["cach_thuc_thuc_hien"][0]


def test_compliance_reports_each_missing_field_with_its_legal_basis(province):
    found = evaluate(project_at(province["root"]), DAY, ["xa-an-binh"], Settings(), use_git=False).sites[0].findings
    only_name = [f for f in found if f.muc.endswith("xac-nhan-tinh-trang-hon-nhan.md:1") and f.trang_thai == "thieu"]
    national = [f for f in only_name if f.rule.ma == "nd224-d9-k1a-thu-tuc-du-lieu-quoc-gia"]
    assert [f.chi_tiet for f in national] == ["ma_thu_tuc", "quyet_dinh_cong_bo", "cap_thuc_hien", "loai_thu_tuc",
                                              "linh_vuc", "can_cu_phap_ly"]
    assert national[0].mo_ta == "Thiếu «Mã thủ tục» (ma_thu_tuc)."
    assert national[0].rule.can_cu.text() == "điểm a khoản 1 Điều 9 224/2026/NĐ-CP"
    parts = [f.chi_tiet for f in only_name if f.rule.ma == "nd63-d8-k2-bo-phan-tao-thanh"]
    assert parts == ["trinh_tu_thuc_hien", "cach_thuc_thuc_hien", "thanh_phan_ho_so", "so_bo_ho_so",
                     "thoi_han_giai_quyet", "doi_tuong_thuc_hien"]
    assert {f.rule.can_cu.text() for f in only_name if f.rule.ma.startswith("nd63")} == {"khoản 2 Điều 8 63/2010/NĐ-CP"}
    assert [f.chi_tiet for f in only_name if f.rule.ma == "nd63-d8-k2-truong-hop-co"] == \
        ["ket_qua_thuc_hien", "yeu_cau_dieu_kien"]
    complete = [f for f in found if f.muc.endswith("thu-tuc/dang-ky-khai-sinh.md:1") and f.trang_thai == "thieu"]
    assert complete == []
    assert [f.chi_tiet for f in found if f.muc.endswith("dang-ky-ket-hon.md:1")
            and f.rule.ma == "nd224-d9-k1a-thu-tuc-du-lieu-quoc-gia"] == ["quyet_dinh_cong_bo", "loai_thu_tuc",
                                                                          "can_cu_phap_ly"]


def test_the_provincial_catalog_carries_the_state_and_one_spelling(province):
    root = province["root"]
    records = json.loads((root / "output/tinh-dm/tong-hop/du-lieu/thu-tuc.json").read_text(encoding="utf-8"))["muc"]
    states = {r["id"]: r["tinh_trang_du_lieu"] for r in records}
    assert states["xa-an-binh:cap-giay-xac-nhan-tinh-trang-hon-nhan"] == "chua-du-thong-tin"
    assert states["xa-binh-minh:1-001193-000-00-00-h96"] == states["xa-an-binh:1-001193-000-00-00-h96"] == "day-du"
    notes = {h["ma"]: h["ghi_chu"] for h in province["aggregate"].health}
    assert notes["xa-binh-minh"] == [
        "thu-tuc: lĩnh vực «Hộ  tịch» (xa-binh-minh:1-001193-000-00-00-h96) chỉ khác «Hộ tịch» ở chữ hoa, chữ thường,"
        " khoảng trắng hoặc cách gõ dấu; bộ lọc danh mục toàn tỉnh gộp làm một và hiện «Hộ tịch»."]
    assert notes["xa-an-binh"][0].startswith("thu-tuc: lĩnh vực «Hộ Tịch» (xa-an-binh:1-000894-h96)")
    doc = page(province, "tinh-dm/tong-hop/thu-tuc/index.html")
    assert "5 thủ tục chưa đủ thông tin" in text(doc.select_one(".stat-row"))
    assert [o["value"] for o in doc.select("#loc-linh-vuc option")] == ["", "Chứng thực", "Hộ tịch", "Văn hóa cơ sở"]
    ho_tich = [tr for tr in doc.select("#bang-thu-tuc-tinh tbody tr") if tr["data-linh-vuc"] == "Hộ tịch"]
    assert len(ho_tich) == 5 and {tr.select("td")[1].get_text() for tr in ho_tich} == {"Hộ tịch", "Hộ Tịch", "Hộ  tịch"}
    badges = [text(tr.th) for tr in doc.select("#bang-thu-tuc-tinh tbody tr") if "Chưa đủ thông tin" in text(tr.th)]
    assert len(badges) == 5


# --- schedules ------------------------------------------------------------------------------------------

def test_sessions_are_derived_from_times(province):
    doc = page(province, "tinh-dm/lich-cong-tac/2026-tuan-49.html")
    shown = [text(tr.select("td")[0]) for tr in doc.select("table.table--schedule tbody tr")
             if "schedule-day--empty" not in (tr.get("class") or [])]
    assert shown == ["Sáng 07:30", "Chiều 14:00", "Sáng 08:30", "Sáng 11:30", "Chiều 12:00", "Tối 19:30", "Cả ngày",
                     "Sáng 15:00"]
    assert formatted(province, "tinh-dm", "buoi-gio") == [
        "content/tinh-dm/lich-cong-tac/2026-11-27-lich-tuan-49.md:15: CẢNH BÁO trường «Buổi» (lich[8].buoi): Buổi"
        " «Sáng» không khớp với giờ 15:00; trang đăng đúng như đã ghi.\n"
        "    Cần: «chieu» (Chiều) theo giờ, hoặc sửa giờ\n"
        "    Đang có: «sang»"]


@pytest.mark.parametrize("gio, buoi", [("00:00", "sang"), ("07h30", "sang"), ("11:59", "sang"), ("12:00", "chieu"),
                                       ("17h59", "chieu"), ("18:00", "toi"), ("23:59", "toi"), ("24:00", None),
                                       ("8:30", "sang"), ("", None)])
def test_the_session_rule(gio, buoi):
    assert sessions.of_time(gio) == buoi


# --- the rules as units -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["Đang cập nhật", "đang cập nhật...", "(chưa có trên trang nguồn)", "...", "…",
                                   "—", "-", "N/A", "Chưa có thông tin", "[Đang cập nhật]", "Cập nhật sau", "Không rõ",
                                   unicodedata.normalize("NFD", "Đang cập nhật"), "  chưa   cập nhật  "])
def test_fillers(value):
    assert placeholders.is_filler(value)


@pytest.mark.parametrize("value", ["Không", "Không có", "Miễn lệ phí", "01 bộ", "Trả kết quả sau 03 ngày", "-5%", "x",
                                   "Chưa có cơ quan phối hợp riêng; do UBND xã chủ trì", "Hộ tịch"])
def test_real_values_are_not_fillers(value):
    assert not placeholders.is_filler(value)


def test_spellings_that_differ_only_by_case_space_or_unicode_form_are_one_value():
    decomposed = "Ho\u0323\u0302 ti\u0323ch"  # "Hộ tịch" typed with combining marks
    choices = facets.Choices(["Hộ Tịch", "Hộ tịch", "Hộ  tịch", decomposed, "Chứng thực", "", None])
    assert choices.options == [("Chứng thực", "Chứng thực"), ("Hộ tịch", "Hộ tịch")]
    assert {choices.chon(v) for v in ("Hộ Tịch", "hộ tịch ", decomposed)} == {"Hộ tịch"}
    assert choices.chon(None) == "" and choices.chon("Đất đai") == ""


def test_the_national_portal_is_configurable_data():
    by_code = {"tra_cuu_theo_ma": "https://dvc.example.vn/tim?ma={ma}"}
    summary = procedures.summary({"ma_thu_tuc": "1.001193.H96"}, by_code)
    assert summary.lien_ket_day_du == "https://dvc.example.vn/tim?ma=1.001193.H96"
    assert not summary.lien_ket_la_trang_rieng
    own = procedures.summary({"ma_thu_tuc": "1.001193.H96", "lien_ket_dvc": "https://dichvucong.gov.vn/x?ma_thu_tuc=9"})
    assert own.lien_ket_day_du == "https://dichvucong.gov.vn/x?ma_thu_tuc=9" and own.lien_ket_la_trang_rieng
    with pytest.raises(PortalError, match="khóa «trang_chu» không được hỗ trợ"):
        procedures.national_portal({"trang_chu": "https://dichvucong.gov.vn"})
    with pytest.raises(PortalError, match="phải chứa «{ma}»"):
        procedures.national_portal({"tra_cuu_theo_ma": "https://dvc.example.vn/tim"})
    with pytest.raises(PortalError, match="địa chỉ bắt đầu bằng https://"):
        procedures.national_portal({"tra_cuu": "http://dichvucong.gov.vn"})


@pytest.mark.browser
def test_one_filter_option_shows_every_spelling_in_the_browser(province):
    with serve(province["out"] / "xa-an-binh") as base, chromium() as browser:
        view = browser.new_page()
        errors = []
        view.on("pageerror", lambda exc: errors.append(str(exc)))
        view.goto(f"{base}/thu-tuc/index.html?linh-vuc=H%E1%BB%99%20t%E1%BB%8Bch")
        rows = view.locator("#bang-thu-tuc tbody tr")
        visible = sorted(r.locator("th a").inner_text() for r in rows.all() if r.is_visible())
        assert visible == ["Cấp bản sao trích lục hộ tịch", "Đăng ký khai sinh", "Đăng ký kết hôn"]
        view.select_option("#loc-muc-do", "truc-tuyen")
        assert [r.locator("th a").inner_text() for r in rows.all() if r.is_visible()] == []
        view.select_option("#loc-linh-vuc", "")
        assert [r.locator("th a").inner_text() for r in rows.all() if r.is_visible()] == \
            ["Chứng thực bản sao từ bản chính giấy tờ, văn bản"]
        assert errors == []

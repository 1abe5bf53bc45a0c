"""Every invalid file gets a Vietnamese message naming file, line, field label, expected and found."""

from pathlib import Path

import pytest

from portal import check, document, schema
from portal.problems import ERROR

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "sites" / "basic" / "content" / "xa-loi"


@pytest.fixture(scope="module")
def broken():
    result = check.check_site(BROKEN, ROOT)
    return {(Path(p.path).name, p.field): p for p in result.problems}, result


def test_broken_site_is_not_ok_and_keeps_no_document(broken):
    _, result = broken
    assert not result.ok
    assert result.documents == []


def test_misspelled_key_suggests_the_right_one(broken):
    problems, _ = broken
    p = problems[("sai-ten-truong.md", "tieu_đe")]
    assert p.line == 2 and "Có phải bạn định viết «tieu_de» (Tiêu đề)?" in p.message
    missing = problems[("sai-ten-truong.md", "tieu_de")]
    assert missing.message == "Thiếu trường bắt buộc." and missing.label == "Tiêu đề"


def test_impossible_dates(broken):
    problems, _ = broken
    p = problems[("ngay-khong-co-that.md", "ngay")]
    assert (p.line, p.label, p.found) == (3, "Ngày đăng", "«31/02/2025»")
    assert "có thật" in p.expected
    q = problems[("loai-sai.md", "ngay_ban_hanh")]
    assert (q.line, q.label, q.found) == (7, "Ngày ban hành", "«2026-13-01»")


def test_wrong_procedure_code_and_missing_form_and_dependent_field(broken):
    problems, _ = broken
    code = problems[("ma-sai.md", "ma_thu_tuc")]
    assert code.line == 4 and code.label == "Mã thủ tục" and "1.003583.000.00.00.H37" in code.expected
    form = problems[("ma-sai.md", "thanh_phan_ho_so[1].mau_don")]
    assert form.line == 11 and form.label == "Mẫu đơn, tờ khai"
    assert form.message == "Không tìm thấy tệp được tham chiếu."
    link = problems[("ma-sai.md", "lien_ket_dvc")]
    assert link.label == "Liên kết trên Cổng Dịch vụ công"


def test_enum_written_as_label_gets_the_slug(broken):
    problems, _ = broken
    p = problems[("loai-sai.md", "loai_van_ban")]
    assert "Có phải bạn định viết «quyet-dinh»?" in p.message
    assert "quyet-dinh (Quyết định)" in p.expected


def test_schedule_week_must_start_on_monday(broken):
    problems, _ = broken
    p = problems[("tuan.md", "tu_ngay")]
    assert p.found == "03/03/2026 (thứ Ba)" and "02/03/2026" in p.expected


def test_legacy_encoding_is_named(broken):
    problems, _ = broken
    p = problems[("cp1258.md", "")]
    assert "Windows-1258" in p.message and p.severity == ERROR


def test_formatted_message_has_file_line_label(broken):
    problems, _ = broken
    text = problems[("ngay-khong-co-that.md", "ngay")].format()
    assert text.startswith("tests/sites/basic/content/xa-loi/tin-tuc/ngay-khong-co-that.md:3:"
                           " LỖI trường «Ngày đăng» (ngay)")
    assert "\n    Cần: " in text and "\n    Đang có: «31/02/2025»" in text


def test_duplicate_urls_are_one_error_naming_both_files():
    result = check.check_site(ROOT / "tests/sites/dup-slug/content/so-trung", ROOT)
    [dup] = [p for p in result.problems if p.code == "trung-duong-dan"]
    assert not result.ok and dup.message.startswith("2 tin bài cùng địa chỉ")
    folder = "tests/sites/dup-slug/content/so-trung/tin-tuc"
    assert dup.found == f"{folder}/2026-03-01.md:2, {folder}/2026-03-02.md:2"


def test_site_yaml_is_validated(tmp_path):
    site = tmp_path / "xa-moi"
    site.mkdir()
    (site / "site.yaml").write_text("ten_day_du: UBND xã Mới\ncap: huyen\nemail: khong-phai-email\n", encoding="utf-8")
    result = check.check_site(site, tmp_path)
    fields = {p.field: p for p in result.problems}
    assert fields["email"].line == 3 and fields["email"].label == "Thư điện tử công vụ"
    assert "ten_ngan" in fields and fields["ten_ngan"].message == "Thiếu trường bắt buộc."
    assert "01/07/2025" in fields["cap"].message and "30/06/2025" in fields["cap"].expected
    assert result.site is None


@pytest.mark.parametrize("body, field, words", [
    ("tieu_de: Tin\nngay: 2026-03-01", "tieu_de", "ít nhất 5 ký tự"),
    ("tieu_de: Tin tức mới\nngay: 2026-03-01\ntu_khoa: chuyển đổi số", "tu_khoa", "danh sách"),
    ("tieu_de: Tin tức mới\nngay: 2026-03-01\nanh: {tep: anh/x.png}", "anh.mo_ta", "thêm dòng"),
    ("tieu_de: Tin tức mới\nngay: 2026-03-01\ntrang_thai: xuat-ban", "trang_thai", "cong-bo"),
    ("tieu_de: Tin tức mới\nngay: 2026-03-01\ndinh_kem:\n  - {ten: Tệp, tep: ../../khac/mat-khau.txt}",
     "dinh_kem[1].tep", "tương đối"),
])
def test_common_mistakes(tmp_path, body, field, words):
    site = tmp_path / "so"
    (site / "tin-tuc").mkdir(parents=True)
    path = site / "tin-tuc" / "bai.md"
    path.write_text(f"---\n{body}\n---\nNội dung.\n", encoding="utf-8")
    _, problems = document.load(path, site, "tin-tuc", tmp_path)
    match = [p for p in problems if p.field == field]
    assert match, [p.format() for p in problems]
    assert words in match[0].expected + match[0].message


def test_every_schema_field_has_a_vietnamese_label():
    for name in ("tin-tuc", "thong-bao", "pho-bien-phap-luat", "van-ban", "thu-tuc", "lich-cong-tac", "hoi-dap",
                 "du-thao", "du-an", "ngan-sach", "quy-hoach", "trang", "site"):
        for key in schema.properties_of(schema.subschema(name, ())):
            assert schema.label(name, (key,)) != key, (name, key)


def test_body_link_to_missing_file_names_its_line(broken):
    problems, _ = broken
    p = problems[("ngay-khong-co-that.md", "")]
    assert p.line == 7 and p.found == "«tep/khong-co-bieu-mau.docx»"


def test_site_yaml_read_again_only_when_it_changed(tmp_path, monkeypatch):
    """sites.load keeps what it read of a settled site.yaml (one command reads each up to eight times); a
    change of the file, even of the same size and mtime, is read; a caller changing what it got changes
    nothing kept; a file changed within RACY_NS is read every time."""
    import os
    import time

    from portal import sites

    site_dir = tmp_path / "content" / "xa-mau"
    site_dir.mkdir(parents=True)
    path = site_dir / "site.yaml"
    path.write_text((Path(__file__).parent / "sites" / "basic" / "content" / "so-mau" / "site.yaml")
                    .read_text(encoding="utf-8"), encoding="utf-8")
    reads = []
    real = sites._load
    monkeypatch.setattr(sites, "_load", lambda *a: reads.append(a) or real(*a))
    assert sites.load(site_dir, tmp_path)[0] and sites.load(site_dir, tmp_path)[0]
    assert len(reads) == 2  # just written: not kept
    monkeypatch.setattr(sites, "RACY_NS", 0)  # as if written long ago
    first, _ = sites.load(site_dir, tmp_path)
    first.config["ten_cong"] = "Đã bị sửa bởi người gọi"
    again, _ = sites.load(site_dir, tmp_path)
    assert len(reads) == 3 and again.config["ten_cong"] != "Đã bị sửa bởi người gọi"
    stat = path.stat()
    time.sleep(0.05)  # past the file system's clock tick (the real guard against a change within it: RACY_NS)
    path.write_text(path.read_text(encoding="utf-8").replace("https://stp.", "https://stq.", 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime: the ctime tells
    assert path.stat().st_size == stat.st_size
    assert sites.load(site_dir, tmp_path)[0].config["dia_chi_web"].startswith("https://stq.") and len(reads) == 4

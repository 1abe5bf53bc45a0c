"""The bad-input corpus (tests/bad-input/): every broken file gets its precise Vietnamese problem,
and a province holding the corpus still builds its good sites and publishes nothing half-written.

The corpus is two small sites: ``xa-hong`` (one broken file per case) and ``phuong-hong`` (valid
content; the test adds a symlink out of the site to its tep/). What must not be committed is made
here in a temporary copy: a 50 MB file and symlinks pointing outside the site.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SITES, build
from portal import check, document
from portal.encoding import encode_legacy
from portal.problems import ERROR

CORPUS = ROOT / "tests" / "bad-input"
SECRET = "mat-khau-bi-mat-khong-duoc-dang"
LEGACY_TEXT = ("---\ntieu_de: \"Thông báo lịch tiếp công dân tháng Ba\"\nngay: 2026-03-01\n---\n"
               "Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ.\n")
HEAD = 'tieu_de: "Tin thử nghiệm dữ liệu hỏng"\nngay: 2026-03-01\n'

# file under content/xa-hong/ → (field, line, distinctive words of message/expected/found)
CASES = {
    # malformed YAML
    "tin-tuc/yaml-tab.md": ("", 4, "có ký tự Tab; hãy thụt lề bằng dấu cách"),
    "tin-tuc/yaml-ngoac-chua-dong.md": ("", 3, "chuỗi trong ngoặc kép chưa được đóng"),
    "tin-tuc/yaml-thut-le.md": ("", 6, "«mo_ta: Sơ đồ»"),
    "tin-tuc/yaml-thieu-hai-cham.md": ("", 4, "thiếu dấu «:» sau tên trường"),
    "tin-tuc/yaml-hai-cham-trong-gia-tri.md": ("", 2, "giá trị chứa dấu hai chấm cần đặt trong ngoặc kép"),
    "tin-tuc/yaml-danh-sach-lech.md": ("", 6, "«- giao thông»"),
    "tin-tuc/khong-co-front-matter.md": ("", 1, "Tệp không bắt đầu bằng phần thông tin (front matter)."),
    "tin-tuc/front-matter-khong-dong.md": ("", 1, "không có dòng «---» kết thúc"),
    "tin-tuc/front-matter-trong.md": ("", 2, "Phần thông tin (front matter) trống."),
    # missing and misspelled keys
    "tin-tuc/thieu-tieu-de.md": ("tieu_de", 2, "Thiếu trường bắt buộc."),
    "tin-tuc/thieu-ngay.md": ("ngay", 2, "Thiếu trường bắt buộc."),
    "tin-tuc/sai-ten-ngay.md": ("ngya", 3, "Có phải bạn định viết «ngay» (Ngày đăng)?"),
    "tin-tuc/sai-ten-tom-tat.md": ("tomtat", 4, "Có phải bạn định viết «tom_tat» (Tóm tắt)?"),
    "tin-tuc/thieu-noi-dung.md": ("", 5, "Thiếu nội dung bài viết sau dòng «---»."),
    "van-ban/thieu-co-quan.md": ("co_quan_ban_hanh", 2, "Thiếu trường bắt buộc."),
    # impossible dates
    "tin-tuc/ngay-31-02-2025.md": ("cap_nhat", 4, "«31/02/2025»"),
    "tin-tuc/ngay-2025-13-01.md": ("ngay", 3, "«2025-13-01»"),
    "tin-tuc/ngay-29-02-2025.md": ("ngay", 3, "«29/02/2025 08:00»"),
    "lich-cong-tac/ngay-30-02-2026.md": ("lich[2].ngay", 6, "«30/02/2026»"),
    # wrong codes and numbers
    "thu-tuc/ma-thieu-tinh.md": ("ma_thu_tuc", 4, "«1.000894.000.00.00»"),
    "thu-tuc/ma-chu-thuong.md": ("ma_thu_tuc", 4, "ví dụ 1.003583.000.00.00.H37"),
    "van-ban/so-ky-hieu-gach-ngang.md": ("so_ky_hieu", 4, "«12-QĐ-UBND»"),
    "van-ban/so-ky-hieu-thieu-so.md": ("so_ky_hieu", 4, "ví dụ 12/2026/QĐ-UBND"),
    # duplicate slugs: each file names the other
    "tin-tuc/trung-1.md": ("duong_dan", 1, "trùng với content/xa-hong/tin-tuc/trung-2.md"),
    "tin-tuc/trung-2.md": ("duong_dan", 1, "trùng với content/xa-hong/tin-tuc/trung-1.md"),
    # empty and oversized
    "tin-tuc/tep-trong.md": ("", 0, "Tệp trống."),
    "tin-tuc/chi-co-khoang-trang.md": ("", 0, "Tệp trống."),
    "tin-tuc/tep-50mb.md": ("", 0, "Tệp quá lớn để là một bài viết"),
    # encodings
    "tin-tuc/windows-1258.md": ("", 2, "bảng mã Windows-1258"),
    "tin-tuc/tcvn3.md": ("", 2, "bảng mã TCVN3 (ABC)"),
    "tin-tuc/vni.md": ("", 2, "bảng mã VNI Windows"),
    "tin-tuc/utf16-le-bom.md": ("", 0, "UTF-16 (có BOM)"),
    "tin-tuc/utf16-le.md": ("", 0, "UTF-16 little-endian (không có BOM)"),
    "tin-tuc/utf16-be-bom.md": ("", 0, "UTF-16 (có BOM)"),
    "tin-tuc/tcvn3-trong-utf8.md": ("", 2, "đúng ra là “Thông”"),
    "tin-tuc/ky-tu-nul.md": ("", 5, "Tệp chứa ký tự NUL (byte 0x00) ở dòng 5"),
    # deeply nested Markdown: refused before the renderer crashes or stalls
    "tin-tuc/long-trich-dan.md": ("", 7, "5000 cấp"),
    "tin-tuc/long-danh-sach.md": ("", 57, "Nội dung lồng nhau quá sâu"),
    "tin-tuc/long-ngoac-vuong.md": ("", 5, "5000 dấu «[» chưa đóng"),
    "tin-tuc/long-nhan-manh.md": ("", 5, "cấu trúc lồng nhau quá sâu"),
    # script and other unsafe HTML
    "tin-tuc/xss-script.md": ("", 7, "Thẻ <script> chứa mã chạy trên máy của người đọc."),
    "tin-tuc/xss-onerror.md": ("", 7, "Thuộc tính «onerror» của thẻ <img>"),
    "tin-tuc/xss-javascript.md": ("", 7, "Liên kết dùng «javascript:» chạy mã"),
    "tin-tuc/xss-iframe.md": ("", 7, "Khung nhúng (iframe) từ «video.ke-xau.example»"),
    "tin-tuc/xss-style.md": ("", 7, "Thuộc tính style (định dạng trực tiếp) không được dùng"),
    "tin-tuc/xss-data-url.md": ("", 5, "dùng «data:» nhúng dữ liệu trực tiếp"),
    "tin-tuc/xss-object.md": ("", 7, "Thẻ <object> nhúng chương trình"),
    "tin-tuc/xss-form.md": ("", 7, "Biểu mẫu (thẻ <form>)"),
    "tin-tuc/xss-attr-list.md": ("", 8, "Thuộc tính «onmouseover» của thẻ <p>"),
    # paths out of the site
    "tin-tuc/duong-dan-ra-ngoai.md": ("", 5, "Đường dẫn đi ra ngoài thư mục của cổng."),
    "tin-tuc/anh-ra-ngoai.md": ("", 7, "«../../../anh/so-do.svg»"),
    "tin-tuc/tep-qua-thu-muc-tep.md": ("", 5, "«tep/../../xa-khac/tep/bi-mat.pdf»"),
    "tin-tuc/duong-dan-may-tinh.md": ("", 7, "tệp trên máy tính của người soạn"),
    "tin-tuc/duong-dan-tuyet-doi.md": ("", 5, "Đường dẫn tuyệt đối (bắt đầu bằng «/»)"),
    "tin-tuc/anh-khong-co.md": ("", 5, "Liên kết tới tệp không tồn tại trong cổng."),
    "tin-tuc/symlink-ra-ngoai.md": ("", 0, "Tệp là liên kết (symlink) trỏ ra ngoài thư mục của cổng"),
    "tin-tuc/lien-ket-symlink.md": ("", 5, "Tệp là liên kết (symlink) trỏ ra ngoài thư mục của cổng."),
}
GENERATED = {"tin-tuc/tep-50mb.md", "tin-tuc/symlink-ra-ngoai.md", "tin-tuc/lien-ket-symlink.md"}


def make_corpus(dest: Path) -> Path:
    """Copy the corpus to ``dest`` and add what is not committed: a 50 MB file and symlinks out."""
    shutil.copytree(CORPUS, dest, dirs_exist_ok=True)
    outside = dest / "ngoai-cong"
    outside.mkdir()
    (outside / "mat-khau.txt").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "bai.md").write_text(f"---\n{HEAD}---\n{SECRET}\n", encoding="utf-8")
    site = dest / "content" / "xa-hong"
    line = "Nội dung rất dài được dán từ một tài liệu khác vào bài viết.\n".encode()
    with open(site / "tin-tuc" / "tep-50mb.md", "wb") as big:
        big.write(f"---\n{HEAD}---\n".encode())
        big.write(line * (50 * 1024 * 1024 // len(line) + 1))
    (site / "tin-tuc" / "symlink-ra-ngoai.md").symlink_to(outside / "bai.md")
    (site / "tep" / "mat-khau.txt").symlink_to(outside / "mat-khau.txt")
    (site / "tin-tuc" / "lien-ket-symlink.md").write_text(f"---\n{HEAD}---\nTải [tệp](tep/mat-khau.txt).\n",
                                                         encoding="utf-8")
    # phuong-hong is valid except for this: only the static-file guard can stop it.
    (dest / "content" / "phuong-hong" / "tep" / "mat-khau.txt").symlink_to(outside / "mat-khau.txt")
    return dest


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("bad-input"))


@pytest.fixture(scope="module")
def problems(corpus) -> dict[str, list]:
    """Problems of xa-hong by file (relative to the site folder)."""
    result = check.check_site(corpus / "content" / "xa-hong", corpus)
    by_file: dict[str, list] = {}
    for p in result.problems:
        by_file.setdefault(p.path.removeprefix("content/xa-hong/"), []).append(p)
    return by_file


def test_corpus_has_a_case_for_every_file_and_at_least_40(corpus):
    site = corpus / "content" / "xa-hong"
    files = {p.relative_to(site).as_posix() for p in site.rglob("*.md")}
    assert files == set(CASES)
    assert len(files - GENERATED) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_file_gets_its_precise_problem(problems, name):
    field, line, words = CASES[name]
    found = problems.get(name, [])
    assert found, f"{name}: không có vấn đề nào"
    match = [p for p in found if p.field == field and p.line == line and p.severity == ERROR
             and words in f"{p.message} {p.expected} {p.found}"]
    assert match, "\n".join(p.format() for p in found)


def test_problems_are_vietnamese_with_file_and_line(problems):
    for name, found in problems.items():
        for p in found:
            text = p.format()
            assert text.startswith(f"content/xa-hong/{name}"), text
            assert any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), text


@pytest.mark.parametrize("name, encoding", [("windows-1258.md", "windows-1258"), ("tcvn3.md", "tcvn3"),
                                            ("vni.md", "vni")])
def test_legacy_samples_are_what_encode_legacy_makes(name, encoding):
    committed = (CORPUS / "content" / "xa-hong" / "tin-tuc" / name).read_bytes()
    assert committed == encode_legacy(LEGACY_TEXT, encoding)


def test_symlinks_under_tep_and_anh_are_refused(corpus):
    for site in ("xa-hong", "phuong-hong"):
        found = document.asset_problems(corpus / "content" / site, corpus)
        assert [p.path for p in found] == [f"content/{site}/tep/mat-khau.txt"]
        assert "trỏ ra ngoài thư mục của cổng" in found[0].message and found[0].severity == ERROR


def test_good_site_builds_bad_sites_do_not_and_nothing_half_written(tmp_path):
    root = make_corpus(tmp_path)
    shutil.copytree(SITES / "basic" / "content" / "so-mau", root / "content" / "so-mau")
    result = build(root)
    built = {s.site_id: s.built for s in result.sites}
    assert built == {"so-mau": True, "xa-hong": False, "phuong-hong": False}
    out = root / "output"
    assert (out / "so-mau" / "index.html").is_file()
    assert not (out / "xa-hong").exists() and not (out / "phuong-hong").exists()
    assert not [p for p in out.rglob("*") if p.name.startswith((".tmp-", ".old-", ".crash-"))]
    assert not [p for p in out.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    guard = [p for p in result.all_problems() if "phuong-hong" in p.path and p.severity == ERROR]
    assert guard and all("tep/mat-khau.txt" in p.path + p.message for p in guard), [p.format() for p in guard]
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    paths = {p["path"] for p in report["van_de"]}
    assert {f"content/xa-hong/{name}" for name in CASES} <= paths

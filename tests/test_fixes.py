"""``invoke check --fix`` on a copy of the pasted-text samples (tests/sites/pasted-text/): what it writes,
what it leaves byte for byte, what it prints, and its exit codes."""

from __future__ import annotations

import os
import unicodedata

from test_tasks import project, run

SITE = "content/xa-dak-hoa"
ETH = f"{SITE}/tin-tuc/2026-03-11-doan-cong-tac.md"
PDF = f"{SITE}/thong-bao/2026-03-12-dan-tu-pdf.md"
MAC = f"{SITE}/tin-tuc/2026-03-10-ngay-chuyen-doi-so.md"
OCR = f"{SITE}/tin-tuc/2026-03-13-canh-bao-lua-dao.md"
ODD = f"{SITE}/tin-tuc/2026-03-14-chu-khong-chac.md"
LAW = f"{SITE}/van-ban/2026-03-09-quyet-dinh.md"
YAML = f"{SITE}/site.yaml"

# What each file must become: the original bytes with exactly these replacements (NFC aside).
REPLACED = {
    ETH: [("Ðoàn", "Đoàn"), ("Ðắk", "Đắk"), ("ðoàn", "đoàn"), ("ðồng", "đồng"), ("Ðức", "Đức"), ("QÐ", "QĐ"),
          ("ÐT:", "ĐT:"), ("50.000ð", "50.000đ")],
    PDF: [("tieu_de:\u00a0", "tieu_de: "), ("nǎm", "năm"), ("Chı́nh", "Chính"), ("Ða\u0301\u0306k", "Đắk"),
          ("baˊo", "báo"), ("ﬁle", "file"), ("hoa´", "hoá"), ("dichvu\u00adcong", "dichvucong"),
          ("Điệ\u200bn", "Điện"), ("１２/ＫＨ-ＵＢＮＤ", "12/KH-UBND")],
    OCR: [("Сông", "Công"), ("đоạn", "đoạn"), ("đảо", "đảo"), ("mạо", "mạo")],
}


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / SITE).rglob("*") if p.is_file()}


def test_dry_run_lists_every_fix_and_writes_nothing(tmp_path):
    root = project(tmp_path, "pasted-text")
    before = snapshot(root)
    proc = run(root, "check", "--fix", "--dry-run")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Xem trước, chưa ghi vào tệp nào: sẽ sửa 6 tệp" in out
    assert f"{ETH}:2: «Ðoàn» → «Đoàn» (thay «Ð» (U+00D0) bằng «Đ» (U+0110))" in out
    assert f"{PDF}:10: «dichvu⟨U+00AD⟩cong» → «dichvucong» (xóa «⟨U+00AD⟩» (U+00AD, dấu gạch nối mềm))" in out
    assert f"{MAC}:2: 89 chữ dạng tổ hợp (NFD) → dạng dựng sẵn (NFC)" in out
    assert f"{YAML}:1: 17 chữ dạng tổ hợp (NFD)" in out or f"{YAML}:2: 17 chữ dạng tổ hợp (NFD)" in out
    assert "Guðrún" not in out.split("\n\n")[0]  # not certain: not in the list of fixes, only warned about below
    assert snapshot(root) == before


def test_fix_mends_in_place_keeping_every_other_byte(tmp_path):
    root = project(tmp_path, "pasted-text")
    before = snapshot(root)
    (root / ETH).chmod(0o640)
    proc = run(root, "check", "--fix")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Đã sửa 6 tệp (" in proc.stdout
    after = snapshot(root)
    for name, pairs in REPLACED.items():
        expected = before[name].decode("utf-8")
        for old, new in pairs:
            assert old in expected, old
            expected = expected.replace(old, new)
        assert after[name] == unicodedata.normalize("NFC", expected).encode("utf-8"), name
    assert after[ETH].startswith(b"\xef\xbb\xbf") and after[ETH].count(b"\r\n") == before[ETH].count(b"\r\n")
    assert os.stat(root / ETH).st_mode & 0o777 == 0o640
    for name in (MAC, LAW, YAML):  # typed on a Mac: NFC, nothing else
        assert after[name] == unicodedata.normalize("NFC", before[name].decode("utf-8")).encode("utf-8")
    # what cannot be mended with certainty stays as written, and is still warned about
    assert after[ODD] == before[ODD] and "Guðrún" in after[ETH].decode("utf-8")
    # a second run has nothing left to do, and the check warns only about the uncertain letters
    again = run(root, "check", "--fix")
    assert again.returncode == 0 and "Không có chỗ nào cần tự sửa." in again.stdout
    assert snapshot(root) == after
    warned = [line for line in again.stdout.splitlines() if ": CẢNH BÁO" in line]
    assert warned and all("Khi đăng" not in line for line in warned), "\n".join(warned)
    assert "dạng tổ hợp" not in again.stdout and "Guðrún" in again.stdout and "«hǒa»" in again.stdout


def test_exit_codes_follow_the_readme(tmp_path):
    root = project(tmp_path, "pasted-text")
    wrong = run(root, "check", "--dry-run")
    assert wrong.returncode == 2 and "--dry-run chỉ dùng cùng --fix" in wrong.stdout + wrong.stderr
    broken = root / SITE / "tin-tuc" / "2026-03-15-thieu-ngay.md"
    broken.write_text(unicodedata.normalize("NFD", '---\ntieu_de: "Tin thiếu ngày đăng"\n---\nNội dung.\n'),
                      encoding="utf-8")
    proc = run(root, "check", "--fix")
    assert proc.returncode == 1  # the error remains: a missing date cannot be fixed by itself
    assert f"{SITE}/tin-tuc/2026-03-15-thieu-ngay.md: 4 chỗ" in proc.stdout  # its letters were mended all the same
    assert "LỖI trường «Ngày đăng» (ngay)" in proc.stdout
    assert "Traceback" not in proc.stderr

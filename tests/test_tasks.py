"""The invoke tasks as editors and CI run them: exit codes and Vietnamese output."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_case

ROOT = Path(__file__).resolve().parents[1]
INVOKE = [sys.executable, "-m", "invoke"]


def project(tmp_path: Path, case: str) -> Path:
    """A throw-away project: the real tasks.py, settings, theme and plugins, with a test case's content."""
    root = copy_case(case, tmp_path / "proj")
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, root / name)
    for name in ("plugins", "themes"):
        (root / name).symlink_to(ROOT / name)
    return root


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(INVOKE + list(args), cwd=root, capture_output=True, text=True, env=env, timeout=300)


def test_check_reports_every_problem_and_fails(tmp_path):
    root = project(tmp_path, "basic")
    proc = run(root, "check")
    assert proc.returncode == 1
    out = proc.stdout
    assert "content/xa-loi/tin-tuc/ngay-khong-co-that.md:3: LỖI trường «Ngày đăng» (ngay)" in out
    assert "content/xa-loi/thu-tuc/ma-sai.md:4: LỖI trường «Mã thủ tục» (ma_thu_tuc)" in out
    assert "so-mau" in out and "đạt" in out
    assert "Traceback" not in proc.stderr
    assert run(root, "check", "--site", "so-mau").returncode == 0


def test_build_exit_status_and_where_to_open(tmp_path):
    root = project(tmp_path, "basic")
    proc = run(root, "build", "--no-search")
    assert proc.returncode == 1
    assert "Đã xây dựng 1/2 cổng" in proc.stdout
    assert "output/index.html" in proc.stdout
    ok = run(root, "build", "--site", "so-mau", "--no-search")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    index = (root / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="so-mau/index.html"' in index and "Dữ liệu mẫu" in index


def test_production_build_uses_absolute_urls(tmp_path):
    root = project(tmp_path, "basic")
    proc = run(root, "build", "--site", "so-mau", "--production", "--no-search")
    assert proc.returncode == 0, proc.stdout
    html = (root / "output" / "so-mau" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://stp.mau.gov.vn/tin-tuc/index.html"' in html


@pytest.mark.parametrize("kind", ["tin-tuc", "thong-bao", "pho-bien-phap-luat", "van-ban", "thu-tuc",
                                  "lich-cong-tac", "hoi-dap", "du-an", "quy-hoach", "trang"])
def test_new_scaffolds_a_form_whose_placeholders_check_names_line_by_line(tmp_path, kind):
    root = project(tmp_path, "basic")
    shutil.rmtree(root / "content" / "xa-loi")
    proc = run(root, "new", "--type", kind, "--site", "so-mau", "--title", "Bài viết thử nghiệm mới")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    created = list((root / "content" / "so-mau" / kind).glob("*bai-viet-thu-nghiem-moi.md"))
    assert len(created) == 1
    check = run(root, "check", "--site", "so-mau")
    # Nothing a scaffold makes up is published: every value left to fill is an error on its own line.
    assert check.returncode == 1, check.stdout
    errors = [line for line in check.stdout.splitlines() if ": LỖI" in line]
    rel = f"content/so-mau/{kind}/{created[0].name}"
    assert errors and all(line.startswith(rel + ":") and "«invoke new» điền" in line for line in errors), errors
    lines = created[0].read_text(encoding="utf-8").splitlines()
    for line in errors:
        number = int(line.split(":")[1])
        assert "(điền " in lines[number - 1] or "(chọn một: " in lines[number - 1] or \
            lines[number - 1] == "Nội dung viết bằng Markdown tại đây.", (line, lines[number - 1])


def test_a_scaffolded_procedure_filled_in_is_published_with_what_is_known(tmp_path):
    root = project(tmp_path, "basic")
    shutil.rmtree(root / "content" / "xa-loi")
    run(root, "new", "--type", "thu-tuc", "--site", "so-mau", "--title", "Cấp bản sao trích lục hộ tịch")
    path = next((root / "content" / "so-mau" / "thu-tuc").glob("*cap-ban-sao-trich-luc-ho-tich.md"))
    text = path.read_text(encoding="utf-8")
    assert "«chưa đủ thông tin»" in text  # the form says what to do with a field the editor does not have
    path.write_text(text.replace("(điền cơ quan thực hiện)", "Sở Tư pháp tỉnh Mẫu")
                    .replace("Nội dung viết bằng Markdown tại đây.", ""), encoding="utf-8")
    check = run(root, "check", "--site", "so-mau")
    assert check.returncode == 0, check.stdout
    assert "CẢNH BÁO trường «Mã thủ tục» (ma_thu_tuc): Chưa có trường này: thủ tục được đăng ở trạng thái" \
        " «chưa đủ thông tin»" in check.stdout


@pytest.mark.parametrize("kind", ["du-thao", "ngan-sach"])
def test_new_for_types_with_required_attachment_names_the_file_to_add(tmp_path, kind):
    root = project(tmp_path, "basic")
    run(root, "new", "--type", kind, "--site", "so-mau", "--title", "Tài liệu mới")
    check = run(root, "check", "--site", "so-mau")
    assert check.returncode == 1
    assert "Không tìm thấy tệp được tham chiếu." in check.stdout and "tep/tai-lieu-moi.pdf" in check.stdout


def test_new_rejects_unknown_type_and_site(tmp_path):
    root = project(tmp_path, "basic")
    bad_type = run(root, "new", "--type", "tin-khac", "--site", "so-mau")
    assert bad_type.returncode == 2 and "Không có loại tin bài «tin-khac»" in bad_type.stderr
    bad_site = run(root, "new", "--type", "tin-tuc", "--site", "khong-co")
    assert bad_site.returncode == 2 and "Không có cổng «khong-co»" in bad_site.stderr


def test_serve_previews_and_rebuilds_on_change(tmp_path):
    import socket
    import time
    import urllib.request

    root = project(tmp_path, "basic")
    shutil.rmtree(root / "content" / "xa-loi")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(INVOKE + ["serve", "--port", str(port)], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/so-mau/thong-bao/thong-bao-lich-tiep-cong-dan-thang-3-nam-2026.html"

    def fetch():
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 120
        while "tiếp công dân" not in fetch():
            assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.5)
        time.sleep(1)  # let the watcher settle before the edit
        notice = root / "content" / "so-mau" / "thong-bao" / "2026-03-05-lich-tiep-dan.md"
        notice.write_text(notice.read_text(encoding="utf-8").replace("ngày 15/03/2026", "ngày 16/03/2026"),
                          encoding="utf-8")
        deadline = time.monotonic() + 120
        while "ngày 16/03/2026" not in fetch():
            assert time.monotonic() < deadline and proc.poll() is None, "page was not rebuilt"
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

"""The "Nhập từ Word" endpoint of the web editor: a real server on 127.0.0.1, real uploads, a real browser."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from browser import chromium
from conftest import copy_case
from import_samples import NUMBER, quyet_dinh_docx
from importer import server
from importer.errors import WrongUse

SITE = "so-mau"


@pytest.fixture
def endpoint(tmp_path):
    root = copy_case("basic", tmp_path / "proj")
    shutil.copy(Path(__file__).resolve().parents[1] / "pelicanconf.py", root / "pelicanconf.py")
    running = server.start(root, 0, allowed_origins=["http://127.0.0.1:8000"])
    try:
        yield root, running
    finally:
        running.shutdown()
        running.server_close()


def _post(url: str, fields: dict, files: dict, headers: dict | None = None):
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    for name, (filename, data) in files.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read()), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def test_upload_creates_the_item_and_answers_the_checks_problems_in_vietnamese(endpoint, tmp_path):
    root, running = endpoint
    docx = quyet_dinh_docx(tmp_path / "qd.docx")
    status, answer, headers = _post(running.url + "nhap", {"cong": SITE, "loai": "van-ban"},
                                    {"tep": ("Quyết định 24.docx", docx.read_bytes())},
                                    {"Origin": "http://127.0.0.1:8000"})
    assert status == 200 and answer["ok"] is False  # created, with the picture's description and status to fill
    assert headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
    assert (root / answer["tep"]).is_file() and answer["tep"].startswith(f"content/{SITE}/van-ban/2026-03-05-qd-24")
    assert {"truong": "so_ky_hieu", "nhan": "Số ký hiệu", "gia_tri": NUMBER,
            "nguon": "dòng «Số:» ở đầu văn bản"} in answer["thong_tin"]
    assert answer["loi"] == 2
    lines = [p["dong_hien_thi"].split("\n")[0] for p in answer["van_de"]]
    assert any(line.startswith(answer["tep"] + ":") and "Ảnh trong phần nội dung chưa có mô tả" in line
               for line in lines)
    assert all(p["path"] == answer["tep"] and p["line"] > 0 for p in answer["van_de"])


def test_refusals_are_clear_and_write_nothing(endpoint, tmp_path):
    root, running = endpoint
    before = sorted((root / "content").rglob("*"))
    status, answer, _ = _post(running.url + "nhap", {"cong": SITE, "loai": "van-ban"},
                              {"tep": ("ban-quet.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert status == 422 and answer["ok"] is False and "PDF" in answer["loi_nhap"]
    status, answer, _ = _post(running.url + "nhap", {"cong": "khong-co", "loai": "van-ban"},
                              {"tep": ("qd.docx", quyet_dinh_docx(tmp_path / "qd.docx").read_bytes())})
    assert status == 400 and answer["loi_nhap"].startswith("Không có cổng «khong-co»")
    assert sorted((root / "content").rglob("*")) == before


def test_other_sites_and_other_hosts_are_refused(endpoint, tmp_path):
    root, running = endpoint
    docx = quyet_dinh_docx(tmp_path / "qd.docx").read_bytes()
    status, answer, _ = _post(running.url + "nhap", {"cong": SITE, "loai": "van-ban"}, {"tep": ("qd.docx", docx)},
                              {"Origin": "https://trang-la.example"})
    assert status == 403 and "bị từ chối" in answer["loi_nhap"]
    status, answer, _ = _post(running.url + "nhap", {"cong": SITE, "loai": "van-ban"}, {"tep": ("qd.docx", docx)},
                              {"Host": "trang-la.example"})  # DNS rebinding: a name that points here
    assert status == 403
    assert not list((root / "content" / SITE).rglob("*qd-24*"))
    with pytest.raises(WrongUse, match="chỉ chạy trên máy của người biên tập"):
        server.make_server(root, "0.0.0.0", 0)


@pytest.mark.browser
def test_the_form_imports_a_word_file_in_a_browser(endpoint, tmp_path):
    root, running = endpoint
    docx = quyet_dinh_docx(tmp_path / "qd.docx")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(running.url)
        assert page.get_by_role("heading", level=1).inner_text() == "Nhập từ Word hoặc PDF"
        page.get_by_label("Cổng").select_option(SITE)
        page.get_by_label("Loại tin bài").select_option("van-ban")
        page.get_by_label("Tệp cần nhập (.docx hoặc .pdf)").set_input_files(str(docx))
        page.get_by_role("button", name="Nhập", exact=True).click()
        page.wait_for_url("**/nhap")
        text = page.locator("pre").inner_text()
        page.close()
    created = next((root / "content" / SITE / "van-ban").glob("2026-03-05-qd-24-*.md"))
    assert f"Đã tạo content/{SITE}/van-ban/{created.name}" in text
    assert "Kiểm tra tệp vừa tạo: 2 lỗi" in text and "Ảnh trong phần nội dung chưa có mô tả" in text

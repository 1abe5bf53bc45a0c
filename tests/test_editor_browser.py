"""The web editor for real: Decap CMS in Debian's Chromium against decap-server (git mode) on a temporary
git repository holding a copy of tests/sites/bien-tap, served by the same code as ``invoke cms``.

One editor writes a news item with a picture, a văn bản with a PDF and a procedure; each goes Bản nháp →
Chờ duyệt → Sẵn sàng đăng → published. Then the files are in content/xa-mau/ in merge commits on main,
the check finds no error, the build shows the pages, and the approvals are in the git evidence. Every
request of the browser stays on the editor's own origin. The screenshots of docs/huong-dan-bien-tap.md
are taken here: into a temporary folder on every run (the suite leaves the checkout clean), into docs/anh/
when ``PORTAL_SCREENSHOTS=docs`` is set (``PORTAL_SCREENSHOTS=docs pytest tests/test_editor_browser.py``
regenerates the guide's pictures). About 60-90 s on the 2-core CI machine, most of it Decap loading its 5 MB.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM
from conftest import ROOT, build, copy_case

pytestmark = pytest.mark.browser

SITE = "xa-mau"
PICTURES = ROOT / "docs" / "anh"
SHOTS = PICTURES if os.environ.get("PORTAL_SCREENSHOTS") == "docs" else Path(tempfile.mkdtemp(prefix="anh-bien-tap-"))
GUIDE = ROOT / "docs" / "huong-dan-bien-tap.md"
EDITOR = ("Lê Thị Hoa", "hoa.xamau@mau.gov.vn")
VIEWPORT = {"width": 1100, "height": 720}


def png(path: Path, width: int = 240, height: int = 160) -> Path:
    """A small real PNG (a blue rectangle), written without an imaging library."""
    raw = b"".join(b"\x00" + bytes((30, 90, 160)) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


@contextlib.contextmanager
def browser_vi():
    """Chromium in Vietnamese (dates in date fields read dd/mm/yyyy, as an editor's browser shows them)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + ["--lang=vi"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """The editor on a fresh repository: (root, base URL, page, every request URL, console errors)."""
    from editor import local

    root = copy_case("bien-tap", tmp_path_factory.mktemp("bien-tap"))
    shutil.copy(ROOT / ".gitignore", root / ".gitignore")  # decap-server commits with «git add .»
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", EDITOR[0])
    git(root, "config", "user.email", EDITOR[1])
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Nội dung ban đầu của xã Mẫu")
    assert build(root).ok
    files = tmp_path_factory.mktemp("tep-tai-len")
    requests, errors = [], []
    with local.editor(root, root / "output", log=files / "decap-server.log") as base, browser_vi() as browser:
        context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text)
                if "Content Security Policy" in m.text or "unsafe-eval" in m.text else None)
        page.on("dialog", lambda d: d.accept())  # "Bạn có chắc rằng bạn muốn công bố mục này?"
        page.set_default_timeout(30000)
        yield {"root": root, "base": base, "page": page, "requests": requests, "errors": errors,
               "admin": local.admin_url(base, SITE), "image": png(files / "ra-quan.png"),
               "pdf": shutil.copy(ROOT / "tests" / "sites" / "basic" / "content" / "so-mau" / "tep" / "to-khai.pdf",
                                  files / "qd-15-ke-hoach.pdf")}
        context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))
    assert (SHOTS / name).stat().st_size > 1000


def open_new(s, collection: str) -> None:
    page = s["page"]
    page.goto("about:blank")  # a fresh editor: nothing left of the previous form
    page.goto(f"{s['admin']}#/collections/{collection}/new")
    page.get_by_role("button", name="Lưu", exact=True).wait_for()


def choose(page, label: str, option: str) -> None:
    """A select (Decap's react-select): open it by its label, pick the option by its Vietnamese text."""
    page.get_by_label(label, exact=True).click()
    page.get_by_text(option, exact=True).last.click()


def upload(page, button: str, path: Path) -> None:
    page.get_by_role("button", name=button).first.click()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Dùng tệp đã chọn").click()


def save(page) -> None:
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url("**/entries/**")
    page.get_by_role("button", name="Trạng thái").wait_for()


def set_status(page, status: str, picture: str = "") -> None:
    page.get_by_role("button", name="Trạng thái").click()
    if picture:
        shot(page, picture)
    page.get_by_role("menuitem", name=status).click()
    page.get_by_text("Trạng thái của mục đã được cập nhật").first.wait_for()


def publish(page, picture: str = "") -> None:
    page.get_by_role("button", name="Công bố", exact=True).click()
    if picture:
        shot(page, picture)
    page.get_by_role("menuitem", name="Công bố ngay").click()
    page.get_by_text("Mục đã được công bố").first.wait_for()


def review_approve_publish(s, picture_prefix: str = "") -> None:
    page = s["page"]
    set_status(page, "Chờ duyệt")
    set_status(page, "Sẵn sàng đăng", f"{picture_prefix}-trang-thai.png" if picture_prefix else "")
    publish(page, f"{picture_prefix}-cong-bo.png" if picture_prefix else "")


def test_login_page_is_vietnamese_and_every_string_is_translated(session):
    page = session["page"]
    page.goto(session["admin"])
    page.get_by_role("button", name="Đăng nhập").wait_for()
    shot(page, "01-dang-nhap.png")
    missing = page.evaluate(r"""() => {
      const out = [];
      const walk = (en, vi, path) => Object.keys(en).forEach(k => {
        const p = path ? path + '.' + k : k;
        if (typeof en[k] === 'object') walk(en[k], (vi || {})[k], p);
        else if (!vi || typeof vi[k] !== 'string' || !vi[k]) out.push(p);
        else if (vi[k] === en[k] && /[a-z]{3}/.test(en[k].replace(/%\{[^}]*\}/g, ''))
                 && en[k] !== 'Markdown') out.push(p);
      });
      walk(CMS.getLocale('en'), CMS.getLocale('vi'), '');
      return out;
    }""")
    assert missing == []
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Tin tức - Sự kiện").first.wait_for()


def test_a_save_with_a_missing_required_field_is_refused_in_vietnamese(session):
    page = session["page"]
    open_new(session, "van-ban")
    page.get_by_label("Tiêu đề", exact=True).fill("Văn bản chưa đủ thông tin")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_text("Bạn còn thiếu vài thông tin bắt buộc").first.wait_for()
    assert page.get_by_text("Số ký hiệu bắt buộc nhập.").is_visible()
    shot(page, "07-thieu-truong.png")
    assert "/new" in page.url  # nothing was saved
    assert git(session["root"], "branch", "--list", "cms/*").strip() == ""


def test_news_item_with_a_picture_goes_through_review_to_publication(session):
    page = session["page"]
    open_new(session, "tin-tuc")
    page.get_by_label("Tiêu đề", exact=True).fill("Xã Mẫu ra quân làm sạch môi trường")
    page.get_by_label("Tóm tắt (không bắt buộc)").fill("Toàn xã ra quân ngày Chủ nhật xanh.")
    upload(page, "Chọn một hình", session["image"])
    # A picture without its alternative text is refused before anything is written (the preSave rule).
    page.get_by_role("button", name="Lưu", exact=True).click()
    refused = page.get_by_text("Cần sửa trước khi lưu: «Ảnh đại diện»").first
    refused.wait_for()
    assert "Mô tả ảnh" in refused.inner_text()
    page.get_by_label("Mô tả ảnh (văn bản thay thế cho người khiếm thị) (không bắt buộc)").fill(
        "Người dân xã Mẫu thu gom rác dọc đường liên thôn")
    page.locator(".CodeMirror, [data-slate-editor], [contenteditable=true]").first.click()
    page.keyboard.type("Sáng Chủ nhật, hơn 500 người dân đã ra quân làm sạch đường làng.")
    shot(page, "02-tin-tuc-moi.png")
    save(page)
    review_approve_publish(session, "03")


def test_document_with_a_pdf_attachment(session):
    page = session["page"]
    open_new(session, "van-ban")
    page.get_by_label("Tiêu đề", exact=True).fill("Kế hoạch tổ chức Ngày Chủ nhật xanh năm 2026")
    page.get_by_label("Số ký hiệu", exact=True).fill("15/KH-UBND")
    choose(page, "Loại văn bản", "Kế hoạch")
    page.get_by_label("Cơ quan ban hành", exact=True).fill("Ủy ban nhân dân xã Mẫu")
    page.get_by_label("Ngày ban hành", exact=True).fill("2026-11-30")
    page.get_by_label("Trích yếu", exact=True).fill("Kế hoạch tổ chức Ngày Chủ nhật xanh trên địa bàn xã")
    choose(page, "Tình trạng hiệu lực", "Còn hiệu lực")
    page.get_by_role("button", name="Thêm Tệp đính kèm").click()
    page.get_by_label("Tên tệp đính kèm", exact=True).fill("Kế hoạch số 15/KH-UBND (PDF)")
    upload(page, "Chọn một tệp", session["pdf"])
    page.get_by_text("tep/qd-15-ke-hoach.pdf").first.wait_for()
    shot(page, "04-van-ban-tep-pdf.png")
    save(page)
    review_approve_publish(session)


def test_procedure_with_its_fields_and_a_legal_basis_from_the_site(session):
    page = session["page"]
    open_new(session, "thu-tuc")
    page.get_by_label("Tên thủ tục", exact=True).fill("Đăng ký tổ chức lễ hội truyền thống")
    page.get_by_label("Mã thủ tục (không bắt buộc)").fill("1.000948.H98")
    page.get_by_label("Lĩnh vực (không bắt buộc)").fill("Văn hóa cơ sở")
    page.get_by_label("Thời hạn giải quyết (không bắt buộc)").first.fill("5 ngày làm việc")
    page.get_by_label("Cơ quan thực hiện", exact=True).fill("Ủy ban nhân dân xã Mẫu")
    page.get_by_role("button", name="Thêm Văn bản").click()
    cited = page.get_by_label("Số ký hiệu", exact=True)
    suggested = page.locator("datalist option").evaluate_all("els => els.map(e => e.value)")
    assert "12/QĐ-UBND" in suggested  # the site's own văn bản are suggested
    cited.fill("12/QĐ-UBND")
    shot(page, "05-thu-tuc.png")
    save(page)
    entry = page.url
    set_status(page, "Chờ duyệt")
    # The workflow board: the procedure waits in «Chờ duyệt» for the secretary.
    page.goto("about:blank")
    page.goto(f"{session['admin']}#/workflow")
    card = page.get_by_text("Đăng ký tổ chức lễ hội truyền thống").first
    card.wait_for()
    assert page.get_by_text("1 bài đang chờ duyệt").first.is_visible()
    shot(page, "06-quy-trinh.png")
    page.goto("about:blank")
    page.goto(entry)
    page.get_by_role("button", name="Trạng thái").wait_for()
    set_status(page, "Sẵn sàng đăng")
    publish(page)


def test_published_items_are_merge_commits_on_main_and_check_and_build_pass(session):
    from compliance import approvals
    from portal import check

    root = session["root"]
    assert git(root, "branch", "--list", "cms/*").strip() == ""  # every branch merged and removed
    assert git(root, "status", "--porcelain").strip() == ""
    merges = git(root, "log", "--first-parent", "--merges", "--format=%s", "main").splitlines()
    assert len(merges) == 3 and all(m.startswith("Merge branch 'cms/") for m in merges)
    folder = root / "content" / SITE
    news = next((folder / "tin-tuc").glob("*ra-quan-lam-sach-moi-truong.md"))
    text = news.read_text(encoding="utf-8")
    assert "mo_ta: Người dân xã Mẫu thu gom rác dọc đường liên thôn" in text and "tep: anh/ra-quan.png" in text
    assert (folder / "anh" / "ra-quan.png").is_file() and (folder / "tep" / "qd-15-ke-hoach.pdf").is_file()
    document = next((folder / "van-ban").glob("*ngay-chu-nhat-xanh*.md")).read_text(encoding="utf-8")
    assert re.search(r"so_ky_hieu: ['\"]?15/KH-UBND", document) and "tep: tep/qd-15-ke-hoach.pdf" in document
    procedure = next((folder / "thu-tuc").glob("*le-hoi-truyen-thong.md")).read_text(encoding="utf-8")
    assert "co_quan_thuc_hien: Ủy ban nhân dân xã Mẫu" in procedure and "12/QĐ-UBND" in procedure
    checked = check.check_site(folder, root)
    assert [p.format() for p in checked.problems if p.severity == "loi"] == []
    result = build(root)
    assert result.ok
    out = root / "output" / SITE
    assert "Xã Mẫu ra quân làm sạch môi trường" in (out / "tin-tuc" / "index.html").read_text(encoding="utf-8")
    assert any("15/KH-UBND" in p.read_text(encoding="utf-8")
               and "tep/qd-15-ke-hoach.pdf" in p.read_text(encoding="utf-8")
               for p in (out / "van-ban").glob("*.html"))
    assert any("Đăng ký tổ chức lễ hội truyền thống" in p.read_text(encoding="utf-8")
               for p in (out / "thu-tuc").glob("*.html"))
    trail = approvals.read(root)
    record = trail[news.relative_to(root).as_posix()]
    assert record.approved_by == EDITOR[0] and record.approved is not None and record.created <= record.approved


def test_every_request_stayed_on_the_editors_origin(session):
    assert session["requests"], "no request recorded"
    foreign = sorted({u for u in session["requests"] if not u.startswith((session["base"] + "/", "blob:", "data:"))})
    assert foreign == []
    assert session["errors"] == []  # nothing blocked by the admin page's Content-Security-Policy


def test_the_guides_pictures_are_committed():
    names = sorted(set(re.findall(r"\(anh/([a-z0-9-]+\.png)\)", GUIDE.read_text(encoding="utf-8"))))
    assert len(names) >= 7
    tracked = set(subprocess.run(["git", "ls-files", "docs/anh"], cwd=ROOT, capture_output=True, text=True)
                  .stdout.split())
    missing = [n for n in names if f"docs/anh/{n}" not in tracked or not (PICTURES / n).is_file()]
    assert missing == [], f"Ảnh của docs/huong-dan-bien-tap.md chưa có trong kho: {missing}"

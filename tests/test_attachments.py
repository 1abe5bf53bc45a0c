"""Attachments and images are published only when safe (plugins/portal/attachments.py).

The bad-input corpus (tests/bad-input/content/xa-hong/tep/ and anh/) holds one refused file per case:
active types (HTML, JavaScript, a program, compressed SVG) and SVG drawings with a script, an event
handler, a foreignObject, an external reference, a javascript: link, an external CSS import. Each gets
its Vietnamese error with file (and line for SVG); a site holding one is not built, and the file never
reaches the output, neither through the build nor when Pelican runs on the site directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SITES, build, copy_case
from conftest import project as project_at

from portal import attachments, check, render
from portal.problems import ERROR

CORPUS = ROOT / "tests" / "bad-input"
SITE = CORPUS / "content" / "xa-hong"

# file under content/xa-hong/ → (line, distinctive words of message/expected/found)
CASES = {
    "tep/bang-gia.html": (0, "Tệp loại «.html» có thể chứa mã chạy trên trình duyệt"),
    "tep/tien-ich.js": (0, "Tệp loại «.js» có thể chứa mã chạy"),
    "tep/cai-dat.exe": (0, "Tệp loại «.exe» có thể chứa mã chạy"),
    "anh/nen.svgz": (0, "Tệp loại «.svgz» có thể chứa mã chạy"),
    "anh/co-script.svg": (3, "thẻ <script> chứa mã chạy"),
    "anh/su-kien-onload.svg": (1, "thuộc tính sự kiện «onload»"),
    "anh/foreign-object.svg": (2, "thẻ <foreignObject> nhúng nội dung trang web"),
    "anh/tham-chieu-ngoai.svg": (3, "«xlink:href=\"https://theo-doi.example/anh.png\"»"),
    "anh/lien-ket-javascript.svg": (2, "«href=\"javascript:alert(document.domain)\"»"),
    "anh/css-ngoai.svg": (4, "lệnh CSS @import nạp định dạng từ tệp khác"),
}
ALLOWED_HERE = {"tep/bieu-mau.pdf", "anh/so-do.svg"}


@pytest.fixture(scope="module")
def problems() -> dict[str, list]:
    """Problems of xa-hong's attachments by file, as ``invoke check`` reports them."""
    result = check.check_site(SITE, CORPUS)
    by_file: dict[str, list] = {}
    for p in result.problems:
        name = p.path.removeprefix("content/xa-hong/")
        if name.split("/")[0] in attachments.FOLDERS:
            by_file.setdefault(name, []).append(p)
    return by_file


def test_corpus_has_a_case_for_every_attachment():
    files = {p.relative_to(SITE).as_posix() for folder in attachments.FOLDERS for p in (SITE / folder).rglob("*")
             if p.is_file()}
    assert files == set(CASES) | ALLOWED_HERE


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_refused_attachment_gets_its_reason(problems, name):
    line, words = CASES[name]
    found = problems.get(name, [])
    match = [p for p in found if p.line == line and p.severity == ERROR
             and words in f"{p.message} {p.expected} {p.found}"]
    assert match, "\n".join(p.format() for p in found) or f"{name}: không có vấn đề nào"
    text = match[0].format()
    assert text.startswith(f"content/xa-hong/{name}") and "không được đăng" in text, text


def test_allowed_types_and_plain_drawings_pass(problems):
    assert not any(name in problems for name in ALLOWED_HERE)
    # Every attachment and drawing of the demo province and of the test sites is accepted.
    for site in sorted((ROOT / "content").iterdir()) + sorted(SITES.glob("*/content/*")):
        if site.is_dir():
            assert attachments.problems(site, ROOT) == [], site


def test_type_is_read_from_the_lower_case_extension(tmp_path):
    for name in ("QUYET-DINH.PDF", "Anh.JPG", "so-do.Svg"):
        (tmp_path / name).write_text('<svg xmlns="http://www.w3.org/2000/svg"/>' if name.endswith("Svg") else "x")
        assert attachments.file_problems(tmp_path / name, name) == [], name
    (tmp_path / "README").write_text("x")
    (tmp_path / "trang.HTM").write_text("<p>x</p>")
    assert "không có phần mở rộng" in attachments.file_problems(tmp_path / "README", "README")[0].message
    assert "«.htm»" in attachments.file_problems(tmp_path / "trang.HTM", "trang.HTM")[0].message


@pytest.mark.parametrize("svg, words", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://x.example/#g)"/></svg>', "url() ra ngoài"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:x"/></a></svg>',
     "hiệu ứng <set> thay đổi thuộc tính «href»"),
    ('<?xml-stylesheet href="https://x.example/a.xsl" type="text/xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     "<?xml-stylesheet?>"),
    ('<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "khai báo thực thể"),
    ('<html xmlns="http://www.w3.org/1999/xhtml"><script>x</script></html>', "<script>"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><iframe src="https://x.example/"/></svg>', "<iframe>"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(&quot;//x.example/a#b&quot;)"/></svg>',
     "url() ra ngoài"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><a href=" java&#9;script:alert(1)"><rect/></a></svg>',
     "liên kết hoặc tham chiếu ra ngoài tệp"),
    ("<p>không phải hình</p>", "phần tử gốc không phải <svg>"),
    ("<svg", "không phải XML hợp lệ"),
])
def test_svg_refusals(tmp_path, svg, words):
    path = tmp_path / "hinh.svg"
    path.write_text(svg, encoding="utf-8")
    found = attachments.file_problems(path, "anh/hinh.svg")
    assert found and all(p.severity == ERROR for p in found)
    assert any(words in f"{p.message} {p.found}" for p in found), [p.format() for p in found]


def test_svg_with_internal_references_and_embedded_images_is_kept(tmp_path):
    path = tmp_path / "hinh.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<defs><linearGradient id="g"/></defs><style>rect{fill:url(#g)}</style>'
        '<rect fill="url(#g)" style="stroke:url(\'#g\')"/><use xlink:href="#g"/>'
        '<image href="data:image/png;base64,iVBORw0KGgo="/></svg>', encoding="utf-8")
    assert attachments.file_problems(path, "anh/hinh.svg") == []


def _add_bad_files(site: Path) -> None:
    shutil.copy(SITE / "tep" / "bang-gia.html", site / "tep" / "bang-gia.html")
    shutil.copy(SITE / "anh" / "co-script.svg", site / "anh" / "co-script.svg")


def test_a_site_with_a_refused_file_keeps_its_last_good_output(tmp_path):
    root = copy_case("basic", tmp_path)
    site = root / "content" / "so-mau"
    first = build(root)
    assert {s.site_id: s.built for s in first.sites}["so-mau"]
    out = root / "output" / "so-mau"
    assert (out / "anh" / "minh-hoa.svg").is_file() and (out / "tep" / "ke-hoach.pdf").is_file()
    before = (out / "index.html").read_bytes()
    _add_bad_files(site)
    second = build(root)
    assert not {s.site_id: s.built for s in second.sites}["so-mau"]
    errors = [p for p in second.all_problems() if p.severity == ERROR and p.path.startswith("content/so-mau/")]
    assert {p.path for p in errors} == {"content/so-mau/tep/bang-gia.html", "content/so-mau/anh/co-script.svg"}
    assert (out / "index.html").read_bytes() == before
    assert not list((root / "output").rglob("bang-gia.html")) and not list((root / "output").rglob("co-script.svg"))


def test_pelican_run_directly_does_not_copy_a_refused_file(tmp_path):
    """Defence in depth: even when the build's check is bypassed, the reader keeps the file out."""
    root = copy_case("basic", tmp_path)
    site = root / "content" / "so-mau"
    _add_bad_files(site)
    checked = check.check_site(site, root)
    assert not checked.ok
    out = tmp_path / "pelican-out"
    logged, _ = render.run_pelican(project_at(root), checked, out)
    assert (out / "anh" / "minh-hoa.svg").is_file()
    assert not (out / "tep" / "bang-gia.html").exists() and not (out / "anh" / "co-script.svg").exists()
    messages = "\n".join(p.message for p in logged if p.severity == ERROR)
    assert "tep/bang-gia.html" in messages and "anh/co-script.svg" in messages

"""Raw HTML in Markdown: what editors may write, what is refused (with its line), what the reader
cleans, and what a built page carries. The bad-input corpus (test_bad_input.py) has one file per
payload; these tests cover the allowlist's edges."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, build, copy_case
from conftest import project as project_at

from portal import document, nesting, sanitize
from portal.build import build_province
from portal.problems import ERROR, WARNING
from portal.reader import PortalMarkdownReader

GOOD = """## Tiêu đề mục

Đoạn có **chữ đậm**, *nghiêng*, `mã`, H<sub>2</sub>O, m<sup>2</sup> và <abbr title="Ủy ban nhân dân">UBND</abbr>.

| Cột trái | Giữa | Phải |
|:--|:-:|--:|
| 1 | 2 | 3 |

- mục một
    1. mục con

> Trích dẫn.

<figure>
  <img src="anh/minh-hoa.svg" alt="Sơ đồ tổ chức">
  <figcaption>Sơ đồ tổ chức của Sở.</figcaption>
</figure>

![Ảnh minh họa](anh/minh-hoa.svg)

[Cổng Dịch vụ công](https://dichvucong.gov.vn) và [thư](mailto:stp@mau.gov.vn).

Ghi chú[^1].

[^1]: Chú thích cuối trang.

```html
<script>alert("đây là ví dụ mã, không phải mã chạy")</script>
```
"""


def problems_of(body: str, **kwargs):
    return sanitize.find_problems(body, 10, "bai.md", **kwargs)


def test_ordinary_markdown_and_allowed_html_raise_nothing():
    assert problems_of(GOOD) == []


def test_clean_keeps_what_markdown_makes():
    html = sanitize.clean(sanitize.render(GOOD), own_hosts=("stp.mau.gov.vn",))
    for part in ("<h2 id=", "<strong>", "<sub>2</sub>", "<sup>2</sup>",
                 '<abbr title="Ủy ban nhân dân">', '<th class="align-left">', '<td class="align-right">',
                 "<ol>", "<blockquote>", "<figure>", "<figcaption>", 'alt="Sơ đồ tổ chức"',
                 'href="mailto:stp@mau.gov.vn"', 'class="footnote-ref"', "&lt;script&gt;"):
        assert part in html, part
    assert "style=" not in html and "<script" not in html


@pytest.mark.parametrize("body, line, words", [
    ('Một.\n\n<a href="&#106;avascript:alert(1)">x</a>', 12, "«javascript:»"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', 10, "«javascript:»"),
    ('<a href="vbscript:msgbox(1)">x</a>', 10, "«vbscript:»"),
    ("<svg><script>alert(1)</script></svg>", 10, "Thẻ <svg>"),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', 10, "Khung nhúng (iframe) không có địa chỉ"),
    ('<embed src="https://ke-xau.example/x">', 10, "Thẻ <embed>"),
    ('<base href="https://ke-xau.example/">', 10, "Thẻ <base>"),
    ('<meta http-equiv="refresh" content="0;url=https://ke-xau.example">', 10, "Thẻ <meta>"),
    ("<style>body{display:none}</style>", 10, "Thẻ <style>"),
    ('<details ontoggle="alert(1)" open>x</details>', 10, "«ontoggle»"),
    ('<button formaction="https://ke-xau.example">x</button>', 10, "Biểu mẫu (thẻ <button>)"),
    ("Một\n\nHai\n\n<img\n  src=anh/x.png\n  onload=alert(1)>", 16, "«onload»"),
])
def test_unsafe_constructs_are_errors_on_their_line(body, line, words):
    found = problems_of(body)
    assert any(p.line == line and p.severity == ERROR and words in p.message for p in found), \
        [p.format() for p in found]


def test_second_occurrence_maps_to_its_own_line():
    body = "<script>a()</script>\n\nChữ.\n\n<script>b()</script>\n"
    assert [p.line for p in problems_of(body)] == [10, 14]


def test_html_shown_as_code_is_not_reported_and_does_not_shift_lines():
    body = "Viết `<script>` như sau:\n\n```\n<script>x()</script>\n```\n\n<script>y()</script>\n"
    assert [p.line for p in problems_of(body)] == [16]


def test_markdown_table_alignment_is_not_the_editors_style():
    assert problems_of("| a | b |\n|:-:|--:|\n| 1 | 2 |\n") == []


def test_many_style_attributes_are_summarised():
    body = "\n".join(f'<p style="color:red">Đoạn {i}</p>' for i in range(12))
    found = problems_of(body)
    assert [p.line for p in found[:5]] == [10, 11, 12, 13, 14]
    assert len(found) == 6 and found[5].message.startswith("Còn 7 chỗ khác có cùng lỗi như dòng 10")


def test_dropped_tags_and_attributes_are_warnings():
    found = problems_of('<center>Giữa</center>\n\n<p align="center">Chữ</p>\n')
    assert [(p.line, p.severity) for p in found] == [(10, WARNING), (12, WARNING)]
    assert "Thẻ <center>" in found[0].message and "«align»" in found[1].message


@pytest.mark.parametrize("src, ok", [
    ("https://www.youtube-nocookie.com/embed/abc123", True),
    ("https://www.youtube.com/embed/abc123?start=30", True),
    ("https://maps.google.com/maps?q=UBND+x%C3%A3&output=embed", True),
    ("https://maps.google.com/maps?q=UBND", False),
    ("https://www.youtube.com.ke-xau.example/embed/abc", False),
    ("https://ke-xau.example/?https://www.youtube.com/embed/abc", False),
    ("http://www.youtube.com/embed/abc", False),
    ("https://www.youtube.com/embed/a\tb", False),
    ("", False),
])
def test_embed_allowlist(src, ok):
    assert sanitize.embed_allowed(src) is ok


def test_allowed_embed_needs_a_title_and_allowlist_is_a_setting():
    assert [p.severity for p in problems_of('<iframe src="https://www.youtube.com/embed/x"></iframe>')] == [WARNING]
    body = '<iframe src="https://video.tinh.gov.vn/nhung/1" title="Video"></iframe>'
    assert problems_of(body)[0].severity == ERROR
    assert problems_of(body, allowed_embeds=["https://video.tinh.gov.vn/nhung/*"]) == []


def test_clean_removes_what_validation_refuses():
    html = sanitize.clean(
        '<p onclick="x()" style="color:red">a</p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:alert(1)">b</a><img src="data:image/png;base64,AA" alt="c">'
        '<iframe src="https://ke-xau.example/x" title="X">d</iframe>'
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video" frameborder="0"></iframe>'
        '<object data="x"></object><form><input name="p"></form>')
    assert html == ('<p>a</p><a>b</a><img alt="c">'
                    '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>')


def test_external_links_get_noopener_noreferrer():
    html = sanitize.clean('<a href="https://dichvucong.gov.vn/x">a</a> <a href="https://stp.mau.gov.vn/y">b</a>\n'
                          '<a href="../van-ban/index.html">c</a> <a href="//cdn.example/z" title="d">d</a>'
                          ' <a href="{static}/tep/x.pdf">e</a>', own_hosts=("stp.mau.gov.vn",))
    assert html == ('<a rel="noopener noreferrer" href="https://dichvucong.gov.vn/x">a</a>'
                    ' <a href="https://stp.mau.gov.vn/y">b</a>\n<a href="../van-ban/index.html">c</a>'
                    ' <a rel="noopener noreferrer" href="//cdn.example/z" title="d">d</a>'
                    ' <a href="{static}/tep/x.pdf">e</a>')


@pytest.mark.parametrize("body, found", [
    (">" * 51 + " x", "51 cấp"),
    ("> " * 60 + "x", "60 cấp"),
    ("- " * 200 + "x", "200 cấp"),
    ("".join("    " * i + "- x\n" for i in range(60)), "60 cấp"),
    ("<div>" * 300 + "x" + "</div>" * 300, "300 thẻ HTML lồng nhau"),
    ('<div markdown="1">\n' * 130 + "x\n" + "</div>\n" * 130, "130 thẻ HTML lồng nhau"),
    ("_" * 5000 + "x" + "_" * 5000, "cấu trúc lồng nhau quá sâu"),
    ("<a " * 3000, "chỗ thiếu «>»"),
])
def test_deep_nesting_is_refused_before_rendering(body, found):
    # Without the guard these crash Python-Markdown (RecursionError) or take minutes.
    problems = problems_of(body)
    assert [p.code for p in problems] == ["long-qua-sau"] and found in problems[0].found, problems


def test_fifty_levels_are_still_fine():
    assert nesting.block_depth(">" * 50 + " x")[1] == 50
    assert problems_of(">" * 50 + " x") == []
    assert problems_of("".join("    " * i + "- x\n" for i in range(40))) == []


def test_first_line_too_deep_is_named():
    body = "Mở đầu.\n\n" + "".join("    " * i + "- x\n" for i in range(80))
    # item i nests i + 1 levels: item 50 (body line 2 + 50) is the first deeper than 50
    assert (problems_of(body)[0].line, problems_of(body)[0].found) == (10 + 2 + 50, "80 cấp")


def test_body_paths_stay_in_the_site(tmp_path):
    site = tmp_path / "so"
    (site / "tin-tuc").mkdir(parents=True)
    (site / "tep").mkdir()
    (site / "tep" / "co-that.pdf").write_bytes(b"%PDF")
    path = site / "tin-tuc" / "bai.md"
    path.write_text("---\ntieu_de: Tin tức mới\nngay: 2026-03-01\n---\n"
                    "[a](tep/co-that.pdf) [b](../tep/co-that.pdf) [c](../van-ban/index.html) [d](#muc)\n"
                    "[e](https://dichvucong.gov.vn) <img src='tep/co-that.pdf' alt='x'>\n"
                    "[f](../../x.pdf)\n"
                    "[g]: ../../../etc/passwd\n"
                    "<a href=\"file:///C:/tai-lieu/x.pdf\">h</a>\n"
                    "```\n[i](../../khong-kiem-tra)\n```\n", encoding="utf-8")
    _, found = document.load(path, site, "tin-tuc", tmp_path)
    assert [(p.line, p.found, p.code) for p in found] == [
        (7, "«../../x.pdf»", "tep-ngoai"), (8, "«../../../etc/passwd»", "tep-ngoai"),
        (9, "«file:///C:/tai-lieu/x.pdf»", "tep-ngoai")]


def test_reader_cleans_even_when_validation_was_bypassed(tmp_path):
    from pelican.settings import read_settings

    site = tmp_path / "so"
    (site / "tin-tuc").mkdir(parents=True)
    path = site / "tin-tuc" / "bai.md"
    path.write_text("---\ntieu_de: Tin tức mới\nngay: 2026-03-01\n---\nx\n", encoding="utf-8")
    doc, _ = document.load(path, site, "tin-tuc", tmp_path)
    doc.body = '<script>alert(1)</script>\n\n<img src="anh/a.svg" alt="a" onerror="x()">\n\n[b](https://ngoai.example)'
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(site), "PORTAL_DOCUMENTS": {str(path.resolve()): doc}, "SITEURL": "https://so.mau.gov.vn"})
    content, _ = PortalMarkdownReader(settings).read(str(path))
    assert content == ('\n\n<p><img src="{static}/anh/a.svg" alt="a"></p>\n'
                       '<p><a rel="noopener noreferrer" href="https://ngoai.example">b</a></p>')


def test_reader_reuses_the_checks_sanitised_html_for_the_same_body_and_embeds(tmp_path):
    from pelican.settings import read_settings

    site = tmp_path / "so"
    (site / "tin-tuc").mkdir(parents=True)
    (site / "anh").mkdir()
    (site / "anh" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    path = site / "tin-tuc" / "bai.md"
    path.write_text("---\ntieu_de: Tin tức mới\nngay: 2026-03-01\n---\nXem [cổng](https://ngoai.example).\n\n"
                    '![Sơ đồ](anh/a.svg)\n\n<iframe src="https://www.youtube.com/embed/x" title="Video"></iframe>\n',
                    encoding="utf-8")
    doc, problems = document.load(path, site, "tin-tuc", tmp_path)
    assert not [p for p in problems if p.severity == ERROR]
    # The check ran the reader's allowlist pass once and kept it, keyed by the body and the embeds.
    assert doc.clean_html == sanitize.clean_markup(document.site_links(doc.html), sanitize.ALLOWED_EMBEDS)
    assert 'src="{static}/anh/a.svg"' in doc.clean_html and "<iframe" in doc.clean_html
    doc.clean_html = doc.clean_html.replace("Xem", "Đã làm sạch khi kiểm tra")  # marks what the reader uses

    def read(**override):
        settings = read_settings(str(ROOT / "pelicanconf.py"), override={
            "PATH": str(site), "PORTAL_DOCUMENTS": {str(path.resolve()): doc}, **override})
        return PortalMarkdownReader(settings).read(str(path))[0]

    reused = read()
    assert reused.startswith("<p>Đã làm sạch khi kiểm tra ")
    assert '<a rel="noopener noreferrer" href="https://ngoai.example">' in reused  # hosts: at render time
    # Other embeds allowed by the site's settings: the reader sanitises again, and the iframe goes.
    again = read(PORTAL_ALLOWED_EMBEDS=["https://maps.google.com/*"])
    assert again.startswith("<p>Xem ") and "<iframe" not in again
    # Another body (the document changed after the check): sanitised again from that body.
    doc.body = "Nội dung khác <script>x()</script>"
    assert read() == "<p>Nội dung khác </p>"


def test_built_page_keeps_allowed_html_and_marks_external_links(tmp_path):
    root = copy_case("basic", tmp_path)
    shutil.rmtree(root / "content" / "xa-loi")
    news = root / "content" / "so-mau" / "tin-tuc" / "2026-03-11-nhung.md"
    news.write_text("---\ntieu_de: \"Video hướng dẫn nộp hồ sơ trực tuyến\"\nngay: 2026-03-11\n---\n" + GOOD
                    + '\n<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Video hướng dẫn"'
                      ' frameborder="0" allowfullscreen></iframe>\n', encoding="utf-8")
    result = build(root)
    assert result.ok, [p.format() for p in result.all_problems()]
    page = (root / "output" / "so-mau" / "tin-tuc" / "video-huong-dan-nop-ho-so-truc-tuyen.html").read_text("utf-8")
    prose = page[page.index('<div class="prose">'):]
    assert '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Video hướng dẫn"' in prose
    assert '<a rel="noopener noreferrer" href="https://dichvucong.gov.vn">' in prose
    assert '<img src="../anh/minh-hoa.svg" alt="Sơ đồ tổ chức">' in prose
    assert 'class="align-center"' in prose and "frameborder" not in prose
    assert not re.search(r"<[^>]+\sstyle=", prose) and "<script>alert" not in prose


def test_symlinked_static_file_is_refused_and_not_copied(tmp_path):
    root = copy_case("basic", tmp_path)
    shutil.rmtree(root / "content" / "xa-loi")
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("bi-mat-cua-may-chu\n", encoding="utf-8")
    (root / "content" / "so-mau" / "anh" / "bi-mat.txt").symlink_to(secret)
    result = build(root)
    assert not result.ok and not result.sites[0].built
    problem = next(p for p in result.all_problems() if "bi-mat.txt" in p.path + p.message)
    assert problem.severity == ERROR and "trỏ ra ngoài thư mục của cổng" in problem.message
    assert not (root / "output" / "so-mau").exists()
    assert not [p for p in Path(root / "output").rglob("*") if p.is_file() and b"bi-mat-cua" in p.read_bytes()]


def test_embed_allowed_in_pelicanconf_passes_validation_and_is_published(tmp_path):
    # The province's own setting must reach validation too: the check used to refuse what the reader kept.
    root = copy_case("basic", tmp_path)
    shutil.rmtree(root / "content" / "xa-loi")
    news = root / "content" / "so-mau" / "tin-tuc" / "2026-03-11-video.md"
    news.write_text("---\ntieu_de: \"Video hội nghị trực tuyến\"\nngay: 2026-03-11\n---\nXem lại hội nghị:\n\n"
                    '<iframe src="https://video.mau.gov.vn/nhung/42" title="Hội nghị trực tuyến"></iframe>\n',
                    encoding="utf-8")
    refused = build(root)
    problem = next(p for p in refused.all_problems() if p.path.endswith("2026-03-11-video.md"))
    assert problem.severity == ERROR and problem.line == 7, problem.format()
    settings = root / "pelicanconf.py"
    settings.write_text((ROOT / "pelicanconf.py").read_text(encoding="utf-8")
                        + f'\nTHEME = "{ROOT}/themes/cong-thong-tin"\nPLUGIN_PATHS = ["{ROOT}/plugins"]\n'
                        'PORTAL_ALLOWED_EMBEDS = ["https://www.youtube.com/embed/*", "https://video.mau.gov.vn/nhung/*"]\n',
                        encoding="utf-8")
    result = build_province(project_at(root, settings=settings), jobs=1, search=False)
    assert result.ok, [p.format() for p in result.all_problems()]
    page = (root / "output" / "so-mau" / "tin-tuc" / "video-hoi-nghi-truc-tuyen.html").read_text("utf-8")
    assert '<iframe src="https://video.mau.gov.vn/nhung/42" title="Hội nghị trực tuyến"></iframe>' in page

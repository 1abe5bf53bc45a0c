"""Decomposed text (NFD) and look-alike letters (plugins/portal/letters.py) on realistic pasted samples
(tests/sites/pasted-text/), checked by the real check and built into a real site.

The samples: a news item and a legal document typed on a Mac (NFD), site.yaml names in NFD, a news item
pasted from an old web page whose Windows-1258 text was read as Western (Ð/ð; saved with a BOM and
CRLF), a notice pasted from a PDF (no-break space in the front matter, soft hyphen, zero-width space,
dotless ı, ǎ, the ﬁ ligature, spacing tone marks, a tone typed before the breve, full-width digits and
letters), an OCR'd item with Cyrillic letters inside Vietnamese words, and one whose odd letters cannot
be mended with certainty (Guðrún, Москва, μg, ǒ, ǹ, full-width slashes, Chinese, an emoji sequence).
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata

import feedparser
import pytest
from conftest import SITES, build, copy_case

from portal import check, letters
from portal.problems import WARNING
from portal.slugs import slugify

SITE = SITES / "pasted-text" / "content" / "xa-dak-hoa"
PDF = "thong-bao/2026-03-12-dan-tu-pdf.md"
ETH = "tin-tuc/2026-03-11-doan-cong-tac.md"
MAC = "tin-tuc/2026-03-10-ngay-chuyen-doi-so.md"
OCR = "tin-tuc/2026-03-13-canh-bao-lua-dao.md"
ODD = "tin-tuc/2026-03-14-chu-khong-chac.md"
LAW = "van-ban/2026-03-09-quyet-dinh.md"
TITLES = {
    MAC: "Ngày Chuyển đổi số: xã Đắk Hòa hướng dẫn người dân dùng dịch vụ công trực tuyến",
    ETH: "Đoàn công tác tỉnh làm việc với xã Đắk Hòa về chuyển đổi số",
    OCR: "Công an xã Đắk Hòa cảnh báo thủ đoạn lừa đảo qua mạng",
    PDF: "Thông báo tiếp nhận hồ sơ hỗ trợ chuyển đổi số năm 2026",
    LAW: "Quyết định ban hành Kế hoạch chuyển đổi số xã Đắk Hòa năm 2026",
}

GIST = "Ban hành Kế hoạch chuyển đổi số xã Đắk Hòa năm 2026"  # trich_yeu of LAW


def url_of(name: str) -> str:
    """Where an item is published: a văn bản by its number, the others by their (mended) title."""
    return "van-ban/15-2026-qd-ubnd.html" if name == LAW else f"{name.split('/')[0]}/{slugify(TITLES[name])}.html"


@pytest.fixture(scope="module")
def checked():
    result = check.check_site(SITE, SITES / "pasted-text")
    by_file: dict[str, list] = {}
    for problem in result.problems:
        by_file.setdefault(problem.path.removeprefix("content/xa-dak-hoa/"), []).append(problem)
    return result, by_file


def test_the_samples_hold_what_they_are_meant_to():
    """Guard: an editor or a tool that normalises these files would empty the test."""
    raw = {name: (SITE / name).read_bytes().decode("utf-8-sig") for name in (MAC, LAW, ETH, PDF, OCR, ODD)}
    assert raw[MAC] == unicodedata.normalize("NFD", raw[MAC]) != unicodedata.normalize("NFC", raw[MAC])
    assert not unicodedata.is_normalized("NFC", raw[LAW])
    assert not unicodedata.is_normalized("NFC", (SITE / "site.yaml").read_text(encoding="utf-8"))
    assert (SITE / ETH).read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in (SITE / ETH).read_bytes()
    assert "Ð" in raw[ETH] and "ð" in raw[ETH]
    for char in "\u00a0\u00ad\u200b\u0131\u01ce\ufb01\u02ca\u00b4\uff11":
        assert char in raw[PDF], f"U+{ord(char):04X}"
    assert "a\u0301\u0306" in raw[PDF]
    assert {"\u0421", "\u043e"} <= set(raw[OCR])


def test_decomposed_text_is_one_warning_per_file_at_its_first_line(checked):
    _, by_file = checked
    cases = ((MAC, 2, "tieu_de", 89), (LAW, 2, "tieu_de", 42), ("site.yaml", 2, "ten_day_du", 17))
    for name, line, field, count in cases:
        [problem] = [p for p in by_file[name] if p.code == "chu-to-hop"]
        assert (problem.line, problem.field, problem.severity) == (line, field, WARNING)
        assert "dạng tổ hợp" in problem.message and "dạng dựng sẵn (NFC)" in problem.message
        assert "invoke check --fix" in problem.expected and f"cả tệp có {count} chữ như vậy" in problem.found


# file, line, field, code, the word as written, as published (None: left as written, only warned about)
LOOK_ALIKES = [
    (ETH, 2, "tieu_de", "eth", "Ðoàn", "Đoàn"),
    (ETH, 2, "tieu_de", "eth", "Ðắk", "Đắk"),
    (ETH, 6, "", "eth", "ðồng", "đồng"),
    (ETH, 6, "", "eth", "Ðức", "Đức"),
    (ETH, 10, "", "eth", "Guðrún", None),
    (PDF, 2, "tieu_de", "khoang-trang-cung", 'tieu_de:\u00a0"Thông báo tiếp nhận', 'tieu_de: "Thông báo tiếp nhận'),
    (PDF, 2, "tieu_de", "dau-mu-nguoc", "nǎm", "năm"),
    (PDF, 4, "tom_tat", "i-khong-cham", "Chı́nh", "Chính"),
    (PDF, 4, "tom_tat", "thu-tu-dau", "Ðá\u0306k", "Đắk"),
    (PDF, 4, "tom_tat", "eth", "Ðá\u0306k", "Đắk"),
    (PDF, 6, "", "dau-thanh-roi", "baˊo", "báo"),
    (PDF, 8, "", "chu-ghep", "ﬁle", "file"),
    (PDF, 8, "", "dau-thanh-roi", "hoa´", "hoá"),
    (PDF, 10, "", "ky-tu-an", "dichvu\u00adcong", "dichvucong"),
    (PDF, 10, "", "ky-tu-an", "Điệ\u200bn", "Điện"),
    (PDF, 10, "", "toan-khoang", "ＵＢＮＤ", "UBND"),
    (PDF, 10, "", "toan-khoang", "１２", "12"),
    (OCR, 2, "tieu_de", "kirin-hy-lap", "Сông", "Công"),
    (OCR, 2, "tieu_de", "kirin-hy-lap", "đảо", "đảo"),
    (OCR, 7, "", "kirin-hy-lap", "mạо", "mạo"),
    (ODD, 5, "", "eth", "Guðrún", None),
    (ODD, 7, "", "chu-ngoai", "hǒa", None),
    (ODD, 7, "", "chu-ngoai", "Nguyễǹ", None),
    (ODD, 7, "", "toan-khoang", "phát hành ngày 12／3／2026.", None),
]


@pytest.mark.parametrize("name, line, field, code, before, after", LOOK_ALIKES,
                         ids=[f"{c[0].split('/')[1][11:-3]}:{c[1]}:{c[3]}:{c[4]}" for c in LOOK_ALIKES])
def test_each_look_alike_is_mended_or_warned_with_the_exact_fix(checked, name, line, field, code, before, after):
    _, by_file = checked
    found = [p for p in by_file[name] if p.code == f"chu-nham:{code}" and p.line == line
             and p.found == f"«{letters.shown(before)}»"]
    assert len(found) == 1, "\n".join(p.format() for p in by_file[name])
    [problem] = found
    assert (problem.field, problem.severity) == (field, WARNING)
    if after is None:
        assert "Khi đăng" not in problem.message and "--fix" not in problem.expected
    else:
        assert f"«{after}»" in problem.message + problem.expected and "invoke check --fix" in problem.expected
        assert re.search(r"(thay|xóa) «", problem.expected)  # which character, replaced with what


def test_what_is_certain_is_published_mended_and_the_rest_as_written(checked):
    result, _ = checked
    docs = {d.rel.removeprefix("content/xa-dak-hoa/"): d for d in result.documents}
    for name, title in TITLES.items():
        assert docs[name].title == title
        assert docs[name].url == url_of(name)
    assert docs[ETH].slug == "doan-cong-tac-tinh-lam-viec-voi-xa-dak-hoa-ve-chuyen-doi-so"  # not "...-at-hoa-..."
    assert docs[OCR].slug == "cong-an-xa-dak-hoa-canh-bao-thu-doan-lua-dao-qua-mang"      # not "ong-an-..."
    assert "QĐ số 45/QĐ-UBND" in docs[ETH].body and "ĐT: 0260" in docs[ETH].body and "50.000đ" in docs[ETH].body
    assert "Guðrún Jónsdóttir" in docs[ETH].body
    assert docs[PDF].fields["tom_tat"].startswith("Chính sách") and "xã Đắk Hòa." in docs[PDF].fields["tom_tat"]
    assert "Kế hoạch số 12/KH-UBND" in docs[PDF].body and "(dichvucong.gov.vn)" in docs[PDF].body
    assert "Điện thoại" in docs[PDF].body and "thông báo tiếp nhận" in docs[PDF].body
    odd = docs[ODD].body
    for kept in ("Москва", "μg/l", "Müller", "hǒa", "Nguyễǹ", "12／3／2026", "欢迎 ＡＢＣ", "👨\u200d👩\u200d👧"):
        assert kept in odd, kept
    assert result.site.config["ten_day_du"] == "Ủy ban nhân dân xã Đắk Hòa"
    for doc in result.documents:
        assert unicodedata.is_normalized("NFC", json.dumps([doc.title, doc.body, doc.fields], default=str,
                                                           ensure_ascii=False))


def test_text_without_odd_letters_is_returned_as_it_is():
    text = "---\ntieu_de: \"Tin thường\"\n---\nChữ tiếng Việt dựng sẵn: Đắk Lắk, Nguyễn, ước, “ngoặc” và số 10 km.\n"
    review = letters.review(text, letters.front_matter_lines(text))
    assert review.text is text and review.changes == [] and review.decomposed == []


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_case("pasted-text", tmp_path_factory.mktemp("pasted"))
    result = build(root, search=True)
    assert [s.built for s in result.sites] == [True], [p.format() for p in result.all_problems()]
    return root / "output" / "xa-dak-hoa"


def test_the_built_site_is_nfc_in_headings_titles_feeds_exports_and_search(built):
    for name, title in TITLES.items():
        page = built / url_of(name)
        html = page.read_text(encoding="utf-8")
        assert re.search(r"<h1[^>]*>\s*" + re.escape(title) + r"\s*</h1>", html), page
        shown = f"15/2026/QĐ-UBND – {GIST}" if name == LAW else title  # a văn bản: its number and gist
        assert f"<title>{shown} – UBND xã Đắk Hòa</title>" in html, page
    feed = feedparser.parse((built / "feeds" / "all.atom.xml").read_bytes())
    titles = {entry.title for entry in feed.entries}
    assert {TITLES[MAC], TITLES[ETH], TITLES[OCR], TITLES[PDF]} <= titles
    assert all(unicodedata.is_normalized("NFC", t) for t in titles)
    export = json.loads((built / "du-lieu" / "van-ban.json").read_text(encoding="utf-8"))
    [record] = export["muc"]
    assert record["tieu_de"] == TITLES[LAW] and record["trich_yeu"] == GIST
    assert export["don_vi"]["ten"] == "Ủy ban nhân dân xã Đắk Hòa"
    fragments = [gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd").decode("utf-8")
                 for p in (built / "pagefind" / "fragment").iterdir()]
    assert any(TITLES[MAC] in f for f in fragments) and any("Công an xã" in f for f in fragments)
    assert any(TITLES[ETH] in f for f in fragments)  # searching «Đoàn», «Đắk» finds the pasted page
    assert not any(bad in f for f in fragments for bad in ("Ðoàn", "Ðắk", "Сông", "ﬁle", "nǎm"))
    not_nfc = [str(p.relative_to(built)) for p in built.rglob("*") if p.suffix in (".html", ".xml", ".json")
               and not unicodedata.is_normalized("NFC", p.read_text(encoding="utf-8"))]
    assert not_nfc == [] and all(unicodedata.is_normalized("NFC", f) for f in fragments)


def test_slugs_read_look_alikes_as_their_vietnamese_letter():
    assert slugify("Tỉnh Ðắk Nông") == slugify("Tỉnh Đắk Nông") == "tinh-dak-nong"
    assert slugify("ðồng chí Ɖức") == "dong-chi-duc"
    assert slugify("Chı́nh sách") == "chinh-sach"
    assert slugify("thông\u00adtin điệ\u200bn tử") == "thongtin-dien-tu"
    assert slugify("ﬁle ＵＢＮＤ １２") == "file-ubnd-12"
    assert slugify(unicodedata.normalize("NFD", "Ngày Chuyển đổi số")) == "ngay-chuyen-doi-so"


def test_an_outside_portal_s_decomposed_feed_is_aggregated_as_nfc():
    """The provincial aggregation reads other portals' RSS/Atom, whose text may be NFD too."""
    from aggregate.parse import parse_feed

    title = unicodedata.normalize("NFD", "Hội nghị trực tuyến về chuyển đổi số")
    feed = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tin</title>'
            f'<id>urn:x</id><updated>2026-03-10T08:00:00Z</updated><entry><title>{title}</title>'
            f'<link href="https://ngoai.gov.vn/tin/1"/><id>urn:x:1</id><updated>2026-03-10T08:00:00Z</updated>'
            f'<summary>{title}.</summary></entry></feed>').encode()
    [item] = parse_feed(feed)
    assert item["tieu_de"] == "Hội nghị trực tuyến về chuyển đổi số" and item["tom_tat"].startswith(item["tieu_de"])

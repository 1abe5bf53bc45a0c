"""Search in a real headless Chromium over a small province built for real (tests/sites/tim-kiem/): queries
typed without diacritics find words written with đ, exact spellings rank first, the procedure catalogs fold đ
too, and the provincial search page searches every unit with its name and filters, and says which unit it
could not search. Also: the index stays reproducible, and how much folding and one query cost in bytes."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import subprocess
import unicodedata

import pytest
from browser import chromium, serve
from conftest import build, copy_case
from conftest import project as project_at
from playwright.sync_api import expect

from aggregate import search as province_search
from aggregate.pipeline import aggregate
from aggregate.settings import Limits
from aggregate.store import Store
from portal import render, search_bundle, search_words

pytestmark = pytest.mark.browser

PROVINCE, SO, XA = "dong-son", "so-tu-phap", "xa-hoa-dong"
NAMES = {PROVINCE: "Ủy ban nhân dân tỉnh Đông Sơn", SO: "Sở Tư pháp tỉnh Đông Sơn", XA: "Ủy ban nhân dân xã Hòa Đông"}
AS_OF, NOW = dt.date(2026, 11, 23), dt.datetime(2026, 11, 23, 9, 0)
LIMITS = Limits(connect_timeout=1, request_deadline=1, retries=0, backoff=0.01, max_bytes=1_000_000)
PAIRS = [("chuyen doi so", "chuyển đổi số"), ("dien tu", "điện tử"), ("Dak Nong", "Đắk Nông"), ("dang ky", "đăng ký")]
STATUS = "[data-tim-kiem-trang-thai]"
DONE = re.compile(r"^(Tìm thấy|Không tìm thấy)")
# The provincial portal's search page: by title first (tim-nhanh.js), the full text on demand (?toan-van=1).
MODES = pytest.mark.parametrize("mode", ["", "&toan-van=1"], ids=["tieu-de", "toan-van"])


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The three sites built with their search indexes, aggregated, and the provincial site built again."""
    root = copy_case("tim-kiem", tmp_path_factory.mktemp("tim-kiem"))
    result = build(root, search=True)
    assert result.ok, [p.format() for p in result.all_problems()]
    aggregate(project_at(root, root / "output"), AS_OF, NOW, LIMITS)
    assert build(root, [PROVINCE], search=True).ok
    return root


@pytest.fixture(scope="module")
def site(province):
    with serve(province / "output") as base, chromium() as browser:
        yield base, browser


@pytest.fixture
def page(site):
    base, browser = site
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == []


def search(page, base: str, path: str) -> list[dict]:
    """Open a search page, wait for its answer, show every result; each as title, address, unit, kind, marks."""
    page.goto(f"{base}/{path}")
    expect(page.locator(STATUS)).to_have_text(DONE, timeout=20000)
    more = page.locator("[data-tim-kiem-them]")
    total = int((re.search(r"Tìm thấy (\d+)", page.locator(STATUS).inner_text()) or [0, 0])[1])
    while more.is_visible():
        more.click()
    expect(page.locator(".search-result")).to_have_count(total)
    found = []
    for item in page.locator(".search-result").all():
        link = item.locator(".search-result__link")
        unit = item.locator(".search-result__unit")
        found.append({"title": link.inner_text(), "url": link.get_attribute("href"),
                      "unit": unit.inner_text() if unit.count() else "",
                      "meta": item.locator(".search-result__meta").inner_text(),
                      "excerpt": " ".join(item.locator(".search-result__excerpt").all_inner_texts()),
                      "marks": item.locator("mark").all_inner_texts()})
    return found


def urls(results: list[dict]) -> list[str]:
    return [r["url"] for r in results]


# -- 1. đ/Đ folding ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("where", [PROVINCE, SO])
@pytest.mark.parametrize(("plain", "accented"), PAIRS)
def test_query_without_diacritics_finds_what_the_accented_query_finds(site, page, where, plain, accented):
    base, _ = site
    with_marks = search(page, base, f"{where}/tim-kiem.html?q={accented}")
    without = search(page, base, f"{where}/tim-kiem.html?q={plain}")
    assert set(urls(with_marks)) <= set(urls(without)), (plain, accented)
    if where == PROVINCE:  # every pair has pages somewhere in the province
        assert with_marks, accented


def test_day_of_digital_transformation_is_found_as_typed_without_diacritics(site, page):
    """The issue's case: "chuyen doi so" did not find "Ngày Chuyển đổi số" at all."""
    base, _ = site
    titles = [r["title"] for r in search(page, base, f"{PROVINCE}/tim-kiem.html?q=chuyen doi so")]
    assert any(t.startswith("Ngày Chuyển đổi số quốc gia") for t in titles[:3]), titles


@MODES
@pytest.mark.parametrize(("query", "first"), [("Đắk Nông", "Đoàn công tác Đắk Nông"),
                                               ("Đăk Nông", "Kinh nghiệm trợ giúp pháp lý"),
                                               ("đăng ký", "Đăng ký")])
def test_query_with_diacritics_ranks_the_exact_spelling_first(site, page, query, first, mode):
    base, _ = site
    results = search(page, base, f"{PROVINCE}/tim-kiem.html?q={query}{mode}")
    assert results and results[0]["title"].startswith(first), [r["title"] for r in results]


@MODES
def test_query_with_diacritics_is_not_led_by_words_only_the_folded_copy_matched(site, page, mode):
    """"dịch vụ" meets the folded copy of "mục đích" (dich): that page may be found, never before a page that
    says "dịch vụ"."""
    base, _ = site
    results = search(page, base, f"{PROVINCE}/tim-kiem.html?q=dịch vụ{mode}")
    titles = [r["title"] for r in results]
    exact = [i for i, r in enumerate(results) if "dịch vụ" in (r["title"] + r["excerpt"]).lower()]
    folded_only = [i for i, t in enumerate(titles) if "mục đích" in t]
    assert exact and exact[0] == 0, titles
    assert all(i > max(exact) for i in folded_only), titles


def test_results_show_the_real_vietnamese_text_and_mark_the_words_found(site, page):
    base, _ = site
    results = search(page, base, f"{SO}/tim-kiem.html?q=dien tu")
    news = next(r for r in results if r["title"] == "Sở Tư pháp hướng dẫn chứng thực bản sao điện tử từ bản chính")
    assert "điện" in [m.lower() for m in news["marks"]]
    assert "điện tử" in news["excerpt"] and "dien tu" not in news["excerpt"]
    shown = page.locator("main").inner_text()
    assert "khong_dau" not in shown and "chung thuc" not in shown  # the folded copies are never shown


def test_folded_copy_is_in_the_page_for_search_only(province, site, page):
    """On the item page the folded words are attributes of the indexed element and of an empty hidden element:
    no reader, screen reader or excerpt sees them."""
    base, _ = site
    html_file = next((province / "output" / SO / "tin-tuc").glob("*chung-thuc*.html"))
    html = html_file.read_text(encoding="utf-8")
    assert 'data-pagefind-meta="khong_dau:' in html and "dien" in html.split("khong_dau:", 1)[1].split('"', 1)[0]
    assert '<span hidden data-pagefind-meta="khong_dau_tieu_de:so tu phap huong dan chung thuc ban sao dien tu' in html
    page.goto(f"{base}/{SO}/tin-tuc/{html_file.name}")
    assert not page.locator("span[data-pagefind-meta^='khong_dau_tieu_de']").is_visible()
    snapshot = page.locator("main").aria_snapshot()
    assert "huong dan chung thuc" not in snapshot and "Sở Tư pháp hướng dẫn chứng thực" in snapshot
    fragments = [json.loads(gzip.decompress(p.read_bytes())[12:])
                 for p in (province / "output" / SO / "pagefind" / "fragment").glob("*.pf_fragment")]
    page_data = next(f for f in fragments if "chung-thuc" in f["url"])
    assert "dien tu" not in page_data["content"] and "điện tử" in page_data["content"]
    assert "dien" in page_data["meta"]["khong_dau"].split()


def test_folding_keeps_what_pagefind_indexes():
    html = ('<header><h1>Ngày <b>Chuyển đổi</b> số</h1></header><p data-pagefind-ignore>Đừng <em>đếm</em></p>'
            '<p>Tỉnh Đắk Nông, «điện tử»; đồng/nhãn<br>Điều<img src="x" alt="đá">đúng Ðắk</p><script>đi()</script>')
    folded = search_words.folded(html)
    assert folded.words == "dak dien dieu doi dong/nhan dung"
    assert folded.title == "ngay chuyen doi so"
    assert search_words.folded("<h1>Tin mới</h1><p>không có chữ nào</p>") == ("", "")


# -- 1b. the procedure catalogs' keyword filter ------------------------------------------------------------------
@pytest.mark.parametrize("path", [f"{XA}/thu-tuc/index.html", f"{PROVINCE}/tong-hop/thu-tuc/index.html"])
def test_procedure_catalog_keyword_filter_folds_d(site, page, path):
    base, _ = site
    page.goto(f"{base}/{path}")
    rows = page.locator("table.table--list tbody tr")
    box = page.get_by_label("Từ khóa", exact=True)

    def visible(text: str) -> list[str]:
        box.fill(text)
        box.press("Enter")
        return sorted(r.locator("th").inner_text() for r in rows.all() if r.is_visible())

    accented, plain = visible("đăng ký"), visible("dang ky")
    assert accented == plain and 0 < len(plain) < rows.count(), (accented, plain)
    assert all(t.startswith("Đăng ký") for t in plain)
    assert visible("Ðăng ký") == plain  # Ð (U+00D0) pasted for Đ
    assert "tu-khoa=" in page.url


# -- 2. province-wide search: by title first (tim-nhanh.js), the full text on demand (?toan-van=1) ------------------


@MODES
def test_province_search_finds_every_unit_and_names_it(site, page, mode):
    base, _ = site
    results = search(page, base, f"{PROVINCE}/tim-kiem.html?q=dang ky{mode}")
    units = {r["unit"] for r in results}
    assert {NAMES[SO], NAMES[XA]} <= units, results
    for r in results:  # the name shown is the unit whose page the result links to
        owner = next(s for s, name in NAMES.items() if name == r["unit"])
        assert r["url"].startswith(f"{base}/{owner}/"), r


@MODES
def test_province_search_filters_by_unit_and_by_kind(site, page, mode):
    base, _ = site
    everything = search(page, base, f"{PROVINCE}/tim-kiem.html?q=dang ky{mode}")
    page.get_by_label("Cơ quan, đơn vị").select_option(label=NAMES[XA])
    expect(page.locator(STATUS)).to_have_text(DONE)
    one_unit = search(page, base, page.url.removeprefix(base + "/"))
    assert "don-vi=xa-hoa-dong" in page.url
    assert one_unit and {r["unit"] for r in one_unit} == {NAMES[XA]} and len(one_unit) < len(everything)
    page.get_by_label("Loại thông tin").select_option(label="Thủ tục hành chính")
    procedures = search(page, base, page.url.removeprefix(base + "/"))
    assert "loai=" in page.url
    assert sorted(r["title"] for r in procedures) == ["Đăng ký khai sinh", "Đăng ký kết hôn"]
    assert all("Thủ tục hành chính" in r["meta"] for r in procedures)


def test_province_search_by_title_fetches_no_full_text_index(site, page):
    """The first search on the provincial portal reads the quick search's manifest, one shard per word and the
    first block of results: nothing of Pagefind (code, metadata, chunks) nor the units' indexes."""
    base, _ = site
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    results = search(page, base, f"{PROVINCE}/tim-kiem.html?q=dang ky khai sinh")
    assert [r["title"] for r in results] == ["Đăng ký khai sinh"] and results[0]["unit"] == NAMES[XA]
    assert results[0]["url"].startswith(f"{base}/{XA}/thu-tuc/") and "1.001193.000.00.00.H96" in results[0]["meta"]
    assert not [u for u in requested if "/pagefind/" in u or "/tong-hop/tim-kiem/" in u], requested
    quick = [u.removeprefix(f"{base}/{PROVINCE}/tong-hop/tim-nhanh/") for u in requested if "/tim-nhanh/" in u]
    assert quick[0] == "chi-muc.json" and sum("/tu/" in u for u in quick) <= 4 and sum("/muc/" in u for u in quick) == 1
    assert not [u for u in quick if "/dau/" in u]  # every word complete: no word beginnings read
    expect(page.locator("[data-tim-kiem-che-do-chu]")).to_have_text(re.compile("theo tiêu đề"))


def test_province_search_finds_a_procedure_by_its_code_and_a_title_typed_in_capitals(site, page):
    base, _ = site
    by_code = search(page, base, f"{PROVINCE}/tim-kiem.html?q=1.000894.000.00.00.H96")
    assert [r["title"] for r in by_code] == ["Đăng ký kết hôn"]
    capitals = search(page, base, f"{PROVINCE}/tim-kiem.html?q=ĐĂNG KÝ KẾT HÔN")
    assert [r["title"] for r in capitals] == ["Đăng ký kết hôn"]


@pytest.mark.parametrize("typed", ["dang ky khai si", "Đăng ký kết hô", "dang ky ke"])
def test_the_last_word_may_be_still_being_typed(site, page, typed):
    base, _ = site
    titles = [r["title"] for r in search(page, base, f"{PROVINCE}/tim-kiem.html?q={typed}")]
    assert titles and all(t.startswith("Đăng ký") for t in titles), titles
    if typed.endswith("si"):
        assert titles == ["Đăng ký khai sinh"]


def test_switching_between_title_and_full_text_search(site, page):
    base, _ = site
    by_title = search(page, base, f"{PROVINCE}/tim-kiem.html?q=dang ky")
    assert by_title and not any(r["excerpt"] for r in by_title)
    page.locator("[data-tim-kiem-doi]").click()
    expect(page.locator("[data-tim-kiem-che-do-chu]")).to_have_text(re.compile("toàn bộ nội dung"))
    expect(page.locator(STATUS)).to_have_text(DONE, timeout=20000)
    assert "toan-van=1" in page.url and "q=dang+ky" in page.url
    full = search(page, base, page.url.removeprefix(base + "/"))
    assert {r["title"] for r in by_title} <= {r["title"] for r in full} and all(r["excerpt"] for r in full)
    page.locator("[data-tim-kiem-doi]").click()
    expect(page.locator("[data-tim-kiem-che-do-chu]")).to_have_text(re.compile("theo tiêu đề"))
    expect(page.locator(STATUS)).to_have_text(DONE)
    assert "toan-van" not in page.url


def test_the_page_folds_words_as_the_index_does(site, page):
    """tim-nhanh.js and aggregate/title_index.py must agree on every word and its shard, or a query fetches the
    wrong shard and finds nothing: compared over text as portals paste it."""
    from aggregate import title_index

    base, _ = site
    samples = ["Đăng ký khai sinh", unicodedata.normalize("NFD", "Đăng ký khai sinh"), "ĐĂNG KÝ KẾT HÔN",
               "Ðăng ký (Ð, ð: chữ eth dán nhầm)", "Số 2316/UBND-NC ngày 16/11/2026", "1.001193.000.00.00.H96",
               "Thủ tục\u00a0hành chính – “trực tuyến”", "Quyết định số 12/2025/QĐ-UBND", "ﬁ ligature, Ω, 中文, 😀",
               "Nghị định 42/2022/NĐ-CP; Luật số 148/2025/QH15", "Ủy ban nhân dân xã Tân Hòa", "x" * 41 + " ngắn"]
    page.goto(f"{base}/{PROVINCE}/tim-kiem.html")
    seen = page.evaluate("(s) => s.map((t) => TimNhanh.words(t).concat(TimNhanh.spelt(t).map((w) => '=' + w))"
                         ".map((w) => [w, TimNhanh.fnv1a(w)]))", samples)
    assert seen == [[[w, title_index.fnv1a(w)] for w in title_index.words(t) + ["=" + w for w in title_index.spelt(t)]]
                    for t in samples]
    assert seen[0] == seen[1] and [w for w, _ in seen[3]][:3] == ["dang", "ky", "d"]
    assert [w for w, _ in seen[0] if w.startswith("=")] == ["=đăng", "=ký"]


def test_production_search_page_reads_copies_on_its_own_domain_and_links_each_unit_domain(province, tmp_path):
    """With absolute URLs (publishconf.py) every index is fetched from the provincial portal's own domain (no
    CORS, no CSP list of unit domains) and every result links to its unit's own domain."""
    from bs4 import BeautifulSoup

    root = tmp_path / "production"
    shutil.copytree(province / "content", root / "content")
    shutil.copytree(province / ".cache" / "tong-hop", root / ".cache" / "tong-hop")
    assert build(root, [PROVINCE], production=True).ok
    soup = BeautifulSoup((root / "output" / PROVINCE / "tim-kiem.html").read_text(encoding="utf-8"), "html.parser")
    options = {o["value"]: (o.get("data-chi-muc"), o.get("data-goc")) for o in soup.select("#loc-don-vi option")}
    assert options == {"": (None, None),
                       PROVINCE: ("https://dongson.gov.vn/pagefind/", "https://dongson.gov.vn/"),
                       SO: (f"https://dongson.gov.vn/tong-hop/tim-kiem/{SO}/", "https://stp.dongson.gov.vn/"),
                       XA: (f"https://dongson.gov.vn/tong-hop/tim-kiem/{XA}/", "https://hoadong.dongson.gov.vn/")}
    copy = root / "output" / PROVINCE / "tong-hop" / "tim-kiem" / SO
    assert (copy / "pagefind-entry.json").is_file() and list((copy / "fragment").iterdir())
    assert not list(copy.glob("*.js")) and not list(copy.glob("wasm.*"))  # code comes from the province's bundle
    assert "Disallow: /tong-hop/tim-kiem/" in (root / "output" / PROVINCE / "robots.txt").read_text(encoding="utf-8")


def test_units_the_province_cannot_search_are_named(province, site, page):
    base, _ = site
    page.goto(f"{base}/{PROVINCE}/tim-kiem.html")
    note = page.locator(".search-notice").first
    assert note.inner_text() == ("Chưa tìm được trong: Sở Y tế tỉnh Đông Sơn (cổng dùng phần mềm khác, không có chỉ "
                                 "mục tìm kiếm).")
    sources = (province / "output" / PROVINCE / "tong-hop" / "nguon" / "index.html").read_text(encoding="utf-8")
    assert "Tìm kiếm toàn tỉnh" in sources and "Không: cổng dùng phần mềm khác" in sources


def test_a_unit_whose_index_fails_to_load_is_named_and_the_others_are_searched(province, site, page):
    base, _ = site
    copy = province / "output" / PROVINCE / "tong-hop" / "tim-kiem" / XA
    aside = copy.with_name(f".{XA}-tam")
    os.replace(copy, aside)
    try:
        results = search(page, base, f"{PROVINCE}/tim-kiem.html?q=dang ky&toan-van=1")
        note = page.locator("[data-tim-kiem-thieu]")
        expect(note).to_have_text(f"Không tải được dữ liệu tìm kiếm của: {NAMES[XA]}. "
                                  "Kết quả dưới đây chỉ gồm các cổng còn lại.")
        assert results and {r["unit"] for r in results} == {NAMES[SO]}
        assert page.locator(f"#loc-don-vi option[value='{XA}']").is_disabled()
    finally:
        os.replace(aside, copy)


def test_aggregate_keeps_a_units_last_good_index_and_names_one_never_built(province, tmp_path):
    output, state = tmp_path / "output", tmp_path / "tong-hop"
    shutil.copytree(province / "output" / SO / "pagefind", output / SO / "pagefind")
    (output / XA).mkdir(parents=True)  # built without search: no index
    units = [{"ma": SO, "ten": NAMES[SO], "dia_chi_web": "https://stp.dongson.gov.vn", "noi_bo": True},
             {"ma": XA, "ten": NAMES[XA], "dia_chi_web": "https://hoadong.dongson.gov.vn", "noi_bo": True}]
    first = {e["ma"]: e for e in province_search.collect(units, output, state, Store(state), PROVINCE, NOW)}
    assert first[SO]["trang_thai"] == "tot" and first[SO]["chi_muc"] == f"tong-hop/tim-kiem/{SO}/"
    assert first[SO]["so_trang"] == 5
    assert first[XA]["trang_thai"] == "chua-co" and first[XA]["ly_do"] == "chưa có chỉ mục tìm kiếm"
    assert f"invoke build --site {XA}" in first[XA]["loi"]
    shutil.rmtree(output / SO / "pagefind")
    later = {e["ma"]: e for e in province_search.collect(units, output, state, Store(state), PROVINCE, NOW)}
    assert later[SO]["trang_thai"] == "cu" and later[SO]["chi_muc"] and "invoke build --site" in later[SO]["loi"]
    assert (state / "tim-kiem" / SO / "pagefind-entry.json").is_file()


# -- reproducible index, Pagefind's chunk size, index growth, bytes per query -------------------------------------
def _pagefind(site_dir, extra_env=None):
    env = {**os.environ, **render.SEARCH_ENV, **(extra_env or {})}
    subprocess.run([*render.pagefind_command(), "--site", str(site_dir), *render.SEARCH_OPTIONS], check=True, env=env)


def _bundle(site_dir) -> dict:
    folder = site_dir / "pagefind"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and (p.suffix.startswith(".pf_") or p.name == "pagefind-entry.json")}


def test_index_with_filters_is_the_same_bytes_on_every_run(province, tmp_path):
    runs = []
    for run in ("a", "b", "c"):
        copy = tmp_path / run
        shutil.copytree(province / "output" / XA, copy, ignore=shutil.ignore_patterns("pagefind"))
        _pagefind(copy)
        assert search_bundle.make_reproducible(copy / "pagefind")
        runs.append(_bundle(copy))
    assert runs[0] == runs[1] == runs[2]
    assert any(name.startswith("filter/") for name in runs[0])


def test_a_pagefind_file_in_another_format_stops_with_a_clear_error(province, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(province / "output" / XA / "pagefind", copy / "pagefind")
    entry = json.loads((copy / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = copy / "pagefind" / f"pagefind.{entry['languages']['vi']['hash']}.pf_meta"
    meta.write_bytes(gzip.compress(search_bundle.SIGNATURE + b"\xbf\x61\x61\xff", mtime=0))  # an indefinite map
    with pytest.raises(search_bundle.BundleFormatError, match="chưa hỗ trợ"):
        search_bundle.make_reproducible(copy / "pagefind")


def test_pagefind_honours_the_chunk_size(province, tmp_path):
    counts = {}
    for size in ("20000", "50"):
        copy = tmp_path / size
        shutil.copytree(province / "output" / SO, copy, ignore=shutil.ignore_patterns("pagefind"))
        _pagefind(copy, {"PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": size})
        counts[size] = len(list((copy / "pagefind" / "index").iterdir()))
    assert counts["20000"] == 1 and counts["50"] > 3, counts


def test_folded_copies_grow_the_index_by_at_most_a_quarter(province, tmp_path):
    """The same sites indexed with and without the folded copies; Pagefind's own scripts are left out of the
    sizes (they do not change)."""
    def data_bytes(site_dir) -> int:
        return sum(len(b) for b in _bundle(site_dir).values())

    sizes = {}
    for name in (PROVINCE, SO, XA):
        with_copies, without = tmp_path / f"{name}-co", tmp_path / f"{name}-khong"
        for target in (with_copies, without):
            shutil.copytree(province / "output" / name, target, ignore=shutil.ignore_patterns("pagefind", "tong-hop"))
        for page_file in without.rglob("*.html"):
            text = page_file.read_text(encoding="utf-8")
            stripped = re.sub(r' data-pagefind-meta="khong_dau:[^"]*"'
                              r'|<span hidden data-pagefind-meta="khong_dau_tieu_de:[^"]*"></span>', "", text)
            page_file.write_text(stripped, encoding="utf-8")
        for target in (with_copies, without):
            _pagefind(target)
            search_bundle.make_reproducible(target / "pagefind")
        sizes[name] = (data_bytes(without), data_bytes(with_copies))
    before, after = sum(b for b, _ in sizes.values()), sum(a for _, a in sizes.values())
    growth = after / before - 1
    print(f"\nchỉ mục tìm kiếm (không tính mã của Pagefind): {before:,} → {after:,} byte, tăng {growth:.1%}", sizes)
    assert 0 < growth <= 0.25


def test_bytes_fetched_for_one_query_on_the_provincial_page_in_the_full_text(province, site):
    """Recorded, not judged by speed: what the page fetches, by kind, printed for docs/performance.md. It opens
    each of the three indexes once, fetches the fragments of the first ten results only, and none of Pagefind's
    own UI files."""
    from bench import downloads

    base, browser = site
    costs = downloads.measure_with(browser, base, PROVINCE, ["dang ky", "chuyển đổi số", "dien tu", "tinh"],
                                   params="&toan-van=1")
    print("\n" + downloads.table(costs))
    for cost in costs:
        assert cost.results > 0 and cost.indexes == 3
        assert cost.files["ket-qua"] == min(cost.results, 10) and cost.files["khoi-chi-muc"] >= 3
        assert cost.files["chi-muc-mo"] == 3 * 3  # entry, metadata, filters of each index
        assert cost.files["ma-tim-kiem"] == 3  # pagefind.js, its worker, the WebAssembly: no Pagefind UI
    assert max(c.results for c in costs) > 10

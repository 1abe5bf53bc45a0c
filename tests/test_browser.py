"""Pages checked in a real headless Chromium: search, keyboard use, text size, filters."""

import pytest
from browser import chromium, serve

pytestmark = pytest.mark.browser

SEARCH = """async (q) => {
  const pf = await import('./pagefind/pagefind.js');
  await pf.init();
  const found = await pf.search(q);
  const out = [];
  for (const r of found.results) { out.push((await r.data()).url); }
  return out;
}"""


@pytest.fixture(scope="module")
def site(basic_out):
    with serve(basic_out) as base, chromium() as browser:
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield base, page, errors


def test_search_without_diacritics_finds_pages_with_them(site):
    base, page, _ = site
    page.goto(f"{base}/index.html")
    plain = page.evaluate(SEARCH, "thu tuc hanh chinh")
    accented = page.evaluate(SEARCH, "thủ tục hành chính")
    assert any(url.endswith("thu-tuc/1-003583-000-00-00-h98.html") for url in plain), plain
    assert set(plain) == set(accented)
    assert page.evaluate(SEARCH, "zzzqqqxw") == []


def test_search_page_shows_results_for_query(site):
    base, page, errors = site
    page.goto(f"{base}/tim-kiem.html?q=ly%20lich%20tu%20phap")
    page.wait_for_selector(".search-result__link", timeout=15000)
    links = page.locator(".search-result__link").all_inner_texts()
    assert any("lý lịch tư pháp" in t.lower() for t in links), links
    assert errors == []


def test_skip_link_is_first_and_moves_focus_to_main(site):
    base, page, errors = site
    page.goto(f"{base}/tin-tuc/day-manh-chuyen-doi-so-trong-cong-tac-tu-phap.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#noi-dung"
    assert page.evaluate("getComputedStyle(document.activeElement).visibility") == "visible"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#noi-dung"
    assert errors == []


def test_text_size_controls_scale_the_page(site):
    base, page, _ = site
    page.goto(f"{base}/index.html")
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="Tăng cỡ chữ").click()
    after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after > before
    page.reload()
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == after
    page.get_by_role("button", name="Cỡ chữ mặc định").click()


def test_document_filter_hides_rows_and_announces_count(site):
    base, page, errors = site
    page.goto(f"{base}/van-ban/index.html")
    rows = page.locator("tr[data-loai]")
    assert rows.count() == 2
    select = page.locator("select").first
    option = select.locator("option").nth(1).get_attribute("value")
    select.select_option(option)
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < 2
    assert errors == []


def test_mobile_layout_has_no_horizontal_scroll(site):
    base, page, _ = site
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("index.html", "thu-tuc/1-003583-000-00-00-h98.html", "lich-cong-tac/2026-tuan-10.html"):
        page.goto(f"{base}/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 362, (path, width)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("path", ["tin-tuc/day-manh-chuyen-doi-so-trong-cong-tac-tu-phap.html",
                                  "thu-tuc/1-003583-000-00-00-h98.html"])
def test_print_stylesheet_hides_navigation(site, path):
    base, page, _ = site
    page.goto(f"{base}/{path}")
    page.emulate_media(media="print")
    assert not page.locator("nav").first.is_visible()
    assert not page.locator("form.search-form").first.is_visible()
    assert page.locator("h1").is_visible() and page.locator("main table, main h1").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 5000
    page.emulate_media(media="screen")

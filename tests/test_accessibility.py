"""Accessibility gate on the demo province: axe-core over every template (WCAG 2.1 AA), keyboard use,
Content-Security-Policy, the self-assessment page and the compliance check that reads the same run.

The demo is built once per session (with search) and aggregated (tests/quality_demo.py); one server and
one Chromium serve every browser test of the module.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from browser import chromium, serve
from bs4 import BeautifulSoup
from conftest import copy_case
from conftest import project as project_at
from quality_demo import demo_output

from compliance.checks.context import Settings
from compliance.engine import evaluate
from portal.build import build_province
from quality import accessibility

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "pelicanconf.py"
RUN_DATE = dt.date(2026, 11, 23)
RULE = "cds-d35-k2-tu-danh-gia-tiep-can"
ACTIVE = """() => { const e = document.activeElement;
  return {tag: e.tagName, href: e.getAttribute('href') || '', id: e.id || '', cls: e.className || '',
          text: (e.textContent || '').trim(), inMenu: !!e.closest('.main-nav'), visible: !!e.offsetParent}; }"""
CSP_LISTENER = """window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const text = e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile;
  window.cspViolations.push(text);
  window.reportCspViolation(text);
});"""


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The demo built with search and aggregated (shared with the other quality gates)."""
    return {"out": demo_output(tmp_path_factory), "tmp": tmp_path_factory.mktemp("a11y")}


@pytest.fixture(scope="module")
def browser_env(province):
    with serve(province["out"]) as base, chromium() as browser:
        yield base, browser


def province_targets(out: Path) -> dict[str, list]:
    """Every template of the province once: per site, the kinds (and viewports) no earlier site had."""
    seen, chosen = set(), {}
    for site in accessibility.built_sites(ROOT, out):
        mine = [t for t in accessibility.template_pages(out / site) if (t.kind, t.viewport) not in seen]
        seen |= {(t.kind, t.viewport) for t in mine}
        chosen[site] = mine
    return chosen


@pytest.fixture(scope="module")
def gate(province, browser_env):
    """axe-core over every template page, in a context that also records CSP violations and console errors."""
    base, browser = browser_env
    context = browser.new_context()
    violations, console = [], []
    context.expose_binding("reportCspViolation", lambda source, text: violations.append((source["page"].url, text)))
    context.add_init_script(CSP_LISTENER)
    context.on("console", lambda m: console.append((m.page.url if m.page else "", m.text))
               if m.type == "error" else None)
    context.on("weberror", lambda e: console.append(("", str(e.error))))
    axe_source = (ROOT / accessibility.AXE / "axe.min.js").read_text(encoding="utf-8")
    results = {site: accessibility.audit(context, f"{base}/{site}", targets, axe_source)
               for site, targets in province_targets(province["out"]).items()}
    context.close()
    return results, violations, console


@pytest.mark.browser
def test_every_template_has_no_serious_or_critical_violation(gate):
    results, _, _ = gate
    pages = [p for site in results.values() for p in site]
    kinds = {p["kind"] for p in pages}
    # home, items and lists of every section, page 2, every page kind, search, reports, aggregated pages
    assert {"trang-chu", "tin-tuc", "tin-tuc-danh-sach", "danh-sach-trang-2", "thu-tuc", "van-ban",
            "van-ban-danh-sach", "thu-tuc-danh-sach", "lich-cong-tac", "lich-cong-tac-danh-sach", "hoi-dap",
            "du-thao", "trang-lanh-dao", "trang-tiep-can-thong-tin", "trang-chat-luong-dich-vu-cong",
            "trang-co-cau-to-chuc", "trang-ban-do-hanh-chinh", "tu-khoa", "tu-khoa-trang", "luu-tru", "tim-kiem",
            "lien-he", "so-do-cong", "404", "kha-nang-tiep-can", "tuan-thu", "tuan-thu-toan-tinh", "tong-hop",
            "tong-hop-tin-tuc", "tong-hop-tin-tuc-trang-2", "tong-hop-thu-tuc", "tong-hop-van-ban",
            "tong-hop-tuan-thu", "tong-hop-nguon"} <= kinds
    assert any(p["viewport"] == "di-dong" for p in pages)
    blocking = [(site, p["path"], p["viewport"], v["id"], v["help"], v["nodes"][:3])
                for site, site_pages in results.items() for p in site_pages for v in p["violations"]
                if v["impact"] in accessibility.BLOCKING]
    assert blocking == []


@pytest.mark.browser
def test_no_csp_violation_or_console_error_on_any_template(gate, browser_env):
    _, violations, console = gate
    assert violations == [] and console == []
    # the listener does see a violation: an inline script under the same kind of policy
    _, browser = browser_env
    context = browser.new_context()
    context.expose_binding("reportCspViolation", lambda source, text: None)
    context.add_init_script(CSP_LISTENER)
    context.route("http://csp.invalid/", lambda route: route.fulfill(content_type="text/html", body=(
        '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'"><script>1</script>')))
    page = context.new_page()
    page.goto("http://csp.invalid/")
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.cspViolations")[0].startswith("script-src")
    context.close()


def test_every_published_page_carries_a_strict_csp(province):
    out = province["out"]
    # The board's web editor (quan-tri/, Decap CMS) needs 'unsafe-eval': its own policy, limited to the site and
    # its git forge, is checked in tests/test_editor_config.py and in Chromium by tests/test_editor_browser.py.
    pages = [p for site in accessibility.built_sites(ROOT, out) for p in (out / site).rglob("*.html")
             if "pagefind" not in p.parts and "quan-tri" not in p.parts]
    assert len(pages) > 500
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), page  # no inline script at all
        match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', html[:4000])
        assert match, page
        directives = dict(d.strip().split(" ", 1) for d in match.group(1).split(";"))
        assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"


def test_external_links_in_templates_do_not_leak_opener_or_referrer(province):
    out = province["out"]
    checked = 0
    for page in (out / "thanhvan" / "tong-hop" / "nguon" / "index.html", out / "thanhvan" / "index.html",
                 out / "stp" / "thu-tuc" / "index.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.select("a[href^='http']"):
            assert {"noopener", "noreferrer"} <= set(a.get("rel") or []), (page, a)
            checked += 1
    assert checked >= 5


# ---------- keyboard ----------

def tab_to(page, test, limit=80) -> dict:
    """Press Tab until the focused element passes ``test``; returns it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if test(active):
            return active
    raise AssertionError("không đến được phần tử cần tìm bằng phím Tab")


@pytest.fixture
def tab(browser_env):
    _, browser = browser_env
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert errors == []


@pytest.mark.browser
def test_skip_link_is_the_first_focusable_element_of_every_template(province, browser_env, tab):
    base, _ = browser_env
    seen = set()
    for site, targets in province_targets(province["out"]).items():
        for target in targets:
            if target.viewport != "may-tinh" or target.kind in seen:
                continue
            seen.add(target.kind)
            tab.goto(f"{base}/{site}/{target.path}")
            tab.keyboard.press("Tab")
            active = tab.evaluate(ACTIVE)
            assert active["href"] == "#noi-dung" and "skip-link" in active["cls"], (site, target.path, active)
    assert len(seen) > 40
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "noi-dung"


@pytest.mark.browser
def test_menu_dropdowns_open_and_their_links_are_reached_by_keyboard(browser_env, tab):
    base, _ = browser_env
    tab.goto(f"{base}/thanhvan/index.html")
    tab_to(tab, lambda a: a["tag"] == "SUMMARY" and a["text"] == "Giới thiệu")
    assert tab.evaluate("document.activeElement.parentElement.open") is False
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.parentElement.open") is True
    tab.keyboard.press("Tab")
    first = tab.evaluate(ACTIVE)
    assert first["tag"] == "A" and first["visible"] and first["href"].startswith("./trang/"), first
    tab.keyboard.press("Escape")
    assert tab.evaluate(ACTIVE)["text"] == "Giới thiệu"
    assert tab.evaluate("document.activeElement.parentElement.open") is False
    summary = tab_to(tab, lambda a: a["tag"] == "SUMMARY" and a["text"] == "Chỉ đạo điều hành")
    assert summary["inMenu"]
    tab.keyboard.press("Space")
    assert tab.evaluate("document.activeElement.parentElement.open") is True
    tab.keyboard.press("Tab")
    link = tab.evaluate(ACTIVE)
    assert link["tag"] == "A" and link["visible"] and link["href"].endswith("/index.html"), link
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url.endswith(link["href"].lstrip("."))


@pytest.mark.browser
def test_mobile_menu_button_toggles_with_enter_and_tells_its_state(browser_env, tab):
    base, _ = browser_env
    tab.set_viewport_size({"width": 360, "height": 800})
    tab.goto(f"{base}/stp/index.html")
    menu = tab.locator("#danh-muc-chinh")
    assert not menu.is_visible()
    toggle = tab_to(tab, lambda a: "main-nav__toggle" in a["cls"])
    assert toggle["visible"]
    assert tab.evaluate("document.activeElement.getAttribute('aria-expanded')") == "false"
    assert tab.evaluate("document.activeElement.getAttribute('aria-controls')") == "danh-muc-chinh"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.getAttribute('aria-expanded')") == "true"
    assert menu.is_visible()
    tab.keyboard.press("Tab")
    assert tab.evaluate(ACTIVE)["inMenu"] and tab.evaluate(ACTIVE)["visible"]
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.getAttribute('aria-expanded')") == "false"
    assert not menu.is_visible()


@pytest.mark.browser
def test_search_form_submitted_by_keyboard_shows_results_for_thu_tuc(browser_env, tab):
    base, _ = browser_env
    tab.goto(f"{base}/thanhvan/index.html")
    tab_to(tab, lambda a: a["id"] == "o-tim-kiem")
    tab.keyboard.type("thu tuc")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert "tim-kiem.html?q=thu+tuc" in tab.url
    tab.wait_for_selector(".search-result__link", timeout=20000)
    titles = [t.lower() for t in tab.locator(".search-result__link").all_inner_texts()]
    assert titles and any("thủ tục" in t for t in titles), titles
    assert tab.get_by_label("Từ khóa", exact=True).input_value() == "thu tuc"  # the page's own box, labelled


@pytest.mark.browser
def test_document_filter_select_works_with_the_keyboard(browser_env, tab):
    base, _ = browser_env
    tab.goto(f"{base}/thanhvan/van-ban/index.html")
    rows = tab.locator("tr[data-loai]")
    total = rows.count()
    select = tab_to(tab, lambda a: a["tag"] == "SELECT")
    assert select["id"]
    tab.keyboard.press("ArrowDown")
    visible = sum(1 for r in rows.all() if r.is_visible())
    assert 0 < visible < total
    status = tab.locator("[data-filter-status]").first.inner_text()
    assert status.startswith("Tìm thấy ") and str(visible) in status


# ---------- the run, the self-assessment page and the compliance check ----------

@pytest.mark.browser
def test_run_is_saved_and_the_self_assessment_page_publishes_it(province, gate):
    out, tmp = province["tmp"] / "output", province["tmp"]
    results, _, _ = gate
    state, empty = tmp / "kiem-tra", tmp / "kiem-tra-trong"

    def build_stp(folder):
        built = build_province(project_at(ROOT, out, overrides={"QUALITY_STATE_DIR": str(folder)}), ["stp"],
                               search=False)
        assert built.ok, [p.format() for p in built.all_problems()]
        html = BeautifulSoup((out / "stp" / "kha-nang-tiep-can.html").read_text(encoding="utf-8"), "html.parser")
        return html, " ".join(html.get_text(" ").split())

    _, before = build_stp(empty)
    assert "Chưa có kết quả tự đánh giá" in before and "Ngày đánh giá gần nhất" not in before
    version = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
    summary = accessibility.summarize("stp", RUN_DATE, accessibility.axe_version(ROOT), results["stp"])
    path = accessibility.save(state, summary)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert path == state / "tiep-can" / "stp.json"
    assert saved["ngay_danh_gia"] == "2026-11-23" and saved["cong_cu"]["phien_ban"] == version
    assert saved["tieu_chuan"] == "WCAG 2.1 mức AA" and saved["so_trang"] == len(results["stp"])
    assert set(saved["tong_hop"]) == {"critical", "serious", "moderate", "minor"}
    assert accessibility.blocking(saved) == []
    page, text = build_stp(state)
    assert "Chưa có kết quả tự đánh giá" not in text
    assert "23/11/2026" in text and f"axe-core phiên bản {version}" in text and "WCAG 2.1 mức AA" in text
    assert f"Số trang đã kiểm tra {len(results['stp'])}" in text
    assert "Không phát hiện vi phạm ở mức nghiêm trọng" in text and "57%" in text
    assert "Phản ánh về khả năng tiếp cận" in text and "Hoàng Thị Ngọc Lan" in text
    assert page.find("footer").find("a", href="./kha-nang-tiep-can.html")
    sitemap = BeautifulSoup((out / "stp" / "so-do-cong.html").read_text(encoding="utf-8"), "html.parser")
    assert sitemap.find("main").find("a", href="./kha-nang-tiep-can.html")


def _run(root: Path, site: str, day: dt.date, serious: int = 0) -> None:
    violations = [{"quy_tac": "color-contrast", "muc_do": "serious", "muc_do_nhan": "Nghiêm trọng", "mo_ta": "x",
                   "tieu_chi_wcag": ["1.4.3"], "tai_lieu": "", "so_phan_tu": 1, "trang": ["index.html"]}][:serious]
    summary = accessibility.summarize(site, day, "4.14.1", [])
    summary["vi_pham"] = violations
    accessibility.save(root / ".cache" / "kiem-tra", summary)


def test_compliance_check_reads_the_last_run(tmp_path):
    root = copy_case("compliance", tmp_path)

    def finding(day):
        ev = evaluate(project_at(root), day, ["so-b"], Settings(), use_git=False)
        found = [f for f in ev.sites[0].findings if f.rule.ma == RULE]
        assert len(found) == 1
        return found[0]

    missing = finding(RUN_DATE)
    assert missing.trang_thai == "thieu" and "Chưa có kết quả tự đánh giá" in missing.mo_ta
    assert missing.muc == "content/so-b/site.yaml"
    _run(root, "so-b", dt.date(2026, 3, 2), serious=1)
    failing = finding(RUN_DATE)
    assert failing.trang_thai == "thieu" and "color-contrast" in failing.mo_ta and "nghiêm trọng" in failing.mo_ta
    _run(root, "so-b", dt.date(2026, 3, 2))
    assert finding(RUN_DATE).trang_thai == "dat"
    late = finding(dt.date(2027, 3, 12))
    assert late.trang_thai == "qua-han" and late.so_ngay_qua_han == 10 and late.han == dt.date(2027, 3, 2)
    assert finding(dt.date(2027, 3, 1)).trang_thai == "sap-den-han"

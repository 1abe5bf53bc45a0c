"""Data tables on a 360 px phone, in real headless Chromium, on a small real-looking province of our own
(tests/sites/small-screens: a sở with a four-column procedure, a week's schedule, documents, a budget
disclosure written as a Markdown table; a xã; the provincial portal with its aggregated catalogs and
compliance pages; the standalone compliance report).

At 360×740 no page scrolls sideways, no cell is squeezed to a word per line and every cell shows its
column header; at 768 px and 1280 px, and in print, tables are tables as before; the accessibility tree is
the same at every width (a table with its headers, each label read once), and axe-core finds nothing.
Screenshots of every page are saved under the test's temporary folder (``anh-man-hinh/<width>/``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import runpy

import pytest
from browser import chromium, serve
from conftest import ROOT, build, copy_case
from conftest import project as project_at

from aggregate.pipeline import aggregate
from compliance import html_report
from compliance import settings as compliance_settings
from compliance.engine import evaluate
from quality import accessibility

pytestmark = pytest.mark.browser

AS_OF = dt.date(2026, 3, 20)
PHONE = {"width": 360, "height": 740}
WIDE = (768, 1280)
MIN_CELL_WIDTH = 80       # px: a cell narrower than 5rem cannot hold a phrase
MIN_CHARS_PER_LINE = 16   # a cell of 40+ characters averaging fewer per line is squeezed
UNLABELLED = ("schedule-when", "schedule-what")  # a schedule's time and work need no visible label
REPORT = f"tuan-thu/{AS_OF.isoformat()}/bao-cao-tuan-thu.html"

# kind → page under output/ ('*' = the first item of that section)
PAGES = {
    "thu-tuc": "so-m/thu-tuc/1-009972-000-00-00-h97.html",
    "thu-tuc-xa": "xa-m/thu-tuc/1-001193-000-00-00-h97.html",
    "thu-tuc-danh-sach": "so-m/thu-tuc/index.html",
    "lich-cong-tac": "so-m/lich-cong-tac/2026-tuan-12.html",
    "lich-cong-tac-xa": "xa-m/lich-cong-tac/2026-tuan-12.html",
    "van-ban": "so-m/van-ban/1205-qd-ubnd.html",
    "van-ban-danh-sach": "so-m/van-ban/index.html",
    "ngan-sach": "so-m/ngan-sach/*",
    "pho-bien-phap-luat": "so-m/pho-bien-phap-luat/*",
    "lien-he": "tinh-m/lien-he.html",
    "kha-nang-tiep-can": "so-m/kha-nang-tiep-can.html",
    "tuan-thu": "so-m/tuan-thu/index.html",
    "tuan-thu-toan-tinh": "tinh-m/tuan-thu/toan-tinh.html",
    "tiep-can-thong-tin": "tinh-m/trang/tiep-can-thong-tin.html",
    "tong-hop-thu-tuc": "tinh-m/tong-hop/thu-tuc/index.html",
    "tong-hop-van-ban": "tinh-m/tong-hop/van-ban/index.html",
    "tong-hop-tuan-thu": "tinh-m/tong-hop/tuan-thu/index.html",
    "tong-hop-nguon": "tinh-m/tong-hop/nguon/index.html",
    "bao-cao-tuan-thu": REPORT,
}

# Every table of <main>: its layout, and per visible cell its box, its lines, its label and the text of
# the header of its column (the lowest header row that covers it, rowspan and colspan counted).
MEASURE = """() => {
  const clipped = (el) => { for (let a = el; a && a !== document.body; a = a.parentElement) {
    const r = a.getBoundingClientRect(); if (r.width <= 2 || r.height <= 2) return true; } return false; };
  const lines = (el) => { const range = document.createRange(); range.selectNodeContents(el); const seen = [];
    for (const q of range.getClientRects()) { if (q.width < 1 || q.height < 1) continue;
      if (!seen.some(b => Math.abs(b - q.bottom) < q.height / 2)) seen.push(q.bottom); } return seen.length; };
  const place = (rows, onCell) => { const taken = [];
    rows.forEach((row, r) => { let c = 0;
      for (const cell of row.cells) { while ((taken[r] || [])[c]) c++;
        for (let i = 0; i < cell.rowSpan; i++) for (let j = 0; j < cell.colSpan; j++) {
          (taken[r + i] = taken[r + i] || [])[c + j] = true; }
        onCell(cell, c); c += cell.colSpan; } }); };
  const tables = [];
  for (const t of document.querySelectorAll('main table')) {
    const heads = [];
    place(t.tHead ? Array.from(t.tHead.rows) : [], (cell, c) => {
      for (let j = 0; j < cell.colSpan; j++) heads[c + j] = cell.innerText.trim(); });
    const cells = [];
    for (const body of t.tBodies) place(Array.from(body.rows), (cell, c) => {
      const box = cell.getBoundingClientRect(), text = cell.innerText.trim();
      const before = getComputedStyle(cell, '::before');
      cells.push({text, tag: cell.tagName, cls: cell.className, span: cell.colSpan, width: box.width, visible: !clipped(cell),
                  lines: text ? lines(cell) : 0, words: text ? text.split(/\\s+/).length : 0,
                  label: cell.getAttribute('data-label'), header: heads[c] || '', display: getComputedStyle(cell).display,
                  before: before.display === 'none' ? 'none' : before.content}); });
    tables.push({name: (t.caption && t.caption.innerText.trim()) || t.id || t.className, cls: t.className,
                 columns: heads.length, display: getComputedStyle(t).display,
                 head: t.tHead ? getComputedStyle(t.tHead).display : null, cells});
  }
  const scrollers = [];
  for (const el of document.querySelectorAll('body *')) { const s = getComputedStyle(el).overflowX;
    if ((s === 'auto' || s === 'scroll') && el.scrollWidth > el.clientWidth + 1) scrollers.push(el.outerHTML.slice(0, 80)); }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, scrollers, tables};
}"""


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The sample province built, aggregated, with a saved accessibility run and the standalone report."""
    root = copy_case("small-screens", tmp_path_factory.mktemp("small-screens"))
    out = root / "output"
    assert build(root).ok
    aggregate(project_at(root, out), AS_OF, dt.datetime(2026, 3, 20, 9, 0))
    with serve(out) as base, chromium() as browser:  # a real run, so the self-assessment page has its tables
        axe = (ROOT / accessibility.AXE / "axe.min.js").read_text(encoding="utf-8")
        targets = [accessibility.Target("trang-chu", "Trang chủ", "index.html", viewport)
                   for viewport in ("may-tinh", "di-dong")]
        results = accessibility.audit(browser, f"{base}/so-m", targets, axe)
    accessibility.save(root / accessibility.STATE_DIR,
                       accessibility.summarize("so-m", AS_OF, accessibility.axe_version(ROOT), results))
    assert build(root, ["tinh-m", "so-m"]).ok
    typed = compliance_settings.read(runpy.run_path(str(ROOT / "pelicanconf.py")))[0]
    report = out / REPORT
    report.parent.mkdir(parents=True)
    report.write_text(html_report.render(evaluate(project_at(root), AS_OF, None, typed, use_git=False),
                                         ROOT / "themes" / "cong-thong-tin" / "templates"), encoding="utf-8")
    pages = {}
    for kind, path in PAGES.items():
        if path.endswith("*"):
            folder = out / path[:-2]
            path = str(next(p for p in sorted(folder.glob("*.html")) if p.name != "index.html").relative_to(out))
        assert (out / path).is_file(), path
        pages[kind] = path
    return {"root": root, "out": out, "pages": pages, "shots": tmp_path_factory.mktemp("anh-man-hinh")}


@pytest.fixture(scope="module")
def site(province):
    with serve(province["out"]) as base, chromium() as browser:
        yield base, browser


def look(site, province, kind: str, width: int, height: int = 740, media: str = "screen") -> dict:
    """Open one page at one width, save its full-page screenshot, return what MEASURE finds."""
    base, browser = site
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.emulate_media(media=media)
        page.goto(f"{base}/{province['pages'][kind]}", wait_until="load")
        folder = province["shots"] / f"{width}{'-in' if media == 'print' else ''}"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"{kind}.png"), full_page=True)
        return page.evaluate(MEASURE)
    finally:
        page.close()


@pytest.mark.parametrize("kind", PAGES)
def test_tables_are_readable_on_a_360_px_phone(site, province, kind):
    seen = look(site, province, kind, PHONE["width"], PHONE["height"])
    assert seen["scrollWidth"] <= seen["innerWidth"], "trang cuộn ngang"
    assert seen["scrollers"] == [], "một vùng trong trang phải cuộn ngang"
    assert seen["tables"], "trang mẫu phải có bảng"
    for table in seen["tables"]:
        wide = table["columns"] >= 3
        # every data table of three columns or more is stacked; two-column tables fit as they are
        assert not wide or "table--stack" in table["cls"].split(), (table["name"], "chưa xếp chồng")
        if "table--stack" in table["cls"].split():
            assert table["display"] == "block" and table["head"] == "block", table["name"]
        for cell in table["cells"]:
            if not cell["visible"] or not cell["text"]:
                continue
            where = (table["name"], cell["text"][:60])
            assert cell["width"] >= MIN_CELL_WIDTH, (*where, cell["width"])
            assert not (cell["words"] >= 3 and cell["lines"] >= cell["words"]), (*where, "mỗi dòng một chữ")
            if len(cell["text"]) >= 40:
                assert len(cell["text"]) / cell["lines"] >= MIN_CHARS_PER_LINE, (*where, cell["lines"], "dòng")
            if "table--stack" in table["cls"].split() and cell["tag"] == "TD" and cell["span"] == 1:
                # labelled with its own column's header, and the label is on screen (a cell across
                # several columns, such as "Không có lịch", belongs to none)
                assert cell["label"] and cell["label"].lower().endswith(cell["header"].lower()), (*where, cell)
                if not set(cell["cls"].split()) & set(UNLABELLED):
                    assert cell["before"].startswith(f'"{cell["label"]}: "'), (*where, cell["before"])


def test_the_pages_checked_hold_the_tables_the_issue_names(site, province):
    """The sample is not empty: four-column procedure tables, a whole week, the budget table, the catalogs."""
    procedure = look(site, province, "thu-tuc", PHONE["width"])
    names = {t["name"]: t for t in procedure["tables"]}
    assert {"Bảng cách thức thực hiện", "Bảng thành phần hồ sơ", "Bảng căn cứ pháp lý"} <= set(names)
    assert names["Bảng cách thức thực hiện"]["columns"] == 4 and len(names["Bảng cách thức thực hiện"]["cells"]) == 12
    budget = look(site, province, "ngan-sach", PHONE["width"])
    markdown = [t for t in budget["tables"] if t["columns"] == 5]
    assert len(markdown) == 1 and markdown[0]["cells"][1]["label"] == "Nội dung"
    catalog = look(site, province, "tong-hop-thu-tuc", PHONE["width"])
    assert sum(1 for t in catalog["tables"] if "table--stack" in t["cls"]) == 1
    assert any(c["label"] == "Đơn vị công bố" for t in catalog["tables"] for c in t["cells"])


@pytest.mark.parametrize("kind", ["lich-cong-tac", "lich-cong-tac-xa"])
def test_schedule_is_a_list_of_days_on_a_phone(site, province, kind):
    base, browser = site
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"{base}/{province['pages'][kind]}")
        days = page.evaluate("""() => Array.from(document.querySelectorAll('tbody.schedule-day')).map(day => {
          const box = day.getBoundingClientRect(), label = day.querySelector('.schedule-day__label').getBoundingClientRect();
          return {date: day.dataset.ngay, top: box.top, bottom: box.bottom, width: box.width, labelWidth: label.width,
                  labelTop: label.top, display: getComputedStyle(day).display,
                  entries: Array.from(day.rows).map(r => {
                    const when = r.querySelector('.schedule-when'), what = r.querySelector('.schedule-what');
                    return {top: r.getBoundingClientRect().top, bottom: r.getBoundingClientRect().bottom,
                            when: when && when.getBoundingClientRect().toJSON(), what: what && what.getBoundingClientRect().toJSON()}; })}; })""")
    finally:
        page.close()
    assert len(days) == 7  # Monday to Sunday, days without entries included
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    for previous, day in itertools.pairwise(days):
        assert day["top"] >= previous["bottom"]  # one day under the other, in date order
    for day in days:
        assert day["display"] == "block" and day["labelTop"] <= day["top"] + 4  # the day first, as a heading
        assert day["labelWidth"] >= day["width"] - 4  # across the whole list
        for previous, entry in itertools.pairwise(day["entries"]):
            assert entry["top"] >= previous["bottom"] - 1
        for entry in day["entries"]:
            if entry["when"]:  # the time (buổi and giờ on one line) opens the entry; the work below, full width
                assert entry["when"]["bottom"] <= entry["what"]["top"] + 1 and entry["when"]["height"] < 40
                assert entry["what"]["width"] >= day["width"] - 40


@pytest.mark.parametrize("width", WIDE)
@pytest.mark.parametrize("kind", ["thu-tuc", "lich-cong-tac", "van-ban-danh-sach", "ngan-sach", "tong-hop-tuan-thu",
                                  "bao-cao-tuan-thu"])
def test_from_768_px_tables_are_tables_as_before(site, province, kind, width):
    seen = look(site, province, kind, width, 900)
    assert seen["scrollWidth"] <= seen["innerWidth"]
    for table in seen["tables"]:
        assert table["display"] == "table" and table["head"] in ("table-header-group", None), table["name"]
        for cell in table["cells"]:
            assert cell["display"] == "table-cell" and cell["before"] == "none", (table["name"], cell["text"][:40])


@pytest.mark.parametrize("kind", ["thu-tuc", "lich-cong-tac", "ngan-sach", "bao-cao-tuan-thu"])
def test_printed_on_paper_tables_stay_tables(site, province, kind):
    seen = look(site, province, kind, PHONE["width"], media="print")
    for table in seen["tables"]:
        assert table["display"] == "table" and table["head"] in ("table-header-group", None), table["name"]
        assert all(c["before"] == "none" for c in table["cells"]), table["name"]


def snapshots(page, url: str) -> list[str]:
    page.goto(url)
    return [t.aria_snapshot() for t in page.locator("main table").all()]


@pytest.mark.parametrize("kind", ["thu-tuc", "lich-cong-tac", "van-ban-danh-sach", "ngan-sach", "tong-hop-tuan-thu",
                                  "lien-he", "bao-cao-tuan-thu"])
def test_screen_readers_get_the_same_table_on_a_phone(site, province, kind):
    """The accessibility tree (roles, headers, cell names) at 360 px is the one at 1280 px: still a table,
    and no label is read twice."""
    base, browser = site
    url = f"{base}/{province['pages'][kind]}"
    page = browser.new_page(viewport=PHONE)
    try:
        phone = snapshots(page, url)
        page.set_viewport_size({"width": 1280, "height": 900})
        desktop = snapshots(page, url)
    finally:
        page.close()
    assert phone and phone == desktop
    roles = [set(re.findall(r"^\s*- '?([a-z]+)", s, re.MULTILINE)) for s in phone]
    assert all({"table", "rowgroup", "row"} <= r and r & {"columnheader", "rowheader"} for r in roles), roles
    assert any({"columnheader", "cell"} <= r for r in roles)


def test_a_label_without_empty_alternative_text_would_be_read_twice(site, province):
    """The check above can fail: the same label drawn with plain ``content`` changes the cells' names."""
    base, browser = site
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    try:
        page = context.new_page()
        url = f"{base}/{province['pages']['thu-tuc']}"
        honest = snapshots(page, url)
        page.add_style_tag(content=".table--stack > tbody > tr > td[data-label]::before "
                                   "{ content: attr(data-label) ': ' !important; }")
        doubled = [t.aria_snapshot() for t in page.locator("main table").all()]
    finally:
        context.close()
    assert honest != doubled
    assert 'cell "Phí, lệ phí: Lệ phí: 150.000 đồng/giấy phép"' in "\n".join(doubled)


def test_axe_core_finds_nothing_on_the_phone_layout(site, province):
    base, browser = site
    axe = (ROOT / accessibility.AXE / "axe.min.js").read_text(encoding="utf-8")
    targets = [accessibility.Target(kind, kind, path, viewport)
               for kind, path in province["pages"].items() for viewport in ("di-dong", "may-tinh")]
    results = accessibility.audit(browser, base, targets, axe)
    assert len(results) == 2 * len(PAGES)
    found = [(r["path"], r["viewport"], v["id"], v["impact"], v["nodes"][:2]) for r in results for v in r["violations"]]
    assert found == []

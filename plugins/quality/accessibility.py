"""Accessibility gate: axe-core in headless Chromium over one page of every template, at WCAG 2.1 AA.

Stages of ``run``: pick the pages of each site (``template_pages``) → serve ``output/`` on 127.0.0.1 →
open each page in Debian's Chromium through Playwright, inject axe-core, run it (``audit``) →
summarise per site (``summarize``) → save ``<state dir>/tiep-can/<site>.json`` (``save``), which the
self-assessment page (``self_assessment.py``) and the compliance check ``tu-danh-gia-tiep-can`` read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from portal import content_types, schema, sites
from portal.problems import PortalError

STATE_DIR = ".cache/kiem-tra"           # default of the QUALITY_STATE_DIR setting, relative to the project root
STATE_FOLDER = "kiem-tra"               # its name among the project's folders (portal.project.Project.folder)
FOLDER = "tiep-can"                     # <state dir>/tiep-can/<site>.json
AXE = Path("node_modules/axe-core")     # pinned in package.json / package-lock.json
CHROMIUM = "/usr/bin/chromium"          # Debian's package; Playwright never downloads a browser here
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STANDARD = "WCAG 2.1 mức AA"
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")
IMPACT_LABELS = {"critical": "Rất nghiêm trọng", "serious": "Nghiêm trọng", "moderate": "Trung bình",
                 "minor": "Nhẹ"}
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 360, "height": 800}
SEARCH_QUERY = "thu tuc"
SEARCH_RESULT = ".search-result__link"
PAGE_TIMEOUT_MS = 20000
_PAGINATED = re.compile(r"^(index|trang-\d+)\.html$")
_BODY_CLASS = re.compile(r'<body class="([^"]*)"')


class GateUnavailable(PortalError):
    """The gate cannot run here: no axe-core, no Chromium, or nothing built."""


@dataclass(frozen=True)
class Target:
    """One page to check: what kind of page it is (for people), where it is, and how to look at it."""

    kind: str
    label: str
    path: str                    # relative to the site folder
    viewport: str = "may-tinh"   # "may-tinh" (1280 px) or "di-dong" (360 px)
    query: str = ""              # the search page: typed into the box before checking
    open_menu: bool = False      # mobile: open the main menu before checking

    @property
    def viewport_size(self) -> dict:
        return MOBILE if self.viewport == "di-dong" else DESKTOP


FIXED = [
    ("trang-chu", "Trang chủ", "index.html"),
    ("tu-khoa", "Danh sách từ khóa", "tu-khoa/index.html"),
    ("luu-tru", "Lưu trữ tin bài", "luu-tru/index.html"),
    ("tim-kiem", "Tìm kiếm (có kết quả)", "tim-kiem.html"),
    ("lien-he", "Liên hệ", "lien-he.html"),
    ("so-do-cong", "Sơ đồ cổng", "so-do-cong.html"),
    ("404", "Trang không tìm thấy (404)", "404.html"),
    ("kha-nang-tiep-can", "Tự đánh giá khả năng tiếp cận", "kha-nang-tiep-can.html"),
    ("tuan-thu", "Báo cáo tuân thủ", "tuan-thu/index.html"),
    ("tuan-thu-toan-tinh", "Báo cáo tuân thủ toàn tỉnh", "tuan-thu/toan-tinh.html"),
    ("tong-hop", "Thông tin tổng hợp toàn tỉnh", "tong-hop/index.html"),
    ("tong-hop-tin-tuc", "Tin tổng hợp từ các đơn vị", "tong-hop/tin-tuc/index.html"),
    ("tong-hop-tin-tuc-trang-2", "Tin tổng hợp, trang 2", "tong-hop/tin-tuc/trang-2.html"),
    ("tong-hop-thu-tuc", "Thủ tục hành chính toàn tỉnh", "tong-hop/thu-tuc/index.html"),
    ("tong-hop-van-ban", "Văn bản toàn tỉnh", "tong-hop/van-ban/index.html"),
    ("tong-hop-tuan-thu", "Tình hình tuân thủ toàn tỉnh", "tong-hop/tuan-thu/index.html"),
    ("tong-hop-nguon", "Tình trạng nguồn tổng hợp", "tong-hop/nguon/index.html"),
]
# Checked at 360 px too: the menu, and the pages whose tables are stacked on phones (docs/theme.md).
MOBILE_KINDS = ("trang-chu", "tin-tuc", "thu-tuc", "van-ban-danh-sach", "lich-cong-tac", "tim-kiem", "ngan-sach",
                "tuan-thu", "tong-hop-thu-tuc")


def template_pages(site_dir: Path, mobile: bool = True) -> list[Target]:
    """One page of every template the site has, sorted and stable; plus a 360 px subset when ``mobile``."""
    home, *others = FIXED
    targets = [Target(*home)]
    # Each article section of portal.content_types, in menu order: its item and list templates differ.
    sections = [ctype.id for ctype in content_types.ARTICLE_TYPES]
    for ctype in content_types.ARTICLE_TYPES:
        item = _first_item(site_dir / ctype.id)
        if item:
            targets.append(Target(ctype.id, ctype.item_label, f"{ctype.id}/{item}"))
        if (site_dir / ctype.id / "index.html").is_file():
            list_label = f"Danh sách {ctype.item_label[:1].lower()}{ctype.item_label[1:]}"
            targets.append(Target(f"{ctype.id}-danh-sach", list_label, f"{ctype.id}/index.html"))
    second = next((f"{s}/trang-2.html" for s in sections if (site_dir / s / "trang-2.html").is_file()), None)
    if second:
        targets.append(Target("danh-sach-trang-2", "Danh sách, trang 2", second))
    targets += _page_kinds(site_dir)
    tag = _first_item(site_dir / "tu-khoa")
    if tag:
        targets.append(Target("tu-khoa-trang", "Tin bài theo từ khóa", f"tu-khoa/{tag}"))
    for kind, label, path in others:
        if (site_dir / path).is_file():
            targets.append(Target(kind, label, path, query=SEARCH_QUERY if kind == "tim-kiem" else ""))
    if mobile:
        by_kind = {t.kind: t for t in targets}
        targets += [Target(t.kind, t.label, t.path, "di-dong", t.query, open_menu=t.kind == "trang-chu")
                    for t in (by_kind.get(k) for k in MOBILE_KINDS) if t]
    return targets


def _first_item(folder: Path) -> str | None:
    """The first item page of a folder by name (not its index or trang-N list pages)."""
    names = sorted(p.name for p in folder.glob("*.html") if not _PAGINATED.match(p.name)) if folder.is_dir() else []
    return names[0] if names else None


def _page_kinds(site_dir: Path) -> list[Target]:
    """One introduction page per loai_trang (its layout differs), found by the body class the theme sets."""
    seen: dict[str, str] = {}
    for path in sorted((site_dir / "trang").glob("*.html")) if (site_dir / "trang").is_dir() else []:
        head = path.read_text(encoding="utf-8", errors="replace")[:20000]
        match = _BODY_CLASS.search(head)
        kind = next((c.split("--", 1)[1] for c in (match.group(1).split() if match else [])
                     if c.startswith("page-static--")), "khac")
        seen.setdefault(kind, f"trang/{path.name}")
    return [Target(f"trang-{kind}", f"Trang giới thiệu: {_page_label(kind)}", path)
            for kind, path in sorted(seen.items())]


def _page_label(kind: str) -> str:
    try:
        return schema.value_label("trang", ("loai_trang",), kind)
    except (KeyError, LookupError):
        return kind


def axe_version(root: Path) -> str:
    """The installed axe-core version (package.json of the npm package)."""
    data = json.loads((root / AXE / "package.json").read_text(encoding="utf-8"))
    return data["version"]


def audit(browser, base_url: str, targets: list[Target], axe_source: str) -> list[dict]:
    """Run axe-core on every target (one tab per viewport, reused); returns one result per target.

    ``browser`` is a Playwright Browser or BrowserContext (a context lets the caller listen to every tab).

    Each result: ``kind``, ``label``, ``path``, ``viewport``, ``violations`` (axe's id, impact, help,
    helpUrl, tags, nodes as CSS targets) and ``incomplete`` (rule ids axe could not decide: manual review).
    A page that cannot be loaded is reported as the pseudo-rule ``page-load`` with impact ``critical``.
    """
    tabs: dict[str, object] = {}
    results = []
    try:
        for target in targets:
            if target.viewport not in tabs:
                tabs[target.viewport] = browser.new_page()
                tabs[target.viewport].set_viewport_size(target.viewport_size)
            results.append(_check(tabs[target.viewport], base_url, target, axe_source))
    finally:
        for tab in tabs.values():
            tab.close()
    return results


def _check(page, base_url: str, target: Target, axe_source: str) -> dict:
    result = {"kind": target.kind, "label": target.label, "path": target.path, "viewport": target.viewport,
              "violations": [], "incomplete": []}
    url = f"{base_url}/{target.path}" + (f"?q={target.query.replace(' ', '+')}" if target.query else "")
    try:
        response = page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        expected_404 = target.kind == "404"
        if response is None or (response.status >= 400 and not expected_404):
            raise RuntimeError(f"HTTP {response.status if response else '?'}")
        if target.query:
            page.wait_for_selector(SEARCH_RESULT, timeout=PAGE_TIMEOUT_MS)
        if target.open_menu and page.locator(".main-nav__toggle").is_visible():
            page.locator(".main-nav__toggle").click()
        # Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not block it.
        page.evaluate(axe_source + "\n;true")
        found = page.evaluate("""(tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']})""", TAGS)
    except Exception as exc:  # noqa: BLE001 - any failure to load or run is a finding on that page
        result["violations"].append({"id": "page-load", "impact": "critical", "help": f"Không mở được trang: {exc}",
                                     "helpUrl": "", "tags": [], "nodes": []})
        return result
    for v in found["violations"]:
        result["violations"].append({"id": v["id"], "impact": v.get("impact") or "minor", "help": v["help"],
                                     "helpUrl": v["helpUrl"], "tags": sorted(v["tags"]),
                                     "nodes": [" ".join(map(str, n["target"])) for n in v["nodes"]]})
    result["incomplete"] = sorted(v["id"] for v in found["incomplete"])
    return result


def wcag_criteria(tags: list[str]) -> list[str]:
    """axe tags → WCAG success criteria numbers: ``wcag143`` → ``1.4.3``, ``wcag1411`` → ``1.4.11``."""
    out = []
    for tag in tags:
        m = re.fullmatch(r"wcag(\d)(\d)(\d{1,2})", tag)
        if m:
            out.append(".".join(m.groups()))
    return sorted(set(out), key=lambda c: tuple(int(x) for x in c.split(".")))


def summarize(site_id: str, run_date: dt.date, version: str, results: list[dict]) -> dict:
    """The machine-readable record of one site's run (saved as JSON, read by the self-assessment page)."""
    rules: dict[str, dict] = {}
    for page in results:
        for v in page["violations"]:
            rule = rules.setdefault(v["id"], {"quy_tac": v["id"], "muc_do": v["impact"],
                                              "muc_do_nhan": IMPACT_LABELS.get(v["impact"], v["impact"]),
                                              "mo_ta": v["help"], "tieu_chi_wcag": wcag_criteria(v["tags"]),
                                              "tai_lieu": v["helpUrl"], "so_phan_tu": 0, "trang": []})
            rule["so_phan_tu"] += len(v["nodes"])
            where = _where(page)
            if where not in rule["trang"]:
                rule["trang"].append(where)
    violations = sorted(rules.values(), key=lambda r: (IMPACTS.index(r["muc_do"]) if r["muc_do"] in IMPACTS
                                                       else len(IMPACTS), r["quy_tac"]))
    review = sorted({rid for page in results for rid in page["incomplete"]})
    return {
        "phien_ban": "1.0",
        "cong": site_id,
        "ngay_danh_gia": run_date.isoformat(),
        "tieu_chuan": STANDARD,
        "cong_cu": {"ten": "axe-core", "phien_ban": version, "the": TAGS, "trinh_duyet": "Chromium (headless)"},
        "so_trang": len(results),
        "trang": [{"loai": p["kind"], "nhan": p["label"], "duong_dan": p["path"], "khung_nhin": p["viewport"],
                   "vi_pham": sorted({v["id"] for v in p["violations"]})} for p in results],
        "tong_hop": {impact: sum(r["muc_do"] == impact for r in violations) for impact in IMPACTS},
        "vi_pham": violations,
        "can_kiem_tra_thu_cong": review,
    }


def _where(page: dict) -> str:
    return page["path"] + (" (360 px)" if page["viewport"] == "di-dong" else "")


def blocking(summary: dict) -> list[dict]:
    """Violations of impact serious or critical: each one fails the gate."""
    return [v for v in summary["vi_pham"] if v["muc_do"] in BLOCKING]


def state_file(state_dir: Path, site_id: str) -> Path:
    return state_dir / FOLDER / f"{site_id}.json"


def save(state_dir: Path, summary: dict) -> Path:
    path = state_file(state_dir, summary["cong"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def load(state_dir: Path, site_id: str) -> dict | None:
    """The last saved run of a site, or None when there is none, or it cannot be read, or it lacks what
    the page shows (a hand-edited or truncated file must not break the site's build)."""
    try:
        data = json.loads(state_file(state_dir, site_id).read_text(encoding="utf-8"))
        dt.date.fromisoformat(data["ngay_danh_gia"])
        if not (isinstance(data.get("vi_pham"), list) and isinstance(data.get("trang"), list)
                and isinstance(data.get("tong_hop"), dict)):
            return None
        return data
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] | None = None):
    """Serve ``directory`` on a free port of 127.0.0.1 (threaded) with ``handler_class`` (default: the files as
    they are, quietly); yields the base URL."""
    handler = functools.partial(handler_class or _Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium(executable: str = CHROMIUM):
    """Headless Chromium from the system, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def built_sites(root: Path, output_dir: Path, wanted: list[str] | None = None) -> list[str]:
    """The sites of ``content/`` that have a built home page in ``output_dir`` (or the ``wanted`` ones)."""
    site_dirs, _ = sites.discover(root / "content", root)
    known = [d.name for d in site_dirs]
    unknown = sorted(set(wanted or []) - set(known))
    if unknown:
        raise GateUnavailable(f"Không có cổng: {', '.join(unknown)}; các cổng: {', '.join(known)}.")
    chosen = [s for s in known if not wanted or s in wanted]
    missing = [s for s in chosen if not (output_dir / s / "index.html").is_file()]
    if missing and wanted:
        raise GateUnavailable(f"Chưa xây dựng cổng: {', '.join(missing)} (chạy invoke build trước).")
    built = [s for s in chosen if s not in missing]
    if not built:
        raise GateUnavailable(f"Chưa có cổng nào trong {output_dir}: hãy chạy invoke build (và invoke aggregate) "
                              "trước.")
    return built


def run(root: Path, output_dir: Path, site_ids: list[str], run_date: dt.date, state_dir: Path | None = None,
        mobile: bool = True) -> dict[str, dict]:
    """Check every site of ``output_dir`` (already built) and save one summary per site; returns them.

    Args:
        root: the project root (``node_modules/axe-core`` is read from there).
        output_dir: the built province, served over http://127.0.0.1 (Pagefind needs a server).
        site_ids: the sites to check, each a folder of ``output_dir``.
        run_date: the date recorded as the assessment date (passed in, never read from the build).
        state_dir: where to save ``tiep-can/<site>.json``; None to save nothing.
        mobile: also check a subset of templates at 360 px.
    """
    script = root / AXE / "axe.min.js"
    if not script.is_file():
        raise GateUnavailable(f"Không có {script.relative_to(root)}: chạy «npm ci» để cài axe-core (phiên bản ghi "
                              "trong package-lock.json).")
    if not Path(CHROMIUM).is_file():
        raise GateUnavailable(f"Không có trình duyệt {CHROMIUM}: cài gói chromium của Debian "
                              "(apt-get install chromium).")
    axe_source = script.read_text(encoding="utf-8")
    version = axe_version(root)
    summaries = {}
    with serve(output_dir) as base, chromium() as browser:
        for site_id in site_ids:
            targets = template_pages(output_dir / site_id, mobile)
            results = audit(browser, f"{base}/{site_id}", targets, axe_source)
            summaries[site_id] = summarize(site_id, run_date, version, results)
            if state_dir is not None:
                save(state_dir, summaries[site_id])
    return summaries


def report(summaries: dict[str, dict]) -> str:
    """A Vietnamese summary for the terminal: per site, pages checked and violations by impact."""
    lines = []
    for site_id, s in summaries.items():
        counts = ", ".join(f"{IMPACT_LABELS[i].lower()} {s['tong_hop'][i]}" for i in IMPACTS)
        lines.append(f"{site_id}: {s['so_trang']} trang đã kiểm tra; vi phạm theo mức độ: {counts}")
        for v in s["vi_pham"]:
            pages = ", ".join(v["trang"][:4]) + (f" và {len(v['trang']) - 4} trang khác" if len(v["trang"]) > 4 else "")
            criteria = ", ".join(v["tieu_chi_wcag"]) or "—"
            lines.append(f"    [{v['muc_do_nhan']}] {v['quy_tac']} (WCAG {criteria}): {v['mo_ta']} — {pages}")
    return "\n".join(lines)

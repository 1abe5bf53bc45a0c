"""What a citizen's browser downloads: bytes fetched by a page of the portal in headless Chromium.

Each page is opened in a fresh browser context (empty cache: a first visit) from a server on 127.0.0.1
that compresses as the deployment guide has the portals' servers do (:mod:`bench.compressing_server`:
pages, styles and scripts gzip-encoded; Pagefind's index files are gzip already); the measurement waits
until the page is complete (a search page: until the first page of results is shown) and every request
has finished, and adds up the response bodies by kind as they crossed the network, and their sizes
before compression beside them (``raw``).

:func:`citizen` measures what issue 15 asks for (the home page and an item page of a unit, a typical
search on the unit's page and on the province-wide page); ``invoke bench-search`` measures any search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

GROUPS = (  # (key, label, pattern on the path): the first that matches
    ("khoi-chi-muc", "index chunks holding the query's words", re.compile(r"/index/[^/]+\.pf_index$")),
    ("ket-qua", "fragments of the results shown (10 a page)", re.compile(r"/fragment/[^/]+\.pf_fragment$")),
    ("chi-muc-mo", "index entry, metadata and filters (loaded once per index)",
     re.compile(r"(pagefind-entry\.json|\.pf_meta|\.pf_filter)$")),
    ("ma-tim-kiem", "Pagefind's code (pagefind.js, worker, WebAssembly)",
     re.compile(r"/pagefind/[^/]+\.(js|pagefind)$")),
    ("tim-nhanh", "the province-wide quick search: manifest, word shards, result blocks",
     re.compile(r"/tong-hop/tim-nhanh/.+\.json$")),
    ("trang", "the page, its styles and scripts", re.compile(r".")),
)
STATUS = "[data-tim-kiem-trang-thai]"
DONE = re.compile(r"^(Tìm thấy|Không tìm thấy)")


@dataclass
class QueryCost:
    """What one page or one search fetched."""

    query: str                                  # the query (a search), or the page's path
    results: int
    indexes: int                                # indexes the page opened (pagefind-entry.json fetched)
    by_group: dict = field(default_factory=dict)  # group key → bytes as transferred (gzip where served so)
    files: dict = field(default_factory=dict)     # group key → responses
    requests: int = 0
    raw: int = 0                                  # every body's bytes before compression

    @property
    def total(self) -> int:
        return sum(self.by_group.values())


SEARCH_BUDGET = 300_000  # bytes: a search on a first visit (issue 15, point 6)
QUERIES = ["chuyen doi so", "đăng ký khai sinh", "dien tu", "thủ tục hành chính"]  # typical searches


def measure(output_dir: Path, site: str, queries: list[str]) -> list[QueryCost]:
    """Bytes fetched by ``site``'s search page in ``output_dir`` for each query, each from an empty cache."""
    from quality.accessibility import chromium

    from .compressing_server import serve

    with serve(output_dir) as base, chromium() as browser:
        return measure_with(browser, base, site, queries)


def measure_with(browser, base: str, site: str, queries: list[str], timeout_ms: int = 30000,
                 params: str = "") -> list[QueryCost]:
    """:func:`measure` with a running Chromium and a server that serves the output folder at ``base``;
    ``params`` is added to the search page's address (``&toan-van=1``: the provincial portal's full text)."""
    from playwright.sync_api import expect

    costs = []
    for query in queries:
        def ready(page):
            expect(page.locator(STATUS)).to_have_text(DONE, timeout=timeout_ms)

        fetched, status = _visit(browser, f"{base}/{site}/tim-kiem.html?q={query.replace(' ', '+')}{params}", ready,
                                 lambda page: page.locator(STATUS).inner_text())
        found = re.search(r"Tìm thấy (\d+)", status)
        cost = QueryCost(query, int(found.group(1)) if found else 0,
                         sum(1 for url, _, _ in fetched if "pagefind-entry.json" in url))
        _add(cost, fetched)
        costs.append(cost)
    return costs


def page_with(browser, base: str, path: str) -> QueryCost:
    """Bytes fetched by the page at ``path`` (under ``base``) on a first visit; ``query`` holds the path."""
    fetched, _ = _visit(browser, f"{base}/{path}", lambda page: None, lambda page: "")
    cost = QueryCost(path, 0, 0)
    _add(cost, fetched)
    return cost


def _visit(browser, url: str, ready, read) -> tuple[list[tuple[str, int, int]], str]:
    """(every response's URL, body size as transferred and before compression; ``read(page)``) for ``url``
    opened in a fresh context."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[tuple[str, int, int]] = []

    def record(request):
        fetched.append((request.url, *_body_bytes(request)))

    page.on("requestfinished", record)
    try:
        page.goto(url)
        ready(page)
        page.wait_for_load_state("networkidle")
        return fetched, read(page)
    finally:
        page.remove_listener("requestfinished", record)
        context.close()


def _add(cost: QueryCost, fetched: list[tuple[str, int, int]]) -> None:
    cost.requests = len(fetched)
    for url, size, raw in fetched:
        key = next(k for k, _, pattern in GROUPS if pattern.search(urlsplit(url).path))
        cost.by_group[key] = cost.by_group.get(key, 0) + size
        cost.files[key] = cost.files.get(key, 0) + 1
        cost.raw += raw


def citizen(output_dir: Path, unit: str, province: str, queries: list[str] = QUERIES) -> dict:
    """Issue 15's point 6 on a built province: the unit's home page and one of its item pages, each query
    on the unit's search page and on the province-wide one (its quick search by title, what a search there
    does first); each with its bytes by kind, and whether the largest search stays within
    :data:`SEARCH_BUDGET`. Beside them, not judged: the province-wide search in the full text of every unit
    (``toan-van=1``, the page's "Tìm trong toàn bộ nội dung")."""
    from quality.accessibility import chromium

    from .compressing_server import serve

    item = next(p for p in sorted((output_dir / unit / "tin-tuc").glob("*.html"))
                if p.name != "index.html" and not p.name.startswith("trang-"))
    with serve(output_dir) as base, chromium() as browser:
        pages = {"trang_chu": page_with(browser, base, f"{unit}/index.html"),
                 "trang_tin": page_with(browser, base, f"{unit}/tin-tuc/{item.name}")}
        searches = {"tim_kiem_don_vi": measure_with(browser, base, unit, queries),
                    "tim_kiem_toan_tinh": measure_with(browser, base, province, queries),
                    "tim_kiem_toan_tinh_toan_van": measure_with(browser, base, province, queries,
                                                                params="&toan-van=1")}
    result = {key: _cost_dict(cost) for key, cost in pages.items()}
    for key, costs in searches.items():
        largest = max(c.total for c in costs)
        result[key] = {"cong": unit if key == "tim_kiem_don_vi" else province, "tham_so": "toan-van=1" if
                       key.endswith("toan_van") else "",
                       "truy_van": [_cost_dict(c) for c in costs],
                       "lon_nhat": largest, "lon_nhat_chua_nen": max(c.raw for c in costs),
                       "ngan_sach": SEARCH_BUDGET, "dat": largest <= SEARCH_BUDGET}
    return result


def _cost_dict(cost: QueryCost) -> dict:
    return {"trang": cost.query, "ket_qua": cost.results, "chi_muc": cost.indexes, "tong": cost.total,
            "tong_chua_nen": cost.raw, "so_yeu_cau": cost.requests, "theo_loai": dict(cost.by_group)}


def _body_bytes(request) -> tuple[int, int]:
    """The response body's size as transferred (Chromium's count, or the server's Content-Length where
    Chromium reports none: the Web Worker's script) and before compression (the server's
    :data:`~bench.compressing_server.RAW_LENGTH`; the same size for a body sent as it is)."""
    from .compressing_server import RAW_LENGTH

    counted = request.sizes()["responseBodySize"]
    response = request.response()
    headers = response.headers if response else {}
    declared = headers.get("content-length", "")
    sent = max(counted, int(declared)) if declared.isdigit() else counted
    raw = headers.get(RAW_LENGTH.lower(), "")
    return sent, int(raw) if raw.isdigit() else sent


def table(costs: list[QueryCost]) -> str:
    """A plain-text table, one query a line, bytes by group."""
    keys = [k for k, _, _ in GROUPS]
    head = ["truy vấn", "kết quả", "chỉ mục", *keys, "tổng", "chưa nén"]
    rows = [[c.query, str(c.results), str(c.indexes),
             *(f"{c.by_group.get(k, 0):,} ({c.files.get(k, 0)})" for k in keys), f"{c.total:,}", f"{c.raw:,}"]
            for c in costs]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))
             for r in [head, *rows]]
    legend = [f"  {k}: {label}" for k, label, _ in GROUPS] + [
        "  byte truyền đi, nén gzip như máy chủ trong docs/deployment-headers.md (số tệp)",
        "  chưa nén: tổng trước khi nén"]
    return "\n".join(lines + ["", *legend])

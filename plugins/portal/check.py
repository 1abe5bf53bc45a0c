"""Validate a whole site without building it: every file, every reference, every URL.

One file can never stop the check of the others: each is read within a time budget
(:mod:`portal.limits`) and any unexpected exception becomes that file's problem (:mod:`portal.crashes`).
Which valid items are due and which are scheduled is decided last, for this run (:mod:`portal.schedule`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    attachments,
    content_types,
    crashes,
    document,
    limits,
    paths,
    periods,
    procedure_checks,
    sanitize,
    schedule,
    schema,
    sites,
)
from .cache import DocumentCache, HashCache, code_version, read_pickle, sha1, write_pickle
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
    metadata: str = ""     # hash of what pages other than an item's own show of it (see metadata_digest)
    scheduled: list[document.Document] = field(default_factory=list)  # valid, dated after now: not published

    @property
    def ok(self) -> bool:
        return self.site is not None and not any(p.severity == ERROR for p in self.problems)

    def light(self, types: tuple[str, ...] | None = None) -> SiteCheck:
        """The same check without bodies and HTML (a body keeps one character if it had any, so
        "has a body" still answers): what compliance and other sites need, at a fraction of the memory."""
        def strip(docs):
            return [dataclasses.replace(d, body="…" if d.body.strip() else "", html="", html_key="")
                    for d in docs if types is None or d.type.id in types]

        return SiteCheck(self.site_dir, self.site, strip(self.documents), list(self.problems), self.fingerprint,
                         self.metadata, strip(self.scheduled))


def check_site(site_dir: Path, root: Path | None = None, max_bytes: int = document.MAX_FILE_BYTES,
               sections: tuple[str, ...] | None = None, cache_dir: Path | None = None,
               light: bool = False, cached_only: bool = False, now: dt.datetime | None = None) -> SiteCheck | None:
    """Load ``site.yaml`` and every content file of ``site_dir`` (or only ``sections``); never raises.

    With ``cache_dir``, a file whose bytes (and the site's attachment list) are unchanged since the last
    run is not parsed or validated again; with ``light`` too, a site whose files are all unchanged comes
    back in its light form (see :meth:`SiteCheck.light`) from one small cache file. ``cached_only``
    returns that light form or None, without checking anything (the caller checks the site elsewhere).
    ``now`` (default: the clock, Vietnam time) decides which valid items are due and which are scheduled.
    """
    when = now or schedule.now()
    try:
        result = _check_site(site_dir, root, max_bytes, sections, cache_dir, light, cached_only)
    except Exception as exc:  # noqa: BLE001 - a failure outside any one file: the site's problem, not the run's
        base = Path(root) if root is not None else Path(site_dir).parent.parent
        problem = crashes.problem(base, relpath(site_dir, root), exc, "cong")
        return SiteCheck(site_dir=site_dir, site=None, problems=[problem])
    if result is None:
        return None
    return schedule.apply(result, when, sites.configured_horizon(root))


def _check_site(site_dir: Path, root: Path | None, max_bytes: int, sections: tuple[str, ...] | None,
                cache_dir: Path | None, light: bool, cached_only: bool) -> SiteCheck | None:
    paths.forget_real_paths()
    site, problems = sites.load(site_dir, root)
    result = SiteCheck(site_dir=site_dir, site=site, problems=problems)
    assets = _asset_listing(site_dir)
    # The iframe sources the project allows shape validation: part of each file's cache key.
    embeds = sites.configured_embeds(root)
    embeds_key = "" if embeds == sanitize.ALLOWED_EMBEDS else ":" + sha1("\n".join(embeds).encode())[:12]
    digest = hashlib.sha1(assets.encode())
    if (site_dir / sites.SITE_FILE).is_file():
        digest.update((site_dir / sites.SITE_FILE).read_bytes())
    # 1. Every file with its content key (the site's fingerprint), or the problem that leaves it out.
    hashes = HashCache(cache_dir / f"{site_dir.name}.hashes.pickle" if cache_dir else None)
    planned: list[tuple[Path, str, str, str] | Problem] = []
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
            planned.append(Problem(rel, 0, "Tệp hoặc thư mục không thuộc chuyên mục nào nên bị bỏ qua.",
                                   expected=f"một trong các thư mục: {known}", found=f"«{child.name}»",
                                   severity=WARNING, code="thu-muc-la"))
            continue
        for path, inner in _files(child):
            name = inner.rsplit("/", 1)[-1]
            if name.startswith("."):
                continue
            rel_path = f"{rel}/{inner}"
            if not _utf8(rel_path):
                planned.append(_unreadable_name(rel_path))
                continue
            if not name.lower().endswith(".md"):  # .MD, .Md: Markdown too (the reader takes every case)
                planned.append(_not_markdown(rel_path, name))
                continue
            try:
                stat = os.stat(path)
                if stat.st_size <= max_bytes:
                    key = hashes.sha1_of(path, stat) + assets + embeds_key
                else:
                    key = f"size:{stat.st_size}"
            except OSError as exc:  # a broken symlink, a file removed meanwhile, no permission
                planned.append(Problem(rel_path, 0, f"Không đọc được tệp ({exc.strerror or type(exc).__name__}).",
                                       expected="một tệp Markdown đọc được trong thư mục của cổng",
                                       found=paths.link_target(Path(path)) if os.path.islink(path) else "",
                                       code="khong-doc-duoc"))
                continue
            digest.update(f"{rel_path}\0{key}\0".encode())
            planned.append((path, ctype.id, rel_path, key))
    fingerprint = digest.hexdigest()
    hashes.save(complete=sections is None)
    light_cache = cache_dir / f"{site_dir.name}.light.pickle" if cache_dir and sections is None else None
    if light and light_cache is not None:
        stored = read_pickle(light_cache, {}) or {}
        if (stored.get("version"), stored.get("fingerprint"), stored.get("max_bytes"), stored.get("where")) == \
                (code_version(), fingerprint, max_bytes, str(site_dir.resolve())):
            return stored["check"]
    if cached_only:
        return None
    # 2. Each file parsed and validated, or taken from the content-hash cache.
    cache = DocumentCache(cache_dir, site_dir.name) if sections is None else DocumentCache(None, site_dir.name)
    transient = False  # a file over its budget or whose check raised: tried again next run, so no light cache
    for entry in planned:
        if isinstance(entry, Problem):
            result.problems.append(entry)
            continue
        path, type_id, rel_path, key = entry
        cached = cache.get(rel_path, key)
        if cached is None:
            doc, doc_problems, lasting = _load(Path(path), site_dir, type_id, root, max_bytes, embeds, rel_path)
            if lasting:
                cache.put(rel_path, key, doc, doc_problems)
            transient = transient or not lasting
        else:
            doc, doc_problems = cached
        result.problems.extend(doc_problems)
        if doc is not None and not any(p.severity == ERROR for p in doc_problems):
            result.documents.append(doc)
    # Procedures taken together (codes, levels, spellings); two files sharing a code also share an address:
    # said once, as the duplicate code it is.
    shared = procedure_checks.site_problems(result.documents, site.config if site else None,
                                            relpath(site_dir / sites.SITE_FILE, root))
    result.problems.extend(shared)
    duplicates = procedure_checks.duplicate_files(shared)
    result.problems.extend(p for p in _url_collisions(result.documents) if p.path not in duplicates)
    result.problems.extend(document.asset_problems(site_dir, root))
    result.problems.extend(attachments.problems(site_dir, root))
    result.problems.extend(periods.problems(result.documents))
    result.fingerprint = fingerprint
    result.metadata = metadata_digest(result.documents, assets, site_dir)
    cache.save()
    if light and light_cache is not None and not transient:  # only light readers use it
        write_pickle(light_cache, {"version": code_version(), "fingerprint": fingerprint, "max_bytes": max_bytes,
                                   "where": str(site_dir.resolve()), "check": result.light()})
    return result.light() if light else result


def _load(path: Path, site_dir: Path, type_id: str, root: Path | None, max_bytes: int, embeds, rel: str,
          ) -> tuple[document.Document | None, list[Problem], bool]:
    """:func:`document.load` within the time budget, never raising: (document, problems, whether the
    result may be cached). A file over its budget or whose check raised gets one problem and is tried
    again next time (the cause may be the machine's load, or code mended since)."""
    seconds = limits.TIME_BUDGET_SECONDS
    try:
        with limits.time_budget(seconds):
            doc, problems = document.load(path, site_dir, type_id, root, max_bytes, allowed_embeds=embeds)
        return doc, problems, True
    except limits.OverBudget:
        return None, [limits.over_budget(rel, seconds)], False
    except Exception as exc:  # noqa: BLE001 - any failure of ours or a library's is this file's alone
        base = Path(root) if root is not None else Path(site_dir).parent.parent
        return None, [crashes.problem(base, rel, exc, "tep")], False


# Files editors drop into a section folder that are not read, with what to do instead.
_OTHER_FILES = (
    ((".markdown", ".mkd", ".mdown", ".mdwn", ".mkdn", ".mdtxt"), "đổi đuôi tệp thành .md"),
    ((".md.txt",), "Windows đang ẩn đuôi .txt nên tên hiện ra là .md: đổi tên tệp, bỏ đuôi .txt"),
    ((".txt", ".text"), "đổi đuôi tệp thành .md và thêm phần thông tin (front matter) ở đầu tệp"),
    ((".doc", ".docx", ".odt", ".rtf", ".pdf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".zip", ".rar"),
     "chép nội dung sang một tệp .md; muốn đăng kèm tệp thì đặt nó trong thư mục tep/ và ghi vào trường"
     " «dinh_kem»"),
    ((".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp"), "đặt ảnh trong thư mục anh/ rồi chèn vào bài"),
    ((".html", ".htm"), "viết nội dung bằng Markdown trong tệp .md"),
)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:  # a name that was not UTF-8 on disk (os.walk keeps its bytes as surrogates)
        return False


def _unreadable_name(rel_path: str) -> Problem:
    shown = rel_path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return Problem(shown, 0, "Tên tệp hoặc thư mục không phải chữ UTF-8 (thường do giải nén tệp zip tạo trên Windows"
                             " với bảng mã cũ) nên không đọc được và không được đăng.",
                   expected="đổi tên tệp: chữ thường không dấu, số và dấu gạch ngang, ví dụ tin-moi.md",
                   found=f"«{shown.rsplit('/', 1)[-1]}»", code="ten-tep")


def _not_markdown(rel_path: str, name: str) -> Problem:
    lower = name.lower()
    advice = next((text for endings, text in _OTHER_FILES if lower.endswith(endings)),
                  "tệp .md; tệp đính kèm đặt trong thư mục tep/, ảnh trong anh/")
    return Problem(rel_path, 0, "Tệp không phải Markdown (.md) nên bị bỏ qua: tệp này sẽ không được đăng.",
                   expected=advice, found=f"«{name}»", severity=WARNING, code="khong-phai-md")


def _files(folder: Path) -> list[tuple[str, str]]:
    """(path, POSIX path inside ``folder``) of every file below it, in the order of sorted(rglob("*")).
    Symlinks to folders are not followed (they are reported by document.asset_problems)."""
    found = []
    base = str(folder)
    for current, _dirs, files in os.walk(base):
        inside = os.path.relpath(current, base)
        prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
        found.extend((os.path.join(current, name), prefix + name) for name in files)
    found.sort(key=lambda item: item[1].split("/"))
    return found


def metadata_digest(documents: list[document.Document], assets: str, site_dir: Path) -> str:
    """Everything of a site's items that pages other than the item's own page can show: front matter,
    title, URL, status and the start of the body (summaries), plus site.yaml and the attachment list.
    An edit to the rest of a body leaves it unchanged (see :mod:`portal.incremental`)."""
    digest = hashlib.sha1(assets.encode())
    if (site_dir / sites.SITE_FILE).is_file():
        digest.update((site_dir / sites.SITE_FILE).read_bytes())
    for doc in documents:
        digest.update(json.dumps([doc.rel, doc.title, doc.slug, doc.url, doc.summary_key, doc.fields],
                                 sort_keys=True, default=str, ensure_ascii=False).encode())
    return digest.hexdigest()


def _asset_listing(site_dir: Path) -> str:
    """Names, sizes and link status of the site's attachments and images: what validation depends on
    (and the bytes of each SVG, which :mod:`portal.attachments` reads)."""
    rows = []
    for folder in ("tep", "anh"):
        base = site_dir / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() or path.is_symlink():
                    row = f"{path.relative_to(site_dir).as_posix()}:{path.lstat().st_size}:{int(path.is_symlink())}"
                    if attachments.extension(path.name) == "svg" and path.is_file():
                        row += ":" + sha1(path.read_bytes())
                    rows.append(row)
    return sha1("\n".join(rows).encode())[:16]


def _url_collisions(documents: list[document.Document]) -> list[Problem]:
    """Items that would be written to the same URL: one error per URL, listing every file (file:line of
    the field the address comes from) and a ``duong_dan`` for each but the first."""
    by_url: dict[str, list[document.Document]] = {}
    for doc in documents:
        by_url.setdefault(doc.url, []).append(doc)
    problems = []
    for url, docs in sorted(by_url.items()):
        if len(docs) < 2:
            continue
        docs = sorted(docs, key=lambda d: d.rel)
        first, fields = docs[0], [document.address_field(d) for d in docs]
        places = [f"{d.rel}:{d.line_of((f,))}" for d, f in zip(docs, fields, strict=True)]
        advice = "; ".join(f"{d.rel}: «duong_dan: {d.slug}-{n}»" for n, d in enumerate(docs[1:], 2))
        problems.append(Problem(first.rel, first.line_of((fields[0],)),
                                f"{len(docs)} tin bài cùng địa chỉ «{url}»: khi đăng, các bài ghi đè lên nhau và chỉ"
                                " còn lại một bài.",
                                field=fields[0], label=schema.label(first.type.id, (fields[0],)),
                                expected="mỗi bài một địa chỉ riêng: thêm trường «duong_dan:» vào phần thông tin của"
                                         f" các bài sau, ví dụ {advice}",
                                found=", ".join(places), code="trung-duong-dan"))
    return problems

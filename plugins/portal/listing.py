"""List a site's inputs and fingerprint them: the first stage of a check, done once per site and build.

:func:`list_site` reads ``site.yaml``, walks the section folders and gives every Markdown file its
content key (the SHA-1 of its bytes from the stat-keyed :class:`portal.cache.HashCache`, plus the
attachment listing and the allowed embeds it is validated against, from the project's settings), or the
problem that leaves it out.
The keys together are the site's fingerprint. Validation (:mod:`portal.check`) then works from the listing,
so the build hashes each site once even though the site is checked in one process and rendered in another.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import attachments, content_types, document, paths, sanitize, sites
from .cache import HashCache, sha1
from .problems import WARNING, Problem, relpath

ASSET_DIRS = {"tep", "anh", "quy-che"}  # quy-che: the province's own compliance rule sets


@dataclass
class Listing:
    """A site's inputs as found now: ``site.yaml`` read and validated, and each content file with its key."""

    site_dir: Path
    root: Path | None
    site: sites.Site | None
    problems: list[Problem]     # of site.yaml
    # (path, type id, repository path, content key) per Markdown file, or the Problem that leaves a file out
    entries: list[tuple[str, str, str, str] | Problem] = field(default_factory=list)
    fingerprint: str = ""       # every input file: content keys, site.yaml, attachment listing
    assets: str = ""            # the attachment listing's digest (see :func:`asset_listing`)
    embeds: tuple[str, ...] = ()  # the iframe sources the project allows (PORTAL_ALLOWED_EMBEDS)
    sections: tuple[str, ...] | None = None  # only these types were listed (None: every one)
    max_bytes: int = document.MAX_FILE_BYTES
    summary: tuple | None = None  # (words, end) of the reader's summaries (document.summary_settings)

    @property
    def complete(self) -> bool:
        return self.sections is None


def list_site(site_dir: Path, root: Path | None = None, cache_dir: Path | None = None,
              sections: tuple[str, ...] | None = None, max_bytes: int = document.MAX_FILE_BYTES,
              settings: Mapping | None = None) -> Listing:
    """Every input file of ``site_dir`` (or of ``sections`` only) with its content key. ``cache_dir`` keeps
    the hashes of unchanged files (:class:`portal.cache.HashCache`); ``settings`` (the project's) give the
    iframe sources bodies may embed."""
    paths.forget_real_paths()
    site, problems = sites.load(site_dir, root)
    assets = asset_listing(site_dir)
    # The iframe sources the project allows shape validation: part of each file's cache key.
    embeds = sanitize.allowed_embeds(settings)
    embeds_key = "" if embeds == sanitize.ALLOWED_EMBEDS else ":" + sha1("\n".join(embeds).encode())[:12]
    digest = hashlib.sha1(assets.encode())
    if (site_dir / sites.SITE_FILE).is_file():
        digest.update((site_dir / sites.SITE_FILE).read_bytes())
    hashes = HashCache(cache_dir / f"{site_dir.name}.hashes.pickle" if cache_dir else None)
    entries: list[tuple[str, str, str, str] | Problem] = []
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
            entries.append(Problem(rel, 0, "Tệp hoặc thư mục không thuộc chuyên mục nào nên bị bỏ qua.",
                                   expected=f"một trong các thư mục: {known}", found=f"«{child.name}»",
                                   severity=WARNING, code="thu-muc-la"))
            continue
        for path, inner in _files(child):
            name = inner.rsplit("/", 1)[-1]
            if name.startswith("."):
                continue
            rel_path = f"{rel}/{inner}"
            if not _utf8(rel_path):
                entries.append(_unreadable_name(rel_path))
                continue
            if not name.lower().endswith(".md"):  # .MD, .Md: Markdown too (the reader takes every case)
                entries.append(_not_markdown(rel_path, name))
                continue
            try:
                stat = os.stat(path)
                if stat.st_size <= max_bytes:
                    key = hashes.sha1_of(path, stat) + assets + embeds_key
                else:
                    key = f"size:{stat.st_size}"
            except OSError as exc:  # a broken symlink, a file removed meanwhile, no permission
                entries.append(Problem(rel_path, 0, f"Không đọc được tệp ({exc.strerror or type(exc).__name__}).",
                                       expected="một tệp Markdown đọc được trong thư mục của cổng",
                                       found=paths.link_target(Path(path)) if os.path.islink(path) else "",
                                       code="khong-doc-duoc"))
                continue
            digest.update(f"{rel_path}\0{key}\0".encode())
            entries.append((path, ctype.id, rel_path, key))
    hashes.save(complete=sections is None)
    return Listing(site_dir, root, site, problems, entries, digest.hexdigest(), assets, embeds, sections, max_bytes,
                   document.summary_settings(settings) if settings is not None else None)


def asset_listing(site_dir: Path) -> str:
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
    if text.isascii():  # most names: no need to encode them
        return True
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

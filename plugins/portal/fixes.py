"""``invoke check --fix``: the safe text fixes of :mod:`portal.letters` written back into editors' files.

Only what the check already mends when it reads a file is written: decomposed text (NFD) to NFC,
look-alike letters whose fix is unambiguous, no-break spaces in front matter. Every other byte stays
as it was: the byte-order mark, line endings (LF, CRLF, lone CR), the YAML's layout, comments and
quoting, the body. A file that is not UTF-8, is larger than the size limit or is a symbolic link is not
touched (the check that follows reports what is wrong with it). A file is replaced in one step
(:mod:`portal.atomic`) and keeps its permissions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import content_types, letters, limits, sites
from .atomic import write_bytes
from .problems import relpath

_BOM = b"\xef\xbb\xbf"


@dataclass
class FileFix:
    """What was (or would be) mended in one file."""

    rel: str
    changes: list[letters.Change] = field(default_factory=list)  # look-alikes replaced
    decomposed: list[tuple[int, int, str, str]] = field(default_factory=list)  # see letters.Review

    @property
    def words(self) -> dict[tuple[int, int], list[letters.Change]]:
        """The mended look-alikes by word (line, column): one word may have met several rules."""
        found: dict[tuple[int, int], list[letters.Change]] = {}
        for change in self.changes:
            found.setdefault((change.line, change.column), []).append(change)
        return found

    @property
    def count(self) -> int:
        return len(self.words) + sum(words for _, words, _, _ in self.decomposed)


@dataclass
class SiteFix:
    """The files of one site that were mended, and those that could not be read to be."""

    files: list[FileFix] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why it was left as it is)


def site_files(site_dir: Path) -> list[Path]:
    """``site.yaml`` and every Markdown file of the site's section folders, in a stable order."""
    found = [site_dir / sites.SITE_FILE] if (site_dir / sites.SITE_FILE).is_file() else []
    for folder in sorted(site_dir.iterdir()):
        if folder.is_dir() and not folder.is_symlink() and content_types.get(folder.name):
            found += sorted((p for p in folder.rglob("*") if p.name.lower().endswith(".md")
                             and not any(part.startswith(".") for part in p.relative_to(site_dir).parts)),
                            key=lambda p: p.relative_to(folder).parts)
    return found


def fix_site(site_dir: Path, root: Path | None = None, write: bool = True) -> SiteFix:
    """Mend every file of ``site_dir`` in place (only report what would change when ``write`` is false)."""
    result = SiteFix()
    for path in site_files(site_dir):
        rel = relpath(path, root)
        try:
            if path.is_symlink():
                result.skipped.append((rel, "là liên kết (symlink)"))
                continue
            if path.stat().st_size > limits.MAX_FILE_BYTES:
                result.skipped.append((rel, "quá lớn"))
                continue
            data = path.read_bytes()
        except OSError as exc:
            result.skipped.append((rel, f"không đọc được ({exc.strerror or type(exc).__name__})"))
            continue
        bom = data.startswith(_BOM)
        try:
            text = data[len(_BOM) if bom else 0:].decode("utf-8")
        except UnicodeDecodeError:
            result.skipped.append((rel, "không phải UTF-8"))
            continue
        yaml_lines = len(data) + 1 if path.name == sites.SITE_FILE else letters.front_matter_lines(text)
        review = letters.review(text, yaml_lines)
        if review.text == text:
            continue
        if write:
            try:
                write_bytes(path, (_BOM if bom else b"") + review.text.encode("utf-8"),
                            mode=os.stat(path).st_mode & 0o7777)
            except OSError as exc:
                result.skipped.append((rel, f"không ghi được ({exc.strerror or type(exc).__name__})"))
                continue
        result.files.append(FileFix(rel, review.fixed, review.decomposed))
    return result


def report(fixed: list[SiteFix], write: bool) -> str:
    """What was mended, in Vietnamese: per file its count, then each change at file:line, before → after."""
    files = [f for s in fixed for f in s.files]
    total = sum(f.count for f in files)
    if write:
        head = f"Đã sửa {len(files)} tệp ({total} chỗ)" if files else "Không có chỗ nào cần tự sửa"
    else:
        head = (f"Xem trước, chưa ghi vào tệp nào: sẽ sửa {len(files)} tệp ({total} chỗ)" if files
                else "Xem trước: không có chỗ nào cần tự sửa")
    lines = [head + ("." if not files else ":")]
    for item in files:
        lines.append(f"{item.rel}: {item.count} chỗ")
        for (line, _), changes in item.words.items():
            what = "; ".join(letters.replacements(change) for change in changes)
            before, after = letters.shown(changes[0].before), changes[-1].after
            lines.append(f"    {item.rel}:{line}: «{before}» → «{after}» ({what})")
        if item.decomposed:
            rows = [line for line, _, _, _ in item.decomposed]
            _, _, word, nfc = item.decomposed[0]
            count = sum(words for _, words, _, _ in item.decomposed)
            where = f"dòng {rows[0]}" if len(rows) == 1 else f"{len(rows)} dòng, từ dòng {rows[0]}"
            lines.append(f"    {item.rel}:{rows[0]}: {count} chữ dạng tổ hợp (NFD) → dạng dựng sẵn"
                         f" (NFC) trên {where}, ví dụ «{nfc}» ({len(word)} → {len(nfc)} ký tự)")
    skipped = [entry for s in fixed for entry in s.skipped]
    if skipped:
        lines.append(f"Không sửa {len(skipped)} tệp: " + "; ".join(f"{rel} ({why})" for rel, why in skipped) + ".")
    return "\n".join(lines)

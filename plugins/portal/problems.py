"""Problems found in editors' files, and the errors that carry them.

Every problem names the file, the line, the field (key and Vietnamese label), what was expected
and what was found, in Vietnamese. Problems are collected over all sites and reported once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from dataclasses import field as dc_field
from pathlib import Path

ERROR = "loi"
WARNING = "canh-bao"
SEVERITY_LABELS = {ERROR: "LỖI", WARNING: "CẢNH BÁO"}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file.

    ``path`` is relative to the repository root when possible, ``line`` is 1-based (0 = whole file).
    ``field`` is the dotted key path (``thanh_phan_ho_so[2].ten``), ``label`` its Vietnamese label.
    """

    path: str
    line: int
    message: str
    field: str = ""
    label: str = ""
    expected: str = ""
    found: str = ""
    severity: str = ERROR
    code: str = dc_field(default="", compare=False)

    def format(self) -> str:
        """One human-readable Vietnamese line (or a few) for the terminal."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        head = f"{where}: {SEVERITY_LABELS.get(self.severity, self.severity)}"
        if self.field:
            name = f"«{self.label}» ({self.field})" if self.label else f"({self.field})"
            head += f" trường {name}"
        text = f"{head}: {self.message}"
        if self.expected:
            text += f"\n    Cần: {self.expected}"
        if self.found:
            text += f"\n    Đang có: {self.found}"
        return text

    def as_dict(self) -> dict:
        """Its fields, as JSON reports write them (every field is a string or a number: no deep copy)."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in fields(Problem))


class PortalError(Exception):
    """An expected failure; the CLI prints its message without a traceback."""


class ContentProblems(PortalError):
    """Raised when validation found errors; carries every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} vấn đề trong nội dung")


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def short(value: object, limit: int = 80) -> str:
    """Show a found value compactly, quoted, for messages."""
    if value is None:
        return "(trống)"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else str(value)
    text = text.replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"«{text}»" if not isinstance(value, (dict, list)) else text


def relpath(path: Path, root: Path | None) -> str:
    """Path relative to ``root`` when it lies inside it, POSIX separators."""
    if root is not None:
        # Lexical first (no file-system calls); resolving symlinks only when that does not place it.
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        if rel != ".." and not rel.startswith(".." + os.sep):
            return Path(rel).as_posix() if os.sep != "/" else rel
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()

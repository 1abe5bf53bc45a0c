"""pandoc 3.x, as shipped inside the ``pypandoc-binary`` wheel: Word → pandoc's document tree → Markdown.

Only the binary of the wheel is used (never a ``pandoc`` found on the PATH: Debian's 2.17 drops merged
table cells, docs/import.md), run with ``--sandbox`` (it reads nothing but its input) and a time limit.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
from pathlib import Path

from .errors import ImportRefused

MIN_VERSION = (3, 0)
TIMEOUT_SECONDS = 120
MARKDOWN = "markdown_phpextra-header_attributes"  # what Python-Markdown's "extra" reads; ids are the build's
_MISSING = ("Không tìm thấy chương trình chuyển đổi pandoc của gói pypandoc-binary: hãy cài lại môi trường"
            " (./bootstrap.sh) rồi nhập lại.")


@functools.cache
def binary() -> Path:
    """The pandoc executable inside the installed pypandoc-binary wheel, checked to be 3.x or later."""
    spec = importlib.util.find_spec("pypandoc")
    path = Path(spec.origin).parent / "files" / "pandoc" if spec and spec.origin else None
    if path is None or not path.is_file():
        raise ImportRefused(_MISSING)
    found = version(path)
    if found < MIN_VERSION:
        raise ImportRefused(f"pandoc {'.'.join(map(str, found))} quá cũ (cần từ 3.0): hãy cài lại môi trường.")
    return path


def version(path: Path) -> tuple[int, ...]:
    first = subprocess.run([str(path), "--version"], capture_output=True, check=True, timeout=30).stdout
    return tuple(int(p) for p in first.split()[1].decode().split(".") if p.isdigit())


def run(args: list[str], data: bytes) -> bytes:
    """pandoc ``args`` on ``data`` (stdin) → stdout; ImportRefused with pandoc's own words on failure."""
    try:
        done = subprocess.run([str(binary()), "--sandbox", *args], input=data, capture_output=True,
                              timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise ImportRefused(f"Chuyển đổi văn bản quá {TIMEOUT_SECONDS} giây nên đã dừng; văn bản có thể quá dài"
                            " hoặc bị hỏng. Hãy tách văn bản thành các phần nhỏ hơn rồi nhập lại.") from None
    if done.returncode:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ImportRefused("Không chuyển đổi được văn bản (pandoc báo: "
                            + (detail[-1] if detail else f"mã lỗi {done.returncode}") + ").")
    return done.stdout


def docx_tree(docx: bytes) -> dict:
    """pandoc's document tree (JSON) of a .docx; tracked changes accepted, comments left out."""
    return json.loads(run(["--from", "docx", "--to", "json", "--track-changes=accept"], docx))


def write(tree: dict, to: str) -> str:
    """Write a document tree in format ``to`` (lines not wrapped: one paragraph, one line)."""
    return run(["--from", "json", "--to", to, "--wrap=none"], json.dumps(tree).encode()).decode("utf-8")

"""Unexpected failures of our own code (or a library's) while handling one file or one site.

A failure there must not stop the other files and sites (issue 11): it becomes a problem of that file
or site, in Vietnamese, naming the exception type, and the traceback is written to a log file for
developers (as Sphinx does), never printed to editors. Expected failures are :class:`Problem`s and
never come here.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from .problems import Problem, relpath

LOG_DIR = Path(".cache") / "loi-he-thong"  # under the project root


def log_path(root: Path, rel: str) -> Path:
    """Where the traceback of a failure on ``rel`` (a repository-relative path) is written."""
    return Path(root) / LOG_DIR / (re.sub(r"[^A-Za-z0-9._-]+", "__", rel).strip("_") + ".log")


def write_log(path: Path, exc: BaseException, context: str = "") -> bool:
    """Write ``exc``'s traceback to ``path``; False when even that fails (the problem still reports it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((context + "\n\n" if context else "") + "".join(traceback.format_exception(exc)),
                        encoding="utf-8")
        return True
    except OSError:
        return False


# stage → (what was being done, what happens now, what to do)
STAGES = {
    "tep": ("kiểm tra tệp này", "tệp không được đăng, các tệp và cổng khác vẫn được xử lý bình thường",
            "báo cho bộ phận kỹ thuật; trong lúc chờ, hãy kiểm tra phần vừa sửa trong tệp"),
    "cong": ("kiểm tra cổng này", "cổng giữ nguyên bản đã xuất bản, các cổng khác vẫn được xử lý bình thường",
             "báo cho bộ phận kỹ thuật"),
    "xay-dung": ("xây dựng cổng này", "cổng giữ nguyên bản đã xuất bản, các cổng khác vẫn được xây dựng",
                 "báo cho bộ phận kỹ thuật"),
    "xem-thu": ("dựng trang xem thử của tệp này", "trang xem thử giữ bản đúng gần nhất; lần lưu sau, cổng được "
                "đọc lại từ đầu", "báo cho bộ phận kỹ thuật; trong lúc chờ, hãy lưu lại tệp"),
}


def problem(root: Path, rel: str, exc: BaseException, stage: str) -> Problem:
    """The problem of the file or site ``rel`` whose ``stage`` (a key of :data:`STAGES`) raised ``exc``;
    the traceback goes to its log file under ``.cache/loi-he-thong/`` (never into ``output/``)."""
    doing, outcome, advice = STAGES[stage]
    log = log_path(root, rel if stage != "xay-dung" else f"{rel}.xay-dung")
    saved = write_log(log, exc, f"{doing}: {rel}")
    where = f" Chi tiết kỹ thuật cho bộ phận kỹ thuật: {relpath(log, root)}." if saved else ""
    return Problem(rel, 0, f"Lỗi hệ thống khi {doing} ({type(exc).__name__}); {outcome}.{where}",
                   expected=advice, found=type(exc).__name__, code="loi-he-thong")

"""Who wrote, who approved and when each content file was published: the editorial trail, from git.

The web editor (Decap CMS, editorial workflow) keeps an item on a branch ``cms/<type>/<slug>`` while it is
Bản nháp, Chờ duyệt, Sẵn sàng đăng; publishing merges that branch into the published branch: a merge
request merged by the trưởng ban or phó ban on GitLab or Forgejo (branch protection lets only them merge),
a merge commit with ``invoke cms``. So, per file:

- **created**: the oldest commit that added it, on any parent (the writer's commit on the item's branch):
  its author and author date;
- **approved**: the commit of the published branch's first-parent history that brought the file in, when
  it is a merge: its committer (who merged) and commit date. A file pushed straight to the branch has no
  approval (``approved`` is None), which a board can see in the report;
- **published**: when that commit entered the branch; the site shows the item from then, or from its own
  date when that is later (scheduled publishing, ``portal.schedule``) — :func:`rows` says which.

One ``git log`` over the first-parent history and one over all parents; outside a git work tree, nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

SEP, FIELD = "\x1e", "\x1f"


@dataclass(frozen=True)
class Trail:
    created: dt.datetime
    created_by: str
    published: dt.datetime       # entered the published branch
    commit: str                  # the commit of the published branch that brought it in
    approved: dt.datetime | None = None
    approved_by: str = ""


def _log(repo: Path, *args: str) -> list[tuple[list[str], list[str]]]:
    """(header fields, file names) per commit, oldest first; empty outside git."""
    cmd = ["git", "-C", str(repo), "log", "--reverse", "--no-renames", "--name-only", "--diff-filter=A",
           f"--format={SEP}%H{FIELD}%P{FIELD}%aI{FIELD}%an{FIELD}%cI{FIELD}%cn", *args, "--", "content"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []
    out = []
    for block in proc.stdout.split(SEP)[1:]:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            out.append((lines[0].split(FIELD), lines[1:]))
    return out


def read(repo: Path, branch: str = "HEAD") -> dict[str, Trail]:
    """Repository-relative path of every file under ``content/`` on ``branch`` → its trail."""
    prefix = _prefix(repo)
    created: dict[str, tuple[dt.datetime, str]] = {}
    for (_, _, author_date, author, _, _), names in _log(repo, branch):
        for name in names:
            created.setdefault(name, (dt.datetime.fromisoformat(author_date), author))
    trails: dict[str, Trail] = {}
    for (sha, parents, _, _, commit_date, committer), names in _log(repo, "--first-parent",
                                                                    "--diff-merges=first-parent", branch):
        when = dt.datetime.fromisoformat(commit_date)
        merge = len(parents.split()) > 1
        for name in names:
            if name in trails:
                continue
            first, writer = created.get(name, (when, committer))
            trails[name.removeprefix(prefix)] = Trail(first, writer, when, sha, when if merge else None,
                                                      committer if merge else "")
    return trails


def _prefix(repo: Path) -> str:
    proc = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-prefix"], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def item_dates(root: Path, paths) -> dict[str, dt.datetime]:
    """The front-matter publication date (``ngay``) of each Markdown file of ``paths`` that has a readable one."""
    from portal.dates import as_datetime, parse_datetime
    from portal.frontmatter import FrontMatterError, parse_yaml, split

    dates = {}
    for rel in paths:
        path = root / rel
        if path.suffix != ".md" or not path.is_file():
            continue
        try:
            value = parse_yaml(split(path.read_text(encoding="utf-8"))[0]).data.get("ngay")
        except (FrontMatterError, OSError, UnicodeDecodeError):
            continue
        when = parse_datetime(str(value)) if value else None
        if when:
            dates[rel] = as_datetime(when)
    return dates


COLUMNS = [("tep", "Tệp"), ("tao_luc", "Tạo lúc"), ("nguoi_tao", "Người viết"), ("duyet_luc", "Duyệt lúc"),
           ("nguoi_duyet", "Người duyệt (hợp nhất)"), ("dang_luc", "Đăng lúc"), ("commit", "Commit")]


def rows(trails: dict[str, Trail], dates: dict[str, dt.datetime] | None = None) -> list[dict]:
    """One record per file, sorted by path. ``dates`` (path → the item's own publication date): an item
    dated after its merge is published on that date (scheduled), not at the merge."""
    out = []
    for path in sorted(trails):
        t = trails[path]
        published = t.published.replace(tzinfo=None)
        own = (dates or {}).get(path)
        if own is not None and own > published:
            published = own
        out.append({"tep": path, "tao_luc": _shown(t.created), "nguoi_tao": t.created_by,
                    "duyet_luc": _shown(t.approved) if t.approved else "", "nguoi_duyet": t.approved_by or
                    "(đăng thẳng, không qua duyệt)", "dang_luc": _shown(published), "commit": t.commit[:12]})
    return out


def _shown(moment: dt.datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M}"


def as_csv(records: list[dict]) -> str:
    """CSV with a UTF-8 BOM (spreadsheet programs read Vietnamese correctly), as the compliance CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in COLUMNS])
    for record in records:
        writer.writerow([record[key] for key, _ in COLUMNS])
    return "\ufeff" + buffer.getvalue()

"""What the terminal shows editors and CI: problems grouped by site and file, then a summary."""

from __future__ import annotations

from collections import defaultdict

from .problems import ERROR, WARNING, Problem


def format_problems(problems: list[Problem]) -> str:
    """All problems, grouped by file, errors before warnings within a file."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.path].append(problem)
    blocks = []
    for path in sorted(by_file):
        items = sorted(by_file[path], key=lambda p: (p.severity != ERROR, p.line, p.field))
        blocks.append("\n".join(p.format() for p in items))
    return "\n\n".join(blocks)


def summary_table(rows: list[tuple[str, str, str, int, int]]) -> str:
    """Rows of (site id, site name, state, errors, warnings) as an aligned text table."""
    header = ("Mã cổng", "Tên cổng", "Kết quả", "Lỗi", "Cảnh báo")
    table = [header] + [(a, b, c, str(d), str(e)) for a, b, c, d, e in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def count(problems: list[Problem]) -> tuple[int, int]:
    return (sum(p.severity == ERROR for p in problems), sum(p.severity == WARNING for p in problems))

"""How cost grows with the province (``invoke bench --sizes``): cold build, no-change rebuild and one edit
through to the provincial aggregate, at several sizes (sites × items), with peak memory.

What the issue asks this to show: the cold build linear in the number of items (its seconds per 1,000
items stay level), the edit flat in the number of sites (an edit touches one unit and the province), and
peak memory under 1 GiB at 40 × 1,000. :func:`table` prints the figures, :func:`svg` draws them as two
small charts for ``docs/performance.md`` (no plotting library: a few lines of SVG).
"""

from __future__ import annotations

import re
import sys
from html import escape
from pathlib import Path

from . import synth, trash
from .measure import Measurement, run

SCENARIOS = ("cold", "nochange", "one_edit")
DEFAULT = ((5, 1000), (20, 1000), (40, 1000))
CI_DEFAULT = (5, 1000)  # the CI replay's own province at the default size (invoke bench --ci-size)
MEMORY_TARGET_MB = 1024


def parse(values) -> list[tuple[int, int]]:
    """``["5x1000,20x1000", "40x1000"]`` (repeated options, commas, ``×``) → ``[(5, 1000), (20, 1000), (40, 1000)]``.
    Raises ValueError on anything else."""
    sizes = []
    for value in values or []:
        for part in re.split(r"[,\s]+", str(value).strip()):
            if not part:
                continue
            match = re.fullmatch(r"(\d+)\s*[x×]\s*(\d+)", part)
            if not match or int(match.group(1)) < 2 or int(match.group(2)) < 12:
                raise ValueError(part)
            sizes.append((int(match.group(1)), int(match.group(2))))
    return sorted(set(sizes))


def measure(repo: Path, work: Path, sites: int, items: int, jobs: int, env: dict, aggregate_args,
            project, edit_command) -> list[Measurement]:
    """The three scenarios at one size, on a freshly generated province (removed afterwards); ``project``
    makes the throw-away project, ``edit_command(folder, jobs, env)`` the edit's command and
    ``aggregate_args(folder, env)`` the aggregation before it (the suite's)."""
    folder = work / f"quy-mo-{sites}x{items}"
    synth.generate(folder, sites, items, repo / "content")
    project(folder, repo)
    invoke = [sys.executable, "-m", "invoke"]
    name = f"{sites}x{items}"
    results = [run(f"{name}_cold", invoke + ["build", "--jobs", str(jobs)], folder, env),
               run(f"{name}_nochange", invoke + ["build", "--jobs", str(jobs)], folder, env)]
    aggregate = run(f"{name}_aggregate", invoke + aggregate_args(folder, env), folder, env)
    results.append(edit_to_aggregate(folder, f"{name}_one_edit", edit_command(folder, jobs, env), env))
    results[-1].ok = results[-1].ok and aggregate.ok
    trash.discard(folder)
    return results


def edit_to_aggregate(folder: Path, name: str, command: list[str], env: dict) -> Measurement:
    """A paragraph added to the first news item of the first unit, then ``command`` (through to the aggregate)."""
    edited = sorted((folder / "content" / "don-vi-001" / "tin-tuc").glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nCập nhật: bổ sung một đoạn thông tin mới.\n",
                      encoding="utf-8")
    return run(name, command, folder, env)


def rows(results: dict[tuple[int, int], dict[str, Measurement]]) -> list[dict]:
    """One row per size: the scenarios' seconds, cold seconds per 1,000 items, peak memory (RSS and PSS)."""
    out = []
    for (sites, items), by in sorted(results.items()):
        files = sites * items
        cold = by["cold"]
        out.append({"so_cong": sites, "so_muc_moi_cong": items, "tong_so_tep": files,
                    "lanh_giay": round(cold.seconds, 2), "lanh_giay_moi_1000": round(cold.seconds / files * 1000, 3),
                    "khong_doi_giay": round(by["nochange"].seconds, 2),
                    "mot_sua_giay": round(by["one_edit"].seconds, 2),
                    "cac_lan": {k: [round(s, 2) for s in (m.runs or [m.seconds])] for k, m in by.items()},
                    "bo_nho_dinh_mb": round(max(m.peak_mb for m in by.values()), 1),
                    "bo_nho_dinh_pss_mb": round(max(m.peak_pss_mb for m in by.values()), 1),
                    "thanh_cong": all(m.ok for m in by.values())})
    return out


def table(rows_: list[dict]) -> str:
    head = ("Quy mô", "Tệp", "Lạnh (s)", "s/1.000 tệp", "Không đổi (s)", "Một sửa (s)", "RSS đỉnh (MB)",
            "PSS đỉnh (MB)", "")
    lines = [head] + [(f"{r['so_cong']}×{r['so_muc_moi_cong']}", f"{r['tong_so_tep']:,}", f"{r['lanh_giay']:.1f}",
                       f"{r['lanh_giay_moi_1000']:.2f}", f"{r['khong_doi_giay']:.1f}", f"{r['mot_sua_giay']:.1f}",
                       f"{r['bo_nho_dinh_mb']:.0f}", f"{r['bo_nho_dinh_pss_mb']:.0f}",
                       "ok" if r["thanh_cong"] else "LỖI") for r in rows_]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = ["  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i]) for i, c in enumerate(line)) for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def svg(rows_: list[dict]) -> str:
    """Two charts side by side: cold build seconds against items (with the line through the origin and the
    largest point: linear growth stays on it) and the edit's seconds against the number of sites."""
    width, height = 760, 300
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           'font-family="sans-serif" font-size="11">', '<rect width="100%" height="100%" fill="#fff"/>']
    if rows_:
        cold = [(r["tong_so_tep"], r["lanh_giay"]) for r in rows_]
        edit = [(r["so_cong"], r["mot_sua_giay"]) for r in rows_]
        largest = max(cold)
        out += _chart(20, "Cold build (s) against items", cold, "items",
                      line=[(0, 0), largest], dashed_label="linear through the largest size")
        out += _chart(400, "One edit to the aggregate (s) against sites", edit, "sites",
                      line=[(0, edit[0][1]), (max(e[0] for e in edit), edit[0][1])],
                      dashed_label="flat at the smallest size")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _chart(x0: float, title: str, points: list[tuple[float, float]], unit: str, line, dashed_label: str) -> list[str]:
    left, top, w, h = x0 + 45, 40, 300, 200
    xmax = max(p[0] for p in points) * 1.1 or 1
    ymax = max([p[1] for p in points] + [line[1][1]]) * 1.2 or 1

    def at(x, y):
        return left + x / xmax * w, top + h - y / ymax * h

    out = [f'<text x="{x0}" y="20" font-weight="bold">{escape(title)}</text>',
           f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#333"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#333"/>']
    for fraction in (0, 0.25, 0.5, 0.75, 1.0):
        y = fraction * ymax / 1.2
        _, py = at(0, y)
        out.append(f'<text x="{left - 5}" y="{py + 4:.1f}" text-anchor="end">{y:.0f}</text>')
        out.append(f'<line x1="{left}" y1="{py:.1f}" x2="{left + w}" y2="{py:.1f}" stroke="#eee"/>')
    (ax, ay), (bx, by) = at(*line[0]), at(*line[1])
    out.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="#999" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{left + 5}" y="{top + h + 34}" fill="#777">- - {escape(dashed_label)}</text>')
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in (at(x, y) for x, y in sorted(points)))
    out.append(f'<polyline points="{path}" fill="none" stroke="#3182bd" stroke-width="2"/>')
    for x, y in points:
        px, py = at(x, y)
        out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#3182bd"/>')
        out.append(f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle">{y:.1f} s</text>')
        out.append(f'<text x="{px:.1f}" y="{top + h + 16}" text-anchor="middle">{x:,}</text>')
    out.append(f'<text x="{left + w}" y="{top + h + 34}" text-anchor="end">{escape(unit)}</text>')
    return out

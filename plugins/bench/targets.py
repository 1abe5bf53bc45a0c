"""Issue 15's targets as data, and the verdict of a measured figure against each.

Every figure the issue judges is one entry of :data:`TARGETS`: the issue's point, what is compared, the
limit and whether it is strict. :func:`judge` gives the JSON entry of one figure (its value, the target as
text, whether it is met, and the two sides of the comparison when it is a ratio); :func:`lines` prints them
side by side, one line each, in the order of the issue. A figure that was not measured (the warm server's
module missing, a part of the bench skipped) is kept with ``met: None`` and printed as "chưa đo".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    point: str          # the point ("1" … "6")
    label: str          # what is compared, printed
    limit: float
    strict: bool = False  # "<" rather than "<="
    unit: str = "×"       # "×" for a ratio ("%": a ratio shown as a percentage); otherwise the value's unit

    @property
    def ratio(self) -> bool:
        return self.unit in ("×", "%")

    def shown(self, value: float) -> str:
        return {"×": f"{value:.3f} ×", "%": f"{value * 100:.1f} %"}.get(self.unit, f"{value:,.0f} {self.unit}")

    @property
    def text(self) -> str:
        if self.unit == "%":
            return f"{'<' if self.strict else '<='} {self.limit * 100:g} %"
        limit = f"{self.limit:,.0f}" if self.limit >= 100 else str(self.limit)
        return f"{'<' if self.strict else '<='} {limit}" + ("" if self.unit == "×" else f" {self.unit}")


TARGETS: dict[str, Target] = {
    "cold_vs_pelican_plus_search": Target("1", "cold build / (plain Pelican + Pagefind over the same pages)", 1.0),
    "nochange_vs_cold": Target("1", "no-change rebuild / cold build", 0.05, unit="%"),
    "edit_online_vs_hugo": Target("2", "one edit → online (build + aggregate) / Hugo's full build", 0.25),
    "edit_searchable_vs_hugo": Target("2", "one edit → searchable / Hugo's full build", 0.40),
    "warm_edit_vs_hugo": Target("3", "warm serve: edit shown in the open tab / Hugo's full build", 0.10),
    "ci_nochange_vs_cold": Target("4", "CI, fresh runners: no change / cold", 0.05, unit="%"),
    "ci_edit_online_vs_hugo": Target("4", "CI, fresh runners: one edit / Hugo's full build", 0.25),
    "peak_memory_mb": Target("5", "peak memory (RSS) of our scenarios", 1024, strict=True, unit="MB"),
    "peak_memory_largest_mb": Target("5", "peak memory (RSS) at the largest size", 1024, strict=True, unit="MB"),
    "search_first_visit_bytes": Target("6", "bytes of the largest search on a first visit", 300_000, unit="B"),
}


def judge(key: str, value: float | None, ours: float | None = None, reference: float | None = None,
          note: str = "") -> dict:
    """The JSON entry of ``key``'s figure: ``ratio`` (a ratio) or ``value``, the target, ``met`` (None when
    not measured), and for a ratio the two sides (``ours`` / ``reference``, seconds)."""
    target = TARGETS[key]
    entry: dict = {"point": target.point, "ratio" if target.ratio else "value":
                   None if value is None else round(value, 3), "target": target.text,
                   "met": None if value is None else (value < target.limit if target.strict else value <= target.limit)}
    if ours is not None:
        entry["ours"] = round(ours, 3)
    if reference is not None:
        entry["reference"] = round(reference, 3)
    if note:
        entry["note"] = note
    return entry


def verdict(entry: dict) -> str:
    return {True: "ĐẠT", False: "CHƯA ĐẠT", None: "chưa đo"}[entry.get("met")]


def lines(judged: dict[str, dict]) -> list[str]:
    """One line per target, in the issue's order: point, what, our figure against the reference, the ratio
    or value, the target and the verdict."""
    rows = [("Điểm", "Chỉ tiêu", "Ta / tham chiếu", "Số đo", "Mục tiêu", "Kết quả")]
    for key, target in TARGETS.items():
        entry = judged.get(key)
        if entry is None:
            continue
        shown = entry.get("ratio", entry.get("value"))
        figure = "-" if shown is None else target.shown(shown)
        sides = (f"{entry['ours']:.2f} s / {entry['reference']:.2f} s" if "ours" in entry and "reference" in entry
                 else "")
        rows.append((target.point, target.label + (f" ({entry['note']})" if entry.get("note") else ""), sides,
                     figure, target.text, verdict(entry)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out

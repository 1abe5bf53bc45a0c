"""The province compliance dashboard: units × required categories, and the trend over runs (chart data)."""

from __future__ import annotations

from compliance.model import STATE_ORDER
from portal import content_types, schema

OTHER = "thong-tin-cong"
OTHER_LABEL = "Thông tin chung của cổng"
WORST_FIRST = sorted(STATE_ORDER, key=STATE_ORDER.get)


def _category(rule) -> tuple[str, str]:
    params = rule.tham_so
    if params.get("chuyen_muc"):
        return params["chuyen_muc"], content_types.get(params["chuyen_muc"]).label
    if params.get("loai_trang"):
        kind = params["loai_trang"]
        return f"trang-{kind}", schema.value_label("trang", ("loai_trang",), kind)
    if rule.kiem_tra == "lich-tuan":
        return "lich-cong-tac", content_types.get("lich-cong-tac").label
    return OTHER, OTHER_LABEL


def grid(evaluation) -> dict:
    """Columns in menu order (sections, then pages, then general); each cell the worst state found."""
    order = {t.id: i for i, t in enumerate(content_types.TYPES)}
    columns: dict[str, str] = {}
    rows = []
    for site in evaluation.sites:
        cells: dict[str, str] = {}
        for finding in site.findings:
            key, label = _category(finding.rule)
            columns[key] = label
            current = cells.get(key)
            if current is None or STATE_ORDER[finding.trang_thai] < STATE_ORDER[current]:
                cells[key] = finding.trang_thai
        rows.append({"ma": site.site_id, "ten": site.config.get("ten_ngan", site.site_id), "o": cells,
                     "tong_hop": site.counts()})

    def rank(key):
        if key in order:
            return (0, order[key], key)
        return (1 if key != OTHER else 2, 0, key)

    return {"cot": [{"ma": k, "nhan": columns[k]} for k in sorted(columns, key=rank)], "hang": rows}


def update_history(history: dict, as_of: str, evaluation) -> dict:
    """Record this run's counts under its evaluation date (a rerun of the same date replaces it)."""
    history = dict(history or {})
    history[as_of] = {site.site_id: site.counts() for site in evaluation.sites}
    return dict(sorted(history.items()))


def trend(history: dict, width: int = 720, height: int = 260) -> dict:
    """The trend chart as data: stacked bars per run (quá hạn, thiếu, sắp đến hạn for the whole province),
    axis ticks, date labels and legend, every coordinate already formatted. The theme draws it as inline
    SVG (``tong-hop-tuan-thu.html``), escaped like any other value."""
    dates = list(history)[-12:]
    series = [("qua-han", "Quá hạn", "#a3141b"), ("thieu", "Thiếu", "#c75a00"),
              ("sap-den-han", "Sắp đến hạn", "#8a6d00")]
    totals = [{k: sum(site.get(k, 0) for site in history[d].values()) for k, _, _ in series} for d in dates]
    top = max([sum(t.values()) for t in totals] + [1])
    left, bottom, right, top_pad = 48, 40, 16, 28
    plot_w, plot_h = width - left - right, height - bottom - top_pad
    bar_w = plot_w / max(len(dates), 1) * 0.6
    chart = {"width": width, "height": height,
             "desc": "; ".join(f"{_vn(d)}: " + ", ".join(f"{label} {t[k]}" for k, label, _ in series)
                               for d, t in zip(dates, totals, strict=True)),
             "axis": {"x1": left, "x2": width - right, "y": top_pad + plot_h},
             "ticks": [], "columns": [], "legend": []}
    for step in range(5):
        value = round(top * step / 4)
        y = top_pad + plot_h - plot_h * value / top
        chart["ticks"].append({"x": left - 6, "y": f"{y + 4:.1f}", "value": value})
    for index, (day, total) in enumerate(zip(dates, totals, strict=True)):
        x = left + plot_w * (index + 0.5) / len(dates) - bar_w / 2
        y = top_pad + plot_h
        bars = []
        for key, label, colour in series:
            h = plot_h * total[key] / top
            if h:
                y -= h
                bars.append({"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{bar_w:.1f}", "height": f"{h:.1f}",
                             "fill": colour, "title": f"{_vn(day)}: {label} {total[key]}"})
        chart["columns"].append({"bars": bars, "x": f"{x + bar_w / 2:.1f}", "y": top_pad + plot_h + 16,
                                 "text": _vn(day)})
    for index, (_, label, colour) in enumerate(series):
        chart["legend"].append({"x": left + index * 140, "text_x": left + index * 140 + 18, "fill": colour,
                                "text": label})
    return chart


def _vn(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"

"""Compliance reports: JSON (versioned schema), CSV and XLSX for the provincial office, terminal table.

Every format carries the same findings in the same order: by site, then worst state first, then rule
and item. Each finding names its site, rule id, citation, item (file:line), state and due date.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from portal import jsonfmt

from .engine import REPORT_VERSION, Evaluation
from .model import QUA_HAN, SEVERITY_LABELS, STATE_LABELS, STATES, ordered

COLUMNS = [  # (key in Finding.as_dict(), Vietnamese header)
    ("cong", "Mã cổng"), ("ten_cong", "Tên cổng"), ("trang_thai_nhan", "Trạng thái"), ("muc_do_nhan", "Mức độ"),
    ("quy_tac", "Mã quy tắc"), ("can_cu", "Căn cứ"), ("yeu_cau", "Yêu cầu"), ("muc", "Tin bài / tệp"),
    ("tieu_de", "Tiêu đề"), ("ky_bao_cao", "Kỳ báo cáo"), ("han", "Hạn"), ("so_ngay_qua_han", "Số ngày quá hạn"),
    ("mo_ta", "Nội dung phát hiện"),
    ("xac_minh_nhan", "Căn cứ đã xác minh"), ("bo_quy_tac", "Bộ quy tắc"),
]


def rows(evaluation: Evaluation) -> list[dict]:
    """Flat records for CSV and XLSX."""
    names = {s.site_id: s.config.get("ten_cong", s.site_id) for s in evaluation.sites}
    out = []
    for finding in ordered(evaluation.findings):
        row = finding.as_dict()
        row["ten_cong"] = names[finding.site]
        row["muc_do_nhan"] = SEVERITY_LABELS[row["muc_do"]]
        row["xac_minh_nhan"] = "Có" if row["xac_minh"] else "Chưa (cấu hình)"
        row["han"] = _vn_date(row["han"])
        out.append(row)
    return out


def _vn_date(iso: str | None) -> str:
    if not iso:
        return ""
    date, _, time = iso.partition("T")
    y, m, d = date.split("-")
    return f"{d}/{m}/{y}" + (f" {time[:5]}" if time else "")


def as_json(evaluation: Evaluation, sources: list[dict] | None = None) -> dict:
    """The report document (``schemas/compliance-report.schema.json``)."""
    sets = {r.ma: r.summary() for r in evaluation.rule_sets}
    sites = []
    for site in evaluation.sites:
        sites.append({
            "ma": site.site_id, "ten": site.config["ten_day_du"], "ten_cong": site.config.get("ten_cong", ""),
            "cap": site.config["cap"], "dia_chi_web": site.config["dia_chi_web"],
            "bo_quy_tac": site.rule_sets, "tong_hop": site.counts(),
            "phat_hien": [f.as_dict() for f in ordered(site.findings)],
        })
    return {
        "phien_ban": REPORT_VERSION,
        "ngay_danh_gia": evaluation.as_of.isoformat(),
        "bo_quy_tac": [sets[name] for name in sorted({n for s in evaluation.sites for n in s.rule_sets})
                       if name in sets],
        "danh_muc_don_vi": sorted({n for s in evaluation.sites for n in s.rule_sets if n not in sets}),
        "tong_hop": {state: sum(s["tong_hop"][state] for s in sites) for state in STATES},
        "cong": sites,
        "van_de": [p.as_dict() for p in evaluation.problems],
        "nguon_tong_hop": sources or [],
    }


def as_csv(evaluation: Evaluation) -> str:
    """CSV with a UTF-8 BOM so spreadsheet programs read Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in COLUMNS])
    for row in rows(evaluation):
        writer.writerow([row.get(key, "") for key, _ in COLUMNS])
    return "\ufeff" + buffer.getvalue()


def write_xlsx(evaluation: Evaluation, path: Path) -> None:
    """Workbook with a summary sheet, the findings (filterable) and the rule sets used."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fills = {"Đạt": "E3F1E4", "Sắp đến hạn": "FFF4CC", "Quá hạn": "F8D7DA", "Thiếu": "FCE4D6"}
    bold = Font(bold=True)
    book = Workbook()
    summary = book.active
    summary.title = "Tổng hợp"
    summary.append([f"Báo cáo tuân thủ ngày {evaluation.as_of:%d/%m/%Y}"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["Mã cổng", "Tên cổng", "Cấp"] + [STATE_LABELS[s] for s in STATES])
    for site in evaluation.sites:
        counts = site.counts()
        summary.append([site.site_id, site.config.get("ten_cong", ""), site.config.get("cap_label", "")]
                       + [counts[s] for s in STATES])
    detail = book.create_sheet("Chi tiết")
    detail.append([header for _, header in COLUMNS])
    for row in rows(evaluation):
        detail.append([row.get(key, "") for key, _ in COLUMNS])
        fill = fills.get(row["trang_thai_nhan"])
        if fill:
            detail.cell(detail.max_row, 3).fill = PatternFill("solid", start_color=fill)
    detail.auto_filter.ref = detail.dimensions
    sets = book.create_sheet("Bộ quy tắc")
    sets.append(["Mã", "Tên", "Văn bản", "Phạm vi", "Hiệu lực từ", "Hiệu lực đến", "Số quy tắc", "Tệp"])
    used = {n for s in evaluation.sites for n in s.rule_sets}
    for ruleset in evaluation.rule_sets:
        if ruleset.ma in used:
            sets.append([ruleset.ma, ruleset.ten, ruleset.so_ky_hieu, ruleset.loai, f"{ruleset.tu_ngay:%d/%m/%Y}",
                         f"{ruleset.den_ngay:%d/%m/%Y}" if ruleset.den_ngay else "", len(ruleset.rules), ruleset.path])
    for sheet, header_row in ((summary, 2), (detail, 1), (sets, 1)):
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
        for cell in sheet[header_row]:
            cell.font = bold
        for index, column in enumerate(sheet.iter_cols(min_row=header_row), start=1):
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(10, width + 2), 60)
        for row in sheet.iter_rows(min_row=header_row + 1):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.creator = "cong-thong-tin"
    book.save(path)


def terminal(evaluation: Evaluation, limit: int = 0) -> str:
    """Summary table per site, then the findings that are not 'đạt'."""
    header = ["Mã cổng", "Cấp"] + [STATE_LABELS[s] for s in STATES]
    table = [header] + [[s.site_id, s.config["cap"]] + [str(s.counts()[x]) for x in STATES] for s in evaluation.sites]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    issues = [f for f in ordered(evaluation.findings) if not f.ok]
    shown = issues[:limit] if limit else issues
    if shown:
        lines += ["", "Các phát hiện cần xử lý:"]
        for f in shown:
            due = f" (hạn {_vn_date(f.han.isoformat())})" if f.han else ""
            due = f" · kỳ {f.ky_bao_cao}{due}" if f.ky_bao_cao else due
            late = f", quá {f.so_ngay_qua_han} ngày" if f.trang_thai == QUA_HAN and f.so_ngay_qua_han else ""
            lines.append(f"[{STATE_LABELS[f.trang_thai]}{late}] {f.site} · {f.rule.ma} · {f.rule.can_cu.text()}{due}")
            lines.append(f"    {f.muc}: {f.mo_ta}")
        if len(issues) > len(shown):
            lines.append(f"... và {len(issues) - len(shown)} phát hiện khác (xem báo cáo JSON/XLSX).")
    return "\n".join(lines)


REPORT_FOLDER = "tuan-thu"  # invoke compliance writes into output/tuan-thu/<evaluation date>/ unless told otherwise


def write_all(evaluation: Evaluation, folder: Path, sources: list[dict] | None = None,
              theme_templates: Path | None = None) -> dict[str, Path]:
    """Write every format into ``folder``; returns format → path. ``sources``: aggregation health.
    With ``theme_templates`` (the theme's templates folder, whose table macros it uses) the HTML report too."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "bao-cao-tuan-thu.json", "csv": folder / "bao-cao-tuan-thu.csv",
             "xlsx": folder / "bao-cao-tuan-thu.xlsx"}
    paths["json"].write_text(jsonfmt.dumps(as_json(evaluation, sources)) + "\n",
                             encoding="utf-8")
    paths["csv"].write_text(as_csv(evaluation), encoding="utf-8", newline="")
    write_xlsx(evaluation, paths["xlsx"])
    if theme_templates is not None:
        from . import html_report

        paths["html"] = folder / "bao-cao-tuan-thu.html"
        paths["html"].write_text(html_report.render(evaluation, theme_templates), encoding="utf-8")
    return paths

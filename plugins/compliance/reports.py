"""Compliance reports: JSON (versioned schema), CSV and XLSX for the provincial office, terminal table.

Every format carries the same findings in the same order: by site, then worst state first, then rule
and item. Each finding names its site, rule id, citation, item (file:line), state and due date.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from portal import jsonfmt
from portal.cache import code_version

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
    """Workbook with a summary sheet, the findings (filterable) and the rule sets used.

    Cells are styled through named styles (one registered style per look, each cell pointing at it):
    setting a fresh ``Alignment`` on each of a province's 100,000 cells took seconds, and locating the
    row just appended by ``max_row`` made the findings sheet quadratic (34 s at 5 × 1,000 items)."""
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
    from openpyxl.styles.fonts import DEFAULT_FONT
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    fills = {"Đạt": "E3F1E4", "Sắp đến hạn": "FFF4CC", "Quá hạn": "F8D7DA", "Thiếu": "FCE4D6"}
    book = Workbook()
    bold = copy(DEFAULT_FONT)
    bold.b = True
    book.add_named_style(NamedStyle("o", font=copy(DEFAULT_FONT), alignment=wrap))
    book.add_named_style(NamedStyle("tieu-de", font=bold))
    for label, colour in fills.items():  # the findings' state column
        book.add_named_style(NamedStyle(f"o-{label}", font=copy(DEFAULT_FONT), alignment=wrap,
                                        fill=PatternFill("solid", start_color=colour)))
    summary = book.active
    summary.title = "Tổng hợp"
    summary.append([f"Báo cáo tuân thủ ngày {evaluation.as_of:%d/%m/%Y}"])
    summary["A1"].font = Font(bold=True, size=14)
    summary_rows = [["Mã cổng", "Tên cổng", "Cấp"] + [STATE_LABELS[s] for s in STATES]]
    for site in evaluation.sites:
        counts = site.counts()
        summary_rows.append([site.site_id, site.config.get("ten_cong", ""), site.config.get("cap_label", "")]
                            + [counts[s] for s in STATES])
    detail = book.create_sheet("Chi tiết")
    detail_rows = [[header for _, header in COLUMNS]]
    states = [None]  # the state label of each row of the findings sheet (its fill)
    for row in rows(evaluation):
        detail_rows.append([row.get(key, "") for key, _ in COLUMNS])
        states.append(row["trang_thai_nhan"] if row["trang_thai_nhan"] in fills else None)
    sets = book.create_sheet("Bộ quy tắc")
    set_rows = [["Mã", "Tên", "Văn bản", "Phạm vi", "Hiệu lực từ", "Hiệu lực đến", "Số quy tắc", "Tệp"]]
    used = {n for s in evaluation.sites for n in s.rule_sets}
    for ruleset in evaluation.rule_sets:
        if ruleset.ma in used:
            set_rows.append([ruleset.ma, ruleset.ten, ruleset.so_ky_hieu, ruleset.loai,
                             f"{ruleset.tu_ngay:%d/%m/%Y}", f"{ruleset.den_ngay:%d/%m/%Y}" if ruleset.den_ngay else "",
                             len(ruleset.rules), ruleset.path])
    for sheet, first, table, fill_of in ((summary, 2, summary_rows, None), (detail, 1, detail_rows, states),
                                         (sets, 1, set_rows, None)):  # first: the header's row
        for offset, values in enumerate(table):
            sheet.append(values)
            name = "tieu-de" if offset == 0 else "o"
            for column in range(1, len(values) + 1):  # not sheet[row]: it measures the sheet (max_column) each time
                sheet.cell(first + offset, column).style = name
            if offset and fill_of and fill_of[offset]:
                sheet.cell(first + offset, 3).style = f"o-{fill_of[offset]}"
        sheet.freeze_panes = sheet.cell(first + 1, 1)
        for index in range(1, len(table[0]) + 1):
            width = max(len(str(values[index - 1])) if index <= len(values) and values[index - 1] is not None else 0
                        for values in table)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(10, width + 2), 60)
    detail.auto_filter.ref = detail.dimensions
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
    With ``theme_templates`` (the theme's templates folder, whose table macros it uses) the HTML report too.

    The CSV, the workbook and the HTML report show the evaluation alone: when the evaluation, the code and the
    theme are those the files in ``folder`` were written from (``RECORD``, beside them), they are kept as they
    are, and only the JSON report, which also carries the aggregation's health, is written. In CI, where each
    run starts from the last published output, an edit that changes no finding rewrites no workbook (seconds
    for a province of 20,000 findings)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "bao-cao-tuan-thu.json", "csv": folder / "bao-cao-tuan-thu.csv",
             "xlsx": folder / "bao-cao-tuan-thu.xlsx"}
    if theme_templates is not None:
        paths["html"] = folder / "bao-cao-tuan-thu.html"
    data = as_json(evaluation, sources)
    shown = jsonfmt.dumps({**data, "nguon_tong_hop": []})
    digest = hashlib.sha1("\0".join([REPORT_VERSION, code_version(), str(theme_templates), shown]).encode()).hexdigest()
    paths["json"].write_text(jsonfmt.dumps(data) + "\n", encoding="utf-8")
    record = folder / RECORD
    try:
        if record.read_text(encoding="utf-8") == digest and all(path.is_file() for path in paths.values()):
            return paths
    except OSError:
        pass
    record.unlink(missing_ok=True)  # while the files are being replaced, they vouch for nothing
    paths["csv"].write_text(as_csv(evaluation), encoding="utf-8", newline="")
    write_xlsx(evaluation, paths["xlsx"])
    if theme_templates is not None:
        from . import html_report

        paths["html"].write_text(html_report.render(evaluation, theme_templates), encoding="utf-8")
    record.write_text(digest, encoding="utf-8")
    return paths


RECORD = ".ban-ghi"  # hidden: not published (rsync --exclude='.*'), not listed by the report's readers

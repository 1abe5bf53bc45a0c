"""Accessibility self-assessment: the last axe-core run of the site is recent and passed (Luật CĐS Điều 35 k2).

``invoke a11y`` saves each site's run in ``<QUALITY_STATE_DIR>/tiep-can/<site>.json`` (default
``.cache/kiem-tra`` under the project root; plugins/quality/accessibility.py); the site's
``kha-nang-tiep-can.html`` page publishes it. This check reads the same file (the engine passes the
folder, :attr:`SiteContext.quality_runs`), so "đạt" means the published page shows a run that is both recent and clean.
A run dated after the evaluation date counts: the gate runs on output built from the commit being
evaluated, so it usually comes after that commit's date. Findings name the site
(``content/<site>/site.yaml``) as their item, like other site-wide checks; the run file is in ``chi_tiet``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from portal.problems import relpath
from quality import accessibility

from ..model import QUA_HAN, SAP_DEN_HAN, THIEU, Finding
from .context import SiteContext

BLOCKING = ("critical", "serious")
PAGE = "kha-nang-tiep-can.html"


def self_assessment(rule, ctx: SiteContext) -> list[Finding]:
    """``tu-danh-gia-tiep-can``: a run at most ``so_ngay`` days old with no serious or critical violation."""
    period = rule.tham_so.get("so_ngay", 365)
    path = accessibility.state_file(ctx.quality_runs, ctx.site_id)
    rel = relpath(path, ctx.root)
    run = _read(path)
    if run is None:
        return [Finding(ctx.site_id, rule, THIEU, f"Chưa có kết quả tự đánh giá khả năng tiếp cận ({rel}); chạy "
                        f"«invoke a11y» rồi xây dựng lại cổng để công bố trang {PAGE}.", muc=ctx.site_file)]
    day = dt.date.fromisoformat(run["ngay_danh_gia"])
    tool = f"{run.get('cong_cu', {}).get('ten', 'axe-core')} {run.get('cong_cu', {}).get('phien_ban', '')}".strip()
    serious = [v for v in run.get("vi_pham", []) if v.get("muc_do") in BLOCKING]
    if serious:
        ids = ", ".join(v["quy_tac"] for v in serious)
        return [Finding(ctx.site_id, rule, THIEU, f"Lần tự đánh giá ngày {day:%d/%m/%Y} ({tool}) còn {len(serious)} "
                        f"vi phạm mức nghiêm trọng hoặc rất nghiêm trọng: {ids}.", muc=ctx.site_file,
                        chi_tiet=rel)]
    due = day + dt.timedelta(days=period)
    if ctx.as_of > due:
        late = (ctx.as_of - due).days
        return [Finding(ctx.site_id, rule, QUA_HAN, f"Lần tự đánh giá khả năng tiếp cận gần nhất ngày {day:%d/%m/%Y}; "
                        f"phải đánh giá lại trước {due:%d/%m/%Y}, đã quá {late} ngày.", muc=ctx.site_file, han=due,
                        so_ngay_qua_han=late, chi_tiet=rel)]
    if ctx.calendar.working_days_between(ctx.as_of, due) <= ctx.settings.sap_den_han_ngay_lam_viec:
        return [Finding(ctx.site_id, rule, SAP_DEN_HAN, f"Cần tự đánh giá lại khả năng tiếp cận trước {due:%d/%m/%Y} "
                        f"(lần gần nhất ngày {day:%d/%m/%Y}).", muc=ctx.site_file, han=due, chi_tiet=rel)]
    return [ctx.ok(rule, f"Đã tự đánh giá ngày {day:%d/%m/%Y} ({tool}, {run.get('so_trang', 0)} trang, "
                         f"{run.get('tieu_chuan', 'WCAG 2.1 mức AA')}): không có vi phạm nghiêm trọng; đánh giá lại "
                         f"trước {due:%d/%m/%Y}.")]


def _read(path: Path) -> dict | None:
    """The saved run, or None when it is missing or unreadable (then the site has no usable assessment)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        dt.date.fromisoformat(data["ngay_danh_gia"])
        return data
    except (OSError, ValueError, KeyError, TypeError):
        return None

"""Evidence: the front-matter date against the file's git history (backdated or dated ahead)."""

from __future__ import annotations

import datetime as dt

from ..model import QUA_HAN, THIEU, Finding
from .context import SiteContext


def git_dates(rule, ctx: SiteContext) -> list[Finding]:
    """``bang-chung-ngay``: flag items whose date disagrees with the commit that added them."""
    slack = dt.timedelta(days=ctx.settings.dung_sai_bang_chung_ngay)
    findings, checked = [], 0
    for doc in ctx.documents:
        if doc.status == "draft" or not isinstance(doc.fields.get("ngay"), dt.date):
            continue
        added = ctx.evidence(doc)
        if added is None or added.date() > ctx.as_of:
            continue
        checked += 1
        claimed = doc.fields["ngay"]
        claimed_day = claimed.date() if isinstance(claimed, dt.datetime) else claimed
        if added.date() - claimed_day > slack:
            late = ctx.calendar.working_days_between(claimed_day, added.date())
            findings.append(Finding(ctx.site_id, rule, QUA_HAN,
                                    f"Ghi ngày đăng {claimed_day:%d/%m/%Y} nhưng tệp chỉ được đưa vào kho ngày "
                                    f"{added:%d/%m/%Y} (ghi lùi ngày); thời hạn được tính theo ngày đưa vào kho.",
                                    muc=ctx.where(doc, ("ngay",)), tieu_de=doc.title, han=claimed_day,
                                    so_ngay_qua_han=late))
        elif claimed_day - added.date() > slack:
            findings.append(Finding(ctx.site_id, rule, THIEU,
                                    f"Ghi ngày đăng {claimed_day:%d/%m/%Y}, muộn hơn ngày tệp được đưa vào kho "
                                    f"{added:%d/%m/%Y}: tin bài đang hiển thị với ngày chưa tới.",
                                    muc=ctx.where(doc, ("ngay",)), tieu_de=doc.title))
    if checked and not findings:
        findings.append(ctx.ok(rule, f"Ngày đăng của {checked} tin bài khớp với lịch sử kho nội dung.",
                               f"content/{ctx.site_id}/"))
    return findings

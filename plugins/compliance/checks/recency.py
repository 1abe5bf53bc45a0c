"""Recency: a section updated within its period, enough items per period, this week's schedule posted."""

from __future__ import annotations

import datetime as dt

from portal import content_types

from ..model import QUA_HAN, SAP_DEN_HAN, THIEU, Finding
from .context import SiteContext


def periodic(rule, ctx: SiteContext) -> list[Finding]:
    """``cap-nhat-dinh-ky``: newest item at most ``so_ngay`` old; or ``so_muc_toi_thieu`` items in that many days."""
    section, period = rule.tham_so["chuyen_muc"], rule.tham_so["so_ngay"]
    label = content_types.get(section).label
    folder = f"content/{ctx.site_id}/{section}/"
    items = sorted(ctx.published(section), key=lambda d: ctx.posted(d))
    minimum = rule.tham_so.get("so_muc_toi_thieu")
    if minimum:
        since = ctx.as_of - dt.timedelta(days=period - 1)
        count = sum(since <= ctx.posted(d).date() <= ctx.as_of for d in items)
        if count >= minimum:
            return [ctx.ok(rule, f"{count} tin bài «{label}» trong {period} ngày gần nhất (cần {minimum}).", folder)]
        return [Finding(ctx.site_id, rule, THIEU, f"Chỉ có {count}/{minimum} tin bài «{label}» từ "
                        f"{since:%d/%m/%Y} đến {ctx.as_of:%d/%m/%Y}.", muc=folder)]
    if not items:
        return [Finding(ctx.site_id, rule, THIEU, f"Chuyên mục «{label}» chưa có tin bài nào.", muc=folder)]
    newest = items[-1]
    last = ctx.posted(newest).date()
    due = last + dt.timedelta(days=period)
    where = ctx.where(newest, ("ngay",))
    if ctx.as_of > due:
        late = (ctx.as_of - due).days
        return [Finding(ctx.site_id, rule, QUA_HAN, f"Tin bài mới nhất đăng ngày {last:%d/%m/%Y}; chuyên mục "
                        f"«{label}» phải cập nhật trước {due:%d/%m/%Y}, đã quá {late} ngày.", muc=where,
                        tieu_de=newest.title, han=due, so_ngay_qua_han=late)]
    if ctx.calendar.working_days_between(ctx.as_of, due) <= ctx.settings.sap_den_han_ngay_lam_viec:
        return [Finding(ctx.site_id, rule, SAP_DEN_HAN, f"Chuyên mục «{label}» cần cập nhật trước {due:%d/%m/%Y} "
                        f"(tin bài mới nhất ngày {last:%d/%m/%Y}).", muc=where, tieu_de=newest.title, han=due)]
    return [ctx.ok(rule, f"Chuyên mục «{label}» cập nhật ngày {last:%d/%m/%Y}, hạn tiếp theo {due:%d/%m/%Y}.", where)]


def weekly_schedule(rule, ctx: SiteContext) -> list[Finding]:
    """``lich-tuan``: the schedule of the week containing the evaluation date, posted before Monday ``han_gio``;
    and the coming week's, when its deadline is near."""
    hour, minute = (int(x) for x in rule.tham_so.get("han_gio", "08:00").split(":"))
    monday = ctx.as_of - dt.timedelta(days=ctx.as_of.weekday())
    schedules = {d.fields["tu_ngay"]: d for d in ctx.documents
                 if d.type.id == "lich-cong-tac" and d.status != "draft"}
    findings = [_week(rule, ctx, monday, schedules.get(monday), hour, minute)]
    next_monday = monday + dt.timedelta(days=7)
    soon = ctx.calendar.working_days_between(ctx.as_of, next_monday) <= ctx.settings.sap_den_han_ngay_lam_viec
    if soon and next_monday not in schedules:
        deadline = dt.datetime.combine(next_monday, dt.time(hour, minute))
        findings.append(Finding(ctx.site_id, rule, SAP_DEN_HAN,
                                f"Chưa có lịch công tác tuần từ {next_monday:%d/%m/%Y}; hạn đăng {deadline:%H:%M} "
                                f"ngày {deadline:%d/%m/%Y}.", muc=f"content/{ctx.site_id}/lich-cong-tac/",
                                han=deadline))
    return findings


def _week(rule, ctx: SiteContext, monday: dt.date, doc, hour: int, minute: int) -> Finding:
    deadline = dt.datetime.combine(monday, dt.time(hour, minute))
    week = f"tuần từ {monday:%d/%m/%Y}"
    if doc is None or ctx.posted(doc).date() > ctx.as_of:
        late = ctx.calendar.working_days_between(monday, ctx.as_of) + int(ctx.calendar.is_working_day(monday))
        return Finding(ctx.site_id, rule, QUA_HAN, f"Chưa đăng lịch công tác {week} (hạn {deadline:%H:%M} "
                       f"ngày {deadline:%d/%m/%Y}).", muc=f"content/{ctx.site_id}/lich-cong-tac/", han=deadline,
                       so_ngay_qua_han=late)
    posted = ctx.posted(doc)
    if posted > deadline:
        late = ctx.calendar.working_days_between(monday, posted.date())
        return Finding(ctx.site_id, rule, QUA_HAN, f"Lịch công tác {week} đăng lúc {posted:%H:%M %d/%m/%Y}, "
                       f"sau hạn {deadline:%H:%M %d/%m/%Y}.", muc=ctx.where(doc, ("ngay",)), tieu_de=doc.title,
                       han=deadline, so_ngay_qua_han=late)
    return ctx.ok(rule, f"Lịch công tác {week} đăng lúc {posted:%H:%M %d/%m/%Y}, trước hạn.", ctx.where(doc))

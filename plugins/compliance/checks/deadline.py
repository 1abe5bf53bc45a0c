"""Deadlines counted in working days: posting after an event, and announcing a planned outage."""

from __future__ import annotations

import datetime as dt

from portal import content_types, schema

from ..model import QUA_HAN, Finding
from .context import SiteContext, get


def after_event(rule, ctx: SiteContext) -> list[Finding]:
    """``han-dang``: posted at the latest ``ngay_lam_viec`` working days after the date in ``tu_truong``."""
    section, field, days = rule.tham_so["chuyen_muc"], rule.tham_so["tu_truong"], rule.tham_so["ngay_lam_viec"]
    findings, checked = [], 0
    for doc in ctx.published(section):
        event = get(doc.fields, field)
        if not isinstance(event, dt.date):
            continue
        checked += 1
        event_day = event.date() if isinstance(event, dt.datetime) else event
        due = ctx.calendar.add_working_days(event_day, days)
        posted = ctx.posted(doc)
        if posted.date() > due:
            late = ctx.calendar.working_days_between(due, posted.date())
            label = schema.label(section, tuple(field.split(".")))
            findings.append(Finding(
                ctx.site_id, rule, QUA_HAN,
                f"Đăng ngày {posted:%d/%m/%Y}, quá hạn {late} ngày làm việc ({label.lower()} {event_day:%d/%m/%Y}, "
                f"hạn đăng {due:%d/%m/%Y}).", muc=ctx.where(doc, ("ngay",)), tieu_de=doc.title, han=due,
                so_ngay_qua_han=late))
    if checked and not findings:
        label = content_types.get(section).label
        findings.append(ctx.ok(rule, f"{checked} tin bài «{label}» đều được đăng trong {days} ngày làm việc.",
                               f"content/{ctx.site_id}/{section}/"))
    return findings


def outage_notice(rule, ctx: SiteContext) -> list[Finding]:
    """``thong-bao-tam-ngung``: a planned outage announced at least ``ngay_lam_viec`` working days ahead."""
    days = rule.tham_so["ngay_lam_viec"]
    findings = []
    for doc in ctx.published("thong-bao"):
        start = doc.fields.get("tam_ngung_tu")
        if not isinstance(start, dt.date):
            continue
        start_day = start.date() if isinstance(start, dt.datetime) else start
        posted = ctx.posted(doc).date()
        ahead = ctx.calendar.working_days_between(posted, start_day)
        latest = _back(ctx, start_day, days)
        if ahead >= days:
            findings.append(ctx.ok(rule, f"Thông báo tạm ngừng ngày {start_day:%d/%m/%Y} được đăng trước "
                                         f"{ahead} ngày làm việc.", ctx.where(doc)))
        else:
            findings.append(Finding(ctx.site_id, rule, QUA_HAN,
                                    f"Thông báo tạm ngừng ngày {start_day:%d/%m/%Y} chỉ đăng trước {max(ahead, 0)} "
                                    f"ngày làm việc (cần {days}).", muc=ctx.where(doc, ("ngay",)),
                                    tieu_de=doc.title, han=latest,
                                    so_ngay_qua_han=ctx.calendar.working_days_between(latest, posted)))
    return findings


def _back(ctx: SiteContext, day: dt.date, count: int) -> dt.date:
    """The latest day from which ``day`` is still ``count`` working days ahead."""
    probe = day
    while ctx.calendar.working_days_between(probe, day) < count:
        probe -= dt.timedelta(days=1)
    return probe

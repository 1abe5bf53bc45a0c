"""Periodic disclosures judged by their period: the latest period of each report kind that is due.

A ``cong-khai-dinh-ky`` rule says which budget report (``loai_bao_cao``) is due for which periods
(``ky``) and when (``han``): so many days (or working days) after the period ends, after the document
approving the report is issued (``ngay_phe_duyet``), or after the report is submitted (``ngay_trinh``).
When an item does not give that date, or when no item exists yet, the deadline counts from the latest
date the law allows for it (``han.muon_nhat``, per level); without one the period cannot be judged.

Successive legal texts set the same obligation (``nghia_vu``) differently. Each period is judged by the
version in force on the period's own date (the period's end, or the approval/submission date), so the
quarter ending 30/09/2025 keeps its 2016 deadline even when evaluated in 2026.

The rule judges one period: the latest whose deadline has passed, or which already has its report.
It is "đạt" when the report was published by the deadline, "quá hạn" when it came later, "thiếu" when
there is none; the next period whose deadline is near and has no report yet is "sắp đến hạn".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from portal import periods

from ..model import DAT, QUA_HAN, SAP_DEN_HAN, THIEU, Citation, Finding, Rule
from .context import SiteContext

REPORT = {"du-toan": "dự toán ngân sách", "thuc-hien": "tình hình thực hiện dự toán",
          "quyet-toan": "quyết toán ngân sách"}
ANCHOR = {"ket-thuc-ky": "ngày kết thúc kỳ", "ngay_phe_duyet": "ngày phê duyệt", "ngay_trinh": "ngày trình"}
YEARS_BACK = 2  # budget years before the evaluation year that can still hold the latest due period


@dataclass
class Instance:
    """One period of one obligation at one site: its report (if any), governing rule and deadline."""

    year: int
    slot: str
    rule: Rule       # the version in force on the period's date
    ky: str          # the period as that version names it (quy-3, 9-thang, nam)
    anchor: dt.date
    deadline: dt.date
    basis: str       # how the deadline was reached, in Vietnamese
    verified: bool   # False when the deadline rests on an unverified latest date
    doc: object = None
    posted: dt.datetime | None = None
    guessed: bool = False  # the report gives no ``ky``: placed by its publication date

    @property
    def label(self) -> str:
        return periods.label(self.ky, self.year)


def disclosure(rule, ctx: SiteContext) -> list[Finding]:
    """``cong-khai-dinh-ky``: the latest due period of the report kind has its report, published on time."""
    versions = [r for r in ctx.rule_versions.get(rule.tham_so["nghia_vu"], [rule]) if ctx.level in r.ap_dung]
    kind = rule.tham_so["loai_bao_cao"]
    section = rule.tham_so["chuyen_muc"]
    reports = _reports(ctx, section, kind)
    instances = []
    slots = sorted({periods.SLOT[k] for r in versions for k in r.tham_so["ky"]})
    for year in range(ctx.as_of.year + 1, ctx.as_of.year - YEARS_BACK - 1, -1):
        for slot in slots:
            instance = _instance(ctx, versions, year, slot, *reports.get((year, slot), (None, False)))
            if instance is not None:
                instances.append(instance)
    # A report already published counts for its period once the period has ended (a report dated by an
    # approval it does not give is taken as approved); otherwise a period counts once its deadline has passed.
    by_event = rule.tham_so["han"]["tu"] != "ket-thuc-ky"
    judged = [i for i in instances if i.deadline < ctx.as_of
              or (i.doc is not None and (by_event or i.anchor <= ctx.as_of))]
    findings = []
    latest = max(judged, key=lambda i: (i.deadline, i.year), default=None)
    if latest is not None:
        findings.append(_judge(ctx, latest, section))
    upcoming = [i for i in instances if i.doc is None and i.deadline >= ctx.as_of
                and (latest is None or i.deadline > latest.deadline)]
    soon = min(upcoming, key=lambda i: i.deadline, default=None)
    if soon is not None and ctx.calendar.working_days_between(ctx.as_of, soon.deadline) \
            <= ctx.settings.sap_den_han_ngay_lam_viec:
        findings.append(_finding(ctx, soon, SAP_DEN_HAN, f"Chưa công khai {REPORT[kind]} {soon.label}; "
                                 f"hạn {soon.deadline:%d/%m/%Y} ({soon.basis}).", f"content/{ctx.site_id}/{section}/"))
    return findings


def _reports(ctx: SiteContext, section: str, kind: str) -> dict:
    """(year, slot) → (the first published report of that kind for that period, placed by its date?)."""
    found: dict = {}
    for doc in sorted(ctx.published(section), key=ctx.posted):
        if doc.fields.get("loai") != kind:
            continue
        period = periods.period_of(doc.fields, ctx.posted(doc).date())
        if period is not None:
            found.setdefault((period.year, period.slot), (doc, period.guessed))
    return found


def _instance(ctx: SiteContext, versions: list[Rule], year: int, slot: str, doc, guessed: bool) -> Instance | None:
    """The period as judged by the version in force on its date, or None when no version can date it."""
    for rule in sorted(versions, key=lambda r: r.tu_ngay, reverse=True):
        names = [k for k in rule.tham_so["ky"] if periods.SLOT[k] == slot]
        if not names:
            continue
        dated = _anchor(ctx, rule, year, slot, doc)
        if dated is None:
            continue
        anchor, where, verified = dated
        if not rule.in_force(anchor):
            continue
        deadline, moved = _deadline(ctx, rule.tham_so["han"], anchor)
        han = rule.tham_so["han"]
        count = f"{han['ngay_lam_viec']} ngày làm việc" if "ngay_lam_viec" in han else f"{han['so_ngay']} ngày"
        basis = f"{count} kể từ {where}" + (f"; ngày {moved:%d/%m/%Y} là ngày nghỉ nên hạn lùi sang ngày làm việc "
                                             "tiếp theo" if moved else "")
        return Instance(year, slot, rule, names[0], anchor, deadline, basis, verified, doc,
                        ctx.posted(doc) if doc is not None else None, guessed)
    return None


def _anchor(ctx: SiteContext, rule: Rule, year: int, slot: str, doc) -> tuple[dt.date, str, bool] | None:
    """The day the deadline counts from, how to say it, and whether it rests on verified law."""
    source = rule.tham_so["han"]["tu"]
    if source == "ket-thuc-ky":
        end = periods.end_of(year, slot)
        return end, f"{ANCHOR[source]} {end:%d/%m/%Y}", True
    given = doc.fields.get(source) if doc is not None else None
    if isinstance(given, dt.date):
        return given, f"{ANCHOR[source]} {given:%d/%m/%Y}", True
    for latest in rule.tham_so["han"].get("muon_nhat", []):
        if ctx.level in latest["cap"]:
            day, month = (int(x) for x in latest["ngay"].split("/"))
            date = dt.date(year + latest["nam"], month, day)
            cite = latest["can_cu"]
            cited = Citation(cite["van_ban"], cite.get("dieu"), cite.get("khoan"), cite.get("diem")).text()
            why = "tin bài chưa ghi " + ANCHOR[source] if doc is not None else "chưa có tin bài"
            return (date, f"{ANCHOR[source]} muộn nhất {date:%d/%m/%Y} theo {cited}, vì {why}",
                    latest.get("xac_minh", "da-xac-minh") == "da-xac-minh")
    return None


def _deadline(ctx: SiteContext, han: dict, anchor: dt.date) -> tuple[dt.date, dt.date | None]:
    """Last day to publish, and the non-working day it was moved from (Bộ luật Dân sự Điều 148 khoản 5)."""
    if "ngay_lam_viec" in han:
        return ctx.calendar.add_working_days(anchor, han["ngay_lam_viec"]), None
    day = anchor + dt.timedelta(days=han["so_ngay"])
    if not han.get("lui_ngay_nghi") or han["so_ngay"] == 0 or ctx.calendar.is_working_day(day):
        return day, None
    moved = day
    while not ctx.calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day, moved


def _late_by(ctx: SiteContext, instance: Instance, day: dt.date) -> int:
    if "ngay_lam_viec" in instance.rule.tham_so["han"]:
        return ctx.calendar.working_days_between(instance.deadline, day)
    return (day - instance.deadline).days


def _judge(ctx: SiteContext, instance: Instance, section: str) -> Finding:
    what = f"{REPORT[instance.rule.tham_so['loai_bao_cao']]} {instance.label}"
    if instance.doc is None:
        late = _late_by(ctx, instance, ctx.as_of)
        return _finding(ctx, instance, THIEU, f"Chưa công khai {what}; hạn {instance.deadline:%d/%m/%Y} "
                        f"({instance.basis}), đã quá {late} ngày.", f"content/{ctx.site_id}/{section}/", late)
    posted = instance.posted.date()
    where = ctx.where(instance.doc, ("ngay",))
    placed = " Tin bài chưa ghi kỳ báo cáo nên kỳ được suy ra từ ngày đăng." if instance.guessed else ""
    if posted > instance.deadline:
        late = _late_by(ctx, instance, posted)
        unit = "ngày làm việc" if "ngay_lam_viec" in instance.rule.tham_so["han"] else "ngày"
        return _finding(ctx, instance, QUA_HAN, f"Công khai {what} ngày {posted:%d/%m/%Y}, quá hạn {late} {unit} "
                        f"(hạn {instance.deadline:%d/%m/%Y}: {instance.basis}).{placed}", where, late)
    return _finding(ctx, instance, DAT, f"Đã công khai {what} ngày {posted:%d/%m/%Y}, trong hạn "
                    f"{instance.deadline:%d/%m/%Y} ({instance.basis}).{placed}", where)


def _finding(ctx: SiteContext, instance: Instance, state: str, message: str, item: str, late: int = 0) -> Finding:
    rule = instance.rule if instance.verified else dataclasses.replace(instance.rule, xac_minh=False)
    return Finding(ctx.site_id, rule, state, message, muc=item,
                   tieu_de=instance.doc.title if instance.doc is not None else "", han=instance.deadline,
                   so_ngay_qua_han=late, ky_bao_cao=instance.label)

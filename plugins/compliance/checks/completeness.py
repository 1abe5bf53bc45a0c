"""Completeness: each published item of a section (or page kind) has the fields its rule requires."""

from __future__ import annotations

from portal import content_types, schema

from ..model import THIEU, Finding
from .context import SiteContext, empty, get


def fields(rule, ctx: SiteContext) -> list[Finding]:
    """``du-truong``: ``truong`` lists dotted field names; ``noi_dung`` means the Markdown body.

    One finding per item naming every missing field; with ``tung_truong: true``, one finding per missing
    field of each item (how a procedure published "chưa đủ thông tin" is reported: each field its own
    line, with the rule's citation)."""
    kind = rule.tham_so.get("loai_trang")
    section = rule.tham_so.get("chuyen_muc")
    items = ctx.published(page_kind=kind) if kind else ctx.published(section)
    type_id = "trang" if kind else section
    findings = []
    for doc in items:
        missing = [f for f in rule.tham_so["truong"]
                   if (not doc.body.strip() if f == "noi_dung" else empty(get(doc.fields, f)))]
        names = ["«nội dung»" if f == "noi_dung" else f"«{schema.label(type_id, tuple(f.split('.')))}» ({f})"
                 for f in missing]
        if missing and rule.tham_so.get("tung_truong"):
            findings += [Finding(ctx.site_id, rule, THIEU, f"Thiếu {name}.", muc=ctx.where(doc), tieu_de=doc.title,
                                 chi_tiet=f) for f, name in zip(missing, names, strict=True)]
        elif missing:
            findings.append(Finding(ctx.site_id, rule, THIEU, f"Thiếu {', '.join(names)}.", muc=ctx.where(doc),
                                    tieu_de=doc.title))
    if items and not findings:
        what = content_types.get(type_id).label if not kind else schema.value_label("trang", ("loai_trang",), kind)
        findings.append(ctx.ok(rule, f"{len(items)}/{len(items)} tin bài «{what}» có đủ trường bắt buộc.",
                               f"content/{ctx.site_id}/{type_id}/"))
    return findings

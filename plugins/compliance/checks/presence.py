"""Presence: a required section, page or site.yaml field exists and is published."""

from __future__ import annotations

from portal import content_types, schema

from ..model import THIEU, Finding
from .context import SiteContext, empty, get


def section(rule, ctx: SiteContext) -> list[Finding]:
    """``co-chuyen-muc``: at least one published item in the section."""
    sec = rule.tham_so["chuyen_muc"]
    label = content_types.get(sec).label
    items = ctx.published(sec)
    if items:
        return [ctx.ok(rule, f"Chuyên mục «{label}» có {len(items)} tin bài đã công bố.",
                       f"content/{ctx.site_id}/{sec}/")]
    return [Finding(ctx.site_id, rule, THIEU, f"Chưa có tin bài nào đã công bố trong chuyên mục «{label}».",
                    muc=f"content/{ctx.site_id}/{sec}/")]


def page(rule, ctx: SiteContext) -> list[Finding]:
    """``co-trang``: a published page of the given kind."""
    kind = rule.tham_so["loai_trang"]
    label = schema.value_label("trang", ("loai_trang",), kind)
    pages = ctx.published(page_kind=kind)
    if pages:
        return [ctx.ok(rule, f"Có trang «{label}».", ctx.where(pages[0]))]
    return [Finding(ctx.site_id, rule, THIEU, f"Chưa có trang «{label}» (loai_trang: {kind}).",
                    muc=f"content/{ctx.site_id}/trang/")]


def site_fields(rule, ctx: SiteContext) -> list[Finding]:
    """``truong-cong``: fields that site.yaml must fill in."""
    missing = [f for f in rule.tham_so["truong"] if empty(get(ctx.config, f))]
    if not missing:
        return [ctx.ok(rule, "site.yaml có đủ thông tin bắt buộc.")]
    labels = ", ".join(f"«{schema.label('site', tuple(f.split('.')))}» ({f})" for f in missing)
    return [Finding(ctx.site_id, rule, THIEU, f"site.yaml thiếu: {labels}.", muc=ctx.site_file)]

"""Validity: a document past its end date still shown in force; a procedure citing a lapsed document."""

from __future__ import annotations

import datetime as dt

from portal import schema

from ..model import QUA_HAN, Finding
from .context import SiteContext

IN_FORCE = ("con-hieu-luc", "chua-co-hieu-luc")


def documents(rule, ctx: SiteContext) -> list[Finding]:
    """``hieu-luc-van-ban``: tình trạng must follow ngày hiệu lực / ngày hết hiệu lực."""
    findings, docs = [], ctx.published("van-ban")
    for doc in docs:
        f = doc.fields
        end, start, state = f.get("ngay_het_hieu_luc"), f.get("ngay_hieu_luc"), f.get("tinh_trang")
        label = schema.value_label("van-ban", ("tinh_trang",), state)
        if isinstance(end, dt.date) and end < ctx.as_of and state in IN_FORCE:
            late = (ctx.as_of - end).days
            findings.append(Finding(ctx.site_id, rule, QUA_HAN, f"Văn bản {f['so_ky_hieu']} hết hiệu lực từ "
                                    f"{end:%d/%m/%Y} nhưng vẫn ghi «{label}».", muc=ctx.where(doc, ("tinh_trang",)),
                                    tieu_de=doc.title, han=end, so_ngay_qua_han=late))
        elif isinstance(start, dt.date) and start <= ctx.as_of and state == "chua-co-hieu-luc":
            late = (ctx.as_of - start).days
            findings.append(Finding(ctx.site_id, rule, QUA_HAN, f"Văn bản {f['so_ky_hieu']} có hiệu lực từ "
                                    f"{start:%d/%m/%Y} nhưng vẫn ghi «{label}».", muc=ctx.where(doc, ("tinh_trang",)),
                                    tieu_de=doc.title, han=start, so_ngay_qua_han=late))
    if docs and not findings:
        findings.append(ctx.ok(rule, f"Tình trạng hiệu lực của {len(docs)} văn bản khớp với ngày hiệu lực.",
                               f"content/{ctx.site_id}/van-ban/"))
    return findings


def procedure_basis(rule, ctx: SiteContext) -> list[Finding]:
    """``can-cu-con-hieu-luc``: căn cứ pháp lý of a TTHC that is a lapsed document published in the province."""
    findings, procedures = [], ctx.published("thu-tuc")
    for doc in procedures:
        for index, ref in enumerate(doc.fields.get("can_cu_phap_ly") or []):
            cited = ctx.province_documents.get(ref["so_ky_hieu"].casefold())
            if cited is None:
                continue
            end = cited.fields.get("ngay_het_hieu_luc")
            lapsed = cited.fields.get("tinh_trang") == "het-hieu-luc" or (
                isinstance(end, dt.date) and end < ctx.as_of
                and cited.fields.get("tinh_trang") != "het-hieu-luc-mot-phan")
            if lapsed:
                since = end if isinstance(end, dt.date) and end <= ctx.as_of else None
                findings.append(Finding(
                    ctx.site_id, rule, QUA_HAN,
                    f"Căn cứ pháp lý {ref['so_ky_hieu']} đã hết hiệu lực"
                    f"{f' từ {since:%d/%m/%Y}' if since else ''} ({cited.rel}); cần cập nhật thủ tục.",
                    muc=ctx.where(doc, ("can_cu_phap_ly", index)), tieu_de=doc.title, han=since,
                    so_ngay_qua_han=(ctx.as_of - since).days if since else 0))
    if procedures and not findings:
        findings.append(ctx.ok(rule, f"Căn cứ pháp lý của {len(procedures)} thủ tục đều còn hiệu lực.",
                               f"content/{ctx.site_id}/thu-tuc/"))
    return findings

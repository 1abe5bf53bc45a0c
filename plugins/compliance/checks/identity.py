"""Identity of the portal: its domain name pattern and its place in the provincial portal."""

from __future__ import annotations

import re

from ..model import THIEU, Finding
from .context import SiteContext


def domain(rule, ctx: SiteContext) -> list[Finding]:
    """``ten-mien``: dia_chi_web matches the pattern for the unit's level; {tinh} is the province's host."""
    pattern = rule.tham_so["mau_ten_mien"].get(ctx.level)
    if pattern is None:
        return []
    province = next((c for c in ctx.province_sites.values() if c["cap"] == "tinh"), None)
    host = re.sub(r"^https?://", "", province["dia_chi_web"]).strip("/") if province else "tinh.gov.vn"
    regex = pattern.replace("{tinh}", re.escape(host))
    url = ctx.config["dia_chi_web"]
    if re.match(regex, url):
        return [ctx.ok(rule, f"Tên miền {url} đúng mẫu quy định.")]
    return [Finding(ctx.site_id, rule, THIEU, f"Tên miền {url} không theo mẫu quy định cho cấp "
                    f"«{ctx.config['cap_label']}».", muc=ctx.site_file, chi_tiet=regex)]


def part_of_province(rule, ctx: SiteContext) -> list[Finding]:
    """``thanh-phan-cong-tinh``: a sở or xã site names the provincial portal as its parent."""
    parent = (ctx.config.get("don_vi_cap_tren") or {}).get("cong")
    target = ctx.province_sites.get(parent or "")
    if target and target["cap"] == "tinh":
        return [ctx.ok(rule, f"Là thành phần của {target['ten_cong']}.")]
    return [Finding(ctx.site_id, rule, THIEU, "site.yaml chưa khai báo cổng thông tin điện tử tỉnh mà trang này "
                    "là thành phần (don_vi_cap_tren.cong).", muc=ctx.site_file)]

"""``output/index.html``: the list of the province's portals, grouped by administrative level."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from . import contract, sites
from .atomic import write_text

LEVELS = (("tinh", "Cổng thông tin điện tử cấp tỉnh"), ("so-nganh", "Trang thông tin điện tử các sở, ban, ngành"),
          ("xa", "Trang thông tin điện tử xã, phường, đặc khu"),
          ("huyen", "Trang lưu trữ cấp huyện (trước 01/07/2025)"))
_ENV = Environment(loader=FileSystemLoader(str(contract.PROVINCE_INDEX.template.parent)),
                   autoescape=True)  # every value is text (docs/theme.md)


def write(output_dir: Path, content_dir: Path) -> None:
    """Render the index from every valid ``site.yaml``; sites without output are marked."""
    configs = []
    site_dirs, _ = sites.discover(content_dir)
    for site_dir in site_dirs:
        site, _ = sites.load(site_dir)
        if site is not None:
            configs.append(dict(site.config, built=(output_dir / site.id / "index.html").is_file()))
    groups = [{"label": label, "sites": sorted((c for c in configs if c["cap"] == level), key=lambda c: c["id"])}
              for level, label in LEVELS]
    province = next((c for c in configs if c["cap"] == "tinh"), None)
    styled = next((c for c in [province] + configs if c and c["built"]), None)  # any built site's theme
    css = f"{styled['id']}/theme/css/portal.css" if styled else ""
    html = _ENV.get_template(contract.PROVINCE_INDEX.template.name).render(
        groups=[g for g in groups if g["sites"]], province=province, css=css,
        sample=any(c.get("du_lieu_mau") for c in configs))
    write_text(output_dir / contract.PROVINCE_INDEX.save_as, html)

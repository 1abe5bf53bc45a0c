"""Write the editor of each site into ``output/<site>/quan-tri/``: the page, config.yml and the scripts.

``quan-tri/`` holds ``index.html`` (a small Vietnamese page the editor replaces once it has loaded),
``config.yml`` (:mod:`editor.config`), ``du-lieu-bien-tap.js`` (what ``static/bien-tap.js`` needs: the
rules Decap cannot express, the preview layouts, the site's văn bản and procedures to suggest),
``bien-tap.js`` and ``bien-tap.css`` (plain files from ``static/``, no build step) and the vendored Decap
bundle (:mod:`editor.bundle`). Everything is served from the site itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
from html import escape
from pathlib import Path

import yaml
from pelican.generators import Generator

from portal import contract
from portal.atomic import write_text

from . import bundle
from .config import ADMIN, site_config

# A child of Pelican's logger: the province build reports its errors as problems of the site.
logger = logging.getLogger("pelican.editor")
STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = ("bien-tap.js", "bien-tap.css", "xem-truoc.css")
FOLDER = "bien-tap"  # the project's folder of the editor's saved state (config.yml of each site)

DECLARATION = contract.Declaration(
    "editor",
    folders=(contract.CacheFolder(FOLDER, ".cache/bien-tap", "each site's config.yml, by the digest of its"
                                  " configuration"),),
)


def content_security_policy(config: dict) -> str:
    """Requests go to the site itself and to its git forge only (none in the local mode of invoke cms).

    Decap needs ``'unsafe-eval'`` (its configuration validator compiles schemas) and inline styles (its
    components are styled at run time); images of the media library are ``blob:`` URLs."""
    backend = config["backend"]
    forge = sorted({backend[k] for k in ("api_root", "base_url") if backend.get(k)})
    connect = " ".join(["'self'", *forge])
    return ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src {connect} blob:; "
            "frame-src 'self' blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'")


def page(site: dict, config: dict) -> str:
    """``quan-tri/index.html``: shown while the editor loads (or without JavaScript), then replaced."""
    name = escape(site.get("ten_cong") or site["id"])
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta http-equiv="Content-Security-Policy" content="{_attribute(content_security_policy(config))}">
<title>Quản trị nội dung — {name}</title>
<link rel="stylesheet" href="bien-tap.css">
</head>
<body>
<div id="khung-cho" class="khung-cho">
<a class="khung-cho__bo-qua" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
<header class="khung-cho__dau"><p>{name}</p></header>
<nav class="khung-cho__lien-ket" aria-label="Liên kết"><a href="../index.html">Về trang chủ của cổng</a></nav>
<main id="noi-dung" class="khung-cho__chinh">
<h1>Quản trị nội dung</h1>
<p id="trang-thai-tai" role="status">Đang tải trình biên tập…</p>
<noscript><p>Trình biên tập cần JavaScript. Hãy bật JavaScript trong trình duyệt rồi tải lại trang.</p></noscript>
</main>
<footer class="khung-cho__chan"><p>Trang dành cho Ban Biên tập; hướng dẫn: docs/huong-dan-bien-tap.md.</p></footer>
</div>
<script src="du-lieu-bien-tap.js"></script>
<script src="{bundle.MAIN}"></script>
<script src="bien-tap.js"></script>
</body>
</html>
"""


def _attribute(text: str) -> str:
    """``text`` inside a double-quoted attribute: ``& < > "`` escaped; single quotes (CSP keywords) kept."""
    return escape(text, quote=False).replace('"', "&quot;")


def runtime_data(site: dict, generated, sections: dict) -> str:
    """``du-lieu-bien-tap.js``: the data ``bien-tap.js`` reads, and manual start (registrations first)."""
    suggestions = {
        "van-ban": [{"gia_tri": d.fields["so_ky_hieu"], "mo_ta": d.fields.get("trich_yeu", d.title)}
                    for d in _items(sections, "van-ban")],
        "thu-tuc": [{"gia_tri": d.fields["ma_thu_tuc"], "mo_ta": d.title}
                    for d in _items(sections, "thu-tuc") if d.fields.get("ma_thu_tuc")],
    }
    data = {"cong": site["id"], "ten_cong": site.get("ten_cong", ""), "quy_tac": generated.guards,
            "xem_truoc": generated.previews, "goi_y": suggestions, "phien_ban_decap": bundle.version()}
    return ("// Tạo bởi plugins/editor (invoke build); không sửa tay.\n"
            "window.CMS_MANUAL_INIT = true;\n"
            f"window.BIEN_TAP = {json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)};\n")


def _items(sections: dict, type_id: str) -> list:
    section = sections.get(type_id)
    items = sorted(section.items if section else [], key=lambda d: str(d.fields.get("so_ky_hieu") or d.title))
    return items


# libyaml's emitter writes the same text as PyYAML's own, about five times faster (0.15 s a site, paid on every
# render of every site); tests/test_editor_config.py compares the two on every site's configuration.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_config(config: dict, dumper=None) -> str:
    """``config.yml``'s text (block style, Vietnamese kept as written, the keys in their order)."""
    return yaml.dump(config, Dumper=dumper or _DUMPER, allow_unicode=True, sort_keys=False, width=120)


def cached_config(config: dict, cache: Path | None) -> str:
    """:func:`dump_config`, kept in ``cache`` (one file a site) under the digest of ``config`` as JSON: the
    text is a function of the configuration alone, which changes only with site.yaml, the schemas or the
    code, while the emitter spends about 0.07 s a site on each render. A cache that cannot be read or
    written is only not used."""
    key = hashlib.sha1(f"{yaml.__version__}\0{json.dumps(config, ensure_ascii=False, default=str)}".encode())
    key = key.hexdigest()
    if cache is not None:
        try:
            kept = json.loads(cache.read_text(encoding="utf-8"))
            if isinstance(kept, dict) and kept.get("khoa") == key and isinstance(kept.get("yaml"), str):
                return kept["yaml"]
        except (OSError, ValueError):
            pass
    text = dump_config(config)
    if cache is not None:
        with contextlib.suppress(OSError):
            write_text(cache, json.dumps({"khoa": key, "yaml": text}, ensure_ascii=False))
    return text


def write(output: Path, site: dict, sections: dict, cache: Path | None = None) -> None:
    """Write ``output/quan-tri/``; a missing Decap bundle is an error of the site, not a crash. ``cache``:
    where the site's ``config.yml`` text is kept between renders (:func:`cached_config`)."""
    target = output / ADMIN
    generated = site_config(site)
    try:
        bundle.install(target)
    except bundle.DecapMissing as exc:
        shutil.rmtree(target, ignore_errors=True)
        logger.error("%s", exc)
        return
    text = cached_config(generated.config, cache)
    (target / "config.yml").write_text("# Tạo bởi plugins/editor từ các lược đồ và site.yaml; không sửa tay.\n"
                                       + text, encoding="utf-8")
    (target / "du-lieu-bien-tap.js").write_text(runtime_data(site, generated, sections), encoding="utf-8")
    (target / "index.html").write_text(page(site, generated.config), encoding="utf-8")
    for name in STATIC_FILES:
        shutil.copyfile(STATIC / name, target / name)


class EditorGenerator(Generator):
    """Writes the editor of the site after the portal's own pages (it reads their sections)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        site = self.settings["PORTAL"]
        here = self.settings.get("PORTAL_PROJECT")
        cache = here.folder(FOLDER) / f"{site['id']}.config.json" if here else None
        write(Path(self.settings["OUTPUT_PATH"]), site, self.context.get("SECTION_BY_ID") or {}, cache)


def get_generators(pelican):
    """``get_generators`` receiver."""
    return EditorGenerator



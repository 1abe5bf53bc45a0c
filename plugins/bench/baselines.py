"""The same Markdown for the baselines: plain Pelican (its own metadata, default theme, no plugins)
and Hugo (YAML front matter, a minimal template set). Bodies are copied byte for byte; only the
front matter is translated to what each generator reads."""

from __future__ import annotations

from pathlib import Path

import yaml

from . import trash

PELICAN_CONF = '''AUTHOR = "Benchmark"
SITENAME = "{name}"
SITEURL = ""
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
DEFAULT_PAGINATION = 10
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
FEED_DOMAIN = "https://example.vn"
PLUGINS = []
'''

HUGO_CONFIG = '''baseURL = "https://example.vn/"
languageCode = "vi"
title = "{name}"
disableKinds = ["RSS"]
[pagination]
pagerSize = 10
'''

HUGO_LAYOUTS = {
    "_default/baseof.html": '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
                            '</head><body><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "02/01/2006" }}'
                            '</time>{{ .Content }}</article>{{ end }}\n',
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range (.Paginate .Pages).Pages }}<li>'
                          '<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n',
    "index.html": '{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>{{ range first 20 .Site.RegularPages }}<li>'
                  '<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
}


def _split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head) or {}, body


def pelican_tree(source: Path, dest: Path) -> list[Path]:
    """One plain Pelican project per site; returns their folders."""
    trash.discard(dest)
    projects = []
    for site in sorted(p for p in (source / "content").iterdir() if p.is_dir()):
        project = dest / site.name
        (project / "content" / "articles").mkdir(parents=True)
        (project / "content" / "pages").mkdir(parents=True)
        (project / "pelicanconf.py").write_text(PELICAN_CONF.format(name=site.name), encoding="utf-8")
        for path in sorted(site.rglob("*.md")):
            meta, body = _split(path)
            kind = path.parent.name
            title = meta.get("tieu_de") or path.stem
            lines = [f"Title: {title}", f"Slug: {path.stem}"]
            if kind == "trang":
                target = project / "content" / "pages" / path.name
            else:
                lines += [f"Date: {meta.get('ngay', '2026-01-01 00:00')}", f"Category: {kind}"]
                if meta.get("tu_khoa"):
                    lines.append("Tags: " + ", ".join(meta["tu_khoa"]))
                target = project / "content" / "articles" / f"{kind}-{path.name}"
            target.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")
        projects.append(project)
    return projects


def hugo_tree(source: Path, dest: Path) -> list[Path]:
    """One Hugo site per unit with sections per content type; returns their folders."""
    trash.discard(dest)
    projects = []
    for site in sorted(p for p in (source / "content").iterdir() if p.is_dir()):
        project = dest / site.name
        for name, text in HUGO_LAYOUTS.items():
            (project / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
            (project / "layouts" / name).write_text(text, encoding="utf-8")
        (project / "hugo.toml").write_text(HUGO_CONFIG.format(name=site.name), encoding="utf-8")
        for path in sorted(site.rglob("*.md")):
            meta, body = _split(path)
            front = {"title": str(meta.get("tieu_de") or path.stem), "slug": path.stem}
            if meta.get("ngay"):
                front["date"] = str(meta["ngay"]).replace(" ", "T") + ":00+07:00"
            if meta.get("tu_khoa"):
                front["tags"] = list(meta["tu_khoa"])
            target = project / "content" / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body, encoding="utf-8")
        projects.append(project)
    return projects

"""Nothing sets or reads a setting or context variable that no declaration lists (portal.contract).

Every ``PORTAL_*`` name in the code, every upper-case key the code reads from or writes to Pelican's
settings or context, every upper-case name a template reads and every setting of ``pelicanconf.py`` is
either Pelican's own or declared: by the core in ``portal/contract.py``, or by a plugin from its
``register()``.
"""

from __future__ import annotations

import re
import runpy

from conftest import ROOT
from conftest import project as project_at
from jinja2 import Environment, meta, nodes
from pelican.settings import DEFAULT_CONFIG

from portal import contract, templating

# Settings Pelican derives or reads without listing them in DEFAULT_CONFIG.
PELICAN_SUFFIXES = ("_SAVE_AS", "_URL", "_RSS", "_ATOM")
PELICAN_EXTRA = {"TIMEZONE"}
KEY_USE = re.compile(r"""(?:settings|context|overrides|extra)(?:\.get\(|\.setdefault\(|\[)"""
                     r"""\s*["']([A-Z][A-Z0-9_]*)["']""")
TEMPLATE_FOLDERS = [ROOT / "themes" / "cong-thong-tin" / "templates", *sorted((ROOT / "plugins").glob("*/templates"))]


def declared_names() -> set[str]:
    declared = project_at(ROOT).contract
    return set(declared.settings()) | {v.name for d in declared.declarations for v in d.context}


def pelicans(name: str) -> bool:
    return name in DEFAULT_CONFIG or name in PELICAN_EXTRA or name.endswith(PELICAN_SUFFIXES)


def code_names(text: str) -> set[str]:
    return set(KEY_USE.findall(text)) | set(re.findall(r"\bPORTAL_[A-Z0-9_]+\b", text))


def _parse(source: str):
    env = Environment(extensions=["jinja2.ext.do"])
    env.filters.update(templating.FILTERS)
    return env.parse(source)


def template_sets(source: str) -> set[str]:
    """Names a template sets itself (``set``, loop and macro variables)."""
    return {n.name for n in _parse(source).find_all(nodes.Name) if n.ctx in ("store", "param")}


def template_names(source: str, local: frozenset = frozenset()) -> set[str]:
    """Upper-case names a template reads from its context: not those it sets, nor ``local`` (what the
    templates that include a partial set for it)."""
    ast = _parse(source)
    return {n for n in meta.find_undeclared_variables(ast) if n.isupper() and n not in template_sets(source) | local}


def undeclared() -> dict[str, set[str]]:
    known = declared_names()
    found: dict[str, set[str]] = {}
    for path in [*sorted((ROOT / "plugins").rglob("*.py")), ROOT / "tasks.py"]:
        for name in code_names(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    templates = [path for folder in TEMPLATE_FOLDERS for path in sorted(folder.glob("*.html"))]
    # A partial (_x.html) reads what its includers set: names some template sets are not context variables.
    local = frozenset().union(*(template_sets(path.read_text(encoding="utf-8")) for path in templates))
    for path in templates:
        for name in template_names(path.read_text(encoding="utf-8"), local):
            found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    for name in (k for k in runpy.run_path(str(ROOT / "pelicanconf.py")) if k.isupper()):
        found.setdefault(name, set()).add("pelicanconf.py")
    return {name: where for name, where in found.items() if name not in known and not pelicans(name)}


def test_every_setting_and_context_variable_is_declared():
    assert undeclared() == {}


def test_each_plugin_declares_from_its_register():
    declared = project_at(ROOT).contract
    assert [d.plugin for d in declared.declarations] == ["portal", "compliance", "aggregate", "quality", "editor"]
    kinds = {v.name: v.incremental for d in declared.declarations for v in d.context}
    assert kinds["TUAN_THU"] is contract.Incremental.OTHER_SITES
    assert kinds["TONG_HOP"] is kinds["KHA_NANG_TIEP_CAN"] is contract.Incremental.VALUE
    assert kinds["PORTAL_DOCUMENTS"] is contract.Incremental.ALWAYS
    folders = {f.name: f for f in declared.folders()}
    assert folders["tong-hop"].setting == "AGGREGATE_STATE_DIR" and folders["kiem-tra"].setting == "QUALITY_STATE_DIR"
    assert folders["bien-tap"].default == ".cache/bien-tap"


def test_an_undeclared_name_is_found(tmp_path):
    """The check can fail: a template or module using a name nobody declares is reported."""
    assert template_names("{% set L = 1 %}{{ L }}{{ CHUA_KHAI_BAO }}{{ PORTAL.id }}") == {"CHUA_KHAI_BAO", "PORTAL"}
    assert code_names('x = self.settings.get("MOI_LA")\ny = context["TONG_HOP"]\nPORTAL_MOI') == {
        "MOI_LA", "TONG_HOP", "PORTAL_MOI"}
    known = declared_names()
    assert "PORTAL" in known and "CHUA_KHAI_BAO" not in known and not pelicans("CHUA_KHAI_BAO")


def test_a_moved_folder_is_where_every_plugin_looks(tmp_path):
    """QUALITY_STATE_DIR and AGGREGATE_STATE_DIR move the folders for every reader (build, compliance, pages)."""
    moved = project_at(ROOT, tmp_path / "output", overrides={"QUALITY_STATE_DIR": str(tmp_path / "q"),
                                                              "AGGREGATE_STATE_DIR": "khac/tong-hop"})
    assert moved.folder("kiem-tra") == tmp_path / "q"
    assert moved.folder("tong-hop") == ROOT / "khac" / "tong-hop"
    assert moved.folder("build") == ROOT / ".cache" / "build"


def test_pages_outside_the_sites_are_declared_by_the_plugins_that_write_them(tmp_path):
    """The quality gates map the province index and invoke compliance's report to their templates from the
    declarations alone (quality names no template of another plugin)."""
    from quality.sources import SourceMap

    declared = project_at(ROOT, tmp_path / "output")
    assert declared.contract.province_pages() == {
        "index.html": ROOT / "plugins" / "portal" / "templates" / "province-index.html",
        "tuan-thu/": ROOT / "plugins" / "compliance" / "templates" / "bao-cao.html"}
    assert all(path.is_file() for path in declared.contract.province_pages().values())
    sources = SourceMap(declared)
    template = {rel: sources.source(tmp_path / "output" / rel).template
                for rel in ("index.html", "tuan-thu/2026-11-25/bao-cao-tuan-thu.html", "khac.html")}
    assert template == {"index.html": "plugins/portal/templates/province-index.html",
                        "tuan-thu/2026-11-25/bao-cao-tuan-thu.html": "plugins/compliance/templates/bao-cao.html",
                        "khac.html": ""}
    assert "province-index" not in (ROOT / "plugins" / "quality" / "sources.py").read_text(encoding="utf-8")

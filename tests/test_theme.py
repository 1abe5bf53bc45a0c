"""Conventions of the theme (docs/theme.md): partials named like the pages, the list filter written once,
its options collected one way (portal.facets), labels from the schemas only (portal.templating.nhan)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ROOT
from jinja2 import Environment, meta, nodes

from portal import content_types, facets, schema, templating

THEME = ROOT / "themes" / "cong-thong-tin" / "templates"
TEMPLATES = sorted(THEME.glob("*.html")) + sorted((ROOT / "plugins").glob("*/templates/*.html"))
PELICAN_NAMES = {"period_archives.html"}  # Pelican's own template names, kept as Pelican spells them


def _ast(path: Path):
    env = Environment(extensions=["jinja2.ext.do"])
    env.filters.update(templating.FILTERS)
    return env.parse(path.read_text(encoding="utf-8"))


def test_every_template_name_uses_hyphens_and_every_reference_exists():
    names = {p.name for p in TEMPLATES}
    assert [n for n in names - PELICAN_NAMES if "_" in n.lstrip("_")] == []
    for path in TEMPLATES:
        for ref in meta.find_referenced_templates(_ast(path)):
            assert ref in names, f"{path.name} names {ref!r}, which is not a template"


def test_the_filter_form_and_its_select_are_written_once():
    forms = [p.name for p in TEMPLATES if 'class="filter-form"' in p.read_text(encoding="utf-8")]
    selects = [p.name for p in TEMPLATES if "data-filter-key" in p.read_text(encoding="utf-8")]
    assert (forms, selects) == (["_macros.html"], ["_filter-select.html"])


def _type_of(path: Path) -> str | None:
    """The template's ``T`` (its content type): set in it, or (a partial) by every template including it."""
    own = {a.node.value for a in _ast(path).find_all(nodes.Assign)
           if isinstance(a.target, nodes.Name) and a.target.name == "T" and isinstance(a.node, nodes.Const)}
    if not own:
        own = {_type_of(t) for t in TEMPLATES if path.name in meta.find_referenced_templates(_ast(t))}
    return own.pop() if len(own) == 1 else None


def _label_calls(path: Path) -> list[tuple[str, str]]:
    """(type id, field) of every nhan(type, field, ...) and lua_chon(rows, field, type) call whose field is
    written out and whose type is too, or is the template's ``T``."""
    found = []
    for call in _ast(path).find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name in ("nhan", "lua_chon")):
            continue
        keywords = {k.key: k.value for k in call.kwargs}
        if call.node.name == "nhan":
            kind, field = call.args[0], call.args[1]
        else:
            kind, field = (call.args[2] if len(call.args) > 2 else keywords.get("loai")), call.args[1]
        if not isinstance(field, nodes.Const) or kind is None:
            continue
        type_id = kind.value if isinstance(kind, nodes.Const) else _type_of(path) if getattr(kind, "name", "") == "T" \
            else None
        assert type_id, f"{path.name}: the type of {call.node.name}(…, {field.value!r}) is not known"
        found.append((type_id, field.value))
    return found


def test_every_label_a_template_asks_for_is_in_a_schema():
    """The theme keeps no table of content labels: each enum a template labels (lists and fields of a list's
    items too) has its x-labels in the type's schema, so nhan() never falls back to the raw value."""
    calls = {(t.name, *c) for t in TEMPLATES for c in _label_calls(t)}
    assert len(calls) >= 10 and ("lich-cong-tac.html", "lich-cong-tac", "lich.buoi") in calls
    for template, type_id, field in sorted(calls):
        node = schema.subschema(type_id, templating._value_path(type_id, field))
        assert node.get("x-labels"), f"{template}: {type_id} {field} has no x-labels"
    assert "NHAN_DU_PHONG" not in (THEME / "_macros.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("type_id, field, value, label", [
    ("thu-tuc", "cap_thuc_hien", "huyen", "Cấp Huyện (trước 01/07/2025)"),  # a list of values
    ("thu-tuc", "cach_thuc_thuc_hien.hinh_thuc", "buu-chinh", "Dịch vụ bưu chính"),  # a field of a list's items
    ("lich-cong-tac", "lich.buoi", "ca-ngay", "Cả ngày"),
    ("lich-cong-tac", "lich.0.buoi", "toi", "Tối"),  # the index may be written
    ("van-ban", "loai_van_ban", "quyet-dinh", "Quyết định"),
    ("van-ban", "loai_van_ban", "khong-co", "khong-co"),  # not an enum value: itself
])
def test_labels_come_from_the_schemas(type_id, field, value, label):
    assert templating.nhan(type_id, field, value) == label


def test_filter_options_as_written():
    documents = [
        {"loai_van_ban": "quyet-dinh", "linh_vuc": "Tư pháp", "ngay_ban_hanh": dt.date(2025, 5, 1),
         "don_vi_goc": {"ten": "Sở Tư pháp"}},
        {"loai_van_ban": "cong-van", "linh_vuc": "hộ tịch", "ngay_ban_hanh": None, "don_vi_goc": {"ten": "Xã A"}},
        {"loai_van_ban": "quyet-dinh", "linh_vuc": "Hộ tịch", "ngay_ban_hanh": dt.date(2026, 1, 2)},
        {"loai_van_ban": "", "linh_vuc": None, "ngay_ban_hanh": "2024-12-31"},
    ]
    # by label, letter case ignored; two spellings stay two options (the rows hold the value as written)
    assert templating.lua_chon(documents, "loai_van_ban", "van-ban") == [
        ("Công văn", "cong-van"), ("Quyết định", "quyet-dinh")]
    assert templating.lua_chon(documents, "linh_vuc") == [
        ("hộ tịch", "hộ tịch"), ("Hộ tịch", "Hộ tịch"), ("Tư pháp", "Tư pháp")]
    assert templating.lua_chon(documents, "don_vi_goc.ten") == [("Sở Tư pháp", "Sở Tư pháp"), ("Xã A", "Xã A")]
    # the years of dates and of ISO date texts, newest first
    assert templating.lua_chon(documents, "ngay_ban_hanh", thu_tu="nam") == [
        ("2026", "2026"), ("2025", "2025"), ("2024", "2024")]
    # an export record's own label wins (another unit may label its values differently)
    records = [{"loai_van_ban": "quyet-dinh", "loai_van_ban_nhan": "QĐ"}, {"loai_van_ban": "cong-van"}]
    assert templating.lua_chon(records, "loai_van_ban", "van-ban") == [("Công văn", "cong-van"), ("QĐ", "quyet-dinh")]
    # a list field, in the schema's order; a value the schema does not list is left out
    procedures = [{"cap_thuc_hien": ["xa", "tinh"]}, {"cap_thuc_hien": ["tinh", "trung-uong"]}, {}]
    assert templating.lua_chon(procedures, "cap_thuc_hien", "thu-tuc", thu_tu="khai-bao") == [
        ("Cấp Tỉnh", "tinh"), ("Cấp Xã", "xa")]
    assert facets.options([], "linh_vuc") == []


def test_the_accessibility_gate_checks_every_section_of_the_content_types(tmp_path):
    from quality import accessibility

    site = tmp_path / "so-a"
    for ctype in content_types.ARTICLE_TYPES:
        (site / ctype.id).mkdir(parents=True)
        (site / ctype.id / "index.html").write_text("<html></html>", encoding="utf-8")
        (site / ctype.id / "mot-muc.html").write_text("<html></html>", encoding="utf-8")
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    targets = {t.kind: (t.label, t.path) for t in accessibility.template_pages(site, mobile=False)}
    for ctype in content_types.ARTICLE_TYPES:
        assert targets[ctype.id] == (ctype.item_label, f"{ctype.id}/mot-muc.html")
        assert targets[f"{ctype.id}-danh-sach"][1] == f"{ctype.id}/index.html"
    assert targets["van-ban-danh-sach"][0] == "Danh sách văn bản"
    assert targets["lich-cong-tac-danh-sach"][0] == "Danh sách lịch công tác tuần"

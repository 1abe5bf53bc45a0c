"""The editors' guide (docs/content-format.md) against the schema it documents: the `site.yaml` table of
section 10 lists every key of site.schema.json, nested ones included, says which are required, and lists
nothing the schema does not have."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

GUIDE = ROOT / "docs" / "content-format.md"
SCHEMAS = ROOT / "plugins" / "portal" / "schemas"
SECTION = "## 10. Tệp site.yaml"


def _resolve(node: dict) -> dict:
    """A property with ``$ref`` (``common.schema.json#/$defs/x``) replaced by what it points at."""
    ref = node.get("$ref")
    if not ref:
        return node
    file, _, pointer = ref.partition("#")
    target = json.loads((SCHEMAS / (file or "site.schema.json")).read_text(encoding="utf-8"))
    for part in pointer.strip("/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def schema_keys(node: dict, prefix: str = "") -> dict[str, str]:
    """Every key path (``a``, ``a.b``, ``a[].b``) → ``co`` (required), ``khong`` or ``tuy`` (required in
    one branch of a ``oneOf``/``anyOf`` only)."""
    node = _resolve(node)
    required = set(node.get("required", []))
    branches = {k for branch in node.get("oneOf", []) + node.get("anyOf", []) for k in branch.get("required", [])}
    keys = {}
    for name, child in node.get("properties", {}).items():
        path = prefix + name
        keys[path] = "co" if name in required else "tuy" if name in branches else "khong"
        child = _resolve(child)
        if child.get("type") == "object":
            keys.update(schema_keys(child, path + "."))
        elif child.get("type") == "array" and "properties" in _resolve(child.get("items", {})):
            keys.update(schema_keys(child["items"], path + "[]."))
    return keys


def documented_keys() -> dict[str, tuple[int, str]]:
    """Key → (line, «Bắt buộc?» cell) of every row of the table in section 10 of the guide."""
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    start = lines.index(SECTION)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    rows = {}
    for number in range(start, end):
        match = re.match(r"\| `([^`]+)` \|[^|]*\| ([^|]+) \|", lines[number])
        if match:
            rows[match.group(1)] = (number + 1, match.group(2).strip())
    return rows


@pytest.fixture(scope="module")
def keys():
    schema = json.loads((SCHEMAS / "site.schema.json").read_text(encoding="utf-8"))
    return schema_keys(schema), documented_keys()


def test_every_site_yaml_key_is_in_the_guide(keys):
    in_schema, in_guide = keys
    wanted = {"danh_gia_hai_long", "tong_hop.nguon[].cho_phep_dia_chi", "ban_bien_tap.thanh_vien[].email"}
    assert wanted <= set(in_schema)
    missing = sorted(set(in_schema) - set(in_guide))
    assert missing == [], f"{GUIDE.name}, mục 10: thiếu các khóa của site.schema.json: {', '.join(missing)}"


def test_the_guide_lists_no_key_the_schema_lacks(keys):
    in_schema, in_guide = keys
    assert sorted(set(in_guide) - set(in_schema)) == []


def test_the_guide_says_which_keys_are_required(keys):
    in_schema, in_guide = keys
    wrong = [(key, line, cell) for key, (line, cell) in in_guide.items() if key in in_schema
             and {"co": not cell.startswith("Có"), "khong": not cell.startswith("Không"),
                  "tuy": not cell.startswith("Tùy")}[in_schema[key]]]
    assert wrong == []

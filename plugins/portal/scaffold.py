"""``invoke new``: a new content file whose front matter follows the type's schema.

Required fields get a placeholder the editor must replace (:mod:`portal.placeholders`: ``(điền …)``,
``(chọn một: …)``, and the body line): ``invoke check`` reports each one as an error with its line,
so nothing made up is ever published. Only values that are right by construction are written as
they are: the title given, the posting date (now), a schedule's coming week. Optional fields are
listed as comments with their Vietnamese labels, so the file doubles as a form.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import content_types, placeholders, schema
from .slugs import slugify


class ScaffoldError(Exception):
    """The scaffold cannot be created (unknown site or type, file exists)."""


def create(content_dir: Path, site_id: str, type_id: str, title: str, now: dt.datetime) -> Path:
    """Write ``content/<site>/<type>/<date>-<slug>.md`` and return its path."""
    ctype = content_types.get(type_id)
    if ctype is None:
        raise ScaffoldError(f"Không có loại tin bài «{type_id}». Các loại: "
                            + ", ".join(t.id for t in content_types.TYPES))
    site_dir = content_dir / site_id
    if not (site_dir / "site.yaml").is_file():
        raise ScaffoldError(f"Không có cổng «{site_id}» (thiếu content/{site_id}/site.yaml).")
    title = title or f"{ctype.label} mới"
    slug = slugify(title) or "bai-moi"
    path = site_dir / type_id / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise ScaffoldError(f"Tệp đã tồn tại: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(type_id, title, now, slug), encoding="utf-8")
    return path


def render(type_id: str, title: str, now: dt.datetime, slug: str, known: dict | None = None,
           body: str = placeholders.BODY) -> str:
    """The item's text: front matter in schema order, then ``body``.

    ``known`` holds values taken from elsewhere (``invoke import-docx`` fills them from the document):
    they are written as they are, required or not; every other required field gets its placeholder.
    """
    fields = _required_fields(type_id, title, now, slug, known or {})
    lines = ["---", f"# {schema.schema(type_id)['title']}: các trường có dấu # ở đầu là không bắt buộc."]
    if schema.schema(type_id).get("x-truong-quoc-gia"):
        lines.append("# Trường nào chưa có trên Cổng Dịch vụ công quốc gia hoặc quyết định công bố thì để nguyên dấu #"
                     " (không tự đặt giá trị): trang sẽ ghi rõ thủ tục «chưa đủ thông tin».")
    for key in schema.properties_of(schema.subschema(type_id, ())):
        label = schema.label(type_id, (key,))
        if key in fields:
            lines += _yaml(key, fields[key], label)
        else:
            lines.append(f"# {key}:   # {label}")
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def _required_fields(type_id: str, title: str, now: dt.datetime, slug: str, known: dict) -> dict:
    """The ``known`` values, and placeholders for every other required top-level field, including those
    required conditionally."""
    given = {"tieu_de": title, "ngay": now.strftime("%Y-%m-%d %H:%M"), **known}
    fields: dict = dict(known)
    for key in schema.subschema(type_id, ()).get("required", []):
        fields[key] = given.get(key, _placeholder(type_id, (key,), now, slug))
    for _ in range(3):  # if/then branches add requirements once their condition holds
        missing = [e.message.split("'")[1] for e in schema.validator(type_id).iter_errors(fields)
                   if e.validator == "required" and not e.absolute_path]
        if not missing:
            break
        for key in missing:
            fields[key] = given.get(key, _placeholder(type_id, (key,), now, slug))
    return fields


def _placeholder(type_id: str, path: tuple, now: dt.datetime, slug: str):
    node = schema.subschema(type_id, path)
    kind, name = node.get("type"), path[-1]
    next_monday = (now + dt.timedelta(days=7 - now.weekday())).date()
    if type_id == "lich-cong-tac" and name in ("tu_ngay", "ngay"):
        return next_monday.isoformat()  # a schedule is written for the coming week
    if node.get("format") == "ngay-gio":
        return now.strftime("%Y-%m-%d %H:%M")
    if node.get("format") == "tep":
        return f"tep/{slug}.pdf"  # reported as a missing file until the editor adds it
    if "enum" in node:
        return placeholders.CHOOSE.format(choices=", ".join(node["enum"]))
    if kind == "array":
        return [_placeholder(type_id, path + (0,), now, slug) for _ in range(max(1, node.get("minItems", 1)))]
    if kind == "object":
        props = schema.properties_of(node)
        keys = list(node.get("required", [])) + [group[0] for group in node.get("x-mot-trong", [])]
        return {k: _placeholder(type_id, path + (k,), now, slug) for k in keys if k in props}
    what = schema.label(type_id, path).lower()
    if node.get("format") == "ngay":
        what += ", dạng 2026-03-02"
    elif node.get("pattern") and node.get("description"):
        hint = node["description"].rstrip(".")
        if "ví dụ" in hint:
            hint = hint[hint.index("ví dụ"):]
        elif hint.lower().startswith(what + " "):
            hint = hint[len(what) + 1:]
        what += ", " + hint
    return placeholders.FILL.format(what=what)


def _yaml(key: str, value, label: str, indent: str = "") -> list[str]:
    comment = f"   # {label}" if label else ""
    if isinstance(value, list):
        out = [f"{indent}{key}:{comment}"]
        for item in value:
            if isinstance(item, dict):
                first = True
                for k, v in item.items():
                    prefix = f"{indent}  - " if first else f"{indent}    "
                    out.append(f"{prefix}{k}: {_scalar(v)}")
                    first = False
            else:
                out.append(f"{indent}  - {_scalar(item)}")
        return out
    if isinstance(value, dict):
        return [f"{indent}{key}:{comment}"] + [f"{indent}  {k}: {_scalar(v)}" for k, v in value.items()]
    return [f"{indent}{key}: {_scalar(value)}{comment}"]


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'

"""Decap CMS fields from the content schemas: one JSON Schema property becomes one Decap widget.

:func:`fields_of` walks a content type's schema (``portal.schema``, ``$ref`` and ``allOf`` resolved) and
returns the Decap field list and the rules Decap cannot express itself (:class:`Guard`). Those are
enforced before saving by the ``preSave`` handler of ``static/bien-tap.js`` and, as for any file,
by ``invoke check``: the check stays the gate.

What carries over: the Vietnamese ``title`` becomes the label and ``description`` the hint; ``required``
(Decap's default is required, so optional fields say ``required: false``); ``pattern``, ``minLength``
and ``maxLength`` become one Decap ``pattern`` with a Vietnamese message; enums with ``x-labels``
become selects showing the labels and storing the values; ``format: ngay`` / ``ngay-gio`` become
datetime widgets storing ``YYYY-MM-DD`` / ``YYYY-MM-DD HH:mm`` (what ``portal.dates`` reads);
``format: tep`` becomes a file widget saving into the site's ``tep/`` (an image widget into ``anh/`` for
the ``tep`` of an image object, whose ``mo_ta``, the alternative text, stays required).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal import schema

# Stored formats: what portal.dates.parse_date / parse_datetime read back; shown the Vietnamese way.
DATE = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "DD/MM/YYYY", "time_format": False,
        "picker_utc": False}
DATETIME = {"widget": "datetime", "format": "YYYY-MM-DD HH:mm", "date_format": "DD/MM/YYYY", "time_format": "HH:mm",
            "picker_utc": False}
EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"  # as portal.schema checks format: email
# Strings an editor writes as a paragraph (a textarea rather than one line).
PARAGRAPHS = {"tom_tat", "trich_yeu", "cau_hoi", "muc_tieu", "tieu_su", "nhiem_vu", "yeu_cau_dieu_kien", "mo_ta",
              "cam_ket_chat_luong", "chi_so_giam_sat", "co_che_phan_hoi", "ket_qua_cai_thien", "hieu_qua_su_dung",
              "muc_do_hai_long", "noi_dung", "thanh_phan", "ghi_chu"}


@dataclass(frozen=True)
class Suggest:
    """A text field that suggests the site's own items (``static/bien-tap.js``: widget ``goi-y``) while
    still accepting any value: a procedure cites national laws that no portal of the province publishes."""

    collection: str   # content type whose items are suggested
    value: str        # their field stored here
    shown: str        # their field shown next to it


@dataclass
class Guard:
    """A rule of the schema Decap cannot express, checked by the editor's ``preSave`` handler.

    ``kind``: ``nhom`` (an optional group that, once any of its fields is filled, needs ``fields``:
    decaporg/decap-cms#2103), ``kem-theo`` (``when`` filled needs ``fields``: dependentRequired),
    ``mot-trong`` (each item of the list at ``path`` needs one of ``fields``: x-mot-trong) and ``neu``
    (``when`` equal to one of ``values`` needs ``fields``: if/then).
    """

    kind: str
    path: list
    fields: list
    labels: list
    message: str
    when: str = ""
    values: list = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {"loai": self.kind, "duong_dan": self.path, "truong": self.fields, "nhan": self.labels,
                "thong_bao": self.message}
        if self.when:
            data["khi"] = self.when
        if self.values:
            data["gia_tri"] = self.values
        return data


@dataclass
class Context:
    """What the walk needs: the type, the site's media folders and the per-field overrides."""

    type_id: str
    media: dict                    # {"anh": repo folder, "tep": repo folder}
    suggestions: dict              # path tuple (list indexes as 0) → Suggest
    guards: list = field(default_factory=list)
    seen: list = field(default_factory=list)  # every schema path represented (for the generator's tests)


def fields_of(ctx: Context, node: dict, path: tuple = (), order: list | None = None) -> list[dict]:
    """The Decap fields of the object ``node`` at ``path`` (``order``: names first, in this order)."""
    props = schema.properties_of(node)
    required = set(node.get("required", []))
    names = [n for n in (order or []) if n in props] + [n for n in props if n not in (order or [])]
    out = []
    for name in names:
        out.append(widget(ctx, path + (name,), name in required))
    _conditional_guards(ctx, node, path)
    return out


def widget(ctx: Context, path: tuple, required: bool, parent_optional: bool = False) -> dict:
    """The Decap field of the schema property at ``path``."""
    node = schema.subschema(ctx.type_id, path)
    name = path[-1]
    ctx.seen.append(_key(path))
    out = {"name": name, "label": schema.label(ctx.type_id, path) or name}
    if node.get("description"):
        out["hint"] = node["description"]
    out["required"] = bool(required)
    kind = node.get("type")
    suggest = ctx.suggestions.get(_key(path))
    if kind == "array":
        out.update(_array(ctx, path, node, required))
    elif kind == "object":
        out.update(_object(ctx, path, node, required))
    elif suggest is not None:
        out.update({"widget": "goi-y", "collection": suggest.collection, "value_field": suggest.value,
                    "display_field": suggest.shown})
        out.update(_text_rules(node))
    else:
        out.update(_scalar(ctx, path, node))
    return out


def _scalar(ctx: Context, path: tuple, node: dict) -> dict:
    kind, fmt = node.get("type"), node.get("format")
    if "enum" in node:
        labels = node.get("x-labels", {})
        return {"widget": "select", "options": [{"label": labels.get(v, str(v)), "value": v} for v in node["enum"]]}
    if kind == "boolean":
        return {"widget": "boolean"}
    if kind in ("integer", "number"):
        out = {"widget": "number", "value_type": "int" if kind == "integer" else "float"}
        if "minimum" in node:
            out["min"] = node["minimum"]
        if "maximum" in node:
            out["max"] = node["maximum"]
        return out
    if fmt == "ngay":
        return dict(DATE)
    if fmt == "ngay-gio":
        out = dict(DATETIME)
        if path == ("ngay",):
            out["default"] = "{{now}}"  # the publication date: now, unless the editor schedules it
        return out
    if fmt == "tep":
        parent = schema.subschema(ctx.type_id, path[:-1]) if len(path) > 1 else {}
        is_image = "mo_ta" in schema.properties_of(parent) and path[-1] == "tep"
        folder = "anh" if is_image else "tep"
        hint = ("Chọn hoặc tải lên ảnh (JPG, PNG, WebP, SVG); ảnh được lưu vào thư mục anh/ của cổng." if is_image
                else "Chọn hoặc tải lên tệp (PDF, DOCX, XLSX...); tệp được lưu vào thư mục tep/ của cổng.")
        return {"widget": "image" if is_image else "file", "media_folder": "/" + ctx.media[folder],
                "public_folder": folder, "choose_url": False, "media_library": {"allow_multiple": False}, "hint": hint}
    out = {"widget": "text" if path[-1] in PARAGRAPHS else "string"}
    out.update(_text_rules(node))
    return out


def _text_rules(node: dict) -> dict:
    """``pattern``/``minLength``/``maxLength``/``format: email`` as one Decap pattern and message."""
    pattern = node.get("pattern") or (EMAIL if node.get("format") == "email" else None)
    low, high = node.get("minLength"), node.get("maxLength")
    if low == 1 and high is None:
        low = None  # "not empty": Decap's required says it, and empty optional values are not saved
    if not pattern and low is None and high is None:
        return {}
    length = ""
    if low is not None or high is not None:
        length = f"[\\s\\S]{{{low or 0},{'' if high is None else high}}}"
    if pattern and length:
        regex = f"^(?={length}$)(?:{_unanchored(pattern)})"
    elif pattern:
        regex = pattern
    else:
        regex = f"^{length}$"
    return {"pattern": [regex, _pattern_message(node, low, high)]}


def _unanchored(pattern: str) -> str:
    """A schema pattern inside a lookahead-prefixed expression: it keeps its own anchors."""
    return pattern if pattern.startswith("^") else f"[\\s\\S]*{pattern}"


def _pattern_message(node: dict, low, high) -> str:
    if node.get("format") == "email":
        return "Cần địa chỉ thư điện tử, ví dụ vanthu@thanhvan.gov.vn."
    parts = []
    if node.get("pattern"):
        parts.append(node.get("description") or "Giá trị không đúng định dạng.")
    if low is not None and high is not None:
        parts.append(f"Cần từ {low} đến {high} ký tự.")
    elif low is not None:
        parts.append(f"Cần ít nhất {low} ký tự.")
    elif high is not None:
        parts.append(f"Tối đa {high} ký tự.")
    return " ".join(parts)


def _array(ctx: Context, path: tuple, node: dict, required: bool) -> dict:
    items = schema.subschema(ctx.type_id, path + (0,))
    suggest = ctx.suggestions.get(_key(path + (0,)))
    out: dict = {}
    ctx.seen.append(_key(path + (0,)))
    if required and node.get("minItems"):
        out["min"] = node["minItems"]  # an optional list may stay empty (empty values are not saved)
    if "enum" in items:
        labels = items.get("x-labels", {})
        out.update({"widget": "select", "multiple": True,
                    "options": [{"label": labels.get(v, str(v)), "value": v} for v in items["enum"]]})
        return out
    if suggest is not None:
        inner = {"name": path[-1], "label": schema.label(ctx.type_id, path), "widget": "goi-y",
                 "collection": suggest.collection, "value_field": suggest.value, "display_field": suggest.shown}
        inner.update(_text_rules(items))
        out.update({"widget": "list", "field": inner})
        return out
    if items.get("type") == "object":
        sub = fields_of(ctx, items, path + (0,))
        first = sub[0]["name"] if sub else ""
        out.update({"widget": "list", "fields": sub, "collapsed": False,
                    "label_singular": items.get("title") or schema.label(ctx.type_id, path)})
        if first:
            out["summary"] = "{{fields." + first + "}}"
        _one_of_guards(ctx, items, path)
        return out
    inner = {"name": path[-1], "label": items.get("title") or schema.label(ctx.type_id, path)}
    inner.update(_scalar(ctx, path + (0,), items))
    out.update({"widget": "list", "field": inner})
    return out


def _object(ctx: Context, path: tuple, node: dict, required: bool) -> dict:
    sub = fields_of(ctx, node, path)
    needed = [f["name"] for f in sub if f["required"]]
    if not required and needed:
        # decaporg/decap-cms#2103: Decap validates the required fields of an optional object even when it
        # is left empty, so an item without it could never be saved. Its fields are relaxed here and the
        # rule ("filled in: then all of these") is kept as a guard for the preSave handler; invoke check
        # stays the gate.
        for f in sub:
            if f["name"] in needed:
                f["required"] = False
                f["hint"] = (f.get("hint", "") + " Bắt buộc khi đã điền nhóm «"
                             + schema.label(ctx.type_id, path) + "».").strip()
        labels = [schema.label(ctx.type_id, path + (n,)) for n in needed]
        ctx.guards.append(Guard("nhom", list(path), needed, labels,
                                f"«{schema.label(ctx.type_id, path)}»: khi đã điền thì phải điền cả "
                                + ", ".join(f"«{x}»" for x in labels) + "."))
    return {"widget": "object", "fields": sub, "collapsed": False}


def _conditional_guards(ctx: Context, node: dict, path: tuple) -> None:
    """``dependentRequired`` and ``allOf``/``if``/``then`` required: the rules Decap has no syntax for."""
    for when, needed in (node.get("dependentRequired") or {}).items():
        labels = [schema.label(ctx.type_id, path + (n,)) for n in needed]
        ctx.guards.append(Guard("kem-theo", list(path), list(needed), labels,
                                f"Đã điền «{schema.label(ctx.type_id, path + (when,))}» thì phải điền "
                                + ", ".join(f"«{x}»" for x in labels) + ".", when=when))
    for part in node.get("allOf", []):
        condition = part.get("if", {}).get("properties", {})
        needed = part.get("then", {}).get("required", [])
        if len(condition) != 1 or not needed:
            continue
        (when, test), = condition.items()
        values = [test["const"]] if "const" in test else list(test.get("enum", []))
        labels = [schema.label(ctx.type_id, path + (n,)) for n in needed]
        shown = " hoặc ".join(f"«{schema.value_label(ctx.type_id, path + (when,), v)}»" for v in values)
        ctx.guards.append(Guard("neu", list(path), list(needed), labels,
                                f"«{schema.label(ctx.type_id, path + (when,))}» là {shown} thì phải điền "
                                + ", ".join(f"«{x}»" for x in labels) + ".", when=when, values=values))


def _one_of_guards(ctx: Context, items: dict, path: tuple) -> None:
    for group in items.get("x-mot-trong", []):
        labels = [schema.label(ctx.type_id, path + (0, n)) for n in group]
        ctx.guards.append(Guard("mot-trong", list(path), list(group), labels,
                                f"Mỗi mục của «{schema.label(ctx.type_id, path)}» cần "
                                + " hoặc ".join(f"«{x}»" for x in labels) + "."))


def _key(path: tuple) -> tuple:
    return tuple(0 if isinstance(p, int) else p for p in path)


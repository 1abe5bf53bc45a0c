"""JSON Schemas of the content types, and Vietnamese messages for what they reject.

The schemas in ``schemas/`` are the machine-readable contract (JSON Schema 2020-12). This module
loads them once, validates front matter, and turns each validation error into a
:class:`~portal.problems.Problem` that names the field by its Vietnamese label, says what was
expected and what was found, and suggests the intended key or value for a near miss.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from . import compiled_schema
from .dates import parse_date, parse_datetime
from .problems import Problem, short

if TYPE_CHECKING:
    from referencing import Registry

SCHEMA_DIR = Path(__file__).parent / "schemas"
BASE_URI = "https://schemas.portal.example/"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@functools.cache
def _documents() -> dict[str, dict]:
    """Every schema document by its ``$id``."""
    found = {}
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        found[contents["$id"]] = contents
    return found


@functools.cache
def registry() -> Registry:
    """The schemas for ``jsonschema`` (imported here, not with the module: most builds meet valid content
    only, which the compiled checks answer, and the import costs a tenth of a second of every command)."""
    from referencing import Registry, Resource

    return Registry().with_resources((uri, Resource.from_contents(c)) for uri, c in _documents().items())


@functools.cache
def schema(name: str) -> dict:
    """The schema document ``<name>.schema.json``, with local ``#/...`` refs made absolute.

    The copy is for walking the schema (labels, formats); validation uses the registry as written.
    """
    def absolute(node):
        if isinstance(node, dict):
            return {k: (f"{name}.schema.json{v}" if k == "$ref" and v.startswith("#") else absolute(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [absolute(v) for v in node]
        return node

    return absolute(_documents()[f"{BASE_URI}{name}.schema.json"])


def _check_date(value: object) -> bool:
    return not isinstance(value, str) or parse_date(value) is not None


def _check_datetime(value: object) -> bool:
    return not isinstance(value, str) or parse_datetime(value) is not None


def _check_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


# "tep" (file exists in the site) and "uri" are checked by document.py, which knows the site folder.
FORMAT_CHECKS = {"ngay": _check_date, "ngay-gio": _check_datetime, "email": _check_email}


class _Formats:
    """The formats as the compiled checks ask for them (the part of ``jsonschema.FormatChecker`` they use)."""

    checkers = FORMAT_CHECKS

    @staticmethod
    def conforms(instance: object, format: str) -> bool:  # noqa: A002 - FormatChecker's own name
        return bool(FORMAT_CHECKS[format](instance))


@functools.cache
def format_checker():
    """The same formats for ``jsonschema``."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name)(check)
    return checker


@functools.cache
def validator(name: str):
    """``jsonschema``'s validator of schema ``name`` (a ``Draft202012Validator``), for the messages."""
    import jsonschema

    return jsonschema.Draft202012Validator(schema(name), registry=registry(), format_checker=format_checker())


@functools.cache
def _compiler() -> compiled_schema.Compiler:
    return compiled_schema.Compiler(_documents().__getitem__, _Formats())


@functools.cache
def fast_check(name: str, pointer: str = ""):
    """A compiled check that answers "valid?" for schema ``name`` (or its node at JSON ``pointer``) as
    ``validator(name)`` would, much faster; None when the schema uses a keyword the compiler does not
    know (then only jsonschema is used)."""
    try:
        return _compiler().compile(f"{BASE_URI}{name}.schema.json" + (f"#{pointer}" if pointer else ""))
    except compiled_schema.UnsupportedSchema:
        return None


def _deref(ref: str) -> dict:
    uri, _, pointer = ref.partition("#")
    target = schema(uri.removesuffix(".schema.json").rsplit("/", 1)[-1])
    for part in [p for p in pointer.split("/") if p]:
        target = target[part]
    return target


def _resolve(node: dict) -> dict:
    """Follow ``$ref`` to the node it names; keys written next to the ``$ref`` win."""
    for _ in range(10):
        if not (isinstance(node, dict) and "$ref" in node):
            break
        merged = dict(_deref(node["$ref"]))
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        if "properties" in node and "properties" in merged:
            merged["properties"] = properties_of(node)
        node = merged
    return node


def properties_of(node: dict) -> dict:
    """All properties a schema node allows: its own, its ``$ref``'s and its ``allOf`` branches'."""
    props: dict = {}
    if "$ref" in node:
        props.update(properties_of(_deref(node["$ref"])))
    props.update(node.get("properties", {}))
    for part in node.get("allOf", []):
        props.update(properties_of(part))
        for key in ("then", "else"):
            if key in part:
                props.update(properties_of(part[key]))
    return props


def subschema(name: str, path: tuple) -> dict:
    """The schema node describing the value at ``path`` (keys and list indexes). Read-only: shared."""
    # Every item of a list has the same schema: list indexes are folded to 0 for the cache.
    return _subschema(name, tuple(0 if isinstance(p, int) else p for p in path))


@functools.lru_cache(maxsize=4096)
def _subschema(name: str, path: tuple) -> dict:
    node = _resolve(schema(name))
    for part in path:
        node = _resolve(node.get("items", {}) if isinstance(part, int) else properties_of(node).get(part, {}))
    return node


def label(name: str, path: tuple) -> str:
    """Vietnamese label of the field at ``path``; list items use their list's label."""
    keys = [p for p in path if not isinstance(p, int)]
    if not keys:
        return ""
    node = subschema(name, path)
    if "title" in node:
        return node["title"]
    return subschema(name, tuple(keys)).get("title", keys[-1])


def value_label(name: str, path: tuple, value: str) -> str:
    """Vietnamese label of an enum value, or the value itself."""
    return _resolve(subschema(name, path)).get("x-labels", {}).get(value, value)


def dotted(path) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def fold(text: str) -> str:
    """Lower-case ASCII fold for near-miss matching (đ → d, diacritics dropped)."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace(" ", "-").replace("_", "-")


def suggest(word: str, choices) -> str | None:
    """The closest of ``choices`` to ``word`` (diacritics and case ignored), or None."""
    folded = {fold(c): c for c in choices}
    if fold(word) in folded:
        return folded[fold(word)]
    match = difflib.get_close_matches(fold(word), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def _type_name(types) -> str:
    names = {"string": "chữ (chuỗi ký tự)", "integer": "số nguyên", "number": "số", "boolean": "true hoặc false",
             "array": "danh sách (mỗi mục bắt đầu bằng «- »)", "object": "nhóm trường con", "null": "để trống"}
    if isinstance(types, str):
        types = [types]
    return " hoặc ".join(names.get(t, t) for t in types)


def _found_type(value) -> str:
    if value is None:
        return "để trống"
    if isinstance(value, bool):
        return f"giá trị đúng/sai {short(value)}"
    if isinstance(value, int):
        return f"số {value}"
    if isinstance(value, float):
        return f"số {value}"
    if isinstance(value, list):
        return f"danh sách {len(value)} mục"
    if isinstance(value, dict):
        return "nhóm trường con"
    return f"chữ {short(value)}"


def validate(name: str, data: dict, where: str, line_of) -> list[Problem]:
    """Validate ``data`` against schema ``name``; ``line_of(path)`` gives the line of a key path."""
    problems: list[Problem] = []
    problems.extend(_unknown_keys(name, data, (), where, line_of))
    check = fast_check(name)
    if check is not None and check(data):
        return problems  # valid: jsonschema would find nothing (tests/test_fast_validator.py)
    for error in sorted(validator(name).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        problem = _translate(name, error, where, line_of)
        if problem is not None:
            problems.append(problem)
    return problems


def _unknown_keys(name: str, data, path: tuple, where: str, line_of) -> list[Problem]:
    """Report keys the schema does not know, with a 'did you mean' suggestion; recurse."""
    problems = []
    node = subschema(name, path)
    if isinstance(data, dict):
        allowed, closed = _allowed(name, tuple(0 if isinstance(p, int) else p for p in path))
        for key, value in data.items():
            if key not in allowed:
                if closed:
                    guess = suggest(key, allowed)
                    hint = f" Có phải bạn định viết «{guess}» ({label(name, path + (guess,))})?" if guess else ""
                    problems.append(Problem(
                        where, line_of(path + (key,)), f"Trường không được hỗ trợ.{hint}",
                        field=dotted(path + (key,)),
                        expected="một trong các trường: " + ", ".join(sorted(allowed)) if not guess else f"«{guess}»",
                        found=f"«{key}»", code="truong-la"))
                continue
            problems.extend(_unknown_keys(name, value, path + (key,), where, line_of))
    elif isinstance(data, list) and "items" in node:
        for index, value in enumerate(data):
            problems.extend(_unknown_keys(name, value, path + (index,), where, line_of))
    return problems


@functools.lru_cache(maxsize=4096)
def _allowed(name: str, path: tuple) -> tuple[dict, bool]:
    """Properties allowed at ``path`` and whether others are refused (cached per schema and path)."""
    node = _subschema(name, path)
    closed = node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False
    return properties_of(node), closed


def _closest_branch(error):
    """First error of the alternative the value resembles most (shares most required keys, fewest errors)."""
    if not error.context:
        return None
    branches: dict[int, list] = {}
    for inner in error.context:
        branches.setdefault(inner.schema_path[0], []).append(inner)
    keys = set(error.instance) if isinstance(error.instance, dict) else set()

    def score(index):
        required = set(error.validator_value[index].get("required", []))
        return (-len(required & keys), len(branches[index]), index)

    best = min(branches, key=score)
    return sorted(branches[best], key=lambda e: e.validator != "required")[0]


def _translate(name: str, error, where: str, line_of) -> Problem | None:
    path = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    node = _resolve(error.schema) if isinstance(error.schema, dict) else {}
    if kind in ("additionalProperties", "unevaluatedProperties"):
        return None  # reported by _unknown_keys, with suggestions
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        field_path = path + (missing,)
        return Problem(where, line_of(path), "Thiếu trường bắt buộc.", field=dotted(field_path),
                       label=label(name, field_path), expected=f"thêm dòng «{missing}: …»",
                       found="không có", code="thieu-truong")
    if kind == "dependentRequired":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return Problem(where, line_of(path), "Thiếu trường bắt buộc khi đã khai báo trường liên quan.",
                       field=dotted(path + (missing,)), label=label(name, path + (missing,)),
                       expected=f"thêm dòng «{missing}: …»", found="không có", code="thieu-truong")
    common = dict(field=dotted(path), label=label(name, path))
    line = line_of(path)
    if kind == "type":
        return Problem(where, line, "Sai kiểu giá trị.", expected=_type_name(error.validator_value),
                       found=_found_type(value), code="sai-kieu", **common)
    if kind == "enum":
        allowed = error.validator_value
        labels = node.get("x-labels", {})
        guess = suggest(str(value), list(allowed) + list(labels.values())) if value is not None else None
        if guess in labels.values():
            guess = next(k for k, v in labels.items() if v == guess)
        choices = "; ".join(f"{v} ({labels[v]})" if v in labels else str(v) for v in allowed)
        hint = f" Có phải bạn định viết «{guess}»?" if guess else ""
        return Problem(where, line, f"Giá trị không nằm trong danh sách cho phép.{hint}",
                       expected=choices, found=short(value), code="sai-gia-tri", **common)
    if kind == "const":
        return Problem(where, line, "Giá trị không hợp lệ.", expected=short(error.validator_value),
                       found=short(value), code="sai-gia-tri", **common)
    if kind == "format":
        fmt = error.validator_value
        expected = {"ngay": "ngày có thật, dạng 2026-03-02 hoặc 02/03/2026",
                    "ngay-gio": "ngày (có thể kèm giờ) có thật, dạng 2026-03-02 08:30 hoặc 02/03/2026 08:30",
                    "email": "địa chỉ thư điện tử, ví dụ vanthu@thanhvan.gov.vn"}.get(fmt, fmt)
        return Problem(where, line, "Giá trị không đúng định dạng.", expected=expected, found=short(value),
                       code="sai-dinh-dang", **common)
    if kind == "pattern":
        expected = node.get("description") or f"khớp mẫu {error.validator_value}"
        return Problem(where, line, "Giá trị không đúng định dạng.", expected=expected, found=short(value),
                       code="sai-dinh-dang", **common)
    if kind == "minLength":
        if value == "":
            return Problem(where, line, "Trường đang để trống.", expected="nhập nội dung", found="(trống)",
                           code="trong", **common)
        return Problem(where, line, "Nội dung quá ngắn.", expected=f"ít nhất {error.validator_value} ký tự",
                       found=f"{len(value)} ký tự: {short(value)}", code="qua-ngan", **common)
    if kind == "maxLength":
        return Problem(where, line, "Nội dung quá dài.", expected=f"tối đa {error.validator_value} ký tự",
                       found=f"{len(value)} ký tự", code="qua-dai", **common)
    if kind == "minItems":
        return Problem(where, line, "Danh sách chưa đủ mục.", expected=f"ít nhất {error.validator_value} mục",
                       found=f"{len(value)} mục", code="thieu-muc", **common)
    if kind == "uniqueItems":
        return Problem(where, line, "Danh sách có mục bị lặp.", expected="các mục khác nhau", found=short(value),
                       code="lap-muc", **common)
    if kind in ("minimum", "maximum"):
        word = "nhỏ nhất" if kind == "minimum" else "lớn nhất"
        return Problem(where, line, "Giá trị ngoài khoảng cho phép.", expected=f"{word} là {error.validator_value}",
                       found=short(value), code="ngoai-khoang", **common)
    if kind in ("oneOf", "anyOf"):
        # None of the alternatives fits: report the closest alternative's own reason.
        inner = _closest_branch(error)
        if inner is not None:
            return _translate(name, inner, where, line_of)
        return Problem(where, line, "Giá trị khớp với nhiều dạng cho phép cùng lúc.", found=short(value),
                       code="nhieu-dang", **common)
    if kind == "not":
        return Problem(where, line, "Khai báo đồng thời các trường không được dùng chung.", found=short(value),
                       code="xung-dot", **common)
    if kind in ("if", "then", "allOf", "$ref"):
        return None  # the nested errors carry the precise reason
    return Problem(where, line, "Giá trị không hợp lệ.", expected=str(error.validator_value)[:120],
                   found=short(value), code=kind, **common)

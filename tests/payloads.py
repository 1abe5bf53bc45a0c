"""Tagged XSS payloads in every free-text field, generated from the JSON Schemas (tests/test_escaping.py).

Each string value gets a payload carrying a unique tag (``Q0007Z``), so a leak names its field. The
payload tries every context at once: an attribute break with a ``<script src>`` to a file the site
serves, an ``<img onerror>``, a ``</title>`` break, a meta refresh, a single-quote attribute break,
``]]>`` for XML and an entity. A field whose schema refuses it (pattern, format, length) gets the
next candidate that fits (a compact payload without spaces, a URL that is still hostile) and, last, a
valid value from :data:`VALID`; a new constrained field without one fails loudly here, a new free-text
field is covered without any change.
"""

from __future__ import annotations

import itertools
import re

from portal import schema

TAG = re.compile(r"Q\d{4}Z")


def full(tag: str) -> str:
    return (f'{tag}"><script src=/x-{tag}.js></script><img src=x onerror=window.__xss.push(\'{tag}\')>'
            f"' onmouseover='window.__xss.push(\"{tag}\")' </title></textarea>"
            f'<meta http-equiv=refresh content="0;url=https://evil.example/{tag}"> ]]> &amp; {tag}')


def compact(tag: str) -> str:
    """No spaces and no slash-free guarantees: fits e-mail local parts and similar."""
    return f"{tag}\"><svg/onload=window.__xss.push('{tag}')>"


def urls(tag: str) -> list[str]:
    return [f"javascript:window.__xss.push('{tag}')",
            f"https://lien-ket.example/{tag}?a=\"><script src=/x-{tag}.js></script>&b='{tag}"]


# Valid values for constrained strings, by pattern or format; ``n`` makes values unique per item.
VALID = {
    "^[0-9]+[a-zA-Z]?(/[0-9]{4})?/[A-Za-zĐđ0-9.&]+(-[A-Za-zĐđ0-9.&]+)*$": lambda n: f"{n}/2026/QĐ-A&B",
    "^[123]\\.[0-9]{6}(\\.000\\.00\\.00)?\\.H[0-9]{2}$": lambda n: f"1.{n:06d}.000.00.00.H37",
    "^[a-z0-9]+(-[a-z0-9]+)*$": lambda n: f"muc-thu-{n}",
    "^[0-9 .()+-]{6,20}$": lambda n: "0200 3100 001",
    "^[0-9 .()+-]{3,20}$": lambda n: "1022",
    "^H[0-9]{2}$": lambda n: "H37",
    "^([01][0-9]|2[0-3])[:h][0-5][0-9]$": lambda n: "08:30",
    "^[0-9]{4}( ?- ?[0-9]{4})?$": lambda n: "2021-2030",
    "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$": lambda n: f"https://cong-{n}.example.vn",
    "^[0-9a-fA-F:.]+(/[0-9]{1,3})?$": lambda n: "127.0.0.1",
    "^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$": lambda n: f"nhom-{n}/cong-thong-tin",
    "^[A-Za-z0-9_./-]+$": lambda n: "main",
    "^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/?$": lambda n: "https://git.thu.example.vn/api/v4",
    "format:ngay": lambda n: "2026-03-02",
    "format:ngay-gio": lambda n: "2026-03-02 08:30",
    "format:email": lambda n: "vanthu@thu.example.vn",
}


class Sweep:
    """Hands out tags and remembers which field each one went to."""

    def __init__(self):
        self._numbers = itertools.count(1)
        self.fields: dict[str, str] = {}  # tag → "where: field path"

    def tag(self, where: str) -> str:
        tag = f"Q{next(self._numbers):04d}Z"
        self.fields[tag] = where
        return tag

    def number(self) -> int:
        return next(self._numbers)

    def document(self, name: str, where: str, variant: int = 0, fixed: dict | None = None,
                 files=None, skip=()) -> dict:
        """Every property of schema ``name`` filled (optional ones included, nested lists and objects
        too), valid against the schema. ``fixed`` values are used as given; ``files(tag, where)`` makes a
        file for a ``tep`` field and returns its path; enums take their ``variant``-th value."""
        fixed = fixed or {}
        picks: dict[tuple, int] = {}
        made: dict[tuple, list] = {}

        def value(path: tuple):
            if len(path) == 1 and path[0] in fixed:
                return fixed[path[0]]
            node = schema.subschema(name, path)
            kind = node.get("type")
            kind = kind[0] if isinstance(kind, list) else kind
            if "enum" in node or "const" in node:
                options = node.get("enum") or [node["const"]]
                return options[variant % len(options)]
            if kind == "object" or schema.properties_of(node):
                return {key: value(path + (key,)) for key in schema.properties_of(node)
                        if not (len(path) == 0 and key in skip and key not in fixed)}
            if kind == "array":
                return [value(path + (i,)) for i in range(max(1, node.get("minItems", 1)))]
            if kind == "boolean":
                return True
            if kind in ("integer", "number"):
                return node.get("minimum", 1) if node.get("minimum", 1) > 0 else 1
            if path not in made:
                made[path] = self._candidates(node, f"{where}: {schema.dotted(path)}", files)
            return made[path][picks.get(path, 0)]

        for _ in range(30):
            data = value(())
            errors = list(schema.validator(name).iter_errors(data))
            if not errors:
                return data
            moved = False
            for error in errors:
                path = tuple(error.absolute_path)
                if path in made and picks.get(path, 0) + 1 < len(made[path]):
                    picks[path] = picks.get(path, 0) + 1
                    moved = True
            if not moved:
                raise AssertionError(f"{where}: no valid value for " + "; ".join(
                    f"{schema.dotted(e.absolute_path)} ({e.message[:120]})" for e in errors)
                    + ": add one to payloads.VALID")
        raise AssertionError(f"{where}: the schema keeps refusing the generated values")

    def _candidates(self, node: dict, where: str, files) -> list[str]:
        fmt, pattern = node.get("format"), node.get("pattern")
        if fmt == "tep":
            return [files(self.tag(where), where)]
        if fmt in ("ngay", "ngay-gio"):
            return [VALID[f"format:{fmt}"](0)]
        tag = self.tag(where)
        candidates = urls(tag) if fmt == "uri" else [full(tag), compact(tag)]
        if fmt == "email":
            candidates = [f"{compact(tag)}@thu.example.vn"]
        key = f"pattern:{pattern}" if pattern else f"format:{fmt}" if fmt else ""
        fallback = VALID.get(pattern) or VALID.get(key)
        if fallback is not None:
            candidates.append(fallback(self.number()))
        return candidates

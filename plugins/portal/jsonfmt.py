"""Readable JSON for the reports and exports we write, made by the C encoder.

``json.dumps(..., indent=2)`` is written in pure Python (CPython uses its C encoder only without
``indent``): a build report of 7,000 problems took a quarter of a second, written three times by one
``invoke build --aggregate``. :func:`dumps` lays out the first ``depth`` levels one entry per line, as a
person reads a report (a site, a problem, a record per line: diffs stay line-sized), and encodes everything
below in one C call per entry. The text is plain JSON; any parser reads it as it read the indented form.
"""

from __future__ import annotations

import json

_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def dumps(data, depth: int = 2, indent: str = "  ") -> str:
    """``data`` as JSON, its outer ``depth`` levels of objects and arrays one entry per line."""
    return _layout(data, 0, depth, indent)


def _layout(value, level: int, depth: int, indent: str) -> str:
    if level >= depth or not value or not isinstance(value, (dict, list, tuple)):
        return _COMPACT.encode(value)
    pad, end = indent * (level + 1), indent * level
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):  # keys JSON would convert: leave it to the encoder
            return _COMPACT.encode(value)
        lines = [f"{pad}{_COMPACT.encode(key)}: {_layout(item, level + 1, depth, indent)}"
                 for key, item in value.items()]
        return "{\n" + ",\n".join(lines) + "\n" + end + "}"
    lines = [pad + _layout(item, level + 1, depth, indent) for item in value]
    return "[\n" + ",\n".join(lines) + "\n" + end + "]"

"""Split a Markdown file into YAML front matter and body, keeping line numbers for every key.

The YAML is read with a deliberately small scalar schema (close to YAML 1.2 core): strings stay
strings, so ``2026-03-02`` is the text an editor wrote (dates are checked by the schema), ``08:30``
is not a sexagesimal number and ``no`` is not ``False``. Only ``true``/``false``, integers, plain
decimals and ``null``/``~``/empty are typed. Duplicate keys are reported, not silently merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)$")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_FENCE = re.compile(r"^---[ \t]*$")


class FrontMatterError(Exception):
    """Front matter cannot be read. ``line`` is 1-based in the whole file."""

    def __init__(self, message: str, line: int = 0, found: str = "", expected: str = ""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.found = found
        self.expected = expected


@dataclass
class Parsed:
    """A source file split into data and body.

    ``lines`` maps a key path (tuple of str/int) to the 1-based line where its value starts;
    ``()`` maps to the first line of the front matter. ``duplicates`` lists (path, line) of keys
    given twice. ``body_line`` is the line where the Markdown body starts.
    """

    data: dict
    body: str
    body_line: int
    lines: dict[tuple, int] = field(default_factory=dict)
    duplicates: list[tuple[tuple, int]] = field(default_factory=list)

    def line_of(self, path: tuple) -> int:
        """Line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def split(text: str) -> tuple[str, str, int, int]:
    """Return (yaml_text, body, yaml_first_line, body_first_line); raise if no front matter."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0].lstrip("\ufeff")):
        raise FrontMatterError(
            "Tệp không bắt đầu bằng phần thông tin (front matter).",
            line=1,
            expected="dòng đầu tiên là «---», tiếp theo là các trường YAML, rồi một dòng «---»",
            found=_show_line(lines[0] if lines else ""),
        )
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]) or lines[index].rstrip() == "...":
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return yaml_text, body, 2, index + 2
    raise FrontMatterError(
        "Phần thông tin (front matter) không có dòng «---» kết thúc.",
        line=1,
        expected="một dòng chỉ gồm «---» sau trường cuối cùng",
        found="hết tệp mà không thấy dòng «---» thứ hai",
    )


def _show_line(line: str) -> str:
    line = line.strip()
    return f"«{line[:60]}»" if line else "(dòng trống)"


def parse(text: str) -> Parsed:
    """Parse a whole Markdown source (already decoded) into :class:`Parsed`."""
    yaml_text, body, first, body_line = split(text)
    parsed = parse_yaml(yaml_text, first)
    parsed.body, parsed.body_line = body, body_line
    return parsed


def parse_yaml(yaml_text: str, first: int = 1) -> Parsed:
    """Parse a YAML mapping (front matter or a whole ``site.yaml``) whose first line is ``first``."""
    parsed = Parsed(data={}, body="", body_line=0)
    try:
        node = _compose(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        rows = yaml_text.split("\n")
        raise FrontMatterError(
            "Phần thông tin không đúng cú pháp YAML: " + _yaml_reason(exc),
            line=first + (mark.line if mark else 0),
            expected="mỗi dòng dạng «tên_trường: giá trị»; danh sách bắt đầu bằng «- »; "
            "thụt lề bằng dấu cách, không dùng Tab",
            found=_show_line(rows[mark.line] if mark and mark.line < len(rows) else ""),
        ) from None
    if node is None:
        raise FrontMatterError("Phần thông tin (front matter) trống.", line=first,
                               expected="ít nhất các trường bắt buộc, ví dụ «tieu_de:» và «ngay:»")
    parsed.lines[()] = first
    value = _construct(node, (), first, parsed)
    if not isinstance(value, dict):
        raise FrontMatterError(
            "Phần thông tin phải là danh sách các trường «tên: giá trị».",
            line=first, found=f"một {'danh sách' if isinstance(value, list) else 'giá trị đơn'}",
        )
    parsed.data = value
    return parsed


_YAML_REASONS = {
    "found character '\\t' that cannot start any token": "có ký tự Tab; hãy thụt lề bằng dấu cách",
    "mapping values are not allowed here": "có dấu «:» không hợp lệ (giá trị chứa dấu hai chấm cần đặt trong ngoặc kép)",
    "could not find expected ':'": "thiếu dấu «:» sau tên trường",
    "found undefined alias": "dùng bí danh (*) chưa được định nghĩa",
    "did not find expected key": "thụt lề không thẳng hàng hoặc thiếu dấu «:»",
    "found unexpected end of stream": "chuỗi trong ngoặc kép chưa được đóng",
    "did not find expected node content": "thiếu giá trị sau dấu «-» hoặc «:»",
    "expected <block end>, but found '-'": "dấu «-» của danh sách thụt lề không đúng",
    "expected <block end>, but found '<block mapping start>'": "thụt lề không thẳng hàng: trường này lùi vào nhiều "
                                                               "hơn các trường cùng cấp",
    "expected <block end>, but found '<block sequence start>'": "dấu «-» của danh sách thụt lề không thẳng hàng "
                                                                "với các mục khác",
}


def _compose(yaml_text: str):
    """Compose with libyaml (fast); on an error, re-read with the pure-Python parser, whose messages we translate."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(yaml_text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(yaml_text, Loader=yaml.SafeLoader)


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    for key, text in _YAML_REASONS.items():
        if key in problem:
            return text
    if "found unknown escape character" in problem:
        return "chuỗi trong ngoặc kép có ký tự «\\» không hợp lệ (dùng ngoặc đơn hoặc viết «\\\\»)"
    return "cấu trúc không hợp lệ"


def _scalar(node: yaml.ScalarNode):
    text = node.value
    if node.style:  # quoted or block scalar: always a string
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _construct(node, path: tuple, first: int, parsed: Parsed):
    parsed.lines.setdefault(path, first + node.start_mark.line)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, path + (i,), first, parsed) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise FrontMatterError("Tên trường phải là một từ đơn.", line=first + key_node.start_mark.line)
            key = str(key_node.value)
            line = first + key_node.start_mark.line
            if key in result:
                parsed.duplicates.append((path + (key,), line))
                continue
            parsed.lines[path + (key,)] = line
            result[key] = _construct(value_node, path + (key,), first, parsed)
        return result
    raise FrontMatterError("Giá trị không hợp lệ.", line=first + node.start_mark.line)

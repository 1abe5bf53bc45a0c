"""Split a Markdown file into YAML front matter and body, keeping line numbers for every key.

The YAML is read with a deliberately small scalar schema (close to YAML 1.2 core): strings stay
strings, so ``2026-03-02`` is the text an editor wrote (dates are checked by the schema), ``08:30``
is not a sexagesimal number and ``no`` is not ``False``. Only ``true``/``false``, integers, plain
decimals and ``null``/``~``/empty are typed. Duplicate keys are reported, not silently merged.
Anchors and aliases are refused and nesting is bounded (:class:`_Builder`), so a few hundred bytes
can neither expand to gigabytes nor recurse ten thousand levels deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from . import limits

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

    def path_at(self, line: int) -> tuple:
        """The deepest key path whose value starts on ``line`` or, failing that, is the last to start
        before it (a value spread over several lines); ``()`` when none."""
        best, best_line = (), 0
        for path, start in self.lines.items():
            if start <= line and (start > best_line or (start == best_line and len(path) > len(best))):
                best, best_line = path, start
        return best


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
    value = _load(yaml_text, first, parsed)
    if value is _NOTHING:
        raise FrontMatterError("Phần thông tin (front matter) trống.", line=first,
                               expected="ít nhất các trường bắt buộc, ví dụ «tieu_de:» và «ngay:»")
    parsed.lines[()] = first
    if not isinstance(value, dict):
        raise FrontMatterError(
            "Phần thông tin phải là danh sách các trường «tên: giá trị».",
            line=first, found=f"một {'danh sách' if isinstance(value, list) else 'giá trị đơn'}",
        )
    parsed.data = value
    return parsed


def _load(yaml_text: str, first: int, parsed: Parsed):
    """Build the value from YAML events with libyaml (fast); on a YAML error, read again with the
    pure-Python parser, whose messages we translate."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return _Builder(first, parsed).run(yaml.parse(yaml_text, Loader=fast))
        except yaml.YAMLError:
            parsed.lines.clear()
            parsed.duplicates.clear()
    try:
        return _Builder(first, parsed).run(yaml.parse(yaml_text, Loader=yaml.SafeLoader))
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
    except yaml.YAMLError as exc:  # the reader: a character YAML does not allow (not marked with a line)
        position = getattr(exc, "position", 0) or 0
        character = getattr(exc, "character", "")
        if isinstance(character, str) and len(character) == 1:
            character = ord(character)
        code = f"U+{character:04X}" if isinstance(character, int) else "?"
        raise FrontMatterError(
            f"Phần thông tin có ký tự không được phép ({code}).", line=first + yaml_text.count("\n", 0, position),
            expected="chữ, số và dấu câu thông thường", found=code,
        ) from None


_NOTHING = object()


class _Builder:
    """Python values from a stream of YAML events, without recursion and without following aliases.

    Anchors (``&a``) and aliases (``*a``) are refused when they are met, before anything is built:
    nine aliases of nine aliases make a few hundred bytes expand to billions of values ("billion
    laughs"), and editors never need them. Nesting deeper than :data:`limits.MAX_YAML_DEPTH` is
    refused when it is reached. Each frame of the stack is a container being filled.
    """

    def __init__(self, first: int, parsed: Parsed):
        self.first = first
        self.parsed = parsed

    def run(self, events):
        stack: list[_Frame] = []
        root, documents = _NOTHING, 0
        for event in events:
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            line = self.first + event.start_mark.line
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise FrontMatterError("Phần thông tin chỉ được có một khối YAML.", line=line,
                                           expected="không có dòng «---» hoặc «...» ở giữa các trường",
                                           found="khối YAML thứ hai")
                continue
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = "*" if isinstance(event, yaml.AliasEvent) else "&"
                raise FrontMatterError(
                    "Phần thông tin dùng neo «&» hoặc bí danh «*» của YAML; cổng không nhận cách viết này"
                    " (có thể bị lợi dụng để làm treo việc xây dựng).", line=line,
                    expected="ghi trực tiếp giá trị của từng trường; chữ bắt đầu bằng «&» hoặc «*» hãy đặt"
                             " trong ngoặc kép",
                    found=f"«{mark}{event.anchor}»")
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                value = stack.pop().value
                if not stack:
                    root = value
                else:
                    stack[-1].add(value, self.parsed)
                continue
            parent = stack[-1] if stack else None
            if parent is not None and parent.wants_key():
                if not isinstance(event, yaml.ScalarEvent):
                    raise FrontMatterError("Tên trường phải là một từ đơn.", line=line)
                parent.key(str(event.value), line, self.parsed)
                continue
            path = parent.child_path() if parent is not None else ()
            record = parent is None or parent.recording()
            if record:
                self.parsed.lines.setdefault(path, line)
            if isinstance(event, yaml.ScalarEvent):
                value = _scalar(event)
                if parent is None:
                    root = value
                else:
                    parent.add(value, self.parsed)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= limits.MAX_YAML_DEPTH:
                    raise FrontMatterError(
                        "Phần thông tin lồng nhau quá sâu.", line=line,
                        expected=f"tối đa {limits.MAX_YAML_DEPTH} cấp lồng nhau",
                        found=f"hơn {limits.MAX_YAML_DEPTH} cấp")
                stack.append(_Frame({} if isinstance(event, yaml.MappingStartEvent) else [], path, record))
            else:
                raise FrontMatterError("Giá trị không hợp lệ.", line=line)
        return root


class _Frame:
    """A mapping or sequence being built: its path, and for a mapping the key waiting for its value."""

    def __init__(self, value, path: tuple, record: bool):
        self.value = value
        self.path = path
        self.record = record
        self.pending: tuple[str, bool] | None = None  # (key, keep) between a key and its value

    def wants_key(self) -> bool:
        return isinstance(self.value, dict) and self.pending is None

    def key(self, key: str, line: int, parsed: Parsed) -> None:
        keep = key not in self.value
        if self.record:
            if keep:
                parsed.lines[self.path + (key,)] = line
            else:
                parsed.duplicates.append((self.path + (key,), line))
        self.pending = (key, keep)

    def child_path(self) -> tuple:
        if isinstance(self.value, dict):
            return self.path + (self.pending[0],)
        return self.path + (len(self.value),)

    def recording(self) -> bool:
        return self.record and (self.pending is None or self.pending[1])

    def add(self, value, parsed: Parsed) -> None:
        if isinstance(self.value, list):
            self.value.append(value)
            return
        key, keep = self.pending
        self.pending = None
        if keep:  # a duplicate key's value is read (to find its end) and dropped: the first one counts
            self.value[key] = value


_YAML_REASONS = {
    "found character '\\t' that cannot start any token": "có ký tự Tab; hãy thụt lề bằng dấu cách",
    "mapping values are not allowed here":
        "có dấu «:» không hợp lệ (giá trị chứa dấu hai chấm cần đặt trong ngoặc kép)",
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


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    for key, text in _YAML_REASONS.items():
        if key in problem:
            return text
    if "found unknown escape character" in problem:
        return "chuỗi trong ngoặc kép có ký tự «\\» không hợp lệ (dùng ngoặc đơn hoặc viết «\\\\»)"
    return "cấu trúc không hợp lệ"


def _scalar(event: yaml.ScalarEvent):
    text = event.value
    if event.style:  # quoted or block scalar: always a string
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

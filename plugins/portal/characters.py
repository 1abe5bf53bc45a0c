"""Characters an editor cannot see and did not mean to type: control characters, bidirectional
controls and carriage returns without a line feed.

- **Control characters** (C0 except TAB and LF, DEL, C1, and the non-characters U+FFFE and U+FFFF)
  are errors wherever they are, front matter or body, code blocks included. None of them displays;
  XML 1.0 cannot carry the C0 ones, so a feed or the sitemap would fail at build time; YAML refuses
  them. They are found on the decoded text before the YAML is read, and the copy YAML reads has them
  replaced, so the check still reports the file's other problems. TAB is fine in a body (code,
  tables); in front matter YAML itself refuses it for indentation.
- **Bidirectional controls** reorder how text displays without changing what it is ("Trojan source",
  CVE-2021-42574): U+202A–U+202E (embeddings, overrides) and U+2066–U+2069 (isolates) are an error in
  a title, an address, a document number, a procedure code or any URL or file field, where readers,
  search and link checks would see something other than what is published; elsewhere a warning, as
  are the invisible marks U+200E, U+200F and U+061C (Vietnamese text never needs them).
- **Carriage returns** not followed by a line feed (old Mac line endings, or a stray CR inside a
  line) are a warning: the file is read with each one as a line break, which may not be what the
  editor's program shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .problems import ERROR, WARNING, Problem

_C0_NAMES = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO",
             "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS",
             "RS", "US"]
_DESCRIPTIONS = {"\x07": "ký tự chuông", "\x08": "ký tự xóa lùi", "\x0b": "ký tự tab dọc",
                 "\x0c": "ký tự sang trang", "\x1b": "ký tự thoát", "\x7f": "ký tự xóa",
                 "\x85": "ký tự xuống dòng kiểu cũ", "\ufffe": "ký tự không hợp lệ", "\uffff": "ký tự không hợp lệ"}
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_MARK = re.compile("[\u200e\u200f\u061c]")
_BIDI_ANY = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_BIDI_NAMES = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
               "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI", "\u200e": "LRM",
               "\u200f": "RLM", "\u061c": "ALM"}
MAX_LISTED = 5  # per kind and file; the rest are counted in one more problem
REPLACEMENT = "\ufffd"
_FIX = "thường lẫn vào khi dán từ Word, PDF, trang web hoặc phần mềm khác"


@dataclass(frozen=True)
class Hit:
    """One unwanted character: 1-based file line and column, the character and a stretch of its line."""

    line: int
    column: int
    char: str
    around: str


def name(char: str, described: bool = True) -> str:
    """«ESC» (U+001B, ký tự thoát): what the editor is told the character is (without the description
    when the sentence already says what kind of character it is)."""
    code = ord(char)
    short = (_C0_NAMES[code] if code < 32 else "DEL" if code == 0x7F else _BIDI_NAMES.get(char)
             or ("C1" if 0x80 <= code <= 0x9F else ""))
    description = f", {_DESCRIPTIONS[char]}" if described and char in _DESCRIPTIONS else ""
    return (f"«{short}» " if short else "") + f"(U+{code:04X}{description})"


def _hits(text: str, pattern: re.Pattern, first_line: int = 1) -> tuple[list[Hit], int]:
    """The first :data:`MAX_LISTED` matches of ``pattern`` as hits, and how many there are in all."""
    hits, line, start = [], first_line, 0
    for match in pattern.finditer(text):
        line += text.count("\n", start, match.start())
        start = match.start()
        head = text.rfind("\n", 0, start) + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        mark = f"⟨U+{ord(match.group()):04X}⟩"
        around = text[max(head, start - 30):start] + mark + text[start + 1:min(end, start + 31)]
        hits.append(Hit(line, start - head + 1, match.group(), around))
        if len(hits) == MAX_LISTED:
            break
    total = len(hits) if len(hits) < MAX_LISTED else len(text) - len(pattern.sub("", text))
    return hits, total


def _found(hit: Hit) -> str:
    return f"«{CONTROL.sub(REPLACEMENT, _BIDI_ANY.sub('', hit.around)).strip()}»"


def _rest(rel: str, head: Problem, count: int, severity: str) -> Problem:
    return Problem(rel, head.line, f"Còn {count} ký tự tương tự khác trong tệp này (chỉ liệt kê {MAX_LISTED} chỗ"
                                   " đầu).", expected=head.expected, severity=severity, code=head.code)


# field_at(file line) → (dotted field, Vietnamese label) of the front matter value on that line, or None.
FieldAt = Callable[[int], "tuple[str, str] | None"]


def scan_controls(text: str, rel: str, field_at: FieldAt | None = None) -> tuple[str, list[Problem]]:
    """(``text`` with control characters replaced by U+FFFD, their problems). The copy keeps every
    line where it was, so YAML can then be read and report its own problems. ``field_at`` is asked
    after the YAML was read, through the problems' lazily filled fields (see :func:`with_fields`)."""
    if not CONTROL.search(text):
        return text, []
    hits, total = _hits(text, CONTROL)
    problems = [Problem(rel, hit.line, f"Có ký tự điều khiển không nhìn thấy được {name(hit.char)} ở cột"
                                       f" {hit.column}. Nguồn tin RSS/Atom và sơ đồ cổng không chứa được ký tự này.",
                        expected=f"xóa ký tự này ({_FIX})", found=_found(hit), code="ky-tu-dieu-khien")
                for hit in hits]
    if total > len(hits):
        problems.append(_rest(rel, problems[0], total - len(hits), ERROR))
    return CONTROL.sub(REPLACEMENT, text), problems


def with_fields(problems: list[Problem], field_at: FieldAt) -> list[Problem]:
    """The same problems, each on a front matter line naming its field."""
    out = []
    for problem in problems:
        where = field_at(problem.line) if problem.line else None
        out.append(problem if not where else Problem(problem.path, problem.line, problem.message, field=where[0],
                                                     label=where[1], expected=problem.expected,
                                                     found=problem.found, severity=problem.severity,
                                                     code=problem.code))
    return out


def bidi_in_fields(values, rel: str, line_of: Callable[[tuple], int], label: Callable[[tuple], str],
                   strict: Callable[[tuple], bool], dotted: Callable[[tuple], str]) -> list[Problem]:
    """Bidirectional controls and marks in front matter values: one problem per value, an error for a
    control in a ``strict`` field (title, address, code, URL, file)."""
    problems = []
    for path, value in _strings(values):
        found = _BIDI_ANY.findall(value)
        if not found:
            continue
        control = next((c for c in found if BIDI_CONTROL.match(c)), None)
        char = control or found[0]
        severity = ERROR if control and strict(path) else WARNING
        message = (f"Có ký tự điều khiển hướng chữ {name(char)}: chữ hiển thị theo thứ tự khác với thứ tự thật,"
                   " có thể bị lợi dụng để đánh lừa người đọc." if control else
                   f"Có dấu định hướng chữ không nhìn thấy được {name(char)}.")
        if severity == ERROR:
            message += " Trường này là tiêu đề, địa chỉ hoặc mã nên không được chứa ký tự này."
        problems.append(Problem(rel, line_of(path), message, field=dotted(path), label=label(path),
                                expected=f"xóa ký tự này ({_FIX}); tiếng Việt không cần ký tự điều khiển hướng chữ",
                                found=f"«{_BIDI_ANY.sub('', value)[:60]}» có {len(found)} ký tự như vậy",
                                severity=severity, code="ky-tu-huong-chu"))
    return problems


def bidi_in_body(body: str, body_line: int, rel: str) -> list[Problem]:
    """Bidirectional controls and marks in the body: warnings, the first few with line and column."""
    if not _BIDI_ANY.search(body):
        return []
    hits, total = _hits(body, _BIDI_ANY, body_line)
    problems = [Problem(rel, hit.line, f"Có ký tự điều khiển hướng chữ {name(hit.char)} ở cột {hit.column}: chữ"
                                       " có thể hiển thị theo thứ tự khác với thứ tự thật.",
                        expected=f"xóa ký tự này ({_FIX})", found=_found(hit), severity=WARNING,
                        code="ky-tu-huong-chu") for hit in hits]
    if total > len(hits):
        problems.append(_rest(rel, problems[0], total - len(hits), WARNING))
    return problems


def _strings(value, path: tuple = ()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))
    elif isinstance(value, str):
        yield path, value


def lone_carriage_return(data: bytes) -> int | None:
    """1-based line of the first CR not followed by LF, counting lines the way the file is read
    (LF, CRLF and lone CR each end a line); None when there is none."""
    if b"\r" not in data:
        return None
    match = re.search(rb"\r(?!\n)", data)
    if match is None:
        return None
    head = data[:match.start()]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def carriage_return_problem(rel: str, line: int) -> Problem:
    return Problem(rel, line, "Tệp dùng ký tự CR (không kèm LF) để xuống dòng, kiểu của máy Mac đời cũ hoặc do dán"
                              " từ phần mềm khác; tệp được đọc với mỗi ký tự CR là một lần xuống dòng.",
                   expected="xuống dòng kiểu LF hoặc CRLF (trình soạn thảo: End of Line → LF)",
                   found="ký tự CR đứng riêng", severity=WARNING, code="xuong-dong-cr")

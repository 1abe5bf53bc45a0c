"""Values that stand in for information: what ``invoke new`` writes, and fillers copied or typed instead.

Two kinds, both found in the front matter of every content type before it is validated:

- **scaffold placeholders** — what :mod:`portal.scaffold` writes for the editor to replace: a text
  ``(điền …)`` or ``(chọn một: …)``, the body line :data:`BODY`, a procedure code whose number is
  ``000000``. Each is an error (the file is not published until it is replaced, or the line removed);
  the schema's own complaint about the same field is dropped, so the editor reads one message.
- **fillers** — "đang cập nhật", "(chưa có trên trang nguồn)", "...", "—", "N/A": not information, so
  they count as absent. In an optional field that is a warning and the value is left out of what is
  published (a procedure's page then says plainly the field is missing, compliance counts it as
  missing); in a required field it is an error, because the item cannot be published without it.
"""

from __future__ import annotations

import re
import unicodedata

from . import schema
from .problems import WARNING, Problem, short

# What the scaffold writes (portal.scaffold uses these, this module recognises them).
FILL = "(điền {what})"
CHOOSE = "(chọn một: {choices})"
BODY = "Nội dung viết bằng Markdown tại đây."

_SCAFFOLD = re.compile(r"^\((điền|chọn)\b.*\)$", re.DOTALL)
_ZERO_CODE = re.compile(r"^[123]\.0{6}(\.|$)")
_CODE_FIELDS = {"ma_thu_tuc", "thu_tuc_lien_quan"}
# A filler, compared after NFC, case folding, single spaces and without surrounding brackets, quotes and
# a final full stop.
_FILLERS = (
    re.compile(r"^(đang|chưa|sẽ|se) (được )?(cập nhật|bổ sung)\b.*$"),
    re.compile(r"^(cập nhật|bổ sung) sau$"),
    re.compile(r"^(chưa|không) có (thông tin|dữ liệu|số liệu)\b.*$"),
    re.compile(r"^(chưa|không) có (trên|ở|tại) (trang|nguồn)\b.*$"),
    re.compile(r"^(chưa|không) (rõ|xác định)$"),
    re.compile(r"^(n/?a|tbd|todo|updating|x{2,}|\?+)$"),
    re.compile(r"^[.…\-–—_*?/\s]+$"),
)
_FILLER = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in _FILLERS))  # one match instead of seven
_BRACKETS = "()[]{}«»\"'“”‘’"
_ABSENT = object()


def is_scaffold(value, key: str = "") -> bool:
    """``value`` is a placeholder ``invoke new`` writes (``key``: the field it is in)."""
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFC", value).strip()
    return bool(_SCAFFOLD.match(text)) or (key in _CODE_FIELDS and bool(_ZERO_CODE.match(text)))


def is_filler(value) -> bool:
    """``value`` says there is no information ("đang cập nhật", "...", "(chưa có trên trang nguồn)")."""
    if not isinstance(value, str):
        return False
    text = " ".join(unicodedata.normalize("NFC", value).casefold().split())
    if not text:
        return False
    inner = text.strip(_BRACKETS + " ").rstrip(".").strip(_BRACKETS + " ") or text
    return bool(_FILLER.match(inner) or (inner != text and _FILLER.match(text)))


def scan(type_id: str, data: dict, body: str, body_line: int, rel: str, line_of) -> tuple[dict, list[Problem]]:
    """(front matter without its fillers, every placeholder and filler found, body included)."""
    problems: list[Problem] = []
    cleaned = _clean(type_id, data, (), rel, line_of, problems)
    for offset, text in enumerate(body.split("\n") if BODY in body else ()):
        if text.strip() == BODY:
            problems.append(Problem(rel, body_line + offset, "Phần nội dung vẫn là câu mẫu do lệnh «invoke new» điền;"
                                    " tệp sẽ không được đăng khi chưa thay.",
                                    expected="nội dung thật viết bằng Markdown (loại tin bài không bắt buộc nội dung"
                                             " thì xóa câu mẫu)", found=f"«{BODY}»", code="gia-tri-tam"))
    return (cleaned if isinstance(cleaned, dict) else {}), problems


def without_repeats(problems: list[Problem], stand_ins: list[Problem]) -> list[Problem]:
    """``problems`` (the schema's) less those about a field already reported as a scaffold placeholder."""
    taken = {p.field for p in stand_ins if p.code == "gia-tri-tam" and p.field}
    return [p for p in problems if p.field not in taken]


def _clean(type_id: str, value, path: tuple, rel: str, line_of, problems: list[Problem], required: bool = False):
    """``value`` without fillers (``_ABSENT`` when it is one, or a list made only of them); ``required``:
    whether the field holding it is required where it is."""
    if isinstance(value, str):
        key = next((p for p in reversed(path) if isinstance(p, str)), "")
        if is_scaffold(value, key):
            problems.append(_problem(type_id, path, value, rel, line_of, scaffold=True, required=required))
            return value
        return _ABSENT if is_filler(value) else value
    if isinstance(value, dict):
        required = set(schema.subschema(type_id, path).get("required", []))
        out = {}
        for key, item in value.items():
            cleaned = _clean(type_id, item, path + (key,), rel, line_of, problems, key in required)
            if cleaned is _ABSENT:
                problems.append(_problem(type_id, path + (key,), item, rel, line_of, required=key in required))
                if key not in required:
                    continue
                cleaned = item  # kept, so the schema does not add a second message about the same field
            out[key] = cleaned
        return out
    if isinstance(value, list):
        out, found = [], []
        for index, item in enumerate(value):
            cleaned = _clean(type_id, item, path + (index,), rel, line_of, problems)
            if cleaned is _ABSENT:
                found.append((index, item))
            else:
                out.append(cleaned)
        if value and not out:
            return _ABSENT  # the whole list says "no information": reported once, at the list
        for index, item in found:
            problems.append(_problem(type_id, path + (index,), item, rel, line_of, required=False))
        return out
    return value


def _problem(type_id: str, path: tuple, value, rel: str, line_of, scaffold: bool = False,
             required: bool = False) -> Problem:
    common = dict(field=schema.dotted(path), label=schema.label(type_id, path), code="gia-tri-tam")
    found = short(value) if isinstance(value, str) else "danh sách chỉ gồm giá trị điền cho có: " + short(value)
    if scaffold:
        return Problem(rel, line_of(path), "Giá trị tạm do lệnh «invoke new» điền vẫn chưa được thay; tệp sẽ không"
                       " được đăng khi chưa sửa.",
                       expected="thông tin thật (trường bắt buộc)" if required else
                       "thông tin thật, hoặc xóa cả dòng nếu chưa có thông tin", found=found, **common)
    common["code"] = "gia-tri-dien-cho-co"
    if required:
        return Problem(rel, line_of(path), "Giá trị này không phải thông tin thật, mà trường này bắt buộc: chưa"
                       " đăng được khi chưa có thông tin.", expected="thông tin thật lấy từ nguồn chính thức",
                       found=found, **common)
    return Problem(rel, line_of(path), "Giá trị này không phải thông tin thật nên được coi như để trống: giá trị"
                   " không được đăng.", expected="thông tin thật lấy từ nguồn chính thức, hoặc xóa dòng này",
                   found=found, severity=WARNING, **common)


__all__ = ["BODY", "CHOOSE", "FILL", "is_filler", "is_scaffold", "scan", "without_repeats"]

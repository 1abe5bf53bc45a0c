"""Front matter read from the standard parts of an administrative document (văn bản hành chính).

Nghị định 30/2020/NĐ-CP on văn thư (Phụ lục I) fixes where each part sits: the letterhead is two columns,
the issuing body on the left (its superior body above it, not bold; its own name in bold) with "Số: …"
below, the national motto on the right (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM, Độc lập - Tự do - Hạnh phúc)
with "<place>, ngày … tháng … năm …" below; then the kind of document in capitals (QUYẾT ĐỊNH) and its
summary (trích yếu, "Về việc …"); a công văn has no kind line, its "V/v …" sits under its number. The
signature block closes the document, the signer's name last. Phụ lục III lists the abbreviation of each
kind used in the số ký hiệu (:data:`KIND_ABBREVIATIONS`).

Everything here reads plain text lines (a Word table cell, a PDF column alike); a value is filled only
when the document states it in the standard form, and each filled field says where it came from.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from portal import schema

# Nghị định 30/2020/NĐ-CP, Phụ lục III (chữ viết tắt tên loại văn bản), and the Law on legal documents for
# NĐ and TT: abbreviation in the số ký hiệu → loai_van_ban of van-ban.schema.json.
KIND_ABBREVIATIONS = {"QĐ": "quyet-dinh", "NQ": "nghi-quyet", "NĐ": "nghi-dinh", "TT": "thong-tu", "CT": "chi-thi",
                      "KH": "ke-hoach", "TB": "thong-bao", "BC": "bao-cao", "TTr": "to-trinh", "HD": "huong-dan",
                      "CTr": "chuong-trinh", "ĐA": "de-an"}
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC")
SIGNER_TITLES = re.compile(r"^(KT\.|TM\.|TL\.|TUQ\.|Q\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG|PHÓ"
                           r"|CHÁNH|BỘ TRƯỞNG|THỨ TRƯỞNG|BÍ THƯ|\(.*\))", re.IGNORECASE)
_NUMBER = re.compile(r"\bSố\s*:?\s*([0-9]+[a-zA-Z]?(?:/[0-9]{4})?/[A-Za-zĐđ0-9.&]+(?:-[A-Za-zĐđ0-9.&]+)*)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_SHORT = re.compile(r"ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*(V/v|Về việc)\s*:?\s*", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\s\-_–—*=.·]+$")
_BODY_START = re.compile(r"^(Căn cứ|Thực hiện|Kính gửi|Theo đề nghị|Xét đề nghị|Điều\s+\d|Chương\s+[IVXLC\d])",
                         re.IGNORECASE)
_EFFECT = re.compile(r"có hiệu lực(?: thi hành)?(?: kể)? từ ngày\s+(ký|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
                     r"|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})", re.IGNORECASE)
_LEVELS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu")


@dataclass(frozen=True)
class Line:
    """A line of text as the document shows it; ``bold`` is None when the source cannot tell."""

    text: str
    bold: bool | None = None


@dataclass
class Reading:
    """Fields read from the document, and for each the Vietnamese name of the place it was read from."""

    fields: dict = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def set(self, key: str, value, source: str) -> None:
        if value not in (None, "") and key not in self.fields:
            self.fields[key] = value
            self.sources[key] = source


def fold(text: str) -> str:
    """Upper case NFC with single spaces and one spelling of hòa/hoà, for comparing document lines."""
    text = " ".join(unicodedata.normalize("NFC", text).split()).upper()
    return text.replace("HOÀ", "HÒA").replace("–", "-").replace("—", "-")


def kind_labels() -> dict[str, str]:
    """The kind word as printed (QUYẾT ĐỊNH) → loai_van_ban value, from the schema's Vietnamese labels."""
    labels = schema.subschema("van-ban", ("loai_van_ban",)).get("x-labels", {})
    return {fold(label): value for value, label in labels.items() if value != "van-ban-khac"}


def is_letterhead(left: list[Line], right: list[Line]) -> bool:
    """Two columns: the national motto on the right, or a "Số: …" with a dated place line."""
    right_text = fold(" ".join(line.text for line in right))
    return any(motto in right_text for motto in MOTTO) or (
        any(_NUMBER.search(line.text) for line in left) and any(_DATE.search(line.text) for line in right))


def read_letterhead(left: list[Line], right: list[Line], units: list[str], reading: Reading) -> None:
    """so_ky_hieu, ngay_ban_hanh, co_quan_ban_hanh (and a công văn's trích yếu) from the two columns."""
    number_at = next((i for i, line in enumerate(left) if _NUMBER.search(line.text)), None)
    if number_at is not None:
        number = _NUMBER.search(left[number_at].text).group(1)
        reading.set("so_ky_hieu", number, "dòng «Số:» ở đầu văn bản")
        if re.search(r"/\d{4}/", number):  # numbered with its year: a legal document (Luật Ban hành VBQPPL)
            reading.set("van_ban_qppl", True, "số ký hiệu có năm ban hành (văn bản quy phạm pháp luật)")
        subject = " ".join(line.text.strip() for line in left[number_at + 1:] if line.text.strip())
        if _SUBJECT.match(subject):
            reading.set("trich_yeu", _capital(_SUBJECT.sub("Về việc ", subject, count=1)), "dòng «V/v» dưới số văn bản")
            reading.set("loai_van_ban", "cong-van", "dòng «V/v» dưới số văn bản (công văn)")
    for line in right:
        issued = date_in(line.text)
        if issued:
            reading.set("ngay_ban_hanh", issued.isoformat(), "dòng địa danh, ngày tháng năm ở đầu văn bản")
            break
    body = issuing_body([line for line in left[:number_at] if line.text.strip()] if number_at is not None else
                        [line for line in left if line.text.strip()], units)
    reading.set("co_quan_ban_hanh", body, "tên cơ quan ở góc trái đầu văn bản")


def date_in(text: str) -> dt.date | None:
    """The date written "ngày 05 tháng 3 năm 2026" (or "ngày 05/3/2026") in ``text``, if it is a real one."""
    match = _DATE.search(text) or _DATE_SHORT.search(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def issuing_body(lines: list[Line], units: list[str]) -> str:
    """The issuing body's name: its bold lines (or, without bold, the last line and a level line before it
    such as "ỦY BAN NHÂN DÂN" / "XÃ THANH VÂN"), spelled as a known unit of the province when it is one."""
    lines = [line for line in lines if not _SEPARATOR.match(line.text)]
    if not lines:
        return ""
    bold = [line.text for line in lines if line.bold]
    if bold and len(bold) < len(lines):
        parts = bold
    elif len(lines) >= 2 and fold(lines[-1].text).split()[0].lower() in {w.split()[0] for w in _LEVELS} \
            and not any(fold(lines[-2].text).endswith(fold(level)) for level in _LEVELS):
        parts = [line.text for line in lines[-2:]]  # "ỦY BAN NHÂN DÂN" + "XÃ THANH VÂN": one name on two lines
    else:
        parts = [lines[-1].text]
    name = " ".join(" ".join(parts).split())
    above = fold(" ".join(line.text for line in lines))
    for unit in units:  # "SỞ TƯ PHÁP" under "UBND TỈNH THANH VÂN" is "Sở Tư pháp tỉnh Thanh Vân"
        if fold(unit) == fold(name) or (fold(unit).startswith(fold(name) + " ")
                                        and fold(unit)[len(fold(name)) + 1:] in above):
            return unit
    return _sentence_case(name) if name.isupper() else name


def _sentence_case(name: str) -> str:
    """ "ỦY BAN NHÂN DÂN XÃ THANH VÂN" → "Ủy ban nhân dân xã Thanh Vân": the place after its level is a name."""
    words = name.lower().split()
    out, proper = [], False
    index = 0
    while index < len(words):
        for level in sorted(_LEVELS, key=len, reverse=True):
            size = len(level.split())
            if " ".join(words[index:index + size]) == level:
                out += words[index:index + size]
                index += size
                proper = True
                break
        else:
            out.append(words[index].capitalize() if proper or not out else words[index])
            index += 1
    return " ".join(out)


def _capital(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


def read_title(paragraphs: list[list[Line]], reading: Reading) -> int:
    """The kind line and the trích yếu at the head of ``paragraphs``; returns how many paragraphs they take.

    ``QUYẾT ĐỊNH`` then ``Về việc …`` (one paragraph with line breaks, or several) gives loai_van_ban,
    trich_yeu and tieu_de ("Quyết định về việc …"). Stops at the body: the authority line in capitals,
    "Căn cứ …", "Kính gửi …", an article.
    """
    kinds = kind_labels()
    index = 0
    while index < len(paragraphs) and not _text(paragraphs[index]).strip():
        index += 1
    if index == len(paragraphs):
        return 0
    first = [line for line in paragraphs[index] if line.text.strip()]
    kind = kinds.get(fold(first[0].text).rstrip(":")) if first else None
    if kind is None or fold(first[0].text).endswith(":"):  # "QUYẾT ĐỊNH:" opens the articles, it is no title
        return 0
    reading.set("loai_van_ban", kind, f"dòng tên loại văn bản «{first[0].text.strip()}»")
    summary = [line.text for line in first[1:]]
    used = index + 1
    while used < len(paragraphs) and len(summary) < 6:
        lines = [line for line in paragraphs[used] if line.text.strip()]
        if not lines:
            used += 1
            continue
        text = " ".join(line.text for line in lines)
        if _SEPARATOR.match(text):
            used += 1
            break
        if summary and (text.isupper() or _BODY_START.match(text) or lines[0].bold is False):
            break
        if not summary and (_BODY_START.match(text) or (text.isupper() and not _SUBJECT.match(text))):
            break
        summary += [line.text for line in lines]
        used += 1
    while used < len(paragraphs) and _SEPARATOR.match(_text(paragraphs[used]) or "-"):
        used += 1
    label = next(lbl for lbl, value in kinds.items() if value == kind)
    subject = " ".join(" ".join(summary).split())
    if subject:
        reading.set("trich_yeu", _capital(subject), "dòng trích yếu dưới tên loại văn bản")
        reading.set("tieu_de", f"{label.capitalize()} {subject[:1].lower()}{subject[1:]}",
                    "tên loại và trích yếu của văn bản")
    return used


def _text(paragraph: list[Line]) -> str:
    return " ".join(line.text for line in paragraph)


def kind_from_number(number: str) -> str | None:
    """loai_van_ban from the abbreviation in a số ký hiệu (12/2026/QĐ-UBND → quyet-dinh); a number whose
    symbol names only bodies (1450/UBND-VP) is a công văn (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    symbol = number.split("/")[-1]
    first = symbol.split("-")[0]
    if first in KIND_ABBREVIATIONS:
        return KIND_ABBREVIATIONS[first]
    return "cong-van" if "-" in symbol else None


def complete(reading: Reading) -> None:
    """What follows from the fields read: the kind from the number, the title from the kind and number."""
    number = reading.fields.get("so_ky_hieu")
    if number:
        kind = kind_from_number(number)
        written = reading.fields.get("loai_van_ban")
        if written and kind and written != kind and kind != "cong-van":
            reading.notes.append(f"Tên loại văn bản ({written}) khác với chữ viết tắt trong số ký hiệu {number}"
                                 f" ({kind}); đã dùng tên loại ghi trên văn bản, hãy kiểm tra lại.")
        reading.set("loai_van_ban", kind, f"chữ viết tắt tên loại trong số ký hiệu {number}")
    kind = reading.fields.get("loai_van_ban")
    if kind and not reading.fields.get("tieu_de"):
        label = schema.value_label("van-ban", ("loai_van_ban",), kind)
        subject = reading.fields.get("trich_yeu", "")
        title = f"{label} {subject[:1].lower()}{subject[1:]}" if subject else \
            (f"{label} số {number}" if number else "")
        reading.set("tieu_de", title, "tên loại, số ký hiệu và trích yếu của văn bản")


def read_effect(text: str, reading: Reading) -> None:
    """ngay_hieu_luc when the body says "có hiệu lực (thi hành) (kể) từ ngày ký / ngày … tháng … năm …"."""
    match = _EFFECT.search(" ".join(text.split()))
    if not match:
        return
    if match.group(1).lower() == "ký":
        reading.set("ngay_hieu_luc", reading.fields.get("ngay_ban_hanh"), "câu «có hiệu lực từ ngày ký» (ngày ký là"
                    " ngày ban hành)")
    else:
        effective = date_in("ngày " + match.group(1))
        reading.set("ngay_hieu_luc", effective.isoformat() if effective else None, "câu «có hiệu lực từ ngày …»")


def signature(lines: list[Line]) -> str | None:
    """The signer's name: the last line of the signature block written as a name (each word capitalised)."""
    for line in reversed(lines):
        text = " ".join(line.text.split())
        words = text.split()
        if SIGNER_TITLES.match(text) or not 2 <= len(words) <= 6 or any(c.isdigit() for c in text):
            continue
        if all(word[:1].isupper() and (len(word) == 1 or not word[1:].isupper()) for word in words):
            return text
    return None


def is_signature(left: list[Line], right: list[Line]) -> bool:
    """The closing table: "Nơi nhận:" on the left, or a signer's title on the right."""
    first_left = fold(left[0].text) if left else ""
    return first_left.startswith("NƠI NHẬN") or any(SIGNER_TITLES.match(line.text.strip()) for line in right[:3])

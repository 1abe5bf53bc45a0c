"""Vietnamese letters written with the wrong code points: decomposed text (NFD) and look-alike letters.

Text pasted from macOS, PDFs, old fonts and encoding converters often *looks* right and is not:
search, addresses (slugs), feeds and other software then see other letters than the reader does.
:func:`review` finds them in a whole file and returns the text as it is published:

- **Decomposed text** (a letter followed by combining marks, Unicode NFD, as macOS and some editors
  save it; also the deprecated tone marks U+0340/U+0341 and ơ/ư built with the combining horn U+031B)
  is normalised to NFC, always: one warning per file, at the first line holding such text.
- **Look-alike letters** (:data:`RULES`) are replaced by the Vietnamese letter they stand for when that
  is unambiguous: the word they sit in must come out as a word of Vietnamese letters (each rule says
  what that means for it). Otherwise they are only warned about. Each case is a warning with line,
  column, the word as written and as fixed, and the exact replacement.
- **Letters outside the Vietnamese alphabet** inside an otherwise Vietnamese word (``hǒa``, ``Nguyễǹ``)
  and full-width punctuation are warned about, never changed.
- **No-break spaces** in front matter (YAML does not take them for spaces: ``tieu_de:<NBSP>Tin`` is not
  a field) become ordinary spaces. In the body they are legitimate typography and left alone.

The same function serves the check (the published text) and ``invoke check --fix`` (:mod:`portal.fixes`,
which writes the fixed text back), so a fixed file has nothing left to warn about. Line numbers count
LF, CRLF and lone CR line endings, which are kept as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .encoding import LETTERS, is_syllable
from .problems import WARNING, Problem

MAX_LISTED = 5  # per kind and file, as portal.characters lists them; the rest are counted
FIX_COMMAND = "invoke check --fix"

_VIETNAMESE = frozenset(LETTERS) | {c.upper() for c in LETTERS} | set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Letters only Vietnamese writes (outside Latin-1): one of them makes a word Vietnamese.
_ONLY_VIETNAMESE = frozenset(c for c in _VIETNAMESE if ord(c) > 0xFF)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309"}  # huyền, sắc, ngã, hỏi (canonical class 230)
_SHAPES = {"\u0302", "\u0306"}                     # mũ (â ê ô), trăng (ă): class 230 too
_LINE_END = re.compile(r"\r\n|\r|\n")
_FENCE = re.compile(r"---[ \t]*")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SPACING_TONES = {"\u02ca": "\u0301", "\u02cb": "\u0300", "\u02dc": "\u0303", "\u00b4": "\u0301",
                  "\u0384": "\u0301", "\u02c6": "\u0302", "\u02d8": "\u0306"}
_NO_BREAK_SPACES = "\u00a0\u202f\u2007\u3000"
_TO_SPACE = {ord(c): " " for c in _NO_BREAK_SPACES}
_FULL_WIDTH_PUNCTUATION = re.compile("[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]")
_MARKS = "\u0300-\u036f\u1dc0-\u1dff"
# A word holding a combining mark; it starts only where a word starts and never backtracks (linear time).
_DECOMPOSED = re.compile(f"(?<![^\\W\\d_{_MARKS}])[^\\W\\d_]*+[{_MARKS}](?:[^\\W\\d_]|[{_MARKS}])*+")
# A word: letters, combining marks, spacing tone marks, invisible characters inside it, full-width digits.
_WORD = re.compile("(?:[^\\W\\d_]|[\u0300-\u036f\u1dc0-\u1dff\uff10-\uff19" + _INVISIBLE
                   + "".join(_SPACING_TONES) + "])+")

CYRILLIC_GREEK = {  # letters that look like Latin ones in every common font
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M",
    "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ү": "Y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
}


def _script(char: str) -> str:
    code = ord(char)
    if 0x400 <= code < 0x530:
        return "cyrillic"
    if 0x370 <= code < 0x400 or 0x1F00 <= code < 0x2000:
        return "greek"
    if char.isascii() or unicodedata.name(char, "").startswith("LATIN"):
        return "latin"
    return ""


def _composed(word: str) -> bool:
    """Every combining mark found its letter (NFC left none standing alone)."""
    return not any(unicodedata.combining(c) for c in word)


def vietnamese_word(before: str, after: str) -> bool:
    """``after`` is a word of Vietnamese letters meant as one: a syllable, or a word holding a letter only
    Vietnamese writes besides đ (Đắk), or an abbreviation in capitals (QĐ, ĐT) or a single letter (50.000 đ).
    ``Guðrún`` is none of these and stays as written."""
    letters = [c for c in after if c.isalpha()]
    if not letters or not _composed(after) or any(c not in _VIETNAMESE for c in letters):
        return False
    return (is_syllable(after) or any(c in _ONLY_VIETNAMESE and c not in "đĐ" for c in after)
            or (after.isupper() and len(letters) <= 6) or len(letters) == 1)


def composed_vietnamese(before: str, after: str) -> bool:
    """Every mark of ``after`` sits on its letter and every letter is Vietnamese."""
    return bool(after) and _composed(after) and all(c in _VIETNAMESE for c in after if c.isalpha())


def syllable(before: str, after: str) -> bool:
    """``after`` is one well-formed Vietnamese syllable with every mark on its letter."""
    return _composed(after) and is_syllable(after)


def mixed_script(before: str, after: str) -> bool:
    """``before`` mixes Latin letters with Cyrillic or Greek ones, all of which look Latin."""
    scripts = {_script(c) for c in before if c.isalpha()}
    return "latin" in scripts and len(scripts) > 1 and all(
        c in CYRILLIC_GREEK for c in before if c.isalpha() and _script(c) in ("cyrillic", "greek"))


def always(before: str, after: str) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """One kind of look-alike: how a word written with it is mended, and when that is safe.

    ``mend(nfd_word, line)`` returns the word (NFD) with the look-alikes replaced and the pairs
    (character written, character meant) it replaced; ``safe(before, after)`` decides, on the word as
    written and as mended (both NFC), whether the replacement is certain enough to make on its own.
    """

    code: str
    what: str      # Vietnamese: what the editor has in the file
    why: str       # Vietnamese: where it comes from, and what goes wrong
    mend: Callable[[str, str], tuple[str, list[tuple[str, str]]]]
    safe: Callable[[str, str], bool]
    trigger: re.Pattern  # what an NFD word must hold for ``mend`` to be worth calling
    unsafe_note: str = "không chắc đây là chữ tiếng Việt"


def _by_table(table: dict[str, str]):
    def mend(word: str, line: str) -> tuple[str, list[tuple[str, str]]]:
        pairs = [(c, table[c]) for c in word if c in table]
        return ("".join(table.get(c, c) for c in word), pairs) if pairs else (word, [])
    return mend


def _caron_to_breve(word: str, line: str) -> tuple[str, list[tuple[str, str]]]:
    # ǎ decomposes to a + U+030C (caron); Vietnamese ă is a + U+0306 (breve).
    found = re.findall("[aA]\u030c", word)
    if not found:
        return word, []
    return re.sub("([aA])\u030c", "\\1\u0306", word), [(unicodedata.normalize("NFC", f),
                                                        unicodedata.normalize("NFC", f[0] + "\u0306")) for f in found]


def _spacing_tones(word: str, line: str) -> tuple[str, list[tuple[str, str]]]:
    pairs, out = [], []
    for index, char in enumerate(word):
        if char in _SPACING_TONES and index and word[index - 1].isalpha():
            out.append(_SPACING_TONES[char])
            pairs.append((char, _SPACING_TONES[char]))
        else:
            out.append(char)
    return "".join(out), pairs


def _mark_order(word: str, line: str) -> tuple[str, list[tuple[str, str]]]:
    """Tone before vowel shape (á, then a breve, for ắ): the shape mark goes first, as Unicode composes."""
    pairs = []

    def reorder(match: re.Match) -> str:
        marks = match.group(2)
        shapes = [i for i, m in enumerate(marks) if m in _SHAPES]
        if not shapes or not any(m in _TONES for m in marks[:shapes[0]]):
            return match.group()
        ordered = "".join(m for m in marks if unicodedata.combining(m) != 230) + \
            "".join(m for m in marks if m in _SHAPES) + \
            "".join(m for m in marks if unicodedata.combining(m) == 230 and m not in _SHAPES)
        pairs.append((unicodedata.normalize("NFC", match.group()),
                      unicodedata.normalize("NFC", match.group(1) + ordered)))
        return match.group(1) + ordered

    return re.sub("(.)([\u0300-\u036f]{2,})", reorder, word), pairs


def _full_width(word: str, line: str) -> tuple[str, list[tuple[str, str]]]:
    if _CJK.search(line):
        return word, []  # full-width Latin is normal typography inside Chinese, Japanese or Korean text
    return _by_table({chr(c): chr(c - 0xFEE0) for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                        *range(0xFF41, 0xFF5B)]})(word, line)


def _invisible_inside(word: str, line: str) -> tuple[str, list[tuple[str, str]]]:
    """Invisible characters between two letters of a Latin word (not at its edges: emoji sequences and
    scripts written without spaces need ZWJ, ZWNJ and ZWSP)."""
    following = [""] * (len(word) + 1)  # the first visible character after each position
    for index in range(len(word) - 1, -1, -1):
        following[index] = following[index + 1] if word[index] in _INVISIBLE else word[index]
    pairs, out, letter = [], [], ""  # letter: the last base letter so far
    for index, char in enumerate(word):
        if char in _INVISIBLE:
            after = following[index + 1]
            if letter and after and _script(letter) == "latin" and \
                    (_script(after) == "latin" or unicodedata.combining(after)):
                pairs.append((char, ""))
                continue
        elif not unicodedata.combining(char):
            letter = char
        out.append(char)
    return "".join(out), pairs


def _look_alike_scripts(word: str, line: str) -> tuple[str, list[tuple[str, str]]]:
    """Cyrillic and Greek look-alikes, only in a word that also has Latin letters (a Russian or Greek
    word is left alone)."""
    if not any(_script(c) == "latin" for c in word if c.isalpha()):
        return word, []
    return _by_table(CYRILLIC_GREEK)(word, line)


_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
              "\ufb06": "st"}

RULES: tuple[Rule, ...] = (
    Rule("ky-tu-an", "ký tự ẩn nằm giữa một chữ",
         "thường lẫn vào khi dán từ PDF, Word hoặc trang web (dấu gạch nối mềm, ký tự độ rộng bằng 0); chữ bị"
         " tách làm hai khi tìm kiếm và trong địa chỉ trang", _invisible_inside, always,
         re.compile(f"[{_INVISIBLE}]")),
    Rule("chu-ghep", "chữ ghép kiểu in ấn (ligature)",
         "thường có khi chép chữ từ tệp PDF; tìm kiếm không nhận ra", _by_table(_LIGATURES), always,
         re.compile("[\ufb00-\ufb06]")),
    Rule("toan-khoang", "chữ hoặc chữ số dạng toàn khoảng (full-width) của bộ gõ tiếng Trung, Nhật",
         "tìm kiếm và địa chỉ trang không coi là chữ, số thường", _full_width, always,
         re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")),
    Rule("eth", "chữ Ð/ð (eth) của tiếng Iceland, không phải Đ/đ tiếng Việt",
         "thường sinh ra khi văn bản bảng mã Windows-1258 bị đọc theo bảng mã Tây Âu, hoặc chép từ trang web"
         " cũ; chữ này mất khỏi địa chỉ trang và tìm «Đ» không thấy",
         _by_table({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ"}), vietnamese_word, re.compile("[ÐðƉ]")),
    Rule("i-khong-cham", "chữ ı (i không có dấu chấm) của tiếng Thổ Nhĩ Kỳ",
         "thường có khi chép chữ «í, ì, ỉ, ĩ, ị» từ tệp PDF; tìm kiếm không nhận ra", _by_table({"ı": "i"}),
         vietnamese_word, re.compile("ı")),
    Rule("dau-mu-nguoc", "chữ ǎ (a có dấu mũ ngược, dùng trong phiên âm tiếng Trung), không phải ă",
         "thường có khi chép từ tệp PDF hoặc phông chữ cũ; tìm «ă» không thấy", _caron_to_breve,
         vietnamese_word, re.compile("[aA]\u030c")),
    Rule("kirin-hy-lap", "chữ Kirin hoặc Hy Lạp trông giống chữ Latinh nằm trong một chữ tiếng Việt",
         "thường do phần mềm nhận dạng chữ (OCR) hoặc phông chữ lạ; tìm kiếm và địa chỉ trang coi là chữ khác",
         _look_alike_scripts, mixed_script, re.compile("[" + "".join(CYRILLIC_GREEK) + "]")),
    Rule("dau-thanh-roi", "dấu thanh viết bằng ký tự dấu đứng riêng (ˊ ˋ ˜ ´ ΄) thay vì dấu gắn vào chữ",
         "thường có khi chép từ tệp PDF hoặc phông chữ cũ; chữ hiển thị lệch dấu và tìm kiếm không nhận ra",
         _spacing_tones, syllable, re.compile("[" + "".join(_SPACING_TONES) + "]"),
         unsafe_note="không ghép được thành một tiếng tiếng Việt"),
    Rule("thu-tu-dau", "dấu thanh gõ trước dấu mũ hoặc dấu trăng (ví dụ «á» rồi mới thêm dấu trăng)",
         "chữ không ghép thành một ký tự (ắ, ế, ố…) nên tìm kiếm không nhận ra và có phông chữ hiển thị lệch",
         _mark_order, composed_vietnamese, re.compile("[\u0300\u0301\u0303\u0309][\u0300-\u036f]*[\u0302\u0306]"),
         unsafe_note="không ghép được thành chữ tiếng Việt"),
)
_RULE_BY_CODE = {rule.code: rule for rule in RULES}
_SUSPECT = re.compile("[\u0300-\u036f\u1dc0-\u1dffÐðƉıǎǍ\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff\ufb00-\ufb06"
                      "\uff01-\uff5e" + _INVISIBLE + _NO_BREAK_SPACES + "".join(_SPACING_TONES) + "]")
# Latin letters with marks that are not Vietnamese ones (ü, ñ, ǒ, ǹ...): found fast, judged per word.
_FOREIGN = re.compile("[" + "".join(re.escape(chr(c)) for c in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
                                    if chr(c).isalpha() and chr(c) not in _VIETNAMESE) + "]")


@dataclass(frozen=True)
class Change:
    """One word (or front matter space) written with a look-alike: where, as written, as meant."""

    line: int
    column: int
    before: str
    after: str
    rule: str          # a code of :data:`RULES`, or "chu-ngoai" / "dau-cau-toan-khoang" / "khoang-trang-cung"
    pairs: tuple[tuple[str, str], ...]
    fixed: bool        # replaced in the published text (and by --fix), or only warned about


@dataclass
class Review:
    """What :func:`review` found in one file, and the file's text as it is published."""

    text: str
    changes: list[Change] = field(default_factory=list)
    # per line holding decomposed text: (line, how many words, the first as written, as NFC)
    decomposed: list[tuple[int, int, str, str]] = field(default_factory=list)

    @property
    def fixed(self) -> list[Change]:
        return [c for c in self.changes if c.fixed]


def front_matter_lines(text: str) -> int:
    """The last line of a Markdown file's front matter (0 when it has none): what is YAML. Unlike
    :func:`portal.frontmatter.split` it takes the file as written, CRLF and lone CR line endings too
    (``invoke check --fix`` keeps them)."""
    lines = _LINE_END.split(text)
    if not lines or not _FENCE.fullmatch(lines[0].lstrip("\ufeff")):
        return 0
    for index in range(1, len(lines)):
        if _FENCE.fullmatch(lines[index]) or lines[index].rstrip() == "...":
            return index + 1
    return 0


def review(text: str, yaml_lines: int = 0) -> Review:
    """Find decomposed text and look-alike letters in ``text``; return the published text with them
    mended (see the module's docstring). Lines up to ``yaml_lines`` are YAML (front matter, or a whole
    ``site.yaml``): no-break spaces there become spaces."""
    if unicodedata.is_normalized("NFC", text) and not _SUSPECT.search(text) and not _FOREIGN.search(text):
        return Review(text)  # the common case, at the speed of two C scans
    result = Review(text)
    parts = _LINE_END.split(text)
    ends = _LINE_END.findall(text) + [""]
    out = []
    for number, (line, end) in enumerate(zip(parts, ends, strict=True), 1):
        out.append(_line(line, number, number <= yaml_lines, result) + end)
    result.text = "".join(out)
    return result


def _line(line: str, number: int, yaml: bool, result: Review) -> str:
    if unicodedata.is_normalized("NFC", line) and not _SUSPECT.search(line) and not _FOREIGN.search(line):
        return line
    nfc = unicodedata.normalize("NFC", line)
    if not _SUSPECT.search(nfc) and not _FOREIGN.search(nfc):  # only decomposed: NFC mends the whole line
        _decomposed(result, number, _DECOMPOSED.findall(line), line, nfc)
        return nfc
    pieces, position, decomposed = [], 0, []
    vietnamese_line = any(c in _ONLY_VIETNAMESE for c in nfc)
    for match in _WORD.finditer(line):
        pieces.append(line[position:match.start()])
        pieces.append(_word(match.group(), line, number, match.start() + 1, vietnamese_line, result, decomposed))
        position = match.end()
    pieces.append(line[position:])
    joined = "".join(pieces)
    mended = unicodedata.normalize("NFC", joined)
    if decomposed or mended != joined:  # (marks outside words too: after a digit, a space)
        _decomposed(result, number, decomposed, joined, mended)
    if yaml:
        mended = _spaces(mended, line, number, result)
    for match in _FULL_WIDTH_PUNCTUATION.finditer(line if not _CJK.search(line) else ""):
        result.changes.append(Change(number, match.start() + 1, _around(line, match.start()),
                                     unicodedata.normalize("NFKC", match.group()), "dau-cau-toan-khoang",
                                     ((match.group(), unicodedata.normalize("NFKC", match.group())),), False))
    return mended


def _decomposed(result: Review, number: int, words: list[str], line: str, nfc: str) -> None:
    first, composed = (words[0], unicodedata.normalize("NFC", words[0])) if words else (line.strip(), nfc.strip())
    result.decomposed.append((number, len(words) or 1, first, composed))


def _word(word: str, line: str, number: int, column: int, vietnamese_line: bool, result: Review,
          decomposed: list[str]) -> str:
    written = unicodedata.normalize("NFC", word)
    if not _SUSPECT.search(written) and not _FOREIGN.search(written):  # at most decomposed: NFC mends it
        if written != word:
            decomposed.append(word)
        return written
    mended, fired = unicodedata.normalize("NFD", word), []
    for rule in RULES:
        if rule.trigger.search(mended):
            mended, pairs = rule.mend(mended, line)
            if pairs:
                fired.append((rule, pairs))
    if written != word and not any(rule.code == "thu-tu-dau" for rule, _ in fired):
        decomposed.append(word)  # marks in the wrong order are not NFD text
    mended = unicodedata.normalize("NFC", mended)
    safe = [(rule, pairs) for rule, pairs in fired if rule.safe(written, mended)]
    if len(safe) < len(fired):  # mend with the certain rules only; warn about the others
        partial = unicodedata.normalize("NFD", word)
        for rule, _ in safe:
            partial = rule.mend(partial, line)[0]
        mended = unicodedata.normalize("NFC", partial)
    for rule, pairs in fired:
        certain = (rule, pairs) in safe
        result.changes.append(Change(number, column, written, mended if certain else _mended_by(word, rule, line),
                                     rule.code, tuple(pairs), certain))
    foreign = [c for c in mended if c.isalpha() and c not in _VIETNAMESE and _script(c) == "latin"]
    if foreign and len(safe) == len(fired) and _meant_vietnamese(mended, vietnamese_line):
        result.changes.append(Change(number, column, mended, "", "chu-ngoai", tuple((c, "") for c in foreign), False))
    return mended


def _mended_by(word: str, rule: Rule, line: str) -> str:
    return unicodedata.normalize("NFC", rule.mend(unicodedata.normalize("NFD", word), line)[0])


def _meant_vietnamese(word: str, vietnamese_line: bool) -> bool:
    """A word with a letter outside the alphabet that is Vietnamese otherwise: it holds a letter only
    Vietnamese writes, or it is a syllable once its marks are dropped, on a line of Vietnamese text."""
    if any(c in _ONLY_VIETNAMESE for c in word):
        return True
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return vietnamese_line and bare.isascii() and is_syllable(bare)


def _spaces(mended: str, line: str, number: int, result: Review) -> str:
    for index, char in enumerate(line):
        if char in _NO_BREAK_SPACES:
            around = _around(line, index)
            result.changes.append(Change(number, index + 1, around, around.translate(_TO_SPACE), "khoang-trang-cung",
                                         ((char, " "),), True))
    return mended.translate(_TO_SPACE)


def _around(line: str, index: int) -> str:
    return line[max(0, index - 20):index + 21].strip()


# ---- Problems (Vietnamese) ----

def shown(text: str) -> str:
    """``text`` with invisible and look-alike characters made visible as ⟨U+XXXX⟩."""
    return "".join(f"⟨U+{ord(c):04X}⟩" if c in _INVISIBLE or c in _NO_BREAK_SPACES else c for c in text)


_NAMES = {"\u0300": "dấu huyền", "\u0301": "dấu sắc", "\u0303": "dấu ngã", "\u0309": "dấu hỏi", "\u0323": "dấu nặng",
          "\u0302": "dấu mũ", "\u0306": "dấu trăng", "\u00ad": "dấu gạch nối mềm", "\u200b": "khoảng trắng độ rộng 0",
          "\u200c": "ký tự không nối", "\u200d": "ký tự nối độ rộng 0", "\u2060": "ký tự nối từ",
          "\ufeff": "ký tự BOM", "\u00a0": "dấu cách không ngắt", "\u202f": "dấu cách hẹp không ngắt",
          "\u2007": "dấu cách bằng chữ số", "\u3000": "dấu cách toàn khoảng"}


def character(char: str) -> str:
    """«Ð» (U+00D0): a character as the editor is told about it (a combining mark by its name)."""
    if len(char) != 1:
        return f"«{char}»"
    code = f"U+{ord(char):04X}"
    if char == " ":
        return f"dấu cách thường ({code})"
    if unicodedata.combining(char):
        return f"{_NAMES.get(char, 'dấu')} gắn vào chữ ({code})"
    return f"«{shown(char)}» ({code}" + (f", {_NAMES[char]})" if char in _NAMES else ")")


def replacements(change: Change) -> str:
    """What to type instead, in Vietnamese: each character and its replacement, or the whole word."""
    pairs = dict(change.pairs)
    if len(pairs) > 2 and change.after:
        return f"thay «{shown(change.before)}» bằng «{change.after}»"
    return "; ".join(f"xóa {character(a)}" if not b else f"thay {character(a)} bằng {character(b)}"
                     for a, b in pairs.items())


def problems(found: Review, rel: str) -> list[Problem]:
    """The warnings of one file: decomposed text once, then each kind of look-alike (the first
    :data:`MAX_LISTED` with line and column, the rest counted)."""
    out = []
    if found.decomposed:
        line, _, word, nfc = found.decomposed[0]
        count = sum(words for _, words, _, _ in found.decomposed)
        out.append(Problem(
            rel, line, "Có chữ tiếng Việt viết ở dạng tổ hợp (dấu tách rời khỏi chữ, dạng NFD; thường gặp khi soạn"
                       " trên máy Mac hoặc chép từ PDF): trông như nhau nhưng tìm kiếm, địa chỉ trang và phần mềm"
                       " khác coi là chữ khác. Khi đăng, cả tệp được chuyển sang dạng dựng sẵn (NFC).",
            expected=f"chữ dựng sẵn (NFC); lệnh «{FIX_COMMAND}» sửa thẳng trong tệp",
            found=f"«{nfc}» viết bằng {len(word)} ký tự thay vì {len(nfc)}"
                  + (f"; cả tệp có {count} chữ như vậy" if count > 1 else ""),
            severity=WARNING, code="chu-to-hop"))
    kinds: dict[tuple[str, bool], list[Change]] = {}
    for change in found.changes:
        kinds.setdefault((change.rule, change.fixed), []).append(change)
    for (_rule, fixed), changes in kinds.items():
        listed = [_problem(rel, change) for change in changes[:MAX_LISTED]]
        out += listed
        if len(changes) > MAX_LISTED:
            head = listed[0]
            out.append(Problem(rel, head.line, f"Còn {len(changes) - MAX_LISTED} chỗ tương tự khác trong tệp này"
                                               f" (chỉ liệt kê {MAX_LISTED} chỗ đầu).",
                               expected=head.expected if fixed else "", severity=WARNING, code=head.code))
    return out


def _problem(rel: str, change: Change) -> Problem:
    where = f"ở cột {change.column}"
    replaced = replacements(change)
    if change.rule == "chu-ngoai":
        letters = ", ".join(character(a) for a, _ in dict(change.pairs).items())
        return Problem(rel, change.line, f"Chữ «{change.before}» {where} có {letters}, không thuộc bảng chữ cái"
                                         " tiếng Việt (thường do chép từ PDF hoặc phông chữ cũ); không tự sửa được vì"
                                         " không biết chữ đúng.",
                       expected="gõ lại chữ này bằng bộ gõ tiếng Việt (Unikey: bảng mã Unicode)",
                       found=f"«{change.before}»", severity=WARNING, code="chu-nham:chu-ngoai")
    if change.rule == "dau-cau-toan-khoang":
        return Problem(rel, change.line, f"Dấu câu dạng toàn khoảng (full-width) của bộ gõ tiếng Trung, Nhật {where}"
                                         f" ({replaced}); dấu này có thể là cú pháp Markdown nên không tự sửa.",
                       expected=f"gõ lại dấu này bằng bàn phím thường ({replaced})",
                       found=f"«{change.before}»", severity=WARNING, code="chu-nham:toan-khoang")
    if change.rule == "khoang-trang-cung":
        return Problem(rel, change.line, f"Có {character(change.pairs[0][0])} {where} trong phần thông tin:"
                                         " YAML không coi ký tự này là dấu cách. Khi đăng, được thay bằng dấu cách"
                                         " thường.",
                       expected=f"«{change.after}»: {replaced}; lệnh «{FIX_COMMAND}» sửa thẳng trong tệp",
                       found=f"«{shown(change.before)}»", severity=WARNING, code="chu-nham:khoang-trang-cung")
    rule = _RULE_BY_CODE[change.rule]
    message = f"Chữ «{shown(change.before)}» {where} có {rule.what}: {rule.why}."
    if change.fixed:
        message += f" Khi đăng, chữ này được sửa thành «{change.after}»."
        expected = f"«{change.after}»: {replaced}; lệnh «{FIX_COMMAND}» sửa thẳng trong tệp"
    else:
        message += f" Không tự sửa vì {rule.unsafe_note}."
        expected = f"kiểm tra lại chữ này; nếu là chữ tiếng Việt thì {replaced}"
    return Problem(rel, change.line, message, expected=expected, found=f"«{shown(change.before)}»",
                   severity=WARNING, code=f"chu-nham:{change.rule}")

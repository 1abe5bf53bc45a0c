"""Decode editors' source files, and explain in Vietnamese when they are not UTF-8.

Editors of Vietnamese portals sometimes save Markdown in legacy encodings: UTF-16/UTF-32
("Unicode" in Notepad/Word), Windows-1258, or the 8-bit font encodings TCVN3 (ABC, .VnTime
fonts) and VNI Windows (VNI-Times fonts). Text in a font encoding may also reach us as valid
UTF-8 mojibake ("Th«ng b¸o", "Vieät Nam") after being copied from an old document.

``decode_source`` accepts only UTF-8 (BOM stripped, line endings normalised to LF) and
otherwise raises ``EncodingProblem`` with a Vietnamese explanation. Detection decodes the
bytes with every candidate encoding and scores the share of non-ASCII words that are valid
Vietnamese syllables; the best convincing candidate wins.

TCVN3 has no codes for upper-case letters with a tone mark (those live in a separate
upper-case font that reuses the lower-case codes), so they are encoded with the lower-case
byte and decode to lower case.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["EncodingProblem", "decode_source", "guess_legacy_encoding", "encode_legacy",
           "decode_legacy", "find_double_encoding", "double_encoding_message", "is_syllable", "LETTERS"]

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng (canonical order)
_VOWELS = "aăâeêioôơuưy"


def _lower_letters() -> tuple[str, ...]:
    """The 67 lower-case Vietnamese letters outside ASCII, in table order."""
    out: list[str] = []
    for vowel in _VOWELS:
        if vowel not in "aeiouy":
            out.append(vowel)
        out.extend(unicodedata.normalize("NFC", vowel + tone) for tone in _TONES)
    return tuple(out) + ("đ",)


LETTERS = _lower_letters()  # with their upper-case forms these are the 134 letters

# TCVN3 (TCVN 5712:1993, VN3) byte of each entry of LETTERS, same order.
_TCVN3_LOWER = bytes.fromhex(
    "b5b8b6b7b9 a8bbbebcbdc6 a9c7cac8c9cb ccd0cecfd1 aad2d5d3d4d6 d7ddd8dcde"
    " dfe3e1e2e4 abe5e8e6e7e9 aceaedebecee eff3f1f2f4 adf5f8f6f7f9 fafdfbfcfe ae")
_TCVN3_UPPER = dict(zip("ĂÂÊÔƠƯĐ", b"\xa1\xa2\xa3\xa4\xa5\xa6\xa7", strict=True))
# VNI Windows spelling (as Windows-1252 text) of each entry of LETTERS; upper case is .upper().
_VNI_LOWER = (
    "aø aù aû aõ aï  aê aè aé aú aü aë  aâ aà aá aå aã aä  eø eù eû eõ eï"
    "  eâ eà eá eå eã eä  ì í æ ó ò  oø où oû oõ oï  oâ oà oá oå oã oä"
    "  ô ôø ôù ôû ôõ ôï  uø uù uû uõ uï  ö öø öù öû öõ öï  yø yù yû yõ î  ñ").split()
assert len(LETTERS) == len(_TCVN3_LOWER) == len(_VNI_LOWER) == 67


def _cp1252(byte: int) -> str:
    return bytes([byte]).decode("cp1252", errors="replace")


# Decoding tables. Bytes 0x80-0xA0 (smart quotes, dashes) keep their Windows-1252 meaning, as
# Word writes them that way in font-encoded documents; unused letter bytes become U+FFFD.
_TCVN3_DECODE = {b: _cp1252(b) if b <= 0xA0 else "\ufffd" for b in range(0x80, 0x100)}
_TCVN3_DECODE.update(zip(_TCVN3_LOWER, LETTERS, strict=True))
_TCVN3_DECODE.update((b, ch) for ch, b in _TCVN3_UPPER.items())
_TCVN3_ENCODE = {ch: bytes([b]) for b, ch in _TCVN3_DECODE.items() if ch != "\ufffd"}
_TCVN3_ENCODE.update((chr(b), bytes([b])) for b in range(0x80))
_TCVN3_ENCODE.update((ch.upper(), bytes([b])) for ch, b in zip(LETTERS, _TCVN3_LOWER, strict=True)
                     if ch.upper() not in _TCVN3_ENCODE)  # toned capitals: lower-case code

_VNI_DECODE: dict[str, str] = {}
_VNI_ENCODE = {ch: code for ch, code in _TCVN3_ENCODE.items() if code <= b"\xa0"}
for _ch, _seq in zip(LETTERS, _VNI_LOWER, strict=True):
    _VNI_ENCODE[_ch] = _seq.encode("cp1252")
    _VNI_ENCODE[_ch.upper()] = _seq.upper().encode("cp1252")
    _VNI_DECODE[_seq], _VNI_DECODE[_seq.upper()] = _ch, _ch.upper()
    if len(_seq) == 2:  # the base letter decides the case: real files mix "Uûy" and "UÛY"
        _VNI_DECODE[_seq[0].upper() + _seq[1]] = _ch.upper()
        _VNI_DECODE[_seq[0] + _seq[1].upper()] = _ch
for _b in range(0x80, 0x100):  # lone diacritic bytes are errors; VNI symbols are as in cp1252
    _VNI_DECODE.setdefault(chr(_b), _cp1252(_b) if _b < 0xC0 else "\ufffd")
_VNI_MODS: dict[str, str] = {}  # base letter -> the diacritic bytes that may follow it
for _seq in (key for key in _VNI_DECODE if len(key) == 2):
    _VNI_MODS[_seq[0]] = _VNI_MODS.get(_seq[0], "") + _seq[1]
_VNI_RE = re.compile("|".join(f"{b}[{m}]" for b, m in _VNI_MODS.items()) + "|[\x80-\xff]")
del _b, _ch, _seq


def _decode_vni(data: bytes) -> str:
    return _VNI_RE.sub(lambda match: _VNI_DECODE[match.group()], data.decode("latin-1"))


def _decode_tcvn3(data: bytes) -> str:
    return data.decode("latin-1").translate(_TCVN3_DECODE)


def _decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


_DECODERS = {"tcvn3": _decode_tcvn3, "vni": _decode_vni, "windows-1258": _decode_cp1258}


def decode_legacy(data: bytes, encoding: str) -> str:
    """Decode 'tcvn3', 'vni' or 'windows-1258' bytes to NFC text (for tests and converters)."""
    return _DECODERS[encoding](data)


def encode_legacy(text: str, encoding: str) -> bytes:
    """Encode text as 'tcvn3', 'vni' or 'windows-1258' the way legacy editors did.

    Used to generate bad-input samples. Raises ValueError for characters the encoding lacks.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "windows-1258":
        out = bytearray()
        # One cluster = base letter + combining marks; use a precomposed byte when cp1258 has
        # one, otherwise the base (with breve/circumflex/horn) followed by the tone byte.
        for cluster in re.findall(r".[\u0300-\u036f]*", unicodedata.normalize("NFD", text), re.S):
            try:
                out += unicodedata.normalize("NFC", cluster).encode("cp1258")
            except UnicodeEncodeError:
                tones = "".join(c for c in cluster if c in _TONES)
                rest = unicodedata.normalize("NFC", "".join(c for c in cluster if c not in _TONES))
                out += (rest + tones).encode("cp1258")
        return bytes(out)
    table = {"tcvn3": _TCVN3_ENCODE, "vni": _VNI_ENCODE}[encoding]
    missing = [ch for ch in text if ch not in table]
    if missing:
        raise ValueError(f"{missing[0]!r} cannot be encoded in {encoding}")
    return b"".join(table[ch] for ch in text)


# ---- Scoring: what share of the non-ASCII words are Vietnamese syllables? ----

_SYLLABLE = re.compile(
    r"(?P<initial>ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"(?P<nucleus>iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu|oo(?=ng$|c$)|ai|ao|au"
    r"|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|ya|yê"
    r"|[aăâeêioôơuưy])(?P<final>ng|nh|ch|[cmnpt])?")
_OPEN_NUCLEI = frozenset("ai ao au ay âu ây eo êu ia iu oi ôi ơi ui ưi ưu ua ưa iêu yêu oai oay oao"
                         " oeo uây uôi ươi ươu uya uyu".split())
_NO_TONES = dict.fromkeys(map(ord, _TONES))
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
# Words as they appear in mojibake: letters plus the Latin-1 symbols TCVN3/VNI letters show as.
_MOJI_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u00a1-\u00ff])+")
_PUNCT = frozenset("\u00a0“”‘’‚„–—…•·«»°±×§©®™€‹›")


@functools.lru_cache(maxsize=1 << 16)
def _is_syllable(word: str) -> bool:
    """True if ``word`` is one well-formed Vietnamese syllable (any case, NFC or NFD)."""
    word = unicodedata.normalize("NFC", word)
    # Lower, Title or ALL CAPS; TCVN3 capitals may carry lower-case toned letters ("ĐảNG").
    if word[1:] != word[1:].lower() and not all(c.isupper() for c in word if c.isascii()):
        return False
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in nfd if c in _TONES]
    match = _SYLLABLE.fullmatch(unicodedata.normalize("NFC", nfd.translate(_NO_TONES)))
    if len(tones) > 1 or not match:
        return False
    initial, nucleus, final = match.group("initial", "nucleus", "final")
    if final in ("c", "ch", "p", "t") and tones not in (["\u0301"], ["\u0323"]):
        return False  # stop finals take only the sắc or nặng tone
    if final and nucleus in _OPEN_NUCLEI:
        return False  # nuclei ending in a glide (or ia/ua/ưa) take no final consonant
    return not (nucleus == "y" and final and initial != "qu")  # "tin", never "tyn"


def is_syllable(word: str) -> bool:
    """True if ``word`` is one well-formed Vietnamese syllable (any case, NFC or NFD; where the tone
    mark sits is not checked)."""
    return _is_syllable(word)


def _score(text: str) -> tuple[float, int]:
    """(share of valid syllables among non-ASCII words and stray symbols, valid count)."""
    words = [word for word in _WORD.findall(text) if not word.isascii()]
    valid = sum(map(_is_syllable, words))
    total = len(words) + sum(1 for c in text if c > "\x7f" and c not in _PUNCT and not c.isspace()
                             and not c.isalpha() and not unicodedata.combining(c))
    return (valid / total if total else 0.0), valid


def _wide_encoding(data: bytes) -> str | None:
    """Recognise UTF-16/UTF-32 by byte-order mark or by the pattern of NUL bytes."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:8192]
    # Share of NUL bytes in each byte column (4 columns for UTF-32, 2 for UTF-16).
    n4, n2 = len(sample) // 4, len(sample) // 2
    c4 = [sample[i:4 * n4:4].count(0) / max(1, n4) for i in range(4)]
    if min(c4[2:]) > 0.9 and c4[0] < 0.1 or min(c4[:2]) > 0.9 and c4[3] < 0.1:
        return "utf-32"
    even, odd = (sample[i:2 * n2:2].count(0) / max(1, n2) for i in (0, 1))
    if odd >= 0.3 and even <= 0.05:
        return "utf-16-le"
    return "utf-16-be" if even >= 0.3 and odd <= 0.05 else None


def guess_legacy_encoding(data: bytes) -> str | None:
    """Guess the encoding of bytes that are not plain UTF-8 text.

    Returns 'utf-16-le', 'utf-16-be', 'utf-16' (with BOM), 'utf-32', 'windows-1258', 'tcvn3',
    'vni', 'windows-1252' (some other 8-bit text), or None (valid UTF-8, or binary data).
    """
    wide = _wide_encoding(data)
    if wide:
        return wide
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    best, best_key = None, (0.0, 0)
    for encoding, decoder in _DECODERS.items():
        key = _score(decoder(data))  # convincing: 60 % valid words and at least two of them
        if key[0] >= 0.6 and key[1] >= 2 and key > best_key:
            best, best_key = encoding, key
    # Vietnamese saved as "ANSI" on a Western Windows: letters cp1252 lacks became "?" ("Th?ng").
    lost = len(re.findall(rb"(?<=[A-Za-z\xc0-\xff])\?|\?(?=[A-Za-z\xc0-\xff])", data))
    if best == "windows-1258" and lost >= 3 and lost * 2 >= best_key[1]:
        return "windows-1252"
    if best:
        return best
    # Control characters and bytes undefined in cp1252 mean binary data rather than text.
    junk = sum(1 for b in data if (b < 32 and b not in b"\t\n\r\f") or b in b"\x81\x8d\x8f\x90\x9d")
    return "windows-1252" if junk <= len(data) * 0.01 else None


# Mojibake of TCVN3/VNI always brings Latin-1 characters that Vietnamese itself never uses
# («, ¸, ä, ö, ø, ñ...); text without any of them is not scanned word by word (a fast path).
_VIETNAMESE_LATIN1 = "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ"
_SUSPECT = re.compile("[" + "".join(chr(c) for c in range(0xA1, 0x100) if chr(c) not in _VIETNAMESE_LATIN1) + "]")


def _find_mojibake(text: str) -> tuple[str, str, str, int] | None:
    """Find TCVN3/VNI text that was read as Windows-1252 and saved as UTF-8.

    A candidate is a word that is not a Vietnamese syllable as written and is made of Latin-1
    characters including an ASCII letter; it is a hit if re-reading it as TCVN3/VNI gives a
    syllable. Pasted mojibake fills whole lines while foreign names ("Müller", "på") sit among
    Vietnamese words, so hits count only on lines where they outnumber real Vietnamese words.
    We then need two distinct hits making up half the candidates, and three hits or one
    unmistakable one: a TCVN3 symbol-letter ("Th«ng") or capital inside a word ("ViÖt"), or
    two VNI diacritic bytes ("ñöôøng"). Returns (encoding, bad word, fixed word, offset) or None.
    """
    hits: dict[str, list[tuple[str, str, int]]] = {"tcvn3": [], "vni": []}
    candidates = offset = 0
    for line in text.splitlines(keepends=True):
        line_hits: dict[str, list[tuple[str, str, int]]] = {"tcvn3": [], "vni": []}
        genuine = 0  # real Vietnamese words on the line: pasted mojibake fills whole lines
        for match in _MOJI_WORD.finditer(line):
            word = match.group()
            if word.isascii():
                continue
            if _is_syllable(word):
                genuine += 1
            elif len(word) > 1 and max(word) <= "\xff" and any(c.isascii() for c in word):
                candidates += 1
                for encoding, found in line_hits.items():
                    fixed = _DECODERS[encoding](word.encode("latin-1"))
                    if _is_syllable(fixed):
                        found.append((word, fixed, offset + match.start()))
        for encoding, found in line_hits.items():
            if len(found) > genuine:
                hits[encoding] += found
        offset += len(line)
    encoding = max(hits, key=lambda e: len({w for w, _, _ in hits[e]}))
    found = hits[encoding]
    distinct = {w for w, _, _ in found}
    if len(distinct) < 2 or len(found) * 2 < candidates:
        return None
    if encoding == "tcvn3":
        strong = any(any("\xa1" <= c <= "\xbf" or c in "×÷" for c in w)
                     or not all(c.isupper() for c in w if c.isascii()) and w[1:] != w[1:].lower()
                     for w in distinct)
    else:
        strong = any(sum(not c.isascii() for c in w) >= 2 for w in distinct)
    return (encoding, *found[0]) if strong or len(distinct) >= 3 else None


# UTF-8 text read as Windows-1252 (or Latin-1) and saved again as UTF-8 ("Thá»§ tá»¥c", "ThÃ´ng bÃ¡o"):
# each Vietnamese letter became two or three Latin-1 characters. Reversing the mistake (back to those
# bytes, then UTF-8) gives the text back. Bytes Windows-1252 leaves undefined come through as C1 controls.
_CP1252_BYTE = {chr(b): b for b in range(0x80, 0x100)}
_CP1252_BYTE.update({bytes([b]).decode("cp1252"): b for b in range(0x80, 0x100)
                     if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)})
_DOUBLE_WORD = re.compile("[A-Za-z" + "".join(sorted(re.escape(c) for c in _CP1252_BYTE)) + "]+")
_LEAD = re.compile("[\u00c2-\u00c6]|\u00e1[\u00ba\u00bb]")  # lead bytes of Vietnamese letters, as Latin-1


def find_double_encoding(text: str) -> tuple[str, str, int, int] | None:
    """UTF-8 read as Windows-1252 and saved again: (first bad word, the word it was, its offset, number
    of such words), or None. A word counts when its bytes are valid UTF-8 spelling a Vietnamese syllable,
    which text really written in Latin-1 letters ("là", "Müller") never is."""
    if not _LEAD.search(text):
        return None
    first, count = None, 0
    for match in _DOUBLE_WORD.finditer(text):
        word = match.group()
        if word.isascii() or not _LEAD.search(word):
            continue
        try:
            fixed = bytes(_CP1252_BYTE.get(c, ord(c)) for c in word).decode("utf-8")
        except (UnicodeDecodeError, ValueError):
            continue
        if fixed != word and _is_syllable(fixed):
            count += 1
            first = first or (word, fixed, match.start())
    return (*first, count) if first else None


def double_encoding_message(bad: str, good: str, line: int, count: int) -> str:
    return (f"Chữ tiếng Việt bị lỗi bảng mã (chữ UTF-8 bị đọc nhầm theo bảng mã Windows-1252 rồi lưu lại): dòng"
            f" {line} có “{bad}”, đúng ra là “{good}”" + (f"; cả tệp có {count} chữ như vậy" if count > 1 else "")
            + ". Hãy chép lại nội dung từ tài liệu gốc, hoặc mở tệp gốc với bảng mã UTF-8 rồi lưu lại.")


# ---- Messages (Vietnamese; the caller adds the file path) ----

_HEAD = "Tệp không được lưu ở dạng UTF-8: nội dung có vẻ được mã hóa theo "
_WIDE_ADVICE = (" Notepad (kiểu lưu “Unicode”) và Word/Excel (“Unicode Text”) hay lưu tệp theo"
                " cách này. Hãy mở tệp bằng trình soạn thảo và lưu lại với bảng mã UTF-8"
                " (Notepad: Save As → Encoding: UTF-8; VS Code: Save with Encoding → UTF-8).")
_FONT_ADVICE = (" Chỉ chọn lưu lại dạng UTF-8 trong trình soạn thảo là chưa đủ, vì chữ sẽ thành"
                " dạng “{sample}”. Hãy chuyển mã bằng công cụ Unikey (Công cụ chuyển mã → {src}"
                " → Unicode), rồi lưu tệp với bảng mã UTF-8 (Unicode).")
_MESSAGES = {
    "utf-16": "bảng mã UTF-16 (có BOM)." + _WIDE_ADVICE,
    "utf-16-le": "bảng mã UTF-16 little-endian (không có BOM)." + _WIDE_ADVICE,
    "utf-16-be": "bảng mã UTF-16 big-endian (không có BOM)." + _WIDE_ADVICE,
    "utf-32": "bảng mã UTF-32." + _WIDE_ADVICE,
    "windows-1258": (
        "bảng mã Windows-1258 (CP1258, bảng mã tiếng Việt của Windows, dấu thanh tổ hợp)."
        " Hãy mở lại tệp với đúng bảng mã (VS Code: Reopen with Encoding → Vietnamese"
        " (Windows 1258); Notepad++: Encoding → Character sets → Vietnamese → Windows-1258),"
        " kiểm tra chữ có dấu hiển thị đúng rồi lưu lại với bảng mã UTF-8; hoặc chuyển mã bằng"
        " Unikey (Công cụ chuyển mã → Vietnamese locale CP 1258 → Unicode)."),
    "tcvn3": "bảng mã TCVN3 (ABC) của các phông chữ .VnTime, .VnArial." + _FONT_ADVICE.format(
        sample="Th«ng b¸o", src="TCVN3 (ABC)"),
    "vni": "bảng mã VNI Windows của các phông chữ VNI-Times, VNI-Helve." + _FONT_ADVICE.format(
        sample="Thoâng baùo", src="VNI Windows"),
    "windows-1252": (
        "một bảng mã 8 bit như Windows-1252 (Latin-1, Tây Âu), không phải bảng mã tiếng Việt."
        " Hãy mở tệp bằng trình soạn thảo, kiểm tra nội dung hiển thị đúng rồi lưu lại với bảng"
        " mã UTF-8 (Unicode). Nếu chữ tiếng Việt bị thay bằng dấu “?” hoặc sai dấu thì nội dung"
        " đã bị mất khi lưu, không chuyển mã lại được: hãy lấy lại nội dung từ tài liệu gốc."),
}
_UNKNOWN = ("Tệp không phải là văn bản UTF-8 hợp lệ và không nhận ra được bảng mã. Có thể đây là"
            " tệp nhị phân (ảnh, PDF, tài liệu Word…) bị đặt nhầm tên hoặc tệp đã bị hỏng; hãy"
            " kiểm tra lại và lưu nội dung dưới dạng văn bản với bảng mã UTF-8.")
_NUL = ("Tệp chứa ký tự NUL (byte 0x00) ở dòng {line}. Điều này thường có nghĩa là tệp nhị phân"
        " hoặc tệp bị hỏng (ví dụ bị cắt ngang khi sao chép), không phải văn bản Markdown. Hãy"
        " mở tệp kiểm tra, xóa các ký tự NUL hoặc tạo lại tệp từ bản gốc rồi lưu với bảng mã"
        " UTF-8.")
_MOJIBAKE = ("Tệp được lưu ở dạng UTF-8 nhưng nội dung có vẻ là văn bản {src} bị đọc sai bảng mã:"
             " dòng {line} có “{bad}”, đúng ra là “{good}”. Hãy lấy lại nội dung từ tài liệu gốc"
             " hoặc chép phần chữ bị lỗi, chuyển mã bằng Unikey (Công cụ chuyển mã → {src} →"
             " Unicode) rồi dán lại, và lưu tệp với bảng mã UTF-8.")
_SOURCE_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI Windows"}


class EncodingProblem(Exception):
    """Raised when a source file is not valid UTF-8 text."""

    def __init__(self, message: str, encoding: str | None, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.encoding = encoding
        self.line = line


def _line_at(data: bytes | str, pos: int) -> int:
    """1-based line of offset ``pos``, counting LF, CRLF and lone CR line endings."""
    head = data[:pos] if isinstance(data, str) else data[:pos].decode("latin-1")
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def decode_source(data: bytes) -> str:
    """Return text for valid UTF-8 (a UTF-8 BOM is allowed and stripped; CRLF and CR line
    endings normalised to LF). Otherwise raise EncodingProblem naming the likely encoding."""
    wide = _wide_encoding(data)
    if wide:
        raise EncodingProblem(_HEAD + _MESSAGES[wide], wide, None)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess = guess_legacy_encoding(data)
        if guess is None and b"\0" in data:
            line = _line_at(data, data.index(b"\0"))
            raise EncodingProblem(_NUL.format(line=line), None, line) from None
        line = _line_at(data, exc.start)
        message = (_HEAD + _MESSAGES[guess]) if guess else _UNKNOWN
        message += f" Byte không hợp lệ đầu tiên nằm ở dòng {line}."
        raise EncodingProblem(message, guess, line) from None
    if "\0" in text:
        line = _line_at(text, text.index("\0"))
        raise EncodingProblem(_NUL.format(line=line), None, line)
    mojibake = _find_mojibake(text) if _SUSPECT.search(text) else None
    if mojibake:
        encoding, bad, good, pos = mojibake
        line = _line_at(text, pos)
        message = _MOJIBAKE.format(src=_SOURCE_NAMES[encoding], line=line, bad=bad, good=good)
        raise EncodingProblem(message, encoding, line)
    return text.replace("\r\n", "\n").replace("\r", "\n")

"""Tests for portal.encoding: UTF-8 decoding and Vietnamese legacy-encoding diagnostics."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "plugins"))
import unicodedata

import pytest

from portal.encoding import LETTERS, EncodingProblem, decode_legacy, decode_source, encode_legacy, guess_legacy_encoding

PARAGRAPH = (
    "Ủy ban nhân dân tỉnh thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND tỉnh trong "
    "tháng 3 năm 2026. Công dân đến đăng ký tại Trụ sở Tiếp công dân, số 12 đường Trần Hưng Đạo."
)

DOC = (
    "---\n"
    "title: Thông báo lịch tiếp công dân tháng 3/2026\n"
    "date: 2026-03-01\n"
    "category: Thông báo\n"
    "tags: [tiếp công dân, Ủy ban nhân dân]\n"
    "---\n"
    "\n"
    f"{PARAGRAPH}\n"
    "\n"
    "Mọi thắc mắc xin liên hệ Văn phòng Ủy ban nhân dân tỉnh để được hướng dẫn.\n"
)

# Genuine Vietnamese using every one of the 67 lower-case letters; FOREIGN adds names, smart
# quotes, guillemets and symbols that a real portal page may contain. Never to be flagged.
GENUINE = (
    "Thủ tục hành chính được giải quyết theo cơ chế một cửa; hồ sơ nộp trực tuyến qua Cổng "
    "Dịch vụ công quốc gia. Người dân có ý kiến phản ánh, kiến nghị xin gửi về Sở Tư pháp.\n"
    "Đã có những bằng chứng rõ ràng: chẳng ai sẵn lòng bỏ qua việc thẩm định, dẫn đến tập huấn "
    "cho trẻ em, mẹ và bé; sẽ miễn phí, đề nghị để bên cạnh phòng học nhỏ, mỗi tổ một cơ sở.\n"
    "Cán bộ với người dân hợp tác, không để vỡ kế hoạch; tùy thú vui, cũng dụng công từ những "
    "thực tế, lịch sử chứng minh; kỹ thuật ỷ lại thì quỵ ngã, kỳ vọng nghĩa tình chè xanh.\n"
    "Hằng năm khuỷu tay, rượu cần, ngoằn ngoèo, xoong nồi, khuya khoắt, thuở ấy, quở trách, "
    "giặt giũ, huyện Krông Búk, tỉnh Đắk Lắk.\n"
)
FOREIGN = (
    "Đối tác: ông Müller (Zürich), bà Hélène ở quán café « Le Monde », São Paulo, Gödel, "
    "Noël, Señor, Curaçao… “Thông báo” — ‘xin cảm ơn’ © 2026 · Sở Nội vụ ® § ¶.\n"
)


def _assert_problem(data: bytes, encoding, *words: str) -> EncodingProblem:
    with pytest.raises(EncodingProblem) as info:
        decode_source(data)
    problem = info.value
    assert problem.encoding == encoding
    assert str(problem) == problem.message
    assert unicodedata.is_normalized("NFC", problem.message)
    for word in words:
        assert word in problem.message
    return problem


# ---- UTF-8 is accepted and normalised ----

@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_utf8_decodes_and_normalises(prefix, newline):
    data = prefix + DOC.replace("\n", newline).encode("utf-8")
    assert decode_source(data) == DOC
    assert guess_legacy_encoding(data) is None


def test_empty_and_ascii():
    assert decode_source(b"") == ""
    assert decode_source(b"---\ntitle: UBND\n---\n") == "---\ntitle: UBND\n---\n"


@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize("case", [str, str.upper, str.lower])
def test_genuine_vietnamese_is_never_flagged(form, case):
    text = unicodedata.normalize(form, case(GENUINE + FOREIGN + DOC))
    assert decode_source(text.encode("utf-8")) == text
    assert decode_source(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_genuine_text_covers_every_letter():
    assert set(LETTERS) <= set(GENUINE.lower())
    words = "".join(sorted(LETTERS))  # each letter alone is a syllable too
    assert decode_source(" ".join(words).encode("utf-8")) == " ".join(words)


# ---- Wide Unicode encodings ----

@pytest.mark.parametrize("bom, codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_with_bom(bom, codec):
    problem = _assert_problem(bom + DOC.encode(codec), "utf-16", "UTF-16", "có BOM", "UTF-8")
    assert problem.line is None


@pytest.mark.parametrize("codec, words", [("utf-16-le", ("UTF-16", "little-endian")),
                                          ("utf-16-be", ("UTF-16", "big-endian"))])
@pytest.mark.parametrize("text", [DOC, PARAGRAPH, "---\ntitle: UBND\n---\n"])
def test_utf16_without_bom(codec, words, text):
    data = text.encode(codec)
    assert guess_legacy_encoding(data) == codec
    _assert_problem(data, codec, *words, "không có BOM")


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32(codec):
    data = DOC.encode(codec)  # plain "utf-32" writes a BOM
    assert guess_legacy_encoding(data) == "utf-32"
    _assert_problem(data, "utf-32", "UTF-32")


# ---- 8-bit legacy encodings ----

def _cp1258_decomposed(text: str) -> bytes:
    """Windows-1258 the other way round: every tone as a separate combining byte."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        nfd = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tone))
        out += (base + tone).encode("cp1258")
    return out


LEGACY_CASES = [
    ("windows-1258", lambda t: encode_legacy(t, "windows-1258"), ("Windows-1258", "CP1258")),
    ("windows-1258", _cp1258_decomposed, ("Windows-1258",)),
    ("tcvn3", lambda t: encode_legacy(t, "tcvn3"), ("TCVN3 (ABC)", "Unikey")),
    ("vni", lambda t: encode_legacy(t, "vni"), ("VNI Windows", "Unikey")),
]


@pytest.mark.parametrize("expected, encode, words", LEGACY_CASES)
@pytest.mark.parametrize("text", [DOC, PARAGRAPH, GENUINE])
def test_legacy_vietnamese(expected, encode, words, text):
    data = encode(text)
    assert guess_legacy_encoding(data) == expected
    problem = _assert_problem(data, expected, "Tệp không được lưu ở dạng UTF-8", "bảng mã", *words)
    first_line = text.split("\n").index(next(ln for ln in text.split("\n") if not ln.isascii()))
    assert problem.line == first_line + 1
    assert f"dòng {problem.line}" in problem.message


@pytest.mark.parametrize("expected, encode, words", LEGACY_CASES)
def test_legacy_vietnamese_crlf(expected, encode, words):
    data = encode(DOC).replace(b"\n", b"\r\n")
    assert _assert_problem(data, expected).line == 2


def test_windows_1252_non_vietnamese():
    text = ("---\ntitle: Café\n---\nLe café « Chez Müller » à Zürich propose un déjeuner "
            "naïve et une crème brûlée. Straße, Größe, façade, déjà vu — “voilà”.\n")
    data = text.encode("cp1252")
    assert guess_legacy_encoding(data) == "windows-1252"
    problem = _assert_problem(data, "windows-1252", "Windows-1252", "UTF-8")
    assert problem.line == 2


@pytest.mark.parametrize("text", [DOC, PARAGRAPH])
def test_vietnamese_saved_as_ansi_loses_letters(text):
    """Notepad "ANSI" on a Western Windows turns letters cp1252 lacks into "?"."""
    data = text.encode("cp1252", errors="replace")
    assert b"?" in data
    _assert_problem(data, "windows-1252", "Windows-1252", "dấu “?”", "tài liệu gốc")


def test_windows_1258_with_query_strings_is_still_windows_1258():
    text = DOC + "Xem thêm tại https://dichvucong.gov.vn/p/home?lang=vi&id=12 và ?page=2.\n"
    _assert_problem(encode_legacy(text, "windows-1258"), "windows-1258")


def test_binary_data_is_not_text():
    data = bytes(range(256)) * 8
    assert guess_legacy_encoding(data) is None
    problem = _assert_problem(data, None, "NUL")
    assert problem.line == 1


def test_invalid_bytes_with_control_characters():
    data = b"\x01\x02\x03\xff\xfe\x10" * 20
    assert guess_legacy_encoding(data) is None
    _assert_problem(data, None, "không nhận ra được bảng mã")


# ---- NUL bytes and mojibake inside valid UTF-8 ----

def test_nul_byte_in_utf8():
    data = DOC.encode("utf-8").replace(b"category:", b"category:\x00", 1)
    problem = _assert_problem(data, None, "ký tự NUL", "dòng 4", "nhị phân")
    assert problem.line == 4


def test_nul_byte_line_with_crlf_and_bom():
    data = b"\xef\xbb\xbf" + b"---\r\ntitle: a\r\n\x00\r\n"
    assert _assert_problem(data, None, "dòng 3").line == 3


@pytest.mark.parametrize("font", ["tcvn3", "vni"])
@pytest.mark.parametrize("misread_as", ["cp1252", "latin-1"])
@pytest.mark.parametrize("text", [DOC, PARAGRAPH, GENUINE])
def test_mojibake_in_utf8(font, misread_as, text):
    mojibake = encode_legacy(text, font).decode(misread_as)
    data = mojibake.encode("utf-8")
    assert guess_legacy_encoding(data) is None  # the bytes themselves are fine UTF-8
    name = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI Windows"}[font]
    problem = _assert_problem(data, font, "UTF-8", "sai bảng mã", name)
    assert f"dòng {problem.line}" in problem.message


@pytest.mark.parametrize("sample, font, good", [
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "vni", "CỘNG"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni", "Cộng"),
    ("Th«ng b¸o", "tcvn3", "Thông"),
    ("ViÖt Nam, ngµy 2 th¸ng 3", "tcvn3", "Việt"),
    ("Xin chaøo caùc baïn", "vni", "chào"),
    ("title: Ñaêng kyù khai sinh", "vni", "Đăng"),
])
def test_short_mojibake(sample, font, good):
    problem = _assert_problem(sample.encode("utf-8"), font, good)
    assert problem.line == 1


def test_mojibake_needs_more_than_one_plain_word():
    """A single VNI word without strong evidence could be a foreign word; it is not flagged."""
    assert decode_source("Vieät Nam".encode()) == "Vieät Nam"


# Each of these re-reads as a Vietnamese-looking syllable in TCVN3 or VNI.
TRAPS = ["Müller", "Gün", "Düc", "Tromsø", "Søn", "på", "Meán", "µm", "În", "Män", "Hën", "Sèp",
         "oân", "sön", "Ýu"]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_foreign_words_that_look_like_mojibake_are_not_flagged(form):
    lines = [f"Ông {name} đã đến làm việc với Ủy ban nhân dân tỉnh." for name in TRAPS]
    text = "\n".join([PARAGRAPH, *lines, "Khách mời: Müller, Gün và Søn; kích thước 5 µm."])
    text = unicodedata.normalize(form, text)
    assert decode_source(text.encode("utf-8")) == text
    for name in TRAPS:
        assert decode_source(f"title: {name}".encode()) == f"title: {name}"


def test_mojibake_title_in_otherwise_good_document():
    title = encode_legacy("Thông báo lịch tiếp công dân", "tcvn3").decode("cp1252")
    doc = DOC.replace("Thông báo lịch tiếp công dân", title, 1)
    problem = _assert_problem(doc.encode("utf-8"), "tcvn3", "Th«ng", "Thông")
    assert problem.line == 2


# ---- Character tables ----

@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "windows-1258"])
def test_lowercase_round_trip(encoding):
    assert len(LETTERS) == 67
    for letter in LETTERS:
        assert decode_legacy(encode_legacy(letter, encoding), encoding) == letter
    codes = [encode_legacy(letter, encoding) for letter in LETTERS]
    assert len(set(codes)) == 67


@pytest.mark.parametrize("encoding", ["vni", "windows-1258"])
def test_uppercase_round_trip(encoding):
    upper = [letter.upper() for letter in LETTERS]
    assert decode_legacy(encode_legacy("".join(upper), encoding), encoding) == "".join(upper)
    text = unicodedata.normalize("NFC", GENUINE)
    assert decode_legacy(encode_legacy(text, encoding), encoding) == text


def test_tcvn3_uppercase_limitation():
    """TCVN3 has codes only for the seven untoned capitals Ă Â Ê Ô Ơ Ư Đ; toned capitals share
    the lower-case code (the upper-case .VnTimeH font draws it as a capital), so they come back
    lower case."""
    untoned = "ĂÂÊÔƠƯĐ"
    assert encode_legacy(untoned, "tcvn3") == bytes(range(0xA1, 0xA8))
    assert decode_legacy(encode_legacy(untoned, "tcvn3"), "tcvn3") == untoned
    for letter in LETTERS:
        if letter.upper() not in untoned:
            assert encode_legacy(letter.upper(), "tcvn3") == encode_legacy(letter, "tcvn3")
    assert decode_legacy(encode_legacy("ỦY BAN", "tcvn3"), "tcvn3") == "ủY BAN"


@pytest.mark.parametrize("raw, encoding, text", [
    # Published samples (converter READMEs and examples).
    ("Th«ng b¸o", "tcvn3", "Thông báo"),
    ("B¶o Th¾ng", "tcvn3", "Bảo Thắng"),
    ("M\xadêng Kh\xad¬ng", "tcvn3", "Mường Khương"),
    ("B¸t X¸t", "tcvn3", "Bát Xát"),
    ("ViÖt Nam", "tcvn3", "Việt Nam"),
    ("Xin chaøo caùc baïn", "vni", "Xin chào các bạn"),
    ("Vieät Nam", "vni", "Việt Nam"),
    ("VIEÄT NAM", "vni", "VIỆT NAM"),
    ("Uûy ban", "vni", "Ủy ban"),
    ("UÛY BAN", "vni", "ỦY BAN"),
    ("Ñaø Naüng", "vni", "Đà Nẵng"),
])
def test_known_samples(raw, encoding, text):
    assert decode_legacy(raw.encode("cp1252"), encoding) == text


def test_encode_legacy_rejects_unencodable():
    with pytest.raises(ValueError):
        encode_legacy("日本", "tcvn3")
    with pytest.raises(ValueError):
        encode_legacy("Grüße", "vni")
    assert encode_legacy("“Việt” – 2026…", "vni") == "“Vieät” – 2026…".encode("cp1252")

"""Runs of a Word document typed in legacy Vietnamese fonts, decoded to Unicode before conversion.

Documents typed before Unicode (and many still circulating between agencies) use 8-bit fonts: TCVN3
(ABC) in the ``.Vn…`` fonts (.VnTime, .VnArial; the ``…H`` fonts such as .VnTimeH show capitals) and VNI
Windows in the ``VNI-…`` fonts (VNI-Times, VNI-Helve). Word stores such a run as the Windows-1252 reading
of its bytes ("Th«ng b¸o", "Thoâng baùo"): it looks right only in that font. Each run whose font is one of
them (set on the run, its character style, its paragraph's style, or the document's defaults) is turned
back into bytes and decoded with the project's own tables (:func:`portal.encoding.decode_legacy`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from portal.encoding import decode_legacy

from .docx_package import DOCUMENT, STYLES, Package, w

_TCVN3 = re.compile(r"^\.vn", re.IGNORECASE)
_VNI = re.compile(r"^vni[- ]", re.IGNORECASE)
_FONT_ATTRIBUTES = ("ascii", "hAnsi")  # Latin text: the fonts legacy documents set


@dataclass(frozen=True)
class DecodedRun:
    """One run decoded: its font, the encoding, its text as stored and as read."""

    font: str
    encoding: str
    before: str
    after: str


def font_encoding(font: str) -> str | None:
    """'tcvn3', 'vni' or None for a font name."""
    name = (font or "").strip()
    if _TCVN3.match(name):
        return "tcvn3"
    if _VNI.match(name):
        return "vni"
    return None


def decode_text(text: str, font: str) -> str:
    """The Unicode text of a run stored in legacy font ``font`` (unchanged if the font is not one)."""
    encoding = font_encoding(font)
    if encoding is None:
        return text
    out, pending = [], bytearray()
    for char in text:
        try:
            pending += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) < 256:
                pending.append(ord(char))  # the five bytes Windows-1252 leaves undefined
                continue
            if pending:
                out.append(decode_legacy(bytes(pending), encoding))
                pending.clear()
            out.append(char)  # already Unicode (a symbol typed from another font): kept
    if pending:
        out.append(decode_legacy(bytes(pending), encoding))
    decoded = "".join(out)
    # TCVN3 capitals fonts (.VnTimeH...) draw the lower-case codes as capitals.
    return decoded.upper() if encoding == "tcvn3" and font.strip().lower().endswith("h") else decoded


class _Fonts:
    """The Latin font of a run, resolved as Word does: run, character style, paragraph style, defaults."""

    def __init__(self, styles: ElementTree.Element | None):
        self.styles: dict[str, ElementTree.Element] = {}
        self.default_paragraph = None
        self.document_default = None
        if styles is None:
            return
        for style in styles.iter(w("style")):
            style_id = style.get(w("styleId"))
            if style_id:
                self.styles[style_id] = style
                if style.get(w("type")) == "paragraph" and style.get(w("default")) in ("1", "true", "on"):
                    self.default_paragraph = style_id
        defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        self.document_default = _font_of(defaults)

    def _style_font(self, style_id: str | None, seen: frozenset = frozenset()) -> str | None:
        style = self.styles.get(style_id or "")
        if style is None or style_id in seen:
            return None
        font = _font_of(style.find(w("rPr")))
        if font is not None:
            return font
        based = style.find(w("basedOn"))
        return self._style_font(based.get(w("val")) if based is not None else None, seen | {style_id})

    def of(self, run: ElementTree.Element, paragraph_style: str | None) -> str:
        properties = run.find(w("rPr"))
        font = _font_of(properties)
        if font is None and properties is not None:
            run_style = properties.find(w("rStyle"))
            if run_style is not None:
                font = self._style_font(run_style.get(w("val")))
        if font is None:
            font = self._style_font(paragraph_style or self.default_paragraph)
        return font if font is not None else (self.document_default or "")


def _font_of(properties: ElementTree.Element | None) -> str | None:
    """The Latin font set in run properties; '' when a theme font is set (never a legacy one); None if unset."""
    if properties is None:
        return None
    fonts = properties.find(w("rFonts"))
    if fonts is None:
        return None
    if fonts.get(w("asciiTheme")) or fonts.get(w("hAnsiTheme")):
        return ""
    for attribute in _FONT_ATTRIBUTES:
        if fonts.get(w(attribute)):
            return fonts.get(w(attribute))
    return None


def decode_document(package: Package) -> tuple[bytes | None, list[DecodedRun]]:
    """``word/document.xml`` with every legacy-font run decoded (None when there is none), and the runs."""
    data = package.read(DOCUMENT) or b""
    if not re.search(rb"(?i)w:(ascii|hAnsi)=\"(\.vn|vni)", data) and not _styles_mention_legacy(package):
        return None, []  # the common case: no legacy font named anywhere
    root = package.xml(DOCUMENT)
    fonts = _Fonts(package.xml(STYLES))
    decoded: list[DecodedRun] = []
    for paragraph in root.iter(w("p")):
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        paragraph_style = style.get(w("val")) if style is not None else None
        for run in paragraph.iter(w("r")):
            font = fonts.of(run, paragraph_style)
            encoding = font_encoding(font)
            if encoding is None:
                continue
            for text in run.iter(w("t")):
                if text.text and not text.text.isascii():
                    after = decode_text(text.text, font)
                    if after != text.text:
                        decoded.append(DecodedRun(font, encoding, text.text, after))
                        text.text = after
                elif text.text and font.strip().lower().endswith("h") and encoding == "tcvn3":
                    text.text = text.text.upper()
    if not decoded:
        return None, []
    return _serialise(root, data), decoded


def _styles_mention_legacy(package: Package) -> bool:
    styles = package.read(STYLES) or b""
    return bool(re.search(rb"(?i)w:(ascii|hAnsi)=\"(\.vn|vni)", styles))


def _serialise(root: ElementTree.Element, source: bytes) -> bytes:
    """XML bytes of ``root`` with the source's namespace prefixes (pandoc reads names, Word reads prefixes)."""
    for _, (prefix, uri) in ElementTree.iterparse(io.BytesIO(source), events=("start-ns",)):
        if prefix and not re.fullmatch(r"ns\d+", prefix):  # ns0, ns1...: ElementTree's own, refused
            ElementTree.register_namespace(prefix, uri)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)

"""A Word (.docx) file opened safely: a ZIP package of XML parts, read with limits and a hardened parser.

The file comes from outside (an editor's computer, an upload to the local endpoint), so it is treated as
hostile: the package and each part have a size cap (a ZIP bomb stops at the cap), XML is parsed with
defusedxml (no entity declarations, no external references), and only the parts the import needs are read.
A legacy .doc, an encrypted .docx (both OLE files) or anything else gets a clear Vietnamese refusal.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .errors import ImportRefused

MAX_FILE_BYTES = 50 * 1024 * 1024      # the .docx itself
MAX_PART_BYTES = 64 * 1024 * 1024      # one part, uncompressed
MAX_TOTAL_BYTES = 256 * 1024 * 1024    # every part read, uncompressed
DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_RESAVE = " Hãy mở tệp bằng Word rồi lưu lại dạng «Word Document (*.docx)» và nhập lại."


def w(tag: str) -> str:
    """A WordprocessingML name in ElementTree's ``{namespace}tag`` form."""
    return f"{{{W}}}{tag}"


@dataclass
class Package:
    """The parts of one .docx: its bytes, and each member read on demand within the limits."""

    data: bytes
    names: list[str] = field(default_factory=list)
    _read_total: int = 0

    def read(self, name: str) -> bytes | None:
        """A part's bytes, or None when the package has no such part."""
        if name not in self.names:
            return None
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            info = archive.getinfo(name)
            if info.file_size > MAX_PART_BYTES or self._read_total + info.file_size > MAX_TOTAL_BYTES:
                raise ImportRefused(f"Tệp Word có phần «{name}» quá lớn ({info.file_size // (1024 * 1024)} MB khi"
                                    " giải nén) nên không nhập được." + _RESAVE)
            with archive.open(info) as member:
                data = member.read(MAX_PART_BYTES + 1)
        if len(data) > MAX_PART_BYTES:
            raise ImportRefused(f"Tệp Word có phần «{name}» quá lớn khi giải nén nên không nhập được.")
        self._read_total += len(data)
        return data

    def xml(self, name: str) -> ElementTree.Element | None:
        """A part parsed as XML (hardened), or None when absent."""
        data = self.read(name)
        if data is None:
            return None
        try:
            return fromstring(data)
        except (ElementTree.ParseError, DefusedXmlException) as exc:
            raise ImportRefused(f"Tệp Word bị hỏng: phần «{name}» không đọc được ({exc})." + _RESAVE) from None

    def with_parts(self, replaced: dict[str, bytes]) -> bytes:
        """The package's bytes with some parts replaced (the other parts copied as they are)."""
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(self.data)) as source, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename in replaced:
                    target.writestr(info.filename, replaced[info.filename])
                else:
                    target.writestr(info, self.read(info.filename) or b"")
        return out.getvalue()


def open_docx(data: bytes, name: str) -> Package:
    """Open the bytes of a .docx called ``name``; ImportRefused (Vietnamese) for anything else."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(f"Tệp «{name}» lớn {len(data) // (1024 * 1024)} MB, vượt giới hạn"
                            f" {MAX_FILE_BYTES // (1024 * 1024)} MB của một văn bản Word. Ảnh trong văn bản thường là"
                            " nguyên nhân: hãy nén ảnh (Word: Tệp → Nén ảnh) rồi nhập lại.")
    if data.startswith(_OLE):
        raise ImportRefused(f"Tệp «{name}» là văn bản Word kiểu cũ (.doc) hoặc tệp .docx có đặt mật khẩu, không đọc"
                            " được nội dung. Hãy mở tệp bằng Word, bỏ mật khẩu nếu có, rồi lưu lại dạng «Word"
                            " Document (*.docx)» và nhập lại.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        raise ImportRefused(f"Tệp «{name}» không phải là tệp Word (.docx) hợp lệ hoặc đã bị hỏng (ví dụ tải về chưa"
                            " hết)." + _RESAVE) from None
    if DOCUMENT not in names:
        raise ImportRefused(f"Tệp «{name}» là tệp nén nhưng không phải văn bản Word (thiếu phần {DOCUMENT})."
                            + _RESAVE)
    return Package(data, names)

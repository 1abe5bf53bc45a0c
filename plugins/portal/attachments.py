"""Which files under a site's ``tep/`` and ``anh/`` may be published: an allow-list of types, SVG read.

Attachments are copied to the site as they are and served from the portal's own address, so a file a
browser would run there (HTML, XHTML, JavaScript, Flash, an XML page with an XSLT or XHTML script, a
compressed SVG that cannot be read here) could deface the portal or act with its address: the same
origin as every page. Only the types in :data:`ALLOWED` are published; every other file is an error of
the site (``invoke check`` names it with its reason, the site is not built, nothing is copied).

SVG is allowed because portals use it for maps and organisation charts, but an SVG opened on its own
is a document that runs its scripts. Each one is read with a real XML parser (defusedxml: no entity
declarations, no external references) and refused, not cleaned, when it holds: a ``<script>``, an
event handler attribute (``onload``...), a ``<foreignObject>`` or any XHTML element, an ``<iframe>``,
``<embed>``, ``<object>``, a link or reference (``href``, ``xlink:href``, CSS ``url()``) to anything
but a fragment of the same file (``#id``) or an embedded raster image (``data:image/png``...),
``javascript:``, a CSS ``@import``, an ``xml-stylesheet`` instruction or an animation that sets a link
or a handler. Refusing keeps the editor's file exactly as drawn; the message says what to remove.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces

from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser

from . import paths
from .problems import ERROR, Problem, relpath, short

FOLDERS = ("tep", "anh")
# Extension → what it is. Documents, spreadsheets, presentations, images, sound and video, archives.
ALLOWED = {
    **dict.fromkeys(("pdf", "doc", "docx", "odt", "rtf", "txt"), "văn bản"),
    **dict.fromkeys(("xls", "xlsx", "ods", "csv"), "bảng tính"),
    **dict.fromkeys(("ppt", "pptx", "odp"), "trình chiếu"),
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "webp", "avif", "svg"), "hình ảnh"),
    **dict.fromkeys(("mp3", "m4a", "wav", "ogg", "mp4", "webm"), "âm thanh, video"),
    **dict.fromkeys(("zip", "rar", "7z"), "tệp nén"),
}
# Types a browser runs or renders as a page: named in the message, so the editor knows why.
ACTIVE = {"html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "js", "mjs", "svgz", "xml", "xsl", "xslt",
          "swf", "php", "phtml", "asp", "aspx", "jsp", "cgi", "pl", "py", "sh", "exe", "bat", "cmd", "vbs",
          "hta", "jar", "wasm", "htaccess"}
MAX_SVG_BYTES = 5 * 1024 * 1024
MAX_FINDINGS = 5  # per file: a drawing pasted from a web page may carry hundreds of handlers

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ACTIVE_ELEMENTS = {"script": "thẻ <script> chứa mã chạy",
                   "foreignobject": "thẻ <foreignObject> nhúng nội dung trang web (HTML) vào hình",
                   "iframe": "thẻ <iframe> nhúng trang khác", "embed": "thẻ <embed> nhúng chương trình",
                   "object": "thẻ <object> nhúng chương trình", "handler": "thẻ <handler> chứa mã chạy",
                   "listener": "thẻ <listener> gắn mã chạy vào sự kiện"}
ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
_URL_IN_CSS = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_SAFE_DATA = re.compile(r"data:image/(png|jpe?g|gif|webp);base64,", re.IGNORECASE)
_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_FIX = ("hình SVG chỉ gồm hình vẽ và chữ (không mã chạy, không tham chiếu ra ngoài tệp); hãy xuất lại hình"
        " ở dạng SVG thuần (ví dụ «Plain SVG» trong Inkscape) hoặc lưu thành PNG")


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def problems(site_dir: Path, root: Path | None = None) -> list[Problem]:
    """Every file under ``tep/`` and ``anh/`` that may not be published, with its reason.

    Symlinks out of the site are :func:`portal.document.asset_problems`' (one problem per file); hidden
    files are never published (``IGNORE_FILES``) and are skipped.
    """
    found = []
    for folder in FOLDERS:
        base = Path(site_dir) / folder
        if not base.is_dir() or base.is_symlink():
            continue
        for dirpath, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                path = Path(dirpath) / name
                if name.startswith(".") or (path.is_symlink() and not _inside(path, site_dir)):
                    continue
                found.extend(file_problems(path, relpath(path, root)))
    return found


def _inside(path: Path, site_dir: Path) -> bool:
    return path.exists() and paths.inside(path, site_dir)


def file_problems(path: Path, rel: str) -> list[Problem]:
    """The problems of one attachment or image: its type, and for an SVG what it holds."""
    ext = extension(path.name)
    if ext not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        if ext in ACTIVE:
            message = (f"Tệp loại «.{ext}» có thể chứa mã chạy trên trình duyệt của người đọc, dưới địa chỉ của"
                       " cổng, nên không được đăng.")
        elif ext:
            message = f"Loại tệp «.{ext}» không nằm trong danh sách được đăng lên cổng."
        else:
            message = "Tệp không có phần mở rộng (như .pdf, .docx) nên không biết là loại tệp gì; tệp không được đăng."
        return [Problem(rel, 0, message + " Cổng sẽ không được xuất bản lại cho đến khi bạn xóa hoặc đổi tệp này.",
                        expected=f"một trong các loại: {allowed}", found=short(path.name), code="tep-loai-cam")]
    if ext == "svg":
        return svg_problems(path, rel)
    return []


def svg_problems(path: Path, rel: str) -> list[Problem]:
    """Why an SVG file may not be published (empty when it is only drawing and text)."""
    def problem(line: int, what: str, found: str) -> Problem:
        return Problem(rel, line, f"Hình SVG có {what} nên không được đăng (hình SVG mở trực tiếp trên cổng"
                                  " chạy được mã như một trang web).", expected=_FIX, found=short(found),
                       severity=ERROR, code="svg-khong-an-toan")

    try:
        size = path.stat().st_size
    except OSError as exc:
        return [Problem(rel, 0, f"Không đọc được tệp ({exc.strerror}).", code="khong-doc-duoc")]
    if size > MAX_SVG_BYTES:
        return [Problem(rel, 0, "Hình SVG quá lớn để kiểm tra nên không được đăng.",
                        expected=f"tối đa {MAX_SVG_BYTES // 1024 // 1024} MB, hoặc lưu thành PNG/JPG",
                        found=f"{size // 1024} KB", code="svg-khong-an-toan")]
    scan = _SvgScan(problem)
    parser = make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(scan)
    try:
        parser.parse(str(path))
    except _Enough:
        pass
    except DefusedXmlException:
        return [problem(scan.line(), "khai báo thực thể hoặc tham chiếu ra ngoài trong phần DOCTYPE", "<!DOCTYPE …>")]
    except SAXParseException as exc:
        return [Problem(rel, exc.getLineNumber() or 0, "Tệp .svg không đọc được như một hình SVG (không phải XML"
                        " hợp lệ) nên không được đăng.", expected="hình SVG lưu từ phần mềm vẽ, hoặc lưu thành PNG",
                        found=short(exc.getMessage()), code="svg-khong-an-toan")]
    except (OSError, ValueError) as exc:
        return [Problem(rel, 0, f"Không đọc được tệp ({exc}).", code="khong-doc-duoc")]
    if not scan.findings and not scan.is_svg:
        return [problem(1, "phần tử gốc không phải <svg>", scan.root or "(trống)")]
    return scan.findings


class _Enough(Exception):
    """Stops reading a file once :data:`MAX_FINDINGS` problems were found."""


class _SvgScan(ContentHandler):
    def __init__(self, problem):
        super().__init__()
        self.problem = problem
        self.findings: list[Problem] = []
        self.locator = None
        self.root = ""
        self.is_svg = False
        self.style: list[str] | None = None  # text of the <style> element being read

    def setDocumentLocator(self, locator):
        self.locator = locator

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 0

    def add(self, what: str, found: str) -> None:
        self.findings.append(self.problem(self.line(), what, found))
        if len(self.findings) >= MAX_FINDINGS:
            raise _Enough

    def processingInstruction(self, target, data):
        if target.lower() == "xml-stylesheet":
            self.add("chỉ thị <?xml-stylesheet?> nạp định dạng hoặc biến đổi từ tệp khác", f"<?{target} {data}?>")

    def startElementNS(self, name, qname, attrs):
        namespace, local = name
        low = local.lower()
        if not self.root:
            self.root = f"<{qname or local}>"
            self.is_svg = namespace == SVG_NS and low == "svg"
        if low in ACTIVE_ELEMENTS:
            self.add(ACTIVE_ELEMENTS[low], f"<{qname or local}>")
        elif namespace == XHTML_NS:
            self.add(f"thẻ trang web <{local}> (HTML) bên trong hình", f"<{qname or local}>")
        if low in ANIMATIONS:
            target = next((v for (ns, a), v in attrs.items() if not ns and a.lower() == "attributename"), "")
            target = target.split(":")[-1].strip().lower()
            if target == "href" or target.startswith("on"):
                self.add(f"hiệu ứng <{local}> thay đổi thuộc tính «{target}»", f'attributeName="{target}"')
        for name, value in attrs.items():
            attr, written = name[1].lower(), attrs.getQNameByName(name) or name[1]
            if attr.startswith("on"):
                self.add(f"thuộc tính sự kiện «{written}» (chạy mã khi người xem mở hoặc chạm vào hình)",
                         f'{written}="{value}"')
            elif attr in ("href", "src") and not _internal(value):
                self.add(f"liên kết hoặc tham chiếu ra ngoài tệp («{written}»)", f'{written}="{value}"')
            else:
                self._css(value, f'{written}="{value}"')
        if low == "style":
            self.style = []

    def characters(self, content):
        if self.style is not None:
            self.style.append(content)

    def endElementNS(self, name, qname):
        if name[1].lower() == "style" and self.style is not None:
            text, self.style = "".join(self.style), None
            self._css(text, text.strip()[:80])

    def _css(self, text: str, found: str) -> None:
        compact = _NOISE.sub("", text).lower()
        if "@import" in compact:
            self.add("lệnh CSS @import nạp định dạng từ tệp khác", found)
        elif "javascript:" in compact or "expression(" in compact:
            self.add("mã chạy trong định dạng (javascript:, expression())", found)
        else:
            for match in _URL_IN_CSS.finditer(text):
                if not _internal(match.group(2)):
                    self.add("tham chiếu url() ra ngoài tệp trong định dạng", match.group(0))
                    return


def _internal(value: str) -> bool:
    """A reference inside the same file (``#id``) or an embedded raster image."""
    value = _NOISE.sub("", value or "")
    return value.startswith("#") or bool(_SAFE_DATA.match(value)) or value == ""

"""The web editor's "Nhập từ Word": a small local HTTP endpoint that imports an uploaded file into the working tree.

``invoke cms`` (or ``invoke import-server`` alone) starts it next to decap-server; the admin links to its
page. It listens on the loopback interface only: like decap-server it has no authentication, so any other
address is refused (:class:`~importer.errors.WrongUse`). Requests are accepted only when addressed to the
loopback host (``Host``: a page on another site cannot reach it through DNS rebinding) and, when a browser
says where the request comes from (``Origin``), only from this server's own page or the origins given
(the editor's): a page on another site cannot make the editor's browser import files.

- ``GET /``: a Vietnamese form (site, type, file).
- ``POST /nhap`` (``multipart/form-data``: ``tep`` the file, ``cong`` the site, ``loai`` the type): the import
  of :func:`importer.pipeline.import_file`; answers an HTML page, or JSON when asked (``Accept:
  application/json``): ``report.as_dict`` plus ``"ok"``; an import refused or wrong answers
  ``{"ok": false, "loi_nhap": "…"}`` with status 422 or 400.

One import runs at a time (a lock): two uploads never race for the same file name.
"""

from __future__ import annotations

import html
import http.server
import json
import logging
import threading
from collections.abc import Mapping
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import urlsplit

from portal import content_types, sites

from . import report
from .errors import ImportFailure, WrongUse
from .pipeline import import_file

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "::1", "localhost")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PAGE_CSS = ("body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
            "label{display:block;margin-top:1rem;font-weight:600}pre{white-space:pre-wrap;background:#f6f6f6;"
            "padding:1rem}button{margin-top:1.5rem;padding:.5rem 1.5rem}")


class ImportServer(http.server.ThreadingHTTPServer):
    """The endpoint's server: the project root it imports into (and the project's settings, which the check
    of an imported item follows), the origins it trusts, its lock."""

    daemon_threads = True

    def __init__(self, root: Path, host: str, port: int, allowed_origins: tuple[str, ...],
                 settings: Mapping | None = None):
        super().__init__((host, port), _Handler)
        self.root = Path(root)
        self.settings = settings
        self.lock = threading.Lock()
        own = {f"http://{name}:{self.server_address[1]}" for name in ("127.0.0.1", "localhost", "[::1]")}
        self.origins = own | {o.rstrip("/") for o in allowed_origins}
        self.hosts = {urlsplit(o).netloc for o in own}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def make_server(root: Path, host: str = "127.0.0.1", port: int = 0,
                allowed_origins: tuple[str, ...] | list[str] = (), settings: Mapping | None = None) -> ImportServer:
    """The endpoint bound to ``host:port`` (port 0: any free one). Only the loopback interface is allowed."""
    if host not in LOOPBACK:
        raise WrongUse("Máy chủ nhập văn bản chỉ chạy trên máy của người biên tập (127.0.0.1), không chạy trên"
                       f" «{host}»: nó không có đăng nhập, ai truy cập được địa chỉ đó cũng ghi được vào kho nội dung.")
    return ImportServer(root, "::1" if host == "::1" else "127.0.0.1", int(port), tuple(allowed_origins), settings)


def start(root: Path, port: int = 0, allowed_origins: tuple[str, ...] | list[str] = (),
          settings: Mapping | None = None) -> ImportServer:
    """Start the endpoint on 127.0.0.1 in a background thread (for ``invoke cms``); ``server.shutdown()`` stops it."""
    server = make_server(root, "127.0.0.1", port, allowed_origins, settings)
    threading.Thread(target=server.serve_forever, name="nhap-tu-word", daemon=True).start()
    return server


class _Handler(http.server.BaseHTTPRequestHandler):
    server: ImportServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        log.debug("nhap-tu-word: " + format, *args)

    # --- guards ---------------------------------------------------------------------------------------

    def _trusted(self) -> bool:
        if self.headers.get("Host", "") not in self.server.hosts:
            self._refuse(403, "Địa chỉ máy chủ không hợp lệ: chỉ nhận yêu cầu gửi tới 127.0.0.1.")
            return False
        origin = self.headers.get("Origin")
        if origin is not None and origin.rstrip("/") not in self.server.origins:
            self._refuse(403, f"Yêu cầu từ trang «{origin}» bị từ chối: chỉ trang nhập văn bản và trang quản trị"
                              " của cổng trên máy này được gửi tệp.")
            return False
        return True

    def _cors(self) -> list[tuple[str, str]]:
        origin = self.headers.get("Origin")
        if origin and origin.rstrip("/") in self.server.origins:
            return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return []

    # --- verbs ----------------------------------------------------------------------------------------

    def do_OPTIONS(self):  # noqa: N802 - http.server's naming
        if not self._trusted():
            return
        self._send(204, b"", "text/plain", self._cors() + [("Access-Control-Allow-Methods", "POST"),
                                                          ("Access-Control-Allow-Headers", "Content-Type, Accept")])

    def do_GET(self):  # noqa: N802
        if not self._trusted():
            return
        if urlsplit(self.path).path != "/":
            self._send(404, _page("Không có trang này", "<p>Trang nhập văn bản ở <a href=\"/\">/</a>.</p>"))
            return
        self._send(200, _page("Nhập từ Word hoặc PDF", _form(self.server.root)))

    def do_POST(self):  # noqa: N802
        if not self._trusted():
            return
        if urlsplit(self.path).path != "/nhap":
            self._refuse(404, "Không có địa chỉ này; gửi tệp tới /nhap.")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_UPLOAD_BYTES:
            self.close_connection = True
            self._refuse(413, f"Tệp quá lớn (tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).")
            return
        fields = _multipart(self.headers.get("Content-Type", ""), self.rfile.read(length))
        name, data = fields.get("tep", ("", b""))
        site = fields.get("cong", ("", b""))[1].decode("utf-8", "replace").strip()
        type_id = fields.get("loai", ("", b""))[1].decode("utf-8", "replace").strip()
        try:
            if not name:
                raise WrongUse("Chưa chọn tệp cần nhập (trường «tep»).")
            with self.server.lock:
                result = import_file(self.server.root, site, type_id, Path(name).name, data,
                                     settings=self.server.settings)
        except ImportFailure as exc:
            self._refuse(400 if exc.exit_code == 2 else 422, str(exc))
            return
        answer = {"ok": result.ok, **report.as_dict(result, type_id)}
        if self._wants_json():
            self._json(200, answer)
        else:
            body = f"<pre>{html.escape(report.text(result, type_id, Path(name).name, site))}</pre>" \
                   "<p><a href=\"/\">Nhập tệp khác</a></p>"
            self._send(200, _page("Đã nhập văn bản", body))

    # --- answers --------------------------------------------------------------------------------------

    def _wants_json(self) -> bool:
        return "application/json" in self.headers.get("Accept", "")

    def _refuse(self, status: int, message: str) -> None:
        if self._wants_json():
            self._json(status, {"ok": False, "loi_nhap": message})
        else:
            self._send(status, _page("Không nhập được",
                                     f"<p>{html.escape(message)}</p><p><a href=\"/\">Quay lại</a></p>"))

    def _json(self, status: int, data: dict) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes | str, kind: str = "text/html; charset=utf-8",
              headers: list[tuple[str, str]] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        for key, value in (headers if headers is not None else self._cors()):
            self.send_header(key, value)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        self.end_headers()
        self.wfile.write(data)


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str, bytes]]:
    """Form fields of a ``multipart/form-data`` body: name → (file name or '', bytes)."""
    if not content_type.lower().startswith("multipart/form-data"):
        return {}
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
                                                  + body)
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[name] = (part.get_filename() or "", part.get_payload(decode=True) or b"")
    return fields


def _form(root: Path) -> str:
    site_dirs, _ = sites.discover(root / "content", root)
    options = "".join(f'<option value="{html.escape(d.name)}">{html.escape(d.name)}</option>' for d in site_dirs)
    types = "".join(f'<option value="{t.id}"{" selected" if t.id == "van-ban" else ""}>{html.escape(t.label)}</option>'
                    for t in content_types.TYPES)
    return (
        "<p>Chọn tệp Word (.docx) hoặc tệp PDF có chữ của văn bản. Hệ thống tạo bài mới (không ghi đè bài có sẵn),"
        " điền các thông tin ghi trên văn bản (số ký hiệu, ngày ban hành, cơ quan ban hành, trích yếu), rồi kiểm tra"
        " và liệt kê những chỗ bạn cần điền tiếp.</p>"
        '<form method="post" action="/nhap" enctype="multipart/form-data">'
        f'<label for="cong">Cổng</label><select id="cong" name="cong">{options}</select>'
        f'<label for="loai">Loại tin bài</label><select id="loai" name="loai">{types}</select>'
        '<label for="tep">Tệp cần nhập (.docx hoặc .pdf)</label>'
        '<input id="tep" name="tep" type="file" accept=".docx,.pdf" required>'
        '<button type="submit">Nhập</button></form>')


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{PAGE_CSS}</style></head>'
            f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>")

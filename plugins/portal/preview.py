"""The HTTP handler of ``invoke serve``: ``output/`` as a web server would publish it, with live reload.

Hidden names (``.staging/`` when ``output/`` is a mount point, editors' ``.git``
folders copied by mistake) are what CI's ``rsync --exclude='.*'`` leaves out of production; the preview
leaves them out too (404), so what an editor sees locally is what citizens will get.

With a warm preview (:class:`portal.live.LivePreview`) the handler also serves the pages the preview
re-rendered (its folder, in front of ``output/``) and live reload: every HTML page it serves gets one
``<script src>`` of this server's own (:data:`RELOAD_SCRIPT`, same origin, so the pages' CSP
``script-src 'self'`` allows it; nothing inline), which polls :data:`VERSION_PATH` every 100 ms (short
requests: a held connection per tab would soon use up the browser's six per host) and reloads the tab
when the version moves, and shows a refused file's problems over the page. Only served bytes change:
the files in ``output/`` never carry the script.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import urllib.parse
from pathlib import Path

PREFIX = "/__xem-thu/"
VERSION_PATH = PREFIX + "phien-ban"
RELOAD_SCRIPT = PREFIX + "tai-lai.js"
SCRIPT_FILE = Path(__file__).with_name("preview_reload.js")
SCRIPT_TAG = f'<script src="{RELOAD_SCRIPT}" defer></script>'.encode()


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` that answers 404 for any path with a segment starting with a dot; with
    ``live`` (a :class:`portal.live.LivePreview`), serves its pages first and reloads open tabs."""

    no_reload: tuple[str, ...] = ()  # path segments of pages that must not reload (the web editor's)

    def __init__(self, *args, live=None, **kwargs):
        self.live = live
        super().__init__(*args, **kwargs)

    def send_head(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if any(part.startswith(".") for part in path.replace("\\", "/").split("/") if part):
            self.send_error(404, "Not Found", "Không tìm thấy trang")
            return None
        if self.live is None:
            return super().send_head()
        if path == VERSION_PATH:
            return self._send(json.dumps(self.live.state(), ensure_ascii=False).encode(), "application/json")
        if path == RELOAD_SCRIPT:
            return self._send(SCRIPT_FILE.read_bytes(), "text/javascript; charset=utf-8")
        if path in self.live.moved:  # the item's address changed with its title: the tab follows it
            self.send_response(302)
            self.send_header("Location", self.live.moved[path])
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        local = Path(self.translate_path(self.path))
        if local.is_dir() and path.endswith("/"):
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file() and not set(path.split("/")) & set(self.no_reload):
            return self._send(with_reload(local.read_bytes()), "text/html; charset=utf-8")
        return super().send_head()

    def translate_path(self, path):
        """A page the warm preview re-rendered is served instead of the published one."""
        published = super().translate_path(path)
        if self.live is None:
            return published
        rel = os.path.relpath(published, self.directory)
        if rel.startswith(".."):
            return published
        mine = Path(self.live.folder) / rel
        if path.split("?", 1)[0].endswith("/"):
            return str(mine) if (mine / "index.html").is_file() else published
        return str(mine) if mine.is_file() else published

    def _send(self, body: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if not urllib.parse.urlsplit(self.path).path.startswith(PREFIX):  # not every poll of every tab
            super().log_message(format, *args)


def with_reload(html: bytes) -> bytes:
    """The page with the live-reload script before ``</head>`` (or at the end when it has none)."""
    at = html.rfind(b"</head>")
    return html[:at] + SCRIPT_TAG + html[at:] if at >= 0 else html + SCRIPT_TAG

"""The HTTP handler of ``invoke serve``: ``output/`` as a web server would publish it.

Hidden names (``.staging/`` when ``output/`` is a mount point, editors' ``.git``
folders copied by mistake) are what CI's ``rsync --exclude='.*'`` leaves out of production; the preview
leaves them out too (404), so what an editor sees locally is what citizens will get.
"""

from __future__ import annotations

import http.server
import urllib.parse


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` that answers 404 for any path with a segment starting with a dot."""

    def send_head(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if any(part.startswith(".") for part in path.replace("\\", "/").split("/") if part):
            self.send_error(404, "Not Found", "Không tìm thấy trang")
            return None
        return super().send_head()


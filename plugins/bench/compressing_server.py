"""The built output served as the deployment guide configures the web server: text compressed with gzip.

docs/deployment-headers.md ("Compression") has every portal's server compress its text responses (pages,
styles, scripts, JSON, SVG, feeds) at gzip level 5 and leave Pagefind's index files alone, which Pagefind
writes gzip-compressed already. What a citizen's browser downloads (:mod:`bench.downloads`) is measured
from this server, so the bytes are those that cross the network. Each response also says how large its
body is before compression (:data:`RAW_LENGTH`), so the same visit gives both figures.
"""

from __future__ import annotations

import gzip
import http.server
from pathlib import Path

LEVEL = 5  # gzip_comp_level in the guide's nginx configuration
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml",
                    "application/atom+xml", "application/rss+xml", "image/svg+xml")
RAW_LENGTH = "X-Raw-Length"  # the body's size before compression (a measurement header, not the guide's)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the folder; a compressible one gzip-encoded when the request accepts gzip."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and accepts and kind.startswith(COMPRESSED_TYPES)):
            return super().send_head()
        try:
            raw = path.read_bytes()
        except OSError:
            self.send_error(404, "File not found")
            return None
        body = gzip.compress(raw, compresslevel=LEVEL, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header(RAW_LENGTH, str(len(raw)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *args):
        pass


class _Body:
    """What ``send_head`` returns for ``copyfile``: a file-like object over the compressed bytes."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        self.data = b""


def serve(directory: Path):
    """Serve ``directory`` on a free port of 127.0.0.1, compressing as the guide does; a context manager
    yielding the base URL."""
    from quality.accessibility import serve as serve_files

    return serve_files(directory, _Handler)

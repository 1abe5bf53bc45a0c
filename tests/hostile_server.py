"""Hostile HTTP servers on 127.0.0.1 for the aggregator's tests (tests/test_aggregate_hostile.py).

Slow loris in every phase (headers, a body with Content-Length, a body ended by closing the connection,
a chunked body), redirects to another port, an "internal service", feeds dated in the future or with
thousands of entries, and exports that omit every optional field or give them the wrong type.

``server.modes[path]`` is a mode name or ``(name, argument)``; a test switches modes between runs, so one
run can succeed and the next be attacked, as real portals are. Every request is counted per path in
``hits``, with the ``Host`` header it carried in ``hosts``.
"""

from __future__ import annotations

import http.server
import json
import threading
import time

from feed_server import GOOD, atom

TRICKLE = 0.2      # seconds between two bytes of a slow loris
PATIENCE = 60.0    # a slow loris gives up after this long even if nobody hangs up (keeps threads bounded)

INTERNAL = atom("Dịch vụ nội bộ", [("urn:noi-bo:1", "TÀI LIỆU NỘI BỘ KHÔNG ĐƯỢC CÔNG BỐ", "2026-11-22T01:00:00Z")])


def rss(items: list[tuple[str, str, str | None]]) -> bytes:
    """items: (link path, title, RFC 822 date or None for an undated item)."""
    body = "".join(f"<item><title>{t}</title><link>https://xa.example.vn/{p}</link>"
                   + (f"<pubDate>{d}</pubDate>" if d else "") + "</item>" for p, t, d in items)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Nguồn thử</title>'
            f"<link>https://xa.example.vn/</link><description>Tin</description>{body}</channel></rss>").encode()


def good(source: str) -> bytes:
    """A well-behaved feed of its own for ``source``: two dated items nobody else carries."""
    return rss([(f"{source}/giao-ban", f"{source}: họp giao ban tuần", "Wed, 18 Nov 2026 08:00:00 +0700"),
                (f"{source}/chuyen-doi-so", f"{source}: triển khai chuyển đổi số", "Tue, 10 Nov 2026 09:00:00 +0700")])


# Seen from "now" = 23/11/2026 09:00 (UTC+7) in the tests: one item due, one ten minutes ahead (clock skew,
# tolerated), one in two days, one in year 9999, and one with no date anywhere.
FUTURE = rss([("da-den-ngay", "Tin đã đến ngày đăng", "Sun, 22 Nov 2026 08:00:00 +0700"),
              ("lech-gio", "Tin lệch đồng hồ mười phút", "Mon, 23 Nov 2026 09:10:00 +0700"),
              ("hen-ngay", "Tin hẹn ngày đăng", "Wed, 25 Nov 2026 08:00:00 +0700"),
              ("nam-9999", "Tin ghim đầu trang đến năm 9999", "Fri, 31 Dec 9999 23:00:00 +0700"),
              ("khong-ngay", "Tin không có ngày", None)])


def many(count: int) -> bytes:
    """A feed of ``count`` dated entries, one a minute back from 22/11/2026, plus as many undated ones."""
    dated = [(f"tin-{i}", f"Tin số {i}", time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                                      time.gmtime(1795392000 - 60 * i))) for i in range(count)]
    return rss(dated + [(f"khong-ngay-{i}", f"Tin không ngày số {i}", None) for i in range(count)])


HEADER = {"phien_ban": "1.0", "don_vi": {"ma_cong": "xa-toi-gian", "ten": "Xã Tối Giản", "cap": "xa",
                                         "dia_chi_web": "https://xa.example.vn"},
          "cap_nhat_moi_nhat": None}
# Valid against export.schema.json, yet every field beyond id, url, tieu_de and ngay is left out.
BARE_DOCUMENTS = {**HEADER, "loai": "van-ban", "loai_nhan": "Văn bản", "so_luong": 1,
                  "muc": [{"id": "xa-toi-gian:vb-1", "url": "https://xa.example.vn/van-ban/vb-1.html",
                           "tieu_de": "Văn bản chỉ có trường bắt buộc", "ngay": "2026-11-05"}]}
BARE_PROCEDURES = {**HEADER, "loai": "thu-tuc", "loai_nhan": "Thủ tục hành chính", "so_luong": 1,
                   "muc": [{"id": "xa-toi-gian:tt-1", "url": "https://xa.example.vn/thu-tuc/tt-1.html",
                            "tieu_de": "Thủ tục chỉ có trường bắt buộc", "ngay": "2026-11-05"}]}
# Also valid against the export schema (records allow any further field): the optional fields the
# province reads are there, with the wrong type.
WRONG_TYPES = {**HEADER, "loai": "van-ban", "loai_nhan": "Văn bản", "so_luong": 1,
               "muc": [{"id": "xa-toi-gian:vb-2", "url": "https://xa.example.vn/van-ban/vb-2.html",
                        "tieu_de": "Văn bản có trường sai kiểu", "ngay": "2026-11-06", "ngay_ban_hanh": 20261101,
                        "loai_van_ban": ["quyet-dinh"], "loai_van_ban_nhan": {"x": 1}, "so_ky_hieu": 12,
                        "trich_yeu": None, "tinh_trang": "con-hieu-luc", "linh_vuc": ["Y tế"],
                        "cap_nhat": 5}]}


class HostileServer:
    """A threaded HTTP/1.1 server whose answers are chosen per path by ``modes``."""

    def __init__(self, modes: dict | None = None):
        self.modes: dict[str, object] = dict(modes or {})
        self.hits: dict[str, int] = {}
        self.hosts: dict[str, list[str]] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.hosts.setdefault(self.path, []).append(self.headers.get("Host", ""))
                mode = server.modes.get(self.path, "khong-co")
                name, argument = mode if isinstance(mode, tuple) else (mode, None)
                try:
                    getattr(self, "mode_" + name.replace("-", "_"))(argument)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client hung up, as it should on a deadline

            # Well-behaved answers.
            def mode_khong_co(self, _):
                self._send(404, b"Not found", "text/plain")

            def mode_tot(self, source: str | None):
                self._send(200, good(source) if source else GOOD, "application/atom+xml")

            def mode_noi_dung(self, body: bytes):
                self._send(200, body, "application/rss+xml")

            def mode_json(self, data: dict):
                self._send(200, json.dumps(data, ensure_ascii=False).encode(), "application/json")

            def mode_noi_bo(self, _):
                self._send(200, INTERNAL, "application/atom+xml")

            def mode_chuyen_huong(self, target: str):
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            # Slow loris, one phase each.
            def mode_nho_giot_header(self, _):
                """The status line, then a header line one byte at a time that never ends."""
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nX-Cham: ")
                self._trickle(b"a" * 100_000)

            def mode_im_lang(self, _):
                """Accepts the request and never answers, until the client hangs up."""
                self.connection.settimeout(TRICKLE)
                start = time.monotonic()
                while time.monotonic() - start < PATIENCE:
                    try:
                        if self.connection.recv(1) == b"":
                            break
                    except TimeoutError:
                        continue
                self.close_connection = True

            def mode_nho_giot_noi_dung(self, _):
                """Honest headers with Content-Length, then the body one byte at a time."""
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\n"
                                 + f"Content-Length: {len(GOOD)}\r\n\r\n".encode())
                self._trickle(GOOD)

            def mode_nho_giot_dong(self, _):
                """No length: the body ends when the server closes the connection; trickled."""
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nConnection: close\r\n\r\n")
                self.close_connection = True
                self._trickle(GOOD)

            def mode_nho_giot_chunked(self, _):
                """Chunked transfer, one byte per chunk."""
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\n")
                self._trickle(GOOD, chunked=True)

            def mode_qua_lon(self, _):
                """Declares a body of 10 GB, then trickles it."""
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\n"
                                 b"Content-Length: 10000000000\r\n\r\n")
                self._trickle(GOOD)

            def _trickle(self, data: bytes, chunked: bool = False):
                start = time.monotonic()
                for i in range(len(data)):
                    if time.monotonic() - start > PATIENCE:
                        break
                    time.sleep(TRICKLE)
                    byte = data[i:i + 1]
                    self.wfile.write(b"1\r\n" + byte + b"\r\n" if chunked else byte)
                self.close_connection = True

            def _send(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

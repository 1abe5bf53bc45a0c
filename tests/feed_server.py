"""Real HTTP servers on 127.0.0.1 for the aggregation tests: well-behaved and hostile feeds.

Each path has a mode that a test can switch (``server.modes['/tot.xml'] = 'loi-500'``) so one run can
succeed and the next fail, as real portals do.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import threading
import time


def atom(title_prefix: str, entries: list[tuple[str, str, str]]) -> bytes:
    """entries: (id, title, ISO date)."""
    items = "".join(
        f"<entry><id>{i}</id><title>{t}</title><link href=\"https://tin.example.vn/{i.rsplit(':', 1)[-1]}.html\"/>"
        f"<updated>{d}</updated><summary type=\"html\">&lt;p&gt;{t}&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        f"</summary></entry>" for i, t, d in entries)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
            f"<title>{title_prefix}</title><id>urn:{title_prefix}</id><updated>2026-11-20T00:00:00Z</updated>"
            f"{items}</feed>").encode()


GOOD = atom("Sở Tốt", [("urn:tot:1", "Sở Tốt họp giao ban tuần", "2026-11-18T01:00:00Z"),
                       ("urn:tot:2", "Sở Tốt triển khai chuyển đổi số", "2026-11-10T02:00:00Z")])
REPOST = atom("Sở Đăng Lại", [("urn:tot:1", "Sở Tốt họp giao ban tuần", "2026-11-18T01:00:00Z"),
                              ("urn:trung:9", "Tin riêng của Sở Đăng Lại", "2026-11-19T03:00:00Z")])
OTHER_CMS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Cổng thông tin Sở Dùng CMS Khác</title><link>https://cms.example.vn/</link>
<description>Tin tức</description>
<item><title>Hội nghị tổng kết công tác y tế năm 2026</title><link>https://cms.example.vn/tin/hoi-nghi-tong-ket</link>
<guid isPermaLink="false">cms-1001</guid>
<description><![CDATA[<p>Sáng ngày 14/11/2026, Sở tổ chức hội nghị tổng kết công tác y tế.</p><img src="x" onerror="alert(1)"><script>alert(2)</script>]]></description></item>
<item><title>Thông báo lịch tiếp công dân</title><link>https://cms.example.vn/tin/lich-tiep-dan</link>
<description>Cập nhật lúc 08:30 ngày 16/11/2026: lịch tiếp công dân tháng 11.</description></item>
</channel></rss>""".encode()
BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://x.vn/1</link></item></channel></rss>"""
EXPORT = {"phien_ban": "1.0", "loai": "thu-tuc", "loai_nhan": "Thủ tục hành chính",
          "don_vi": {"ma_cong": "so-tot", "ten": "Sở Tốt", "cap": "so-nganh", "dia_chi_web": "https://sotot.example.vn"},
          "cap_nhat_moi_nhat": "2026-11-01T00:00:00", "so_luong": 1,
          "muc": [{"id": "so-tot:1-000111-h97", "url": "https://sotot.example.vn/thu-tuc/1-000111-h97.html",
                   "tieu_de": "Cấp giấy phép lái xe quốc tế", "ngay": "2026-11-01T00:00:00",
                   "ma_thu_tuc": "1.000111.H97",
                   "linh_vuc": "Đường bộ", "cap_thuc_hien": ["tinh"], "muc_do": "toan-trinh",
                   "co_quan_thuc_hien": "Sở Tốt"}]}


class FeedServer:
    """Serves ``modes``: path → mode name. Counts requests and 304 answers per path."""

    def __init__(self):
        self.modes = {"/tot.xml": "tot", "/trung.xml": "trung", "/cham.xml": "tot", "/loi-500.xml": "tot",
                      "/hong.xml": "tot", "/bom.xml": "tot", "/lon.xml": "tot", "/chuyen-huong.xml": "tot",
                      "/ngung.xml": "tot", "/cms-khac.xml": "cms-khac", "/thu-tuc.json": "thu-tuc"}
        self.hits: dict[str, int] = {}
        self.not_modified: dict[str, int] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                mode = server.modes.get(self.path, "404")
                if mode == "tot":
                    if self.headers.get("If-None-Match") == '"tot-v1"':
                        server.not_modified[self.path] = server.not_modified.get(self.path, 0) + 1
                        return self._send(304, b"", etag='"tot-v1"')
                    return self._send(200, GOOD, etag='"tot-v1"')
                if mode == "trung":
                    return self._send(200, REPOST)
                if mode == "cms-khac":
                    return self._send(200, OTHER_CMS, "application/rss+xml; charset=utf-8")
                if mode == "thu-tuc":
                    return self._send(200, json.dumps(EXPORT, ensure_ascii=False).encode(), "application/json")
                if mode == "cham":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/atom+xml")
                    self.send_header("Content-Length", str(len(GOOD)))
                    self.end_headers()
                    time.sleep(3)
                    with contextlib.suppress(OSError):
                        self.wfile.write(GOOD)
                    return None
                if mode == "loi-500":
                    return self._send(500, b"Internal Server Error", "text/plain")
                if mode == "hong":
                    return self._send(200, b"<?xml version='1.0'?><rss><channel><title>Tin <b>hong</title>")
                if mode == "bom":
                    return self._send(200, BOMB)
                if mode == "lon":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/atom+xml")
                    self.end_headers()  # no Content-Length: the cap must hold while streaming
                    chunk = b"<!-- " + b"x" * (1024 * 1024) + b" -->"
                    try:
                        for _ in range(20):
                            self.wfile.write(chunk)
                    except OSError:
                        pass
                    self.close_connection = True
                    return None
                if mode == "chuyen-huong":
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if mode == "ngung":
                    return self._send(410, b"Gone", "text/plain")
                return self._send(404, b"Not found", "text/plain")

            def _send(self, status, body, content_type="application/atom+xml", etag=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                if body:
                    self.wfile.write(body)
                return None

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

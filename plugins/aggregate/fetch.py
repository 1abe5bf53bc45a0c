"""Fetch remote sources safely: bounded in time, size, retries and redirects, and no requests into
private networks unless the registry allows that address and port.

Every outcome is a :class:`Response` (never an exception): ``status`` is the HTTP status (304 means
unchanged, 0 means no HTTP answer) and ``error`` is a plain-Vietnamese reason when it failed.

Time is bounded twice (``Limits``): each attempt has a wall-clock deadline covering connect, TLS,
headers and body over every redirect hop; the run has one deadline for all sources, fetched in
parallel (:func:`fetch_all`), and never waits past it.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from . import addresses
from .connection import BODY, CONNECT, HEADERS, TLS, Connection, ConnectTimeout, Deadline, Expired, Meter
from .settings import Limits

USER_AGENT = "cong-thong-tin-tong-hop/1.0 (+https://github.com/)"
ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, application/json;q=0.9, */*;q=0.5"
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024

__all__ = ["Limits", "Request", "Response", "fetch", "fetch_all"]


@dataclass
class Response:
    url: str
    status: int = 0
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    error: str = ""
    attempts: int = 0
    final: bool = False  # retrying cannot help (refused by policy, too large, too slow, too many redirects)

    @property
    def ok(self) -> bool:
        return not self.error and self.status in (200, 304)


@dataclass(frozen=True)
class Request:
    """One remote channel to fetch: its URL, the validators of the last good copy, its allowances."""

    url: str
    etag: str = ""
    last_modified: str = ""
    allowed: tuple[addresses.Allowance, ...] = ()


def fetch(url: str, etag: str = "", last_modified: str = "", allowed: tuple[addresses.Allowance, ...] = (),
          limits: Limits = Limits(), run_deadline: Deadline | None = None,
          resolver=socket.getaddrinfo) -> Response:
    """GET ``url`` with conditional headers; follow at most ``max_redirects`` checked redirects.

    Each attempt ends by ``request_deadline`` seconds after it started, or at ``run_deadline``, whichever
    comes first. Only failures to connect and 5xx answers are retried."""
    run_deadline = run_deadline or Deadline(time.monotonic() + limits.run_deadline, limits.run_deadline, True)
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if run_deadline.left() <= 0:
        return Response(url, error=f"Chưa kịp tải: đã hết thời hạn chung {run_deadline.seconds:g} giây của lần "
                                   "tổng hợp.", final=True)
    result = Response(url)
    delay = limits.backoff
    for attempt in range(limits.retries + 1):  # a retry starts only with time left (checked before sleeping)
        own = Deadline(time.monotonic() + limits.request_deadline, limits.request_deadline)
        deadline = own if own.at <= run_deadline.at else run_deadline
        result = _attempt(url, headers, allowed, limits, deadline, resolver)
        result.attempts = attempt + 1
        retry = result.error and (result.status == 0 or result.status >= 500) and not result.final
        if not retry or attempt == limits.retries or run_deadline.left() <= delay:
            break
        time.sleep(delay)
        delay *= 2
    return result


def fetch_all(requests: list[Request], limits: Limits = Limits(), resolver=socket.getaddrinfo) -> list[Response]:
    """Every request, ``limits.workers`` at a time, within one run deadline; results in request order.

    Each fetch keeps to the run deadline by itself; the wait below is the guarantee for what cannot be
    interrupted (a name lookup). A source still running then is reported as cut off; its thread is a
    daemon and holds nothing but its socket."""
    run_deadline = Deadline(time.monotonic() + limits.run_deadline, limits.run_deadline, True)
    results: list[Response | None] = [None] * len(requests)
    pending = list(enumerate(requests))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not pending:
                    return
                index, request = pending.pop(0)
            results[index] = fetch(request.url, request.etag, request.last_modified, request.allowed, limits,
                                   run_deadline, resolver)

    threads = [threading.Thread(target=work, name="tong-hop-tai", daemon=True)
               for _ in range(min(limits.workers, len(requests)))]
    for thread in threads:
        thread.start()
    give_up = run_deadline.at + 1.0
    for thread in threads:
        thread.join(max(0.0, give_up - time.monotonic()))
    return [r if r is not None else Response(q.url, error=f"Hết thời hạn chung {limits.run_deadline:g} giây của "
                                                         "lần tổng hợp trước khi tải xong nguồn này.", final=True)
            for q, r in zip(requests, list(results), strict=True)]


def _attempt(url: str, headers: dict, allowed, limits: Limits, deadline: Deadline, resolver) -> Response:
    """One attempt: every hop resolved once, checked, connected to the checked address, under ``deadline``."""
    current = url
    for _hop in range(limits.max_redirects + 1):
        parts = urlsplit(current)
        try:
            targets = addresses.resolve_checked(parts, allowed, resolver)
        except addresses.Refused as exc:
            where = "" if current == url else f"Từ chối chuyển hướng tới {_shown(current)}: "
            return Response(url, error=where + str(exc), final=True)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        meter = Meter()
        try:
            connection = _connect(parts, targets, deadline, limits, meter)
        except Expired as exc:
            return Response(url, error=_too_slow(exc), final=exc.phase != CONNECT)
        except ConnectTimeout:
            return Response(url, error=f"Hết thời gian chờ kết nối tới máy chủ ({limits.connect_timeout:g} giây).")
        except ssl.SSLCertVerificationError as exc:
            return Response(url, error=f"Lỗi chứng thư bảo mật (SSL/TLS) của máy chủ: {exc.verify_message}.",
                            final=True)
        except ssl.SSLError:
            return Response(url, error="Lỗi khi thiết lập kết nối bảo mật (SSL/TLS) với máy chủ.")
        except OSError:
            return Response(url, error="Không kết nối được tới máy chủ (máy chủ không hoạt động hoặc từ chối "
                                       "kết nối).")
        response = None
        try:
            meter.enter(HEADERS)
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    return Response(url, status=response.status, error="Chuyển hướng không có địa chỉ đích.")
                current = urljoin(current, location)
                continue
            return _read(url, response, limits, meter)
        except Expired as exc:
            return Response(url, error=_too_slow(exc), final=True)
        except http.client.RemoteDisconnected:
            return Response(url, error="Máy chủ đóng kết nối mà không trả lời.")
        except (http.client.LineTooLong, http.client.BadStatusLine, http.client.HTTPException):
            return Response(url, error="Máy chủ trả lời không đúng giao thức HTTP (dòng trạng thái hoặc phần đầu "
                                       "(header) sai, quá dài hoặc quá nhiều dòng).", final=True)
        except OSError:
            return Response(url, error="Máy chủ ngắt kết nối khi đang trả lời.")
        finally:
            if response is not None:
                response.close()
            connection.close()
    return Response(url, error=f"Chuyển hướng quá {limits.max_redirects} lần.", final=True)


def _connect(parts, targets, deadline: Deadline, limits: Limits, meter: Meter) -> Connection:
    """A connection to the first checked address that accepts, in the order the resolver gave them."""
    failure: Exception = OSError()
    for family, address in targets:
        connection = Connection(parts.scheme, parts.hostname, addresses.port_of(parts), family, address, deadline,
                                limits.connect_timeout, meter)
        try:
            connection.connect()
            return connection
        except Expired:
            raise
        except (ConnectTimeout, OSError) as exc:  # ssl errors are OSErrors: the next address may do better
            if isinstance(exc, ssl.SSLCertVerificationError):
                raise
            failure = exc
    raise failure


def _read(url: str, response, limits: Limits, meter: Meter) -> Response:
    result = Response(url, status=response.status, etag=response.getheader("ETag", ""),
                      last_modified=response.getheader("Last-Modified", ""))
    if response.status == 304:
        return result
    if response.status == 410:
        result.error = "Nguồn đã ngừng cung cấp vĩnh viễn (HTTP 410 Gone)."
        return result
    if response.status >= 400:
        result.error = f"Máy chủ trả về lỗi HTTP {response.status}."
        return result
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        result.error = f"Máy chủ gửi dữ liệu nén kiểu «{encoding[:40]}» dù không được yêu cầu; không đọc được."
        result.final = True
        return result
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > limits.max_bytes:
        result.error = f"Dữ liệu quá lớn ({int(declared) // 1024} KB, tối đa {limits.max_bytes // 1024} KB)."
        result.final = True
        return result
    meter.enter(BODY)
    chunks, size = [], 0
    try:
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                result.error = f"Dữ liệu quá lớn (vượt {limits.max_bytes // 1024} KB); đã dừng tải."
                result.final = True
                return result
            chunks.append(chunk)
    except http.client.IncompleteRead as exc:
        result.error = (f"Máy chủ ngắt kết nối khi đang gửi nội dung (mới nhận {len(exc.partial) + size} byte"
                        + (f" trên {exc.expected + len(exc.partial) + size} byte đã báo)." if exc.expected else ")."))
        result.status = 0
        return result
    result.body = b"".join(chunks)
    return result


def _too_slow(exc: Expired) -> str:
    """What the deadline cut short, in the words a unit's webmaster can act on."""
    limit = (f"hết thời hạn chung {exc.deadline.seconds:g} giây của lần tổng hợp" if exc.deadline.whole_run
             else f"hết thời hạn {exc.deadline.seconds:g} giây")
    if exc.phase == CONNECT:
        return f"Không kết nối được tới máy chủ: {limit} khi đang kết nối."
    if exc.phase == TLS:
        return f"Máy chủ phản hồi quá chậm: {limit} khi đang thiết lập kết nối bảo mật (TLS)."
    if exc.phase == HEADERS and not exc.in_phase:
        return f"Máy chủ nhận yêu cầu nhưng không trả lời: {limit} khi đang chờ phần đầu (header)."
    if exc.phase == HEADERS:
        return (f"Nguồn gửi dữ liệu quá chậm: {limit} khi đang nhận phần đầu (header) "
                f"(mới nhận {exc.in_phase} byte).")
    return f"Nguồn gửi dữ liệu quá chậm: {limit} khi đang nhận nội dung (mới nhận {_size(exc.in_phase)})."


def _shown(url: str) -> str:
    return url if len(url) <= 200 else url[:199] + "…"


def _size(count: int) -> str:
    return f"{count} byte" if count < 10 * 1024 else f"{count // 1024} KB"

"""Fetch a remote source safely: bounded time, size, retries and redirects, and no requests into
private networks unless the registry allows it.

Every outcome is a :class:`Response` (never an exception): ``status`` is the HTTP status (304 means
unchanged, 0 means no HTTP answer) and ``error`` is a plain-Vietnamese reason when it failed.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

USER_AGENT = "cong-thong-tin-tong-hop/1.0 (+https://github.com/)"


@dataclass(frozen=True)
class Limits:
    """Fetch limits (``AGGREGATE`` settings); tests shorten them."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    retries: int = 2           # extra attempts after the first, for connection errors, timeouts and 5xx
    backoff: float = 1.0       # seconds before the first retry, doubled each time
    max_bytes: int = 5_000_000
    max_redirects: int = 3


@dataclass
class Response:
    url: str
    status: int = 0
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    error: str = ""
    attempts: int = 0
    final: bool = False  # retrying cannot help (refused by policy, too large, too many redirects)

    @property
    def ok(self) -> bool:
        return not self.error and self.status in (200, 304)


class _Refused(Exception):
    """A URL the policy does not allow; the message is Vietnamese."""


def check_address(url: str, allowed: tuple[str, ...] = ()) -> None:
    """Only http(s); the host must not resolve to loopback, private, link-local or reserved addresses,
    except addresses inside the networks the registry lists explicitly (``allowed``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _Refused(f"Chỉ chấp nhận địa chỉ http hoặc https, không chấp nhận «{parts.scheme or '(không có)'}».")
    if not parts.hostname:
        raise _Refused("Địa chỉ không có tên máy chủ.")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise _Refused(f"Không tìm thấy máy chủ «{parts.hostname}» (lỗi phân giải tên miền).") from None
    networks = [ipaddress.ip_network(n, strict=False) for n in allowed]
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if any(address in net for net in networks):
            continue
        if (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
                or address.is_multicast or address.is_unspecified):
            raise _Refused(f"Từ chối truy cập địa chỉ nội bộ {address} của «{parts.hostname}» "
                           "(mạng riêng, loopback hoặc link-local).")


def fetch(url: str, etag: str = "", last_modified: str = "", allowed: tuple[str, ...] = (),
          limits: Limits = Limits(), session: requests.Session | None = None) -> Response:
    """GET ``url`` with conditional headers; follow at most ``max_redirects`` checked redirects."""
    session = session or requests.Session()
    headers = {"User-Agent": USER_AGENT, "Accept": "application/atom+xml, application/rss+xml, "
               "application/xml;q=0.9, application/json;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = Response(url)
    delay = limits.backoff
    for attempt in range(limits.retries + 1):
        result = _once(session, url, headers, allowed, limits)
        result.attempts = attempt + 1
        retry = result.error and (result.status == 0 or result.status >= 500) and not result.final
        if not retry or attempt == limits.retries:
            break
        time.sleep(delay)
        delay *= 2
    return result


def _once(session, url, headers, allowed, limits) -> Response:
    current = url
    for _hop in range(limits.max_redirects + 1):
        try:
            check_address(current, allowed)
        except _Refused as exc:
            return Response(url, error=str(exc), final=True)
        try:
            response = session.get(current, headers=headers, timeout=(limits.connect_timeout, limits.read_timeout),
                                   allow_redirects=False, stream=True)
        except requests.exceptions.ConnectTimeout:
            return Response(url, error=f"Quá thời gian chờ kết nối ({limits.connect_timeout:g} giây).")
        except requests.exceptions.ReadTimeout:
            return Response(url, error=f"Máy chủ trả lời quá chậm (quá {limits.read_timeout:g} giây).")
        except requests.exceptions.SSLError:
            return Response(url, error="Lỗi chứng thư bảo mật (SSL/TLS) của máy chủ.")
        except requests.exceptions.ConnectionError:
            return Response(url, error="Không kết nối được tới máy chủ (máy chủ không hoạt động hoặc từ chối kết nối).")
        except requests.exceptions.RequestException as exc:
            return Response(url, error=f"Lỗi khi tải: {type(exc).__name__}.")
        with response:
            if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                target = response.headers.get("Location")
                if not target:
                    return Response(url, status=response.status_code, error="Chuyển hướng không có địa chỉ đích.")
                current = urljoin(current, target)
                continue
            return _read(url, response, limits)
    return Response(url, error=f"Chuyển hướng quá {limits.max_redirects} lần.", final=True)


def _read(url: str, response, limits: Limits) -> Response:
    result = Response(url, status=response.status_code, etag=response.headers.get("ETag", ""),
                      last_modified=response.headers.get("Last-Modified", ""))
    if response.status_code == 304:
        return result
    if response.status_code == 410:
        result.error = "Nguồn đã ngừng cung cấp vĩnh viễn (HTTP 410 Gone)."
        return result
    if response.status_code >= 400:
        result.error = f"Máy chủ trả về lỗi HTTP {response.status_code}."
        return result
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        result.error = f"Dữ liệu quá lớn ({int(declared) // 1024} KB, tối đa {limits.max_bytes // 1024} KB)."
        result.final = True
        return result
    chunks, size = [], 0
    deadline = time.monotonic() + limits.read_timeout  # a server trickling bytes still has one budget
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > limits.max_bytes:
                result.error = f"Dữ liệu quá lớn (vượt {limits.max_bytes // 1024} KB); đã dừng tải."
                result.final = True
                return result
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout()
            chunks.append(chunk)
    except requests.exceptions.RequestException:
        result.error = f"Máy chủ trả lời quá chậm hoặc ngắt kết nối khi đang tải (quá {limits.read_timeout:g} giây)."
        result.status = 0
        return result
    result.body = b"".join(chunks)
    return result

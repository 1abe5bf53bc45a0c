"""One HTTP/1.1 exchange with an address already checked, under a hard wall-clock deadline.

``http.client`` speaks the protocol (status line, headers, Content-Length, chunked, end by close); this
module owns the socket under it:
- it connects to the checked IP address given (the name is never resolved again), and does TLS with the
  URL's host name for SNI and the certificate check (CA bundle of ``certifi``, as ``requests`` did);
- before every read it sets the socket timeout to what is left of the deadline, so a server trickling
  bytes is cut off at the deadline in every phase. A per-read timeout alone is reset by each byte: a
  server sending one byte every few seconds held a request for as long as it liked.

:class:`Expired` says in which phase the deadline passed (connect, TLS, headers, body) and how much had
arrived, so the health note can say what happened.
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import ssl
import time
from dataclasses import dataclass, field

import certifi

CONNECT, TLS, HEADERS, BODY = "ket-noi", "tls", "header", "noi-dung"


@dataclass(frozen=True)
class Deadline:
    """A point in ``time.monotonic()`` time, and whether it is the request's own or the whole run's."""

    at: float
    seconds: float
    whole_run: bool = False

    def left(self) -> float:
        return self.at - time.monotonic()


@dataclass
class Meter:
    """Where the exchange is and what arrived so far (bytes read from the socket)."""

    phase: str = CONNECT
    received: int = 0
    in_phase: int = 0

    def enter(self, phase: str) -> None:
        self.phase, self.in_phase = phase, 0


@dataclass
class Expired(Exception):
    """The deadline passed; ``phase`` and ``received`` tell where."""

    phase: str
    received: int
    in_phase: int
    deadline: Deadline = field(repr=False)


class ConnectTimeout(Exception):
    """No TCP connection within the connect timeout (the deadline itself had time left)."""


class _Reader(io.RawIOBase):
    """The socket as a raw stream whose every read waits at most until the deadline."""

    def __init__(self, owner: _Socket, sock, deadline: Deadline, meter: Meter):
        super().__init__()
        self._owner, self._sock, self._deadline, self._meter = owner, sock, deadline, meter

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._owner.reader_closed()

    def readinto(self, buffer) -> int:
        left = self._deadline.left()
        if left <= 0:
            raise _expired(self._deadline, self._meter)
        self._sock.settimeout(left)
        try:
            count = self._sock.recv_into(buffer)
        except TimeoutError:
            raise _expired(self._deadline, self._meter) from None
        self._meter.received += count
        self._meter.in_phase += count
        return count


class _Socket:
    """What ``http.client`` sees of the connected socket: bounded writes, deadline-bound reads.

    Like :meth:`socket.socket.makefile`, the socket really closes only once its readers are closed too:
    ``http.client`` closes the connection early when the body ends with the connection, and keeps
    reading from the response."""

    def __init__(self, sock, deadline: Deadline, meter: Meter):
        self._sock, self._deadline, self._meter = sock, deadline, meter
        self._readers, self._closing = 0, False

    def makefile(self, mode, *args, **kwargs):
        self._readers += 1
        return io.BufferedReader(_Reader(self, self._sock, self._deadline, self._meter))

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closing and not self._readers:
            self._sock.close()

    def sendall(self, data) -> None:
        left = self._deadline.left()
        if left <= 0:
            raise _expired(self._deadline, self._meter)
        self._sock.settimeout(left)
        try:
            self._sock.sendall(data)
        except TimeoutError:
            raise _expired(self._deadline, self._meter) from None

    def close(self) -> None:
        self._closing = True
        if not self._readers:
            self._sock.close()


class Connection(http.client.HTTPConnection):
    """An ``http.client`` connection to ``address`` (already checked) for a URL on ``host``.

    ``host`` and ``port`` give the ``Host`` header and, for https, the TLS server name; the TCP
    connection goes to ``address``, whatever the name resolves to now."""

    def __init__(self, scheme: str, host: str, port: int, family: int, address: str, deadline: Deadline,
                 connect_timeout: float, meter: Meter):
        super().__init__(host, port)
        self.default_port = 443 if scheme == "https" else 80  # no ":443" in the Host header of https
        self._tls = scheme == "https"
        self._family, self._address = family, address
        self._deadline, self._connect_timeout, self.meter = deadline, connect_timeout, meter

    def connect(self) -> None:
        self.meter.enter(CONNECT)
        left = self._deadline.left()
        if left <= 0:
            raise _expired(self._deadline, self.meter)
        sock = socket.socket(self._family, socket.SOCK_STREAM)
        try:
            sock.settimeout(min(self._connect_timeout, left))
            try:
                sock.connect((self._address, self.port))
            except TimeoutError:
                if self._connect_timeout < left:
                    raise ConnectTimeout() from None
                raise _expired(self._deadline, self.meter) from None
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._tls:
                self.meter.enter(TLS)
                left = self._deadline.left()
                if left <= 0:
                    raise _expired(self._deadline, self.meter)
                sock.settimeout(left)  # the handshake is one operation: bounded as a whole by this timeout
                try:
                    sock = _tls_context().wrap_socket(sock, server_hostname=self.host)
                except TimeoutError:
                    raise _expired(self._deadline, self.meter) from None
        except BaseException:
            sock.close()
            raise
        self.sock = _Socket(sock, self._deadline, self.meter)


def _expired(deadline: Deadline, meter: Meter) -> Expired:
    return Expired(meter.phase, meter.received, meter.in_phase, deadline)


@functools.lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())

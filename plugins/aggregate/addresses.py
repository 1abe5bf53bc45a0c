"""Which addresses a remote source may make the aggregator connect to.

Only ``http`` and ``https``. A host name is resolved once per hop (first request and every redirect) and
every address it resolves to is checked: an address that is not public (loopback, private, link-local
such as ``169.254.169.254``, shared, reserved, multicast, unspecified) is refused unless the source's
``cho_phep_dia_chi`` allows that address *and* that port. The caller then connects to the checked
address itself (``connection.py``), never resolving the name again, so a second DNS answer cannot
point the connection somewhere else (DNS rebinding).

An allowance is ``<IPv4 or CIDR>:<port>`` or ``[<IPv6 or CIDR>]:<port>``, e.g. ``10.20.0.5:8080``,
``10.20.0.0/24:443``, ``[fd00::5]:8443``: a private service is reachable only where it was meant to be,
not through another port of the same machine.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult

DEFAULT_PORTS = {"http": 80, "https": 443}
_ENTRY = re.compile(r"^(?:(?P<v4>[0-9.]+(?:/[0-9]{1,2})?)|\[(?P<v6>[0-9a-fA-F:.]+(?:/[0-9]{1,3})?)\])"
                    r":(?P<port>[0-9]{1,5})$")
EXAMPLE = "127.0.0.1:8080, 10.20.0.0/24:443 hoặc [fd00::5]:8443"


class Refused(Exception):
    """A URL the policy does not allow; the message is Vietnamese. Retrying cannot help."""


class AllowanceError(ValueError):
    """A ``cho_phep_dia_chi`` entry that is not an address (or network) with a port."""


@dataclass(frozen=True)
class Allowance:
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    port: int
    text: str

    def allows(self, address, port: int) -> bool:
        return port == self.port and address.version == self.network.version and address in self.network


def parse_allowances(entries) -> tuple[Allowance, ...]:
    """The registry's ``cho_phep_dia_chi`` list, each entry checked; raises :class:`AllowanceError`."""
    allowances = []
    for entry in entries or ():
        match = _ENTRY.match(str(entry).strip())
        try:
            if not match:
                raise ValueError
            network = ipaddress.ip_network(match["v4"] or match["v6"], strict=False)
            port = int(match["port"])
            if not 1 <= port <= 65535 or network.version != (6 if match["v6"] else 4):
                raise ValueError
        except ValueError:
            raise AllowanceError(f"cho_phep_dia_chi: «{entry}» không phải địa chỉ IP (hoặc dải CIDR) kèm cổng; "
                                 f"cần dạng {EXAMPLE}.") from None
        allowances.append(Allowance(network, port, str(entry).strip()))
    return tuple(allowances)


def port_of(parts: SplitResult) -> int:
    try:
        port = parts.port
    except ValueError:
        raise Refused(f"Cổng trong địa chỉ «{parts.netloc}» không hợp lệ.") from None
    return port or DEFAULT_PORTS[parts.scheme]


def resolve_checked(parts: SplitResult, allowed: tuple[Allowance, ...] = (),
                    resolver=socket.getaddrinfo) -> list[tuple[int, str]]:
    """``(family, address)`` pairs to connect to for this URL, every one allowed; raises :class:`Refused`.

    ``resolver`` has the signature of :func:`socket.getaddrinfo` (tests pass one that answers differently
    each time, as a rebinding DNS server would)."""
    if parts.scheme not in DEFAULT_PORTS:
        raise Refused(f"Chỉ chấp nhận địa chỉ http hoặc https, không chấp nhận «{parts.scheme or '(không có)'}».")
    if not parts.hostname:
        raise Refused("Địa chỉ không có tên máy chủ.")
    port = port_of(parts)
    try:
        infos = resolver(parts.hostname, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"Không tìm thấy máy chủ «{parts.hostname}» (lỗi phân giải tên miền).") from None
    checked = []
    for family, *_, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not _public(address) and not any(a.allows(address, port) for a in allowed):
            hint = (f"chỉ cho phép {', '.join(a.text for a in allowed)}" if allowed
                    else "nguồn không khai báo cho_phep_dia_chi")
            raise Refused(f"Từ chối truy cập địa chỉ nội bộ {address} cổng {port} của «{parts.hostname}» (mạng "
                          f"riêng, loopback hoặc link-local; {hint}).")
        if (family, str(address)) not in checked:
            checked.append((family, str(address)))
    if not checked:
        raise Refused(f"Không tìm thấy máy chủ «{parts.hostname}» (lỗi phân giải tên miền).")
    return checked


def _public(address) -> bool:
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)

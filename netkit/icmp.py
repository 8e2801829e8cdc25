"""ICMP echo (ping) without the ping binary.

The socket is a raw ICMP or ICMPv6 socket opened by the caller inside the
namespace to ping from (a socket stays in the namespace it was born in);
this module builds echo requests, sends them and matches the replies by
identifier and sequence number.  Failures the network reports, such as no
route or no answer, are part of the result, not exceptions.
"""

from __future__ import annotations

import ipaddress
import os
import select
import socket
import struct
import time
from dataclasses import dataclass, field

ICMP_ECHOREPLY = 0
ICMP_DEST_UNREACH = 3
ICMP_ECHO = 8
ICMP_TIME_EXCEEDED = 11
ICMPV6_DEST_UNREACH = 1
ICMPV6_TIME_EXCEED = 3
ICMPV6_ECHO_REQUEST = 128
ICMPV6_ECHO_REPLY = 129

# What ping says for the ICMP errors that can answer an echo request.
_V4_ERRORS = {
    (ICMP_DEST_UNREACH, 0): "Destination Net Unreachable",
    (ICMP_DEST_UNREACH, 1): "Destination Host Unreachable",
    (ICMP_DEST_UNREACH, 2): "Destination Protocol Unreachable",
    (ICMP_DEST_UNREACH, 3): "Destination Port Unreachable",
    (ICMP_DEST_UNREACH, 4): "Frag needed",
    (ICMP_DEST_UNREACH, 13): "Communication prohibited by filter",
    (ICMP_TIME_EXCEEDED, 0): "Time to live exceeded",
}
_V6_ERRORS = {
    (ICMPV6_DEST_UNREACH, 0): "Destination unreachable: No route",
    (ICMPV6_DEST_UNREACH, 1): "Destination unreachable: Prohibited",
    (ICMPV6_DEST_UNREACH, 3): "Destination unreachable: Address unreachable",
    (ICMPV6_DEST_UNREACH, 4): "Destination unreachable: Port unreachable",
    (ICMPV6_TIME_EXCEED, 0): "Time to live exceeded",
}

# type, code, checksum, identifier, sequence number
_ECHO = struct.Struct("!BBHHH")
_PAYLOAD = b"netkit-ping-" + bytes(range(36))


@dataclass
class PingResult:
    """What came of pinging `address`: one entry in `rtts` per reply.

    `rtts` are round-trip times in milliseconds, in the order of the
    replies.  `error` says why some or all requests got no reply, or is
    None: the local error that stopped sending ("Network is
    unreachable": no route; `errno` is then set, ENETUNREACH), an ICMP
    error that came back ("Destination Host Unreachable"), or "no reply
    within 1 s".
    """

    address: str
    sent: int = 0
    rtts: list[float] = field(default_factory=list)
    error: str | None = None
    errno: int | None = None

    @property
    def received(self) -> int:
        return len(self.rtts)

    @property
    def ok(self) -> bool:
        """Every request sent got its reply."""
        return self.sent > 0 and self.received == self.sent

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        """One line in the spirit of ping's statistics."""
        text = f"{self.sent} sent, {self.received} received"
        if self.rtts:
            text += (
                f", rtt min/avg/max {min(self.rtts):.3f}/"
                f"{sum(self.rtts) / len(self.rtts):.3f}/"
                f"{max(self.rtts):.3f} ms"
            )
        if self.error:
            text += f" ({self.error})"
        return text


def open_socket(family: int) -> socket.socket:
    """A raw ICMP socket of `family` in the calling thread's namespace."""
    proto = (
        socket.IPPROTO_ICMPV6
        if family == socket.AF_INET6
        else socket.IPPROTO_ICMP
    )
    return socket.socket(family, socket.SOCK_RAW | socket.SOCK_CLOEXEC, proto)


def family_of(address: str) -> int:
    """AF_INET or AF_INET6; ValueError when `address` is not an IP."""
    version = ipaddress.ip_address(address).version
    return socket.AF_INET6 if version == 6 else socket.AF_INET


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of `data`."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_request(family: int, ident: int, seq: int) -> bytes:
    """An echo request; for ICMPv6 the kernel fills in the checksum."""
    kind = ICMPV6_ECHO_REQUEST if family == socket.AF_INET6 else ICMP_ECHO
    packet = _ECHO.pack(kind, 0, 0, ident, seq) + _PAYLOAD
    if family == socket.AF_INET6:
        return packet
    return _ECHO.pack(kind, 0, checksum(packet), ident, seq) + _PAYLOAD


def parse_reply(
    family: int, data: bytes, ident: int
) -> tuple[str, int] | None:
    """("reply", seq), or (why, seq) for an ICMP error, for our packets.

    `data` is what a raw socket of `family` received (with the IP header
    for IPv4).  An ICMP error counts when the request it quotes is one of
    ours; `why` is what ping prints for it ("Destination Host
    Unreachable").  Anything else is None.
    """
    v6 = family == socket.AF_INET6
    icmp = data if v6 else _after_ipv4_header(data)
    if len(icmp) < _ECHO.size:
        return None
    kind, code, _sum, got_ident, seq = _ECHO.unpack_from(icmp)
    if kind == (ICMPV6_ECHO_REPLY if v6 else ICMP_ECHOREPLY):
        return ("reply", seq) if got_ident == ident else None

    errors = (
        (ICMPV6_DEST_UNREACH, ICMPV6_TIME_EXCEED)
        if v6
        else (ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED)
    )
    if kind not in errors:
        return None
    why = (_V6_ERRORS if v6 else _V4_ERRORS).get(
        (kind, code), f"ICMP error type {kind} code {code}"
    )
    quoted = icmp[8 + 40 :] if v6 else _after_ipv4_header(icmp[8:])
    if len(quoted) < _ECHO.size:
        return None
    kind, _code, _sum, got_ident, seq = _ECHO.unpack_from(quoted)
    request = ICMPV6_ECHO_REQUEST if v6 else ICMP_ECHO
    if kind == request and got_ident == ident:
        return (why, seq)
    return None


def _after_ipv4_header(data: bytes) -> bytes:
    # IPv4 raw sockets deliver the IP header; ICMPv6 ones do not.  A
    # header that is not IPv4 or shorter than its 20 bytes is junk.
    if len(data) < 20 or data[0] >> 4 != 4 or data[0] & 0x0F < 5:
        return b""
    return data[(data[0] & 0x0F) * 4 :]


def ping(
    sock: socket.socket,
    address: str,
    *,
    count: int = 3,
    timeout: float = 1.0,
    interval: float = 0.2,
) -> PingResult:
    """Send `count` echo requests to `address` and collect the replies.

    Each request waits up to `timeout` seconds for its reply; requests
    start at least `interval` seconds apart.  A local error on sending
    (no route) ends the run and is in the result; ValueError for bad
    counts or an address that is not an IP.
    """
    _check_counts(count, timeout, interval)
    family = family_of(address)
    ident = int.from_bytes(os.urandom(2), "big")
    result = PingResult(address)

    for number in range(1, count + 1):
        # The sequence field is 16 bits: long runs wrap around.
        seq = number % 65536
        started = time.perf_counter()
        try:
            sock.sendto(echo_request(family, ident, seq), (address, 0))
        except OSError as exc:
            result.error = os.strerror(exc.errno or 0)
            result.errno = exc.errno
            break
        result.sent += 1

        outcome = _wait_reply(sock, family, ident, seq, started + timeout)
        if outcome == "reply":
            result.rtts.append((time.perf_counter() - started) * 1000)
        elif outcome is not None:
            result.error = outcome
        elif result.error is None:
            result.error = f"no reply within {timeout:g} s"

        pause = started + interval - time.perf_counter()
        if number < count and pause > 0:
            time.sleep(pause)

    if result.ok:
        result.error = None
    return result


def _check_counts(count: object, timeout: object, interval: object) -> None:
    # ValueError for anything but a positive int count and real times.
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"count must be an int >= 1, not {count!r}")

    for name, value in (("timeout", timeout), ("interval", interval)):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError(f"{name} must be a number, not {value!r}")
        if value != value or value == float("inf"):
            raise ValueError(f"{name} must be finite, not {value!r}")
    if timeout <= 0:
        raise ValueError(f"timeout must be > 0, not {timeout!r}")
    if interval < 0:
        raise ValueError(f"interval must be >= 0, not {interval!r}")


def _wait_reply(
    sock: socket.socket, family: int, ident: int, seq: int, deadline: float
) -> str | None:
    # "reply", what went wrong, or None for no answer in time.
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        readable, _, _ = select.select([sock], [], [], left)
        if not readable:
            return None
        try:
            data = sock.recv(65535)
        except OSError as exc:
            # An ICMP error the kernel queued on the socket itself.
            return os.strerror(exc.errno or 0)
        match = parse_reply(family, data, ident)
        if match is not None and match[1] == seq:
            return match[0]

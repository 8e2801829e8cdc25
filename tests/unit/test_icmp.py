"""ICMP echo without a ping binary: checksums, packets, replies, results.

Pure functions only; the packets are built by hand here the way the
kernel hands them to a raw socket (with the IPv4 header, without an
IPv6 one).
"""

from __future__ import annotations

import socket
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit.icmp import (
    ICMP_DEST_UNREACH,
    ICMP_ECHO,
    ICMP_ECHOREPLY,
    ICMP_TIME_EXCEEDED,
    ICMPV6_DEST_UNREACH,
    ICMPV6_ECHO_REPLY,
    ICMPV6_ECHO_REQUEST,
    PingResult,
    checksum,
    echo_request,
    family_of,
    parse_reply,
    ping,
)

V4, V6 = socket.AF_INET, socket.AF_INET6


def ipv4_header(payload: bytes, ihl: int = 5) -> bytes:
    """A minimal IPv4 header (options as zero bytes) before `payload`."""
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x40 | ihl,
        0,
        ihl * 4 + len(payload),
        0,
        0,
        64,
        socket.IPPROTO_ICMP,
        0,
        bytes([192, 0, 2, 2]),
        bytes([192, 0, 2, 1]),
    )
    return header + bytes(ihl * 4 - 20) + payload


def icmp(kind: int, code: int, rest: bytes) -> bytes:
    return struct.pack("!BBH", kind, code, 0) + rest


def echo(kind: int, ident: int, seq: int) -> bytes:
    return struct.pack("!BBHHH", kind, 0, 0, ident, seq) + b"data"


def test_checksum_of_the_rfc_1071_example():
    data = bytes([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7])

    assert checksum(data) == ~0xDDF2 & 0xFFFF


def test_checksum_pads_an_odd_length():
    assert checksum(b"\x01") == checksum(b"\x01\x00")


@given(st.binary(max_size=200))
def test_a_packet_with_its_checksum_sums_to_zero(data):
    if len(data) % 2:
        data += b"\0"
    value = checksum(data)

    assert checksum(data + struct.pack("!H", value)) == 0


def test_ipv4_echo_request():
    packet = echo_request(V4, 0x1234, 7)

    kind, code, _, ident, seq = struct.unpack_from("!BBHHH", packet)
    assert (kind, code, ident, seq) == (ICMP_ECHO, 0, 0x1234, 7)
    assert checksum(packet) == 0


def test_ipv6_echo_request_leaves_the_checksum_to_the_kernel():
    packet = echo_request(V6, 0x1234, 7)

    kind, code, total, ident, seq = struct.unpack_from("!BBHHH", packet)
    assert (kind, code, total, ident, seq) == (
        ICMPV6_ECHO_REQUEST,
        0,
        0,
        0x1234,
        7,
    )


@pytest.mark.parametrize("ihl", [5, 6, 15])
def test_ipv4_reply_after_an_ip_header_of_any_length(ihl):
    data = ipv4_header(echo(ICMP_ECHOREPLY, 99, 3), ihl)

    assert parse_reply(V4, data, 99) == ("reply", 3)


def test_ipv6_reply():
    assert parse_reply(V6, echo(ICMPV6_ECHO_REPLY, 99, 3), 99) == ("reply", 3)


def test_replies_to_someone_else_are_ignored():
    assert (
        parse_reply(V4, ipv4_header(echo(ICMP_ECHOREPLY, 98, 3)), 99) is None
    )
    assert parse_reply(V6, echo(ICMPV6_ECHO_REPLY, 98, 3), 99) is None


def test_our_own_requests_are_ignored():
    # A raw socket sees every ICMP packet, also the requests it sends to
    # an address of its own.
    assert parse_reply(V4, ipv4_header(echo(ICMP_ECHO, 99, 3)), 99) is None
    assert parse_reply(V6, echo(ICMPV6_ECHO_REQUEST, 99, 3), 99) is None


@pytest.mark.parametrize(
    ("kind", "code", "why"),
    [
        (ICMP_DEST_UNREACH, 0, "Destination Net Unreachable"),
        (ICMP_DEST_UNREACH, 1, "Destination Host Unreachable"),
        (ICMP_TIME_EXCEEDED, 0, "Time to live exceeded"),
        (ICMP_DEST_UNREACH, 15, "ICMP error type 3 code 15"),
    ],
)
def test_an_ipv4_error_quoting_our_request(kind, code, why):
    quoted = ipv4_header(echo(ICMP_ECHO, 99, 4))
    data = ipv4_header(icmp(kind, code, bytes(4) + quoted))

    assert parse_reply(V4, data, 99) == (why, 4)


def test_an_ipv4_error_quoting_someone_elses_request():
    quoted = ipv4_header(echo(ICMP_ECHO, 98, 4))
    data = ipv4_header(icmp(ICMP_DEST_UNREACH, 1, bytes(4) + quoted))

    assert parse_reply(V4, data, 99) is None


def test_an_ipv6_error_quoting_our_request():
    quoted = bytes(40) + echo(ICMPV6_ECHO_REQUEST, 99, 5)
    data = icmp(ICMPV6_DEST_UNREACH, 3, bytes(4) + quoted)

    assert parse_reply(V6, data, 99) == (
        "Destination unreachable: Address unreachable",
        5,
    )


@given(st.binary(max_size=80))
def test_junk_is_never_an_error(data):
    for family in (V4, V6):
        result = parse_reply(family, data, 99)
        assert result is None or isinstance(result[0], str)


@pytest.mark.parametrize("data", [b"", b"\x45", bytes(19), bytes(27)])
def test_truncated_packets_are_ignored(data):
    assert parse_reply(V4, data, 0) is None
    assert parse_reply(V6, data[:7], 0) is None


def test_family_of():
    assert family_of("192.0.2.1") == V4
    assert family_of("2001:db8::1") == V6
    with pytest.raises(ValueError):
        family_of("example.org")


def test_ping_result_of_replies():
    result = PingResult("192.0.2.2", sent=2, rtts=[0.5, 1.5])

    assert result.ok and bool(result) and result.received == 2
    assert result.summary() == (
        "2 sent, 2 received, rtt min/avg/max 0.500/1.000/1.500 ms"
    )


def test_ping_result_of_a_network_that_cannot_be_reached():
    result = PingResult(
        "198.51.100.1", error="Network is unreachable", errno=101
    )

    assert not result and result.received == 0
    assert result.summary() == "0 sent, 0 received (Network is unreachable)"


def test_ping_result_with_some_lost():
    result = PingResult("192.0.2.2", sent=3, rtts=[1.0], error="no reply")

    assert not result.ok
    assert result.summary().endswith("(no reply)")


class _Echoing:
    """A stand-in raw socket that answers every IPv4 request at once."""

    def __init__(self) -> None:
        self._ours, self._peer = socket.socketpair(
            socket.AF_UNIX, socket.SOCK_DGRAM
        )
        self.seqs: list[int] = []

    def fileno(self) -> int:
        return self._ours.fileno()

    def sendto(self, packet: bytes, _address: object) -> int:
        _kind, _code, _sum, ident, seq = struct.unpack_from("!BBHHH", packet)
        self.seqs.append(seq)
        self._peer.send(ipv4_header(echo(ICMP_ECHOREPLY, ident, seq)))
        return len(packet)

    def recv(self, size: int) -> bytes:
        return self._ours.recv(size)

    def close(self) -> None:
        self._ours.close()
        self._peer.close()


def test_ping_wraps_the_sequence_number_past_65535():
    sock = _Echoing()
    try:
        result = ping(sock, "192.0.2.2", count=65540, interval=0)
    finally:
        sock.close()

    assert result.sent == result.received == 65540
    assert sock.seqs[65534:] == [65535, 0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    "options",
    [
        {"count": True},
        {"count": 0},
        {"count": -1},
        {"count": 2.5},
        {"count": "3"},
        {"timeout": 0},
        {"timeout": -1},
        {"timeout": True},
        {"timeout": float("nan")},
        {"interval": -0.1},
        {"interval": float("inf")},
        {"interval": "0"},
    ],
)
def test_ping_refuses_bad_counts_and_times(options):
    with pytest.raises(ValueError):
        ping(None, "192.0.2.2", **options)

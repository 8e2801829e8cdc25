"""Frames and packets built by hand, so a round trip needs no ping binary.

ARP requests for a TAP, ICMP echo requests for a TUN, their parsers, and
`exchange`, which writes one into a device until the answer comes back.
"""

from __future__ import annotations

import ipaddress
import select
import struct
import time
from collections.abc import Callable

from netkit.icmp import checksum

ETH_P_ARP = 0x0806
ETH_P_IP = 0x0800
BROADCAST = b"\xff" * 6


def mac_bytes(mac: str) -> bytes:
    return bytes.fromhex(mac.replace(":", ""))


def ip4(address: str) -> bytes:
    return ipaddress.IPv4Address(address).packed


def arp_request(sender_mac: str, sender_ip: str, target_ip: str) -> bytes:
    """An Ethernet frame: who has `target_ip`? tell `sender_ip`."""
    sha = mac_bytes(sender_mac)
    ethernet = BROADCAST + sha + struct.pack("!H", ETH_P_ARP)
    arp = struct.pack(
        "!HHBBH6s4s6s4s",
        1,  # hardware: Ethernet
        ETH_P_IP,
        6,
        4,
        1,  # request
        sha,
        ip4(sender_ip),
        bytes(6),
        ip4(target_ip),
    )
    return (ethernet + arp).ljust(60, b"\0")


def parse_arp(frame: bytes) -> dict | None:
    """The fields of an ARP frame, None for any other frame."""
    if len(frame) < 42 or struct.unpack("!H", frame[12:14])[0] != ETH_P_ARP:
        return None

    fields = struct.unpack("!HHBBH6s4s6s4s", frame[14:42])
    return {
        "dst": frame[0:6],
        "op": fields[4],
        "sha": fields[5],
        "spa": fields[6],
        "tha": fields[7],
        "tpa": fields[8],
    }


def icmp_echo(src: str, dst: str, ident: int, seq: int, data: bytes) -> bytes:
    """An IPv4 packet holding an ICMP echo request."""
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(icmp),
        ident,
        0x4000,  # don't fragment
        64,
        1,  # ICMP
        0,
        ip4(src),
        ip4(dst),
    )
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + icmp


def parse_icmp(packet: bytes) -> dict | None:
    """Source, destination and ICMP fields of an IPv4 ICMP packet."""
    if len(packet) < 28 or packet[0] >> 4 != 4 or packet[9] != 1:
        return None

    start = (packet[0] & 0x0F) * 4
    kind, _, _, ident, seq = struct.unpack("!BBHHH", packet[start : start + 8])
    return {
        "src": packet[12:16],
        "dst": packet[16:20],
        "type": kind,
        "id": ident,
        "seq": seq,
        "data": packet[start + 8 :],
    }


def exchange(
    device,
    message: bytes,
    answer: Callable[[bytes], bool],
    timeout: float = 5.0,
) -> bytes:
    """Write `message` to `device` (again every half second) until a read
    satisfies `answer`; return that read.  TimeoutError after `timeout`.

    Writing again covers the moment a new bridge port or link needs
    before it passes frames.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        device.write(message)
        resend = min(deadline, time.monotonic() + 0.5)
        while (left := resend - time.monotonic()) > 0:
            ready, _, _ = select.select([device], [], [], left)
            if not ready:
                break
            got = device.read()
            if answer(got):
                return got
    raise TimeoutError("no answer from the other side")

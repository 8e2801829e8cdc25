"""Route attributes: the RTA_* and RTAX_* tables and their odd codecs.

RTA_METRICS is a nest of RTAX_* numbers, all u32 but RTAX_CC_ALGO, a
congestion control name.  The kernel and `ip` send it without
NLA_F_NESTED, so netkit sends it that way too and a decoded route encodes
back to the kernel's bytes (the kernel accepts it either way).

RTA_MULTIPATH is not a nest but a run of next hops, each a `struct
rtnexthop` followed by RTA_* attributes of its own (RTA_GATEWAY, RTA_VIA,
RTA_ENCAP...) and padded to 4 bytes::

    0       2       3      4               8
    +-------+-------+------+---------------+--------------------+
    | len   | flags | hops | ifindex (s32) | RTA_* attributes   |
    +-------+-------+------+---------------+--------------------+

`len` counts the header and the attributes.  `hops` is the weight minus
one.  Each hop decodes to {"flags", "hops", "ifindex", "attrs"}.

RTA_VIA is `struct rtvia`: an address family (u16) and an address of that
family, which lets an IPv4 route use an IPv6 gateway.

Kept raw (bytes under their number): RTA_PROTOINFO, RTA_SESSION and
RTA_MP_ALGO (unused since Linux 2.6), RTA_NEWDST (MPLS labels) and
RTA_PAD; RTA_ENCAP is bytes, whatever its RTA_ENCAP_TYPE.
"""

from __future__ import annotations

import enum
import ipaddress
import struct
from collections.abc import Mapping
from typing import Any

from netkit.errors import DecodeError
from netkit.netlink.attrs import (
    BE16,
    BE32,
    BINARY,
    IPADDR,
    STRING,
    U8,
    U16,
    U32,
    AttrTable,
    Codec,
    Nested,
    StructCodec,
    pack_address,
)
from netkit.netlink.header import align
from netkit.rtnl.rtm import AF_INET, AF_INET6


class RTA(enum.IntEnum):
    """Route attributes (enum rtattr_type_t), as of Linux 6.18."""

    RTA_UNSPEC = 0
    RTA_DST = 1
    RTA_SRC = 2
    RTA_IIF = 3
    RTA_OIF = 4
    RTA_GATEWAY = 5
    RTA_PRIORITY = 6
    RTA_PREFSRC = 7
    RTA_METRICS = 8
    RTA_MULTIPATH = 9
    RTA_PROTOINFO = 10
    RTA_FLOW = 11
    RTA_CACHEINFO = 12
    RTA_SESSION = 13
    RTA_MP_ALGO = 14
    RTA_TABLE = 15
    RTA_MARK = 16
    RTA_MFC_STATS = 17
    RTA_VIA = 18
    RTA_NEWDST = 19
    RTA_PREF = 20
    RTA_ENCAP_TYPE = 21
    RTA_ENCAP = 22
    RTA_EXPIRES = 23
    RTA_PAD = 24
    RTA_UID = 25
    RTA_TTL_PROPAGATE = 26
    RTA_IP_PROTO = 27
    RTA_SPORT = 28
    RTA_DPORT = 29
    RTA_NH_ID = 30
    RTA_FLOWLABEL = 31


class RTAX(enum.IntEnum):
    """Route metrics, nested in RTA_METRICS."""

    RTAX_UNSPEC = 0
    RTAX_LOCK = 1
    RTAX_MTU = 2
    RTAX_WINDOW = 3
    RTAX_RTT = 4
    RTAX_RTTVAR = 5
    RTAX_SSTHRESH = 6
    RTAX_CWND = 7
    RTAX_ADVMSS = 8
    RTAX_REORDERING = 9
    RTAX_HOPLIMIT = 10
    RTAX_INITCWND = 11
    RTAX_FEATURES = 12
    RTAX_RTO_MIN = 13
    RTAX_INITRWND = 14
    RTAX_QUICKACK = 15
    RTAX_CC_ALGO = 16
    RTAX_FASTOPEN_NO_COOKIE = 17


RTNEXTHOP = struct.Struct("=HBBi")
RTVIA_FAMILY = struct.Struct("=H")

_ADDRESS_TYPES = {
    (AF_INET, 4): ipaddress.IPv4Address,
    (AF_INET6, 16): ipaddress.IPv6Address,
}


class Nexthops(Codec):
    """RTA_MULTIPATH: a list of next hops, each with its attributes."""

    def __init__(self, table: AttrTable) -> None:
        self._table = table

    def encode(
        self, value: list[Mapping[str, Any]], context: Mapping
    ) -> bytes:
        return b"".join(self._encode_hop(hop) for hop in value)

    def decode(self, data: memoryview, context: Mapping) -> list[dict]:
        hops = []
        offset, end = 0, len(data)
        while offset < end:
            if end - offset < RTNEXTHOP.size:
                raise DecodeError(
                    f"{end - offset} stray bytes after the last next hop",
                    offset=offset,
                )
            length, flags, count, ifindex = RTNEXTHOP.unpack_from(data, offset)
            if length < RTNEXTHOP.size or length > end - offset:
                raise DecodeError(
                    f"next hop claims {length} bytes, {end - offset} left",
                    offset=offset,
                )
            payload = data[offset + RTNEXTHOP.size : offset + length]
            try:
                attrs = self._table.decode(payload)
            except DecodeError as exc:
                exc.path.insert(0, f"nexthop {len(hops)}")
                raise
            hop = {"flags": flags, "hops": count, "ifindex": ifindex}
            hops.append({**hop, "attrs": attrs})
            offset += align(length)
        return hops

    def _encode_hop(self, hop: Mapping[str, Any]) -> bytes:
        attrs = self._table.encode(hop.get("attrs", {}))
        fields = (
            hop.get("flags", 0),
            hop.get("hops", 0),
            hop.get("ifindex", 0),
        )
        try:
            header = RTNEXTHOP.pack(RTNEXTHOP.size + len(attrs), *fields)
        except struct.error as exc:
            raise ValueError(f"next hop {dict(hop)!r}: {exc}") from None
        return header + attrs


class Via(Codec):
    """RTA_VIA: {"family": AF_*, "address": an address, or bytes}.

    Encoding also takes a bare address, whose family is its own.
    Addresses of families other than IPv4 and IPv6 stay bytes.
    """

    def encode(self, value: Any, context: Mapping) -> bytes:
        if not isinstance(value, Mapping):
            address = ipaddress.ip_address(value)
            family = AF_INET if address.version == 4 else AF_INET6
            value = {"family": family, "address": address}
        address = value["address"]
        if not isinstance(address, bytes | bytearray):
            address = pack_address(address)
        try:
            return RTVIA_FAMILY.pack(value["family"]) + bytes(address)
        except struct.error as exc:
            raise ValueError(
                f"via family {value['family']!r}: {exc}"
            ) from None

    def decode(self, data: memoryview, context: Mapping) -> dict[str, Any]:
        if len(data) < RTVIA_FAMILY.size:
            raise DecodeError(f"rtvia of {len(data)} bytes, needs 2")
        (family,) = RTVIA_FAMILY.unpack_from(data)
        raw = bytes(data[RTVIA_FAMILY.size :])
        address_type = _ADDRESS_TYPES.get((family, len(raw)))
        address = address_type(raw) if address_type else raw
        return {"family": family, "address": address}


class UInt(Codec):
    """An unsigned number of 32 or 64 bits, told apart by its length.

    RTA_EXPIRES is a u32 in requests (IPv6) and a u64 in multicast route
    dumps; encoding uses 32 bits when the value fits.
    """

    _U32 = struct.Struct("=I")
    _U64 = struct.Struct("=Q")

    def encode(self, value: int, context: Mapping) -> bytes:
        if not isinstance(value, int) or not 0 <= value < 1 << 64:
            raise ValueError(f"{value!r} is not a 64-bit unsigned number")
        packer = self._U32 if value < 1 << 32 else self._U64
        return packer.pack(value)

    def decode(self, data: memoryview, context: Mapping) -> int:
        for unpacker in (self._U32, self._U64):
            if len(data) == unpacker.size:
                return unpacker.unpack(data)[0]
        raise DecodeError(f"expected 4 or 8 bytes, got {len(data)}")


class _Metrics(Nested):
    # Sent without NLA_F_NESTED, as the kernel sends it (see above).
    nested = False


METRICS_ATTRS = AttrTable(
    RTAX,
    {
        **{number: U32 for number in RTAX if number != RTAX.RTAX_UNSPEC},
        RTAX.RTAX_CC_ALGO: STRING,  # a congestion control name ("bbr")
    },
)

# struct rta_cacheinfo; `expires` is signed, in clock ticks.
CACHEINFO = StructCodec(
    "=IIiIIIII",
    ("clntref", "lastuse", "expires", "error", "used", "id", "ts", "tsage"),
)
MFC_STATS = StructCodec("=QQQ", ("packets", "bytes", "wrong_if"))


# What a next hop of RTA_MULTIPATH may carry (the kernel reads no more);
# any other attribute there stays raw.
NEXTHOP_ATTRS = AttrTable(
    RTA,
    {
        RTA.RTA_GATEWAY: IPADDR,
        RTA.RTA_FLOW: U32,
        RTA.RTA_VIA: Via(),
        RTA.RTA_ENCAP_TYPE: U16,
        RTA.RTA_ENCAP: BINARY,
    },
)

ROUTE_ATTRS = AttrTable(
    RTA,
    {
        RTA.RTA_DST: IPADDR,
        RTA.RTA_SRC: IPADDR,
        RTA.RTA_IIF: U32,
        RTA.RTA_OIF: U32,
        RTA.RTA_GATEWAY: IPADDR,
        RTA.RTA_PRIORITY: U32,
        RTA.RTA_PREFSRC: IPADDR,
        RTA.RTA_METRICS: _Metrics(METRICS_ATTRS),
        RTA.RTA_MULTIPATH: Nexthops(NEXTHOP_ATTRS),
        RTA.RTA_FLOW: U32,
        RTA.RTA_CACHEINFO: CACHEINFO,
        RTA.RTA_TABLE: U32,
        RTA.RTA_MARK: U32,
        RTA.RTA_MFC_STATS: MFC_STATS,
        RTA.RTA_VIA: Via(),
        RTA.RTA_PREF: U8,
        RTA.RTA_ENCAP_TYPE: U16,
        RTA.RTA_ENCAP: BINARY,
        RTA.RTA_EXPIRES: UInt(),
        RTA.RTA_UID: U32,
        RTA.RTA_TTL_PROPAGATE: U8,
        RTA.RTA_IP_PROTO: U8,
        RTA.RTA_SPORT: BE16,
        RTA.RTA_DPORT: BE16,
        RTA.RTA_NH_ID: U32,
        RTA.RTA_FLOWLABEL: BE32,
    },
)

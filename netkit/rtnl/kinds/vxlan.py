"""The vxlan kind: IFLA_VXLAN_*, an Ethernet segment tunnelled over UDP.

`id` is the VNI; `port` (the destination UDP port) is in network byte
order on the wire and a plain int here.  The kernel reports the on/off
options (learning, udp_csum, ttl_inherit...) as u8 values; a few of them
(gbp, gpe, remcsum_nopartial) are flags, present only when on.
ttl_inherit is both: dumps carry it as a u8 (0 or 1), but the kernel
takes it in a request only as a flag, so `True` encodes the flag and an
int encodes the u8.  reserved_bits (a VXLAN header mask) stays raw.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from netkit.errors import DecodeError
from netkit.netlink.attrs import (
    BE16,
    BE32,
    FLAG,
    IPV4,
    IPV6,
    U8,
    U32,
    AttrTable,
    Codec,
    Nested,
    StructCodec,
)
from netkit.rtnl.kinds import register


class IFLA_VXLAN(enum.IntEnum):
    """Attributes of a vxlan's IFLA_INFO_DATA (linux/if_link.h)."""

    IFLA_VXLAN_UNSPEC = 0
    IFLA_VXLAN_ID = 1
    IFLA_VXLAN_GROUP = 2
    IFLA_VXLAN_LINK = 3
    IFLA_VXLAN_LOCAL = 4
    IFLA_VXLAN_TTL = 5
    IFLA_VXLAN_TOS = 6
    IFLA_VXLAN_LEARNING = 7
    IFLA_VXLAN_AGEING = 8
    IFLA_VXLAN_LIMIT = 9
    IFLA_VXLAN_PORT_RANGE = 10
    IFLA_VXLAN_PROXY = 11
    IFLA_VXLAN_RSC = 12
    IFLA_VXLAN_L2MISS = 13
    IFLA_VXLAN_L3MISS = 14
    IFLA_VXLAN_PORT = 15
    IFLA_VXLAN_GROUP6 = 16
    IFLA_VXLAN_LOCAL6 = 17
    IFLA_VXLAN_UDP_CSUM = 18
    IFLA_VXLAN_UDP_ZERO_CSUM6_TX = 19
    IFLA_VXLAN_UDP_ZERO_CSUM6_RX = 20
    IFLA_VXLAN_REMCSUM_TX = 21
    IFLA_VXLAN_REMCSUM_RX = 22
    IFLA_VXLAN_GBP = 23
    IFLA_VXLAN_REMCSUM_NOPARTIAL = 24
    IFLA_VXLAN_COLLECT_METADATA = 25
    IFLA_VXLAN_LABEL = 26
    IFLA_VXLAN_GPE = 27
    IFLA_VXLAN_TTL_INHERIT = 28
    IFLA_VXLAN_DF = 29
    IFLA_VXLAN_VNIFILTER = 30
    IFLA_VXLAN_LOCALBYPASS = 31
    IFLA_VXLAN_LABEL_POLICY = 32
    IFLA_VXLAN_RESERVED_BITS = 33
    IFLA_VXLAN_MC_ROUTE = 34


# IFLA_VXLAN_DF values.
VXLAN_DF_UNSET = 0
VXLAN_DF_SET = 1
VXLAN_DF_INHERIT = 2


class FlagOrU8(Codec):
    """A u8 in dumps, a flag in requests: `True` is the flag."""

    def encode(self, value: bool | int, context: Mapping) -> bytes:
        if value is True:
            return b""
        return U8.encode(value, context)

    def decode(self, data: memoryview, context: Mapping) -> bool | int:
        if len(data) == 0:
            return True
        if len(data) != 1:
            raise DecodeError(f"expected 0 or 1 bytes, got {len(data)}")
        return data[0]


# struct ifla_vxlan_port_range: the source ports, both big-endian.
PORT_RANGE = StructCodec(">HH", ("low", "high"))

V = IFLA_VXLAN
DATA = AttrTable(
    IFLA_VXLAN,
    {
        V.IFLA_VXLAN_ID: U32,
        V.IFLA_VXLAN_GROUP: IPV4,
        V.IFLA_VXLAN_LINK: U32,
        V.IFLA_VXLAN_LOCAL: IPV4,
        V.IFLA_VXLAN_TTL: U8,
        V.IFLA_VXLAN_TOS: U8,
        V.IFLA_VXLAN_LEARNING: U8,
        V.IFLA_VXLAN_AGEING: U32,
        V.IFLA_VXLAN_LIMIT: U32,
        V.IFLA_VXLAN_PORT_RANGE: PORT_RANGE,
        V.IFLA_VXLAN_PROXY: U8,
        V.IFLA_VXLAN_RSC: U8,
        V.IFLA_VXLAN_L2MISS: U8,
        V.IFLA_VXLAN_L3MISS: U8,
        V.IFLA_VXLAN_PORT: BE16,
        V.IFLA_VXLAN_GROUP6: IPV6,
        V.IFLA_VXLAN_LOCAL6: IPV6,
        V.IFLA_VXLAN_UDP_CSUM: U8,
        V.IFLA_VXLAN_UDP_ZERO_CSUM6_TX: U8,
        V.IFLA_VXLAN_UDP_ZERO_CSUM6_RX: U8,
        V.IFLA_VXLAN_REMCSUM_TX: U8,
        V.IFLA_VXLAN_REMCSUM_RX: U8,
        V.IFLA_VXLAN_GBP: FLAG,
        V.IFLA_VXLAN_REMCSUM_NOPARTIAL: FLAG,
        V.IFLA_VXLAN_COLLECT_METADATA: U8,
        V.IFLA_VXLAN_LABEL: BE32,
        V.IFLA_VXLAN_GPE: FLAG,
        V.IFLA_VXLAN_TTL_INHERIT: FlagOrU8(),
        V.IFLA_VXLAN_DF: U8,
        V.IFLA_VXLAN_VNIFILTER: U8,
        V.IFLA_VXLAN_LOCALBYPASS: U8,
        V.IFLA_VXLAN_LABEL_POLICY: U32,
        V.IFLA_VXLAN_MC_ROUTE: U8,
    },
)

register("vxlan", Nested(DATA))

"""Attribute sets nested in a link message, and the structs it carries.

IFLA_LINKINFO (the kind and its data, decoded by the codecs registered in
`netkit.rtnl.kinds`), IFLA_XDP, IFLA_PROTO_DOWN_REASON, IFLA_AF_SPEC (one
nest per address family: AF_INET and AF_INET6 are decoded, the sysctl
arrays and counters inside them stay raw, other families stay raw), and
the statistics and device-map structs.  `netkit.rtnl.link` puts them in
the IFLA table.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Mapping

from netkit.errors import DecodeError
from netkit.netlink.attrs import (
    BINARY,
    IPV6,
    S32,
    STRING,
    U8,
    U32,
    AttrTable,
    ByKey,
    Codec,
    Nested,
    StructCodec,
)
from netkit.rtnl.kinds import KIND_DATA, SLAVE_DATA


class IFLA_INFO(enum.IntEnum):
    """Attributes inside IFLA_LINKINFO."""

    IFLA_INFO_UNSPEC = 0
    IFLA_INFO_KIND = 1
    IFLA_INFO_DATA = 2
    IFLA_INFO_XSTATS = 3
    IFLA_INFO_SLAVE_KIND = 4
    IFLA_INFO_SLAVE_DATA = 5


class IFLA_XDP(enum.IntEnum):
    """Attributes inside IFLA_XDP."""

    IFLA_XDP_UNSPEC = 0
    IFLA_XDP_FD = 1
    IFLA_XDP_ATTACHED = 2
    IFLA_XDP_FLAGS = 3
    IFLA_XDP_PROG_ID = 4
    IFLA_XDP_DRV_PROG_ID = 5
    IFLA_XDP_SKB_PROG_ID = 6
    IFLA_XDP_HW_PROG_ID = 7
    IFLA_XDP_EXPECTED_FD = 8


class IFLA_PROTO_DOWN_REASON(enum.IntEnum):
    """Attributes inside IFLA_PROTO_DOWN_REASON."""

    IFLA_PROTO_DOWN_REASON_UNSPEC = 0
    IFLA_PROTO_DOWN_REASON_MASK = 1
    IFLA_PROTO_DOWN_REASON_VALUE = 2


class AF_SPEC(enum.IntEnum):
    """Keys of IFLA_AF_SPEC: the address family of each nest inside."""

    AF_UNSPEC = 0
    AF_INET = 2
    AF_BRIDGE = 7
    AF_INET6 = 10


class IFLA_INET(enum.IntEnum):
    """Attributes of IFLA_AF_SPEC's AF_INET nest."""

    IFLA_INET_UNSPEC = 0
    IFLA_INET_CONF = 1


class IFLA_INET6(enum.IntEnum):
    """Attributes of IFLA_AF_SPEC's AF_INET6 nest."""

    IFLA_INET6_UNSPEC = 0
    IFLA_INET6_FLAGS = 1
    IFLA_INET6_CONF = 2
    IFLA_INET6_STATS = 3
    IFLA_INET6_MCAST = 4
    IFLA_INET6_CACHEINFO = 5
    IFLA_INET6_ICMP6STATS = 6
    IFLA_INET6_TOKEN = 7
    IFLA_INET6_ADDR_GEN_MODE = 8
    IFLA_INET6_RA_MTU = 9


class Uint(Codec):
    """NLA_UINT: an unsigned integer sent in 4 bytes, or 8 when it needs."""

    def encode(self, value: int, context: Mapping) -> bytes:
        if not 0 <= value < 1 << 64:
            raise ValueError(f"{value!r} does not fit in 64 bits")
        return struct.pack("=I" if value < 1 << 32 else "=Q", value)

    def decode(self, data: memoryview, context: Mapping) -> int:
        if len(data) == 4:
            return struct.unpack("=I", data)[0]
        if len(data) == 8:
            return struct.unpack("=Q", data)[0]
        raise DecodeError(f"an NLA_UINT of {len(data)} bytes")


# struct rtnl_link_stats64 and struct rtnl_link_stats: the same counters.
STATS_FIELDS = (
    "rx_packets",
    "tx_packets",
    "rx_bytes",
    "tx_bytes",
    "rx_errors",
    "tx_errors",
    "rx_dropped",
    "tx_dropped",
    "multicast",
    "collisions",
    "rx_length_errors",
    "rx_over_errors",
    "rx_crc_errors",
    "rx_frame_errors",
    "rx_fifo_errors",
    "rx_missed_errors",
    "tx_aborted_errors",
    "tx_carrier_errors",
    "tx_fifo_errors",
    "tx_heartbeat_errors",
    "tx_window_errors",
    "rx_compressed",
    "tx_compressed",
    "rx_nohandler",
)
STATS64_FIELDS = (*STATS_FIELDS, "rx_otherhost_dropped")
STATS = StructCodec("=" + "I" * len(STATS_FIELDS), STATS_FIELDS)
STATS64 = StructCodec("=" + "Q" * len(STATS64_FIELDS), STATS64_FIELDS)
# struct rtnl_link_ifmap, padded to 32 bytes.
MAP = StructCodec(
    "=QQQHBB4x", ("mem_start", "mem_end", "base_addr", "irq", "dma", "port")
)
# struct ifla_cacheinfo of AF_INET6.
INET6_CACHEINFO = StructCodec(
    "=IIII", ("max_reasm_len", "tstamp", "reachable_time", "retrans_time")
)

LINKINFO = AttrTable(
    IFLA_INFO,
    {
        IFLA_INFO.IFLA_INFO_KIND: STRING,
        IFLA_INFO.IFLA_INFO_DATA: ByKey("kind", KIND_DATA),
        IFLA_INFO.IFLA_INFO_XSTATS: BINARY,
        IFLA_INFO.IFLA_INFO_SLAVE_KIND: STRING,
        IFLA_INFO.IFLA_INFO_SLAVE_DATA: ByKey("slave_kind", SLAVE_DATA),
    },
)

X = IFLA_XDP
XDP = AttrTable(
    IFLA_XDP,
    {
        X.IFLA_XDP_FD: S32,
        X.IFLA_XDP_ATTACHED: U8,
        X.IFLA_XDP_FLAGS: U32,
        X.IFLA_XDP_PROG_ID: U32,
        X.IFLA_XDP_DRV_PROG_ID: U32,
        X.IFLA_XDP_SKB_PROG_ID: U32,
        X.IFLA_XDP_HW_PROG_ID: U32,
        X.IFLA_XDP_EXPECTED_FD: S32,
    },
)

PROTO_DOWN_REASON = AttrTable(
    IFLA_PROTO_DOWN_REASON,
    {
        IFLA_PROTO_DOWN_REASON.IFLA_PROTO_DOWN_REASON_MASK: U32,
        IFLA_PROTO_DOWN_REASON.IFLA_PROTO_DOWN_REASON_VALUE: U32,
    },
)

# The sysctl arrays (conf) and counters (stats) stay raw bytes.
INET = AttrTable(IFLA_INET, {IFLA_INET.IFLA_INET_CONF: BINARY})
I6 = IFLA_INET6
INET6 = AttrTable(
    IFLA_INET6,
    {
        I6.IFLA_INET6_FLAGS: U32,
        I6.IFLA_INET6_CONF: BINARY,
        I6.IFLA_INET6_STATS: BINARY,
        I6.IFLA_INET6_MCAST: BINARY,
        I6.IFLA_INET6_CACHEINFO: INET6_CACHEINFO,
        I6.IFLA_INET6_ICMP6STATS: BINARY,
        I6.IFLA_INET6_TOKEN: IPV6,
        I6.IFLA_INET6_ADDR_GEN_MODE: U8,
        I6.IFLA_INET6_RA_MTU: U32,
    },
)
# AF_BRIDGE (bridge VLANs) and other families stay raw.
AF_SPEC_TABLE = AttrTable(
    AF_SPEC,
    {AF_SPEC.AF_INET: Nested(INET), AF_SPEC.AF_INET6: Nested(INET6)},
)

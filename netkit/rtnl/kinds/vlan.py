"""The vlan kind (802.1Q/802.1ad): IFLA_VLAN_* on top of a parent link.

The parent is the link's IFLA_LINK.  `protocol` is the tag's EtherType,
big-endian on the wire (ETH_P_8021Q 0x8100 or ETH_P_8021AD 0x88a8); the
QoS maps are lists of {"from": ..., "to": ...} priority mappings.
"""

from __future__ import annotations

import enum

from netkit.netlink.attrs import (
    BE16,
    U16,
    AttrTable,
    Multi,
    Nested,
    StructCodec,
)
from netkit.rtnl.kinds import register


class IFLA_VLAN(enum.IntEnum):
    """Attributes of a vlan's IFLA_INFO_DATA (linux/if_link.h)."""

    IFLA_VLAN_UNSPEC = 0
    IFLA_VLAN_ID = 1
    IFLA_VLAN_FLAGS = 2
    IFLA_VLAN_EGRESS_QOS = 3
    IFLA_VLAN_INGRESS_QOS = 4
    IFLA_VLAN_PROTOCOL = 5


class IFLA_VLAN_QOS(enum.IntEnum):
    """Attributes inside IFLA_VLAN_EGRESS_QOS and IFLA_VLAN_INGRESS_QOS."""

    IFLA_VLAN_QOS_UNSPEC = 0
    IFLA_VLAN_QOS_MAPPING = 1


ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8

# struct ifla_vlan_flags bits (linux/if_vlan.h).
VLAN_FLAG_REORDER_HDR = 0x1
VLAN_FLAG_GVRP = 0x2
VLAN_FLAG_LOOSE_BINDING = 0x4
VLAN_FLAG_MVRP = 0x8
VLAN_FLAG_BRIDGE_BINDING = 0x10

# struct ifla_vlan_flags: the flags to set, and which of them to change.
FLAGS = StructCodec("=II", ("flags", "mask"))
QOS = AttrTable(
    IFLA_VLAN_QOS,
    {
        IFLA_VLAN_QOS.IFLA_VLAN_QOS_MAPPING: Multi(
            StructCodec("=II", ("from", "to"))
        )
    },
)

DATA = AttrTable(
    IFLA_VLAN,
    {
        IFLA_VLAN.IFLA_VLAN_ID: U16,
        IFLA_VLAN.IFLA_VLAN_FLAGS: FLAGS,
        IFLA_VLAN.IFLA_VLAN_EGRESS_QOS: Nested(QOS),
        IFLA_VLAN.IFLA_VLAN_INGRESS_QOS: Nested(QOS),
        IFLA_VLAN.IFLA_VLAN_PROTOCOL: BE16,
    },
)

register("vlan", Nested(DATA))

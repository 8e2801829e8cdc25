"""The macvlan and macvtap kinds: links with their own MAC on a parent.

Both share one table, IFLA_MACVLAN_*.  The parent is the link's IFLA_LINK;
`mode` is one of the MACVLAN_MODE_* values (ip prints them as "private",
"vepa", "bridge", "passthru", "source").
"""

from __future__ import annotations

import enum

from netkit.netlink.attrs import (
    LLADDR,
    S32,
    U16,
    U32,
    AttrTable,
    Multi,
    Nested,
)
from netkit.rtnl.kinds import KIND_DATA, register


class IFLA_MACVLAN(enum.IntEnum):
    """Attributes of a macvlan's IFLA_INFO_DATA (linux/if_link.h)."""

    IFLA_MACVLAN_UNSPEC = 0
    IFLA_MACVLAN_MODE = 1
    IFLA_MACVLAN_FLAGS = 2
    IFLA_MACVLAN_MACADDR_MODE = 3
    IFLA_MACVLAN_MACADDR = 4
    IFLA_MACVLAN_MACADDR_DATA = 5
    IFLA_MACVLAN_MACADDR_COUNT = 6
    IFLA_MACVLAN_BC_QUEUE_LEN = 7
    IFLA_MACVLAN_BC_QUEUE_LEN_USED = 8
    IFLA_MACVLAN_BC_CUTOFF = 9


MACVLAN_MODE_PRIVATE = 1
MACVLAN_MODE_VEPA = 2
MACVLAN_MODE_BRIDGE = 4
MACVLAN_MODE_PASSTHRU = 8
MACVLAN_MODE_SOURCE = 16

MODE_NAMES = {
    MACVLAN_MODE_PRIVATE: "private",
    MACVLAN_MODE_VEPA: "vepa",
    MACVLAN_MODE_BRIDGE: "bridge",
    MACVLAN_MODE_PASSTHRU: "passthru",
    MACVLAN_MODE_SOURCE: "source",
}

# IFLA_MACVLAN_MACADDR_MODE values (for mode "source").
MACVLAN_MACADDR_ADD = 0
MACVLAN_MACADDR_DEL = 1
MACVLAN_MACADDR_FLUSH = 2
MACVLAN_MACADDR_SET = 3

# IFLA_MACVLAN_FLAGS bits.
MACVLAN_FLAG_NOPROMISC = 1
MACVLAN_FLAG_NODST = 2

M = IFLA_MACVLAN
# IFLA_MACVLAN_MACADDR_DATA: the source MACs, one attribute each.
MACADDRS = AttrTable(IFLA_MACVLAN, {M.IFLA_MACVLAN_MACADDR: Multi(LLADDR)})

DATA = AttrTable(
    IFLA_MACVLAN,
    {
        M.IFLA_MACVLAN_MODE: U32,
        M.IFLA_MACVLAN_FLAGS: U16,
        M.IFLA_MACVLAN_MACADDR_MODE: U32,
        M.IFLA_MACVLAN_MACADDR: LLADDR,
        M.IFLA_MACVLAN_MACADDR_DATA: Nested(MACADDRS),
        M.IFLA_MACVLAN_MACADDR_COUNT: U32,
        M.IFLA_MACVLAN_BC_QUEUE_LEN: U32,
        M.IFLA_MACVLAN_BC_QUEUE_LEN_USED: U32,
        M.IFLA_MACVLAN_BC_CUTOFF: S32,
    },
)

# macvtap is macvlan with a character device: the same data.
register("macvlan", Nested(DATA))
register("macvtap", KIND_DATA["macvlan"])

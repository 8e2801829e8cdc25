"""The tun kind: TUN and TAP devices, as link dumps describe them.

The kernel reports these attributes for a TUN/TAP device but refuses to
create one by RTM_NEWLINK: they are made through /dev/net/tun
(`netkit.ioctl.tuntap`).  So the table is for decoding.  `type` is
IFF_TUN (1) or IFF_TAP (2); `pi` says whether each packet read carries
the 4-byte packet information header; `owner` and `group` appear only
when set (TUNSETOWNER, TUNSETGROUP); the queue counts only for
multi-queue devices.
"""

from __future__ import annotations

import enum

from netkit.netlink.attrs import U8, U32, AttrTable, Nested
from netkit.rtnl.kinds import register


class IFLA_TUN(enum.IntEnum):
    """Attributes of a tun device's IFLA_INFO_DATA (linux/if_link.h)."""

    IFLA_TUN_UNSPEC = 0
    IFLA_TUN_OWNER = 1
    IFLA_TUN_GROUP = 2
    IFLA_TUN_TYPE = 3
    IFLA_TUN_PI = 4
    IFLA_TUN_VNET_HDR = 5
    IFLA_TUN_PERSIST = 6
    IFLA_TUN_MULTI_QUEUE = 7
    IFLA_TUN_NUM_QUEUES = 8
    IFLA_TUN_NUM_DISABLED_QUEUES = 9


TYPE_NAMES = {1: "tun", 2: "tap"}

DATA = AttrTable(
    IFLA_TUN,
    {
        IFLA_TUN.IFLA_TUN_OWNER: U32,
        IFLA_TUN.IFLA_TUN_GROUP: U32,
        IFLA_TUN.IFLA_TUN_TYPE: U8,
        IFLA_TUN.IFLA_TUN_PI: U8,
        IFLA_TUN.IFLA_TUN_VNET_HDR: U8,
        IFLA_TUN.IFLA_TUN_PERSIST: U8,
        IFLA_TUN.IFLA_TUN_MULTI_QUEUE: U8,
        IFLA_TUN.IFLA_TUN_NUM_QUEUES: U32,
        IFLA_TUN.IFLA_TUN_NUM_DISABLED_QUEUES: U32,
    },
)

register("tun", Nested(DATA))

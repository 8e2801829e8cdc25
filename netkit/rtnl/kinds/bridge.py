"""The bridge kind: IFLA_BR_* for the bridge, IFLA_BRPORT_* for its ports.

Times (forward_delay, hello_time, max_age, ageing_time and the *_intvl
values) are in the kernel's clock_t, hundredths of a second, as `ip -d`
prints them; the *_timer values are the same unit.  A bridge id is the
two-byte priority in network order and the bridge's MAC, decoded as
{"priority": 32768, "address": "02:00:00:00:00:01"}.  The attribute types
follow the kernel's br_fill_info() and br_port_fill_attrs(); a kernel
built without VLAN filtering leaves out the vlan_* attributes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from netkit.errors import DecodeError
from netkit.netlink.attrs import (
    BE16,
    FLAG,
    LLADDR,
    U8,
    U16,
    U32,
    U64,
    AttrTable,
    Codec,
    Nested,
    StructCodec,
    parse_lladdr,
)
from netkit.rtnl.kinds import register


class IFLA_BR(enum.IntEnum):
    """Attributes of a bridge's IFLA_INFO_DATA (linux/if_link.h)."""

    IFLA_BR_UNSPEC = 0
    IFLA_BR_FORWARD_DELAY = 1
    IFLA_BR_HELLO_TIME = 2
    IFLA_BR_MAX_AGE = 3
    IFLA_BR_AGEING_TIME = 4
    IFLA_BR_STP_STATE = 5
    IFLA_BR_PRIORITY = 6
    IFLA_BR_VLAN_FILTERING = 7
    IFLA_BR_VLAN_PROTOCOL = 8
    IFLA_BR_GROUP_FWD_MASK = 9
    IFLA_BR_ROOT_ID = 10
    IFLA_BR_BRIDGE_ID = 11
    IFLA_BR_ROOT_PORT = 12
    IFLA_BR_ROOT_PATH_COST = 13
    IFLA_BR_TOPOLOGY_CHANGE = 14
    IFLA_BR_TOPOLOGY_CHANGE_DETECTED = 15
    IFLA_BR_HELLO_TIMER = 16
    IFLA_BR_TCN_TIMER = 17
    IFLA_BR_TOPOLOGY_CHANGE_TIMER = 18
    IFLA_BR_GC_TIMER = 19
    IFLA_BR_GROUP_ADDR = 20
    IFLA_BR_FDB_FLUSH = 21
    IFLA_BR_MCAST_ROUTER = 22
    IFLA_BR_MCAST_SNOOPING = 23
    IFLA_BR_MCAST_QUERY_USE_IFADDR = 24
    IFLA_BR_MCAST_QUERIER = 25
    IFLA_BR_MCAST_HASH_ELASTICITY = 26
    IFLA_BR_MCAST_HASH_MAX = 27
    IFLA_BR_MCAST_LAST_MEMBER_CNT = 28
    IFLA_BR_MCAST_STARTUP_QUERY_CNT = 29
    IFLA_BR_MCAST_LAST_MEMBER_INTVL = 30
    IFLA_BR_MCAST_MEMBERSHIP_INTVL = 31
    IFLA_BR_MCAST_QUERIER_INTVL = 32
    IFLA_BR_MCAST_QUERY_INTVL = 33
    IFLA_BR_MCAST_QUERY_RESPONSE_INTVL = 34
    IFLA_BR_MCAST_STARTUP_QUERY_INTVL = 35
    IFLA_BR_NF_CALL_IPTABLES = 36
    IFLA_BR_NF_CALL_IP6TABLES = 37
    IFLA_BR_NF_CALL_ARPTABLES = 38
    IFLA_BR_VLAN_DEFAULT_PVID = 39
    IFLA_BR_PAD = 40
    IFLA_BR_VLAN_STATS_ENABLED = 41
    IFLA_BR_MCAST_STATS_ENABLED = 42
    IFLA_BR_MCAST_IGMP_VERSION = 43
    IFLA_BR_MCAST_MLD_VERSION = 44
    IFLA_BR_VLAN_STATS_PER_PORT = 45
    IFLA_BR_MULTI_BOOLOPT = 46
    IFLA_BR_MCAST_QUERIER_STATE = 47
    IFLA_BR_FDB_N_LEARNED = 48
    IFLA_BR_FDB_MAX_LEARNED = 49


class IFLA_BRPORT(enum.IntEnum):
    """Attributes of a bridge port's IFLA_INFO_SLAVE_DATA."""

    IFLA_BRPORT_UNSPEC = 0
    IFLA_BRPORT_STATE = 1
    IFLA_BRPORT_PRIORITY = 2
    IFLA_BRPORT_COST = 3
    IFLA_BRPORT_MODE = 4
    IFLA_BRPORT_GUARD = 5
    IFLA_BRPORT_PROTECT = 6
    IFLA_BRPORT_FAST_LEAVE = 7
    IFLA_BRPORT_LEARNING = 8
    IFLA_BRPORT_UNICAST_FLOOD = 9
    IFLA_BRPORT_PROXYARP = 10
    IFLA_BRPORT_LEARNING_SYNC = 11
    IFLA_BRPORT_PROXYARP_WIFI = 12
    IFLA_BRPORT_ROOT_ID = 13
    IFLA_BRPORT_BRIDGE_ID = 14
    IFLA_BRPORT_DESIGNATED_PORT = 15
    IFLA_BRPORT_DESIGNATED_COST = 16
    IFLA_BRPORT_ID = 17
    IFLA_BRPORT_NO = 18
    IFLA_BRPORT_TOPOLOGY_CHANGE_ACK = 19
    IFLA_BRPORT_CONFIG_PENDING = 20
    IFLA_BRPORT_MESSAGE_AGE_TIMER = 21
    IFLA_BRPORT_FORWARD_DELAY_TIMER = 22
    IFLA_BRPORT_HOLD_TIMER = 23
    IFLA_BRPORT_FLUSH = 24
    IFLA_BRPORT_MULTICAST_ROUTER = 25
    IFLA_BRPORT_PAD = 26
    IFLA_BRPORT_MCAST_FLOOD = 27
    IFLA_BRPORT_MCAST_TO_UCAST = 28
    IFLA_BRPORT_VLAN_TUNNEL = 29
    IFLA_BRPORT_BCAST_FLOOD = 30
    IFLA_BRPORT_GROUP_FWD_MASK = 31
    IFLA_BRPORT_NEIGH_SUPPRESS = 32
    IFLA_BRPORT_ISOLATED = 33
    IFLA_BRPORT_BACKUP_PORT = 34
    IFLA_BRPORT_MRP_RING_OPEN = 35
    IFLA_BRPORT_MRP_IN_OPEN = 36
    IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT = 37
    IFLA_BRPORT_MCAST_EHT_HOSTS_CNT = 38
    IFLA_BRPORT_LOCKED = 39
    IFLA_BRPORT_MAB = 40
    IFLA_BRPORT_MCAST_N_GROUPS = 41
    IFLA_BRPORT_MCAST_MAX_GROUPS = 42
    IFLA_BRPORT_NEIGH_VLAN_SUPPRESS = 43
    IFLA_BRPORT_BACKUP_NHID = 44


# Spanning-tree port states (linux/if_bridge.h), with the names ip prints.
BR_STATE_DISABLED = 0
BR_STATE_LISTENING = 1
BR_STATE_LEARNING = 2
BR_STATE_FORWARDING = 3
BR_STATE_BLOCKING = 4

PORT_STATE_NAMES = {
    BR_STATE_DISABLED: "disabled",
    BR_STATE_LISTENING: "listening",
    BR_STATE_LEARNING: "learning",
    BR_STATE_FORWARDING: "forwarding",
    BR_STATE_BLOCKING: "blocking",
}

# IFLA_BRPORT_MODE values.
BRIDGE_MODE_UNSPEC = 0
BRIDGE_MODE_HAIRPIN = 1


class BridgeId(Codec):
    """struct ifla_bridge_id: a priority in network order and a MAC."""

    def encode(self, value: Mapping, context: Mapping) -> bytes:
        address = parse_lladdr(value["address"])
        if len(address) != 6:
            raise ValueError(f"{value['address']!r} is not six octets")
        if not 0 <= value["priority"] <= 0xFFFF:
            raise ValueError(f"bridge priority {value['priority']} > 65535")
        return value["priority"].to_bytes(2, "big") + address

    def decode(self, data: memoryview, context: Mapping) -> dict:
        if len(data) != 8:
            raise DecodeError(f"a bridge id of {len(data)} bytes, not 8")
        return {
            "priority": int.from_bytes(data[:2], "big"),
            "address": bytes(data[2:]).hex(":"),
        }


BRIDGE_ID = BridgeId()
# struct br_boolopt_multi: which options are on, and which to change.
BOOLOPT = StructCodec("=II", ("optval", "optmask"))

BR = IFLA_BR
DATA = AttrTable(
    IFLA_BR,
    {
        BR.IFLA_BR_FORWARD_DELAY: U32,
        BR.IFLA_BR_HELLO_TIME: U32,
        BR.IFLA_BR_MAX_AGE: U32,
        BR.IFLA_BR_AGEING_TIME: U32,
        BR.IFLA_BR_STP_STATE: U32,
        BR.IFLA_BR_PRIORITY: U16,
        BR.IFLA_BR_VLAN_FILTERING: U8,
        BR.IFLA_BR_VLAN_PROTOCOL: BE16,
        BR.IFLA_BR_GROUP_FWD_MASK: U16,
        BR.IFLA_BR_ROOT_ID: BRIDGE_ID,
        BR.IFLA_BR_BRIDGE_ID: BRIDGE_ID,
        BR.IFLA_BR_ROOT_PORT: U16,
        BR.IFLA_BR_ROOT_PATH_COST: U32,
        BR.IFLA_BR_TOPOLOGY_CHANGE: U8,
        BR.IFLA_BR_TOPOLOGY_CHANGE_DETECTED: U8,
        BR.IFLA_BR_HELLO_TIMER: U64,
        BR.IFLA_BR_TCN_TIMER: U64,
        BR.IFLA_BR_TOPOLOGY_CHANGE_TIMER: U64,
        BR.IFLA_BR_GC_TIMER: U64,
        BR.IFLA_BR_GROUP_ADDR: LLADDR,
        BR.IFLA_BR_FDB_FLUSH: FLAG,
        BR.IFLA_BR_MCAST_ROUTER: U8,
        BR.IFLA_BR_MCAST_SNOOPING: U8,
        BR.IFLA_BR_MCAST_QUERY_USE_IFADDR: U8,
        BR.IFLA_BR_MCAST_QUERIER: U8,
        BR.IFLA_BR_MCAST_HASH_ELASTICITY: U32,
        BR.IFLA_BR_MCAST_HASH_MAX: U32,
        BR.IFLA_BR_MCAST_LAST_MEMBER_CNT: U32,
        BR.IFLA_BR_MCAST_STARTUP_QUERY_CNT: U32,
        BR.IFLA_BR_MCAST_LAST_MEMBER_INTVL: U64,
        BR.IFLA_BR_MCAST_MEMBERSHIP_INTVL: U64,
        BR.IFLA_BR_MCAST_QUERIER_INTVL: U64,
        BR.IFLA_BR_MCAST_QUERY_INTVL: U64,
        BR.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: U64,
        BR.IFLA_BR_MCAST_STARTUP_QUERY_INTVL: U64,
        BR.IFLA_BR_NF_CALL_IPTABLES: U8,
        BR.IFLA_BR_NF_CALL_IP6TABLES: U8,
        BR.IFLA_BR_NF_CALL_ARPTABLES: U8,
        BR.IFLA_BR_VLAN_DEFAULT_PVID: U16,
        BR.IFLA_BR_VLAN_STATS_ENABLED: U8,
        BR.IFLA_BR_MCAST_STATS_ENABLED: U8,
        BR.IFLA_BR_MCAST_IGMP_VERSION: U8,
        BR.IFLA_BR_MCAST_MLD_VERSION: U8,
        BR.IFLA_BR_VLAN_STATS_PER_PORT: U8,
        BR.IFLA_BR_MULTI_BOOLOPT: BOOLOPT,
        BR.IFLA_BR_FDB_N_LEARNED: U32,
        BR.IFLA_BR_FDB_MAX_LEARNED: U32,
    },
)

P = IFLA_BRPORT
PORT = AttrTable(
    IFLA_BRPORT,
    {
        P.IFLA_BRPORT_STATE: U8,
        P.IFLA_BRPORT_PRIORITY: U16,
        P.IFLA_BRPORT_COST: U32,
        P.IFLA_BRPORT_MODE: U8,
        P.IFLA_BRPORT_GUARD: U8,
        P.IFLA_BRPORT_PROTECT: U8,
        P.IFLA_BRPORT_FAST_LEAVE: U8,
        P.IFLA_BRPORT_LEARNING: U8,
        P.IFLA_BRPORT_UNICAST_FLOOD: U8,
        P.IFLA_BRPORT_PROXYARP: U8,
        P.IFLA_BRPORT_LEARNING_SYNC: U8,
        P.IFLA_BRPORT_PROXYARP_WIFI: U8,
        P.IFLA_BRPORT_ROOT_ID: BRIDGE_ID,
        P.IFLA_BRPORT_BRIDGE_ID: BRIDGE_ID,
        P.IFLA_BRPORT_DESIGNATED_PORT: U16,
        P.IFLA_BRPORT_DESIGNATED_COST: U16,
        P.IFLA_BRPORT_ID: U16,
        P.IFLA_BRPORT_NO: U16,
        P.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: U8,
        P.IFLA_BRPORT_CONFIG_PENDING: U8,
        P.IFLA_BRPORT_MESSAGE_AGE_TIMER: U64,
        P.IFLA_BRPORT_FORWARD_DELAY_TIMER: U64,
        P.IFLA_BRPORT_HOLD_TIMER: U64,
        P.IFLA_BRPORT_FLUSH: FLAG,
        P.IFLA_BRPORT_MULTICAST_ROUTER: U8,
        P.IFLA_BRPORT_MCAST_FLOOD: U8,
        P.IFLA_BRPORT_MCAST_TO_UCAST: U8,
        P.IFLA_BRPORT_VLAN_TUNNEL: U8,
        P.IFLA_BRPORT_BCAST_FLOOD: U8,
        P.IFLA_BRPORT_GROUP_FWD_MASK: U16,
        P.IFLA_BRPORT_NEIGH_SUPPRESS: U8,
        P.IFLA_BRPORT_ISOLATED: U8,
        P.IFLA_BRPORT_BACKUP_PORT: U32,
        P.IFLA_BRPORT_MRP_RING_OPEN: U8,
        P.IFLA_BRPORT_MRP_IN_OPEN: U8,
        P.IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT: U32,
        P.IFLA_BRPORT_MCAST_EHT_HOSTS_CNT: U32,
        P.IFLA_BRPORT_LOCKED: U8,
        P.IFLA_BRPORT_MAB: U8,
        P.IFLA_BRPORT_MCAST_N_GROUPS: U32,
        P.IFLA_BRPORT_MCAST_MAX_GROUPS: U32,
        P.IFLA_BRPORT_NEIGH_VLAN_SUPPRESS: U8,
        P.IFLA_BRPORT_BACKUP_NHID: U32,
    },
)

register("bridge", Nested(DATA), Nested(PORT))

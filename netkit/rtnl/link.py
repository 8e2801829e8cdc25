"""The link family: `struct ifinfomsg` and the IFLA_* attributes.

A link message (RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK) is a
16-byte header in host byte order followed by attributes::

    0       1       2       4               8               12             16
    +-------+-------+-------+---------------+---------------+---------------+
    |family | pad   | type  | index (s32)   | flags (IFF_*) | change        |
    +-------+-------+-------+---------------+---------------+---------------+

`type` is the ARPHRD_* hardware type; `change` says which `flags` bits a
request changes.  IFLA_LINKINFO holds the kind ("veth", "bridge"...) and
its data, decoded by the codecs registered in `netkit.rtnl.kinds`.

The request helpers at the end build messages only; they return a
`netkit.rtnl.common.Request` laid out as `NetlinkSocket.request(type,
body, flags)` takes it, so `sock.request(*new_link("br0", "bridge"))`
sends one.  They
take plain integers (an ifindex, a namespace fd): resolving names and
opening namespaces belongs to the layer above.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Mapping
from typing import Any

from netkit.netlink.attrs import (
    BINARY,
    LLADDR,
    S32,
    STRING,
    U8,
    U16,
    U32,
    AttrTable,
    Multi,
    Nested,
    parse_lladdr,
)
from netkit.netlink.header import NLM_F_CREATE, NLM_F_EXCL
from netkit.netlink.message import Message
from netkit.rtnl.common import Request, check_index
from netkit.rtnl.kinds import KIND_DATA
from netkit.rtnl.link_attrs import (
    AF_SPEC_TABLE,
    LINKINFO,
    MAP,
    PROTO_DOWN_REASON,
    STATS,
    STATS64,
    XDP,
    Uint,
)
from netkit.rtnl.rtm import RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK


class IFLA(enum.IntEnum):
    """Link attributes (linux/if_link.h, as of Linux 6.18)."""

    IFLA_UNSPEC = 0
    IFLA_ADDRESS = 1
    IFLA_BROADCAST = 2
    IFLA_IFNAME = 3
    IFLA_MTU = 4
    IFLA_LINK = 5
    IFLA_QDISC = 6
    IFLA_STATS = 7
    IFLA_COST = 8
    IFLA_PRIORITY = 9
    IFLA_MASTER = 10
    IFLA_WIRELESS = 11
    IFLA_PROTINFO = 12
    IFLA_TXQLEN = 13
    IFLA_MAP = 14
    IFLA_WEIGHT = 15
    IFLA_OPERSTATE = 16
    IFLA_LINKMODE = 17
    IFLA_LINKINFO = 18
    IFLA_NET_NS_PID = 19
    IFLA_IFALIAS = 20
    IFLA_NUM_VF = 21
    IFLA_VFINFO_LIST = 22
    IFLA_STATS64 = 23
    IFLA_VF_PORTS = 24
    IFLA_PORT_SELF = 25
    IFLA_AF_SPEC = 26
    IFLA_GROUP = 27
    IFLA_NET_NS_FD = 28
    IFLA_EXT_MASK = 29
    IFLA_PROMISCUITY = 30
    IFLA_NUM_TX_QUEUES = 31
    IFLA_NUM_RX_QUEUES = 32
    IFLA_CARRIER = 33
    IFLA_PHYS_PORT_ID = 34
    IFLA_CARRIER_CHANGES = 35
    IFLA_PHYS_SWITCH_ID = 36
    IFLA_LINK_NETNSID = 37
    IFLA_PHYS_PORT_NAME = 38
    IFLA_PROTO_DOWN = 39
    IFLA_GSO_MAX_SEGS = 40
    IFLA_GSO_MAX_SIZE = 41
    IFLA_PAD = 42
    IFLA_XDP = 43
    IFLA_EVENT = 44
    IFLA_NEW_NETNSID = 45
    # The kernel's newer name comes first, so it is the Python name.
    IFLA_TARGET_NETNSID = 46
    IFLA_IF_NETNSID = 46
    IFLA_CARRIER_UP_COUNT = 47
    IFLA_CARRIER_DOWN_COUNT = 48
    IFLA_NEW_IFINDEX = 49
    IFLA_MIN_MTU = 50
    IFLA_MAX_MTU = 51
    IFLA_PROP_LIST = 52
    IFLA_ALT_IFNAME = 53
    IFLA_PERM_ADDRESS = 54
    IFLA_PROTO_DOWN_REASON = 55
    IFLA_PARENT_DEV_NAME = 56
    IFLA_PARENT_DEV_BUS_NAME = 57
    IFLA_GRO_MAX_SIZE = 58
    IFLA_TSO_MAX_SIZE = 59
    IFLA_TSO_MAX_SEGS = 60
    IFLA_ALLMULTI = 61
    IFLA_DEVLINK_PORT = 62
    IFLA_GSO_IPV4_MAX_SIZE = 63
    IFLA_GRO_IPV4_MAX_SIZE = 64
    IFLA_DPLL_PIN = 65
    IFLA_MAX_PACING_OFFLOAD_HORIZON = 66
    IFLA_NETNS_IMMUTABLE = 67
    IFLA_HEADROOM = 68
    IFLA_TAILROOM = 69


# ifinfomsg flags (linux/if.h).
IFF_UP = 0x1
IFF_BROADCAST = 0x2
IFF_DEBUG = 0x4
IFF_LOOPBACK = 0x8
IFF_POINTOPOINT = 0x10
IFF_NOTRAILERS = 0x20
IFF_RUNNING = 0x40
IFF_NOARP = 0x80
IFF_PROMISC = 0x100
IFF_ALLMULTI = 0x200
IFF_MASTER = 0x400
IFF_SLAVE = 0x800
IFF_MULTICAST = 0x1000
IFF_PORTSEL = 0x2000
IFF_AUTOMEDIA = 0x4000
IFF_DYNAMIC = 0x8000
IFF_LOWER_UP = 0x10000
IFF_DORMANT = 0x20000
IFF_ECHO = 0x40000

IFF_NAMES = {
    value: name.removeprefix("IFF_")
    for name, value in sorted(globals().items())
    if name.startswith("IFF_") and isinstance(value, int)
}

# IFLA_OPERSTATE values (RFC 2863), and the lower-case names ip uses.
IF_OPER_UNKNOWN = 0
IF_OPER_NOTPRESENT = 1
IF_OPER_DOWN = 2
IF_OPER_LOWERLAYERDOWN = 3
IF_OPER_TESTING = 4
IF_OPER_DORMANT = 5
IF_OPER_UP = 6

OPERSTATE_NAMES = {
    IF_OPER_UNKNOWN: "unknown",
    IF_OPER_NOTPRESENT: "notpresent",
    IF_OPER_DOWN: "down",
    IF_OPER_LOWERLAYERDOWN: "lowerlayerdown",
    IF_OPER_TESTING: "testing",
    IF_OPER_DORMANT: "dormant",
    IF_OPER_UP: "up",
}

# IFLA_LINKMODE values.
IF_LINK_MODE_DEFAULT = 0
IF_LINK_MODE_DORMANT = 1
IF_LINK_MODE_TESTING = 2

# ifinfomsg type: the hardware types netkit meets (linux/if_arp.h).
ARPHRD_ETHER = 1
ARPHRD_LOOPBACK = 772
ARPHRD_NONE = 0xFFFE

# IFLA_EXT_MASK bits: what else a GET or dump should report.
RTEXT_FILTER_VF = 1 << 0
RTEXT_FILTER_BRVLAN = 1 << 1
RTEXT_FILTER_BRVLAN_COMPRESSED = 1 << 2
RTEXT_FILTER_SKIP_STATS = 1 << 3
RTEXT_FILTER_MRP = 1 << 4
RTEXT_FILTER_CFM_CONFIG = 1 << 5
RTEXT_FILTER_CFM_STATUS = 1 << 6
RTEXT_FILTER_MST = 1 << 7

IFNAMSIZ = 16
IFALIASZ = 256


def flag_names(flags: int) -> list[str]:
    """The IFF_* names set in `flags`, without prefix ("UP", "LOWER_UP")."""
    return [name for bit, name in sorted(IFF_NAMES.items()) if flags & bit]


PROP_LIST = AttrTable(IFLA, {IFLA.IFLA_ALT_IFNAME: Multi(STRING)})

L = IFLA
ATTRS = AttrTable(
    IFLA,
    {
        L.IFLA_ADDRESS: LLADDR,
        L.IFLA_BROADCAST: LLADDR,
        L.IFLA_IFNAME: STRING,
        L.IFLA_MTU: U32,
        L.IFLA_LINK: U32,
        L.IFLA_QDISC: STRING,
        L.IFLA_STATS: STATS,
        L.IFLA_MASTER: U32,
        L.IFLA_TXQLEN: U32,
        L.IFLA_MAP: MAP,
        L.IFLA_WEIGHT: U32,
        L.IFLA_OPERSTATE: U8,
        L.IFLA_LINKMODE: U8,
        L.IFLA_LINKINFO: Nested(LINKINFO),
        L.IFLA_NET_NS_PID: U32,
        L.IFLA_IFALIAS: STRING,
        L.IFLA_NUM_VF: U32,
        L.IFLA_STATS64: STATS64,
        L.IFLA_AF_SPEC: Nested(AF_SPEC_TABLE),
        L.IFLA_GROUP: U32,
        L.IFLA_NET_NS_FD: U32,
        L.IFLA_EXT_MASK: U32,
        L.IFLA_PROMISCUITY: U32,
        L.IFLA_NUM_TX_QUEUES: U32,
        L.IFLA_NUM_RX_QUEUES: U32,
        L.IFLA_CARRIER: U8,
        L.IFLA_PHYS_PORT_ID: BINARY,
        L.IFLA_CARRIER_CHANGES: U32,
        L.IFLA_PHYS_SWITCH_ID: BINARY,
        L.IFLA_LINK_NETNSID: S32,
        L.IFLA_PHYS_PORT_NAME: STRING,
        L.IFLA_PROTO_DOWN: U8,
        L.IFLA_GSO_MAX_SEGS: U32,
        L.IFLA_GSO_MAX_SIZE: U32,
        L.IFLA_XDP: Nested(XDP),
        L.IFLA_EVENT: U32,
        L.IFLA_NEW_NETNSID: S32,
        L.IFLA_TARGET_NETNSID: S32,
        L.IFLA_CARRIER_UP_COUNT: U32,
        L.IFLA_CARRIER_DOWN_COUNT: U32,
        L.IFLA_NEW_IFINDEX: S32,
        L.IFLA_MIN_MTU: U32,
        L.IFLA_MAX_MTU: U32,
        L.IFLA_PROP_LIST: Nested(PROP_LIST),
        L.IFLA_ALT_IFNAME: STRING,
        L.IFLA_PERM_ADDRESS: LLADDR,
        L.IFLA_PROTO_DOWN_REASON: Nested(PROTO_DOWN_REASON),
        L.IFLA_PARENT_DEV_NAME: STRING,
        L.IFLA_PARENT_DEV_BUS_NAME: STRING,
        L.IFLA_GRO_MAX_SIZE: U32,
        L.IFLA_TSO_MAX_SIZE: U32,
        L.IFLA_TSO_MAX_SEGS: U32,
        L.IFLA_ALLMULTI: U32,
        L.IFLA_GSO_IPV4_MAX_SIZE: U32,
        L.IFLA_GRO_IPV4_MAX_SIZE: U32,
        L.IFLA_MAX_PACING_OFFLOAD_HORIZON: Uint(),
        L.IFLA_NETNS_IMMUTABLE: U8,
        L.IFLA_HEADROOM: U16,
        L.IFLA_TAILROOM: U16,
    },
)


class LinkMessage(Message):
    """A link message: ifinfomsg fields and IFLA attributes."""

    HEADER = struct.Struct("=BxHiII")
    FIELDS = ("family", "type", "index", "flags", "change")
    ATTRS = ATTRS
    SUBJECT = "link"


def check_ifname(name: str) -> str:
    """Return `name` if the kernel takes it as a link name, else ValueError.

    Like the kernel's dev_valid_name(): 1 to 15 bytes, not "." or "..",
    no "/", ":", NUL or white space.
    """
    if not isinstance(name, str):
        raise ValueError(f"a link name is a str, not {name!r}")

    size = len(name.encode("utf-8", "surrogateescape"))
    if not 0 < size < IFNAMSIZ:
        raise ValueError(f"link name {name!r} is not 1 to 15 bytes long")
    if name in (".", "..") or any(c in "/:\0" or c.isspace() for c in name):
        raise ValueError(f"{name!r} is not a valid link name")
    return name


def check_mac(address: str) -> str:
    """Return `address` if it is six octets, else ValueError.

    The kernel cuts a longer address to six bytes without saying so.
    """
    if len(parse_lladdr(address)) != 6:
        raise ValueError(f"{address!r} is not a MAC address of six octets")
    return address


def check_alias(alias: str) -> str:
    """Return `alias` if the kernel takes it (ip link set X alias TEXT).

    The kernel counts the string's NUL: at most 254 bytes of text.
    """
    if not isinstance(alias, str) or "\0" in alias:
        raise ValueError(f"an alias is a str without NUL, not {alias!r}")
    if len(alias.encode("utf-8", "surrogateescape")) > IFALIASZ - 2:
        raise ValueError(f"alias is longer than {IFALIASZ - 2} bytes")
    return alias


def _message(index: int = 0, **attrs: Any) -> LinkMessage:
    # The checks every request gets before anything is sent.
    if index:
        check_index(index)
    if attrs.get("ifname") is not None:
        check_ifname(attrs["ifname"])
    if attrs.get("address") is not None:
        check_mac(attrs["address"])
    if attrs.get("ifalias") is not None:
        check_alias(attrs["ifalias"])
    return LinkMessage(index=index, **attrs)


def new_link(
    ifname: str,
    kind: str,
    data: Mapping | None = None,
    *,
    replace: bool = False,
    **attrs: Any,
) -> Request:
    """Create a link (like: ip link add IFNAME type KIND ...).

    `data` is the kind's IFLA_INFO_DATA ({"stp_state": 1} for a bridge);
    `attrs` are IFLA attributes (mtu=, address=, master=, link=...).  The
    kernel raises LinkExists when the name is taken, unless `replace` is
    true: then an existing link of that name is changed instead (the
    kernel refuses NLM_F_REPLACE for links, so this sends CREATE alone).
    """
    if data is not None and kind not in KIND_DATA:
        raise ValueError(f"netkit has no codec for {kind!r} link data")

    linkinfo = {"kind": kind, "data": data}
    body = _message(ifname=ifname, linkinfo=linkinfo, **attrs)
    flags = NLM_F_CREATE if replace else NLM_F_CREATE | NLM_F_EXCL
    return Request(RTM_NEWLINK, body, flags)


def veth_pair(
    ifname: str,
    peer: str,
    *,
    peer_netns_fd: int | None = None,
    peer_attrs: Mapping[str, Any] | None = None,
    **attrs: Any,
) -> Request:
    """Create a veth pair (like: ip link add IFNAME type veth peer PEER).

    With `peer_netns_fd` (an open fd of a network namespace) the peer is
    born in that namespace, never seen in this one, and may share the
    name of the first end.  `peer_attrs` are the peer's IFLA attributes.
    """
    peer_message = _message(
        ifname=peer, net_ns_fd=peer_netns_fd, **(peer_attrs or {})
    )
    return new_link(ifname, "veth", {"peer": peer_message}, **attrs)


def set_link(
    index: int = 0, *, up: bool | None = None, **attrs: Any
) -> Request:
    """Change a link (like: ip link set dev X up / mtu N / master BR ...).

    `up` sets or clears IFF_UP; `attrs` are IFLA attributes to change:
    ifname= renames, master=0 leaves a bridge, net_ns_fd= moves the link,
    linkinfo= changes kind data.  With index 0 the kernel finds the link
    by ifname= instead (no rename then).  LinkNotFound when there is no
    such link.
    """
    if not index and attrs.get("ifname") is None:
        raise ValueError("set_link needs an index or a name")
    body = _message(index, **attrs)
    if up is not None:
        body.flags = IFF_UP if up else 0
        body.change = IFF_UP
    return Request(RTM_NEWLINK, body, 0)


def del_link(index: int = 0, *, ifname: str | None = None) -> Request:
    """Delete a link by index or name (like: ip link del X).

    Deleting one end of a veth pair deletes both; LinkNotFound (ENODEV)
    when the link is already gone.
    """
    if not index and ifname is None:
        raise ValueError("del_link needs an index or a name")
    return Request(RTM_DELLINK, _message(index, ifname=ifname), 0)


def del_link_group(group: int) -> Request:
    """Delete every link of a link group at once (like: ip link del group N).

    One request, and the kernel unregisters them all together: a hundred
    times quicker than one request per link.  Index 0 and IFLA_GROUP ask
    for it.  The kernel answers LinkNotFound (ENODEV) when no link is in
    the group, NotSupported when one of them cannot be deleted (a device
    of no kind, like lo), and refuses group 0, where every link starts.
    """
    if isinstance(group, bool) or not isinstance(group, int):
        raise ValueError(f"a link group is a number, not {group!r}")
    if not 0 < group < 1 << 32:
        raise ValueError(f"link group {group} is not 1 to 2**32-1")
    return Request(RTM_DELLINK, LinkMessage(group=group), 0)


def get_link(
    index: int = 0,
    *,
    ifname: str | None = None,
    ext_mask: int | None = None,
) -> Request:
    """Ask for one link by index or name (like: ip -d link show dev X).

    The reply is one LinkMessage; LinkNotFound (ENODEV) when absent.
    """
    if not index and ifname is None:
        raise ValueError("get_link needs an index or a name")
    body = _message(index, ifname=ifname, ext_mask=ext_mask)
    return Request(RTM_GETLINK, body, 0)


def dump_links(
    *,
    master: int | None = None,
    kind: str | None = None,
    ext_mask: int | None = None,
) -> Request:
    """Ask for every link (like: ip -d link show), for `sock.dump(*req)`.

    The kernel filters the dump itself: `master` keeps the ports of that
    link (ip link show master BR), `kind` the links of that kind (ip link
    show type KIND).
    """
    linkinfo = {"kind": kind} if kind is not None else None
    body = LinkMessage(master=master, linkinfo=linkinfo, ext_mask=ext_mask)
    return Request(RTM_GETLINK, body, 0)


# The built-in kinds register themselves; veth needs LinkMessage, so they
# are imported once it exists.
from netkit.rtnl.kinds import (  # noqa: E402, F401
    bridge,
    dummy,
    ifb,
    macvlan,
    tun,
    veth,
    vlan,
    vxlan,
)

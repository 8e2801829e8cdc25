"""rtnetlink neighbours: `struct ndmsg` and NDA_* (linux/neighbour.h).

A neighbour (ARP or NDP) message is a 12-byte header and attributes::

    0        1      2      4               8       10      11     12
    +--------+------+------+---------------+-------+-------+------+
    | family | pad1 | pad2 | ifindex (s32) | state | flags | type |
    +--------+------+------+---------------+-------+-------+------+

`state` is a NUD_* bit (named upper case, as `ip` prints it:
"PERMANENT", "REACHABLE"...), `flags` NTF_* bits; NDA_FLAGS_EXT carries
the flags that no longer fit 8 bits (NTF_EXT_*).  Bridge forwarding
entries (family AF_BRIDGE) use the same message.

Request builders return a `Request` (type, body, flags): send it with
``sock.request(*req)``, or ``sock.dump(*req)`` for `dump_neighs()`.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterable

from netkit.netlink.attrs import (
    BE16,
    FLAG,
    IPADDR,
    LLADDR,
    S32,
    U8,
    U16,
    U32,
    AttrTable,
    Nested,
    StructCodec,
    parse_lladdr,
)
from netkit.netlink.message import Message
from netkit.rtnl.common import (
    DUMP_FLAGS,
    SET_FLAGS,
    FlagNames,
    IPAddress,
    Request,
    check_index,
    check_u8,
    family_of,
    kernel_names,
    new_flags,
    parse_address,
    parse_family,
)
from netkit.rtnl.rtm import RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH


class NDA(enum.IntEnum):
    """Neighbour attributes."""

    NDA_UNSPEC = 0
    NDA_DST = 1
    NDA_LLADDR = 2
    NDA_CACHEINFO = 3
    NDA_PROBES = 4
    NDA_VLAN = 5
    NDA_PORT = 6
    NDA_VNI = 7
    NDA_IFINDEX = 8
    NDA_MASTER = 9
    NDA_LINK_NETNSID = 10
    NDA_SRC_VNI = 11
    NDA_PROTOCOL = 12
    NDA_NH_ID = 13
    NDA_FDB_EXT_ATTRS = 14
    NDA_FLAGS_EXT = 15
    NDA_NDM_STATE_MASK = 16
    NDA_NDM_FLAGS_MASK = 17


class NFEA(enum.IntEnum):
    """Bridge forwarding entry extras, nested in NDA_FDB_EXT_ATTRS."""

    NFEA_UNSPEC = 0
    NFEA_ACTIVITY_NOTIFY = 1
    NFEA_DONT_REFRESH = 2


class NUD(enum.IntFlag):
    """Neighbour states (`state`); NOARP and PERMANENT never change."""

    NUD_NONE = 0x00
    NUD_INCOMPLETE = 0x01
    NUD_REACHABLE = 0x02
    NUD_STALE = 0x04
    NUD_DELAY = 0x08
    NUD_PROBE = 0x10
    NUD_FAILED = 0x20
    NUD_NOARP = 0x40
    NUD_PERMANENT = 0x80


class NTF(enum.IntFlag):
    """Neighbour flags (`flags`)."""

    NTF_USE = 0x01
    NTF_SELF = 0x02
    NTF_MASTER = 0x04
    NTF_PROXY = 0x08
    NTF_EXT_LEARNED = 0x10
    NTF_OFFLOADED = 0x20
    NTF_STICKY = 0x40
    NTF_ROUTER = 0x80


class NTF_EXT(enum.IntFlag):
    """Extended neighbour flags (NDA_FLAGS_EXT)."""

    NTF_EXT_MANAGED = 0x01
    NTF_EXT_LOCKED = 0x02
    NTF_EXT_EXT_VALIDATED = 0x04


# State names both ways, upper case as `ip` prints them; lookups by name
# take any case ("permanent" works too).
STATES = FlagNames(
    {
        number: name.upper()
        for number, name in kernel_names(NUD, "NUD_").items()
    }
)
FLAGS = FlagNames(kernel_names(NTF, "NTF_"))
EXT_FLAGS = FlagNames(kernel_names(NTF_EXT, "NTF_EXT_"))

# A MAC address: what `new_neigh()` takes as a string.
ETH_ALEN = 6

# struct nda_cacheinfo: ages in clock ticks, and a reference count.
CACHEINFO = StructCodec("=IIII", ("confirmed", "used", "updated", "refcnt"))

FDB_EXT_ATTRS = AttrTable(
    NFEA,
    {NFEA.NFEA_ACTIVITY_NOTIFY: U8, NFEA.NFEA_DONT_REFRESH: FLAG},
)

NEIGH_ATTRS = AttrTable(
    NDA,
    {
        NDA.NDA_DST: IPADDR,
        NDA.NDA_LLADDR: LLADDR,
        NDA.NDA_CACHEINFO: CACHEINFO,
        NDA.NDA_PROBES: U32,
        NDA.NDA_VLAN: U16,
        NDA.NDA_PORT: BE16,
        NDA.NDA_VNI: U32,
        NDA.NDA_IFINDEX: U32,
        NDA.NDA_MASTER: U32,
        NDA.NDA_LINK_NETNSID: S32,
        NDA.NDA_SRC_VNI: U32,
        NDA.NDA_PROTOCOL: U8,
        NDA.NDA_NH_ID: U32,
        NDA.NDA_FDB_EXT_ATTRS: Nested(FDB_EXT_ATTRS),
        NDA.NDA_FLAGS_EXT: U32,
        NDA.NDA_NDM_STATE_MASK: U16,
        NDA.NDA_NDM_FLAGS_MASK: U8,
    },
)


class NeighMessage(Message):
    """A neighbour message (RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH)."""

    HEADER = struct.Struct("=BBHiHBB")
    FIELDS = ("family", "pad1", "pad2", "ifindex", "state", "flags", "type")
    ATTRS = NEIGH_ATTRS
    SUBJECT = "neighbour"


def state_names(state: int) -> tuple[str, ...]:
    """Names of a state: 0x80 -> ("PERMANENT",); 0 -> ("NONE",)."""
    return STATES.names(state) or ("NONE",)


def state_value(name: str | int) -> int:
    """The NUD_* value of a state name, in any case."""
    return STATES.value(name)


def flag_names(flags: int) -> tuple[str, ...]:
    """Names of NTF_* bits: 0x88 -> ("proxy", "router")."""
    return FLAGS.names(flags)


def new_neigh(
    dst: str | IPAddress,
    index: int,
    *,
    lladdr: str | bytes | None = None,
    state: str | int = NUD.NUD_PERMANENT,
    flags: int | str | Iterable[str] = 0,
    protocol: int | None = None,
    replace: bool = False,
) -> Request:
    """Add a neighbour: like ``ip neigh add DST lladdr MAC dev INDEX``.

    The state is PERMANENT unless said otherwise ("noarp", "reachable",
    "stale"...); `flags` takes NTF_* names ("router", "proxy").  A string
    `lladdr` must be a MAC (six octets); bytes pass as they are, for
    links with other addresses.  `replace` makes it ``ip neigh replace``.
    Raises ValueError on bad input.
    """
    body = _entry(dst, index, _flags(flags))
    body.state = _state(state)
    if lladdr is not None:
        body["lladdr"] = _lladdr(lladdr)
    if protocol is not None:
        body["protocol"] = check_u8(protocol, "protocol")
    return Request(RTM_NEWNEIGH, body, new_flags(replace))


def set_neigh(dst: str | IPAddress, index: int, **options: object) -> Request:
    """Change an existing neighbour: like ``ip neigh change``.

    Takes the options of `new_neigh()` except `replace`; NeighbourNotFound when
    there is no such entry.
    """
    request = new_neigh(dst, index, **options)
    return Request(RTM_NEWNEIGH, request.body, SET_FLAGS)


def del_neigh(
    dst: str | IPAddress, index: int, *, proxy: bool = False
) -> Request:
    """Remove a neighbour: like ``ip neigh del DST dev INDEX``."""
    body = _entry(dst, index, NTF.NTF_PROXY if proxy else 0)
    return Request(RTM_DELNEIGH, body, 0)


def get_neigh(
    dst: str | IPAddress, index: int, *, proxy: bool = False
) -> Request:
    """Look one neighbour up: like ``ip neigh get DST dev INDEX``."""
    body = _entry(dst, index, NTF.NTF_PROXY if proxy else 0)
    return Request(RTM_GETNEIGH, body, 0)


def dump_neighs(
    family: int | str | None = None,
    *,
    index: int = 0,
    master: int = 0,
    proxy: bool = False,
) -> Request:
    """List neighbours: like ``ip neigh show [dev INDEX]``.

    The kernel filters by link (`index`) and by bridge or VRF (`master`)
    given as attributes: its strict checks refuse them in the header.
    `proxy` lists proxy entries (``ip neigh show proxy``) instead.
    """
    body = NeighMessage(family=parse_family(family))
    if proxy:
        body.flags = NTF.NTF_PROXY
    if index:
        body["ifindex"] = check_index(index)
    if master:
        body["master"] = check_index(master, "master")
    return Request(RTM_GETNEIGH, body, DUMP_FLAGS)


def _entry(dst: str | IPAddress, index: int, flags: int) -> NeighMessage:
    address = parse_address(dst, what="neighbour")
    return NeighMessage(
        family=family_of(address),
        ifindex=check_index(index),
        flags=flags,
        dst=address,
    )


def _state(state: str | int) -> int:
    value = STATES.flags(state)
    if not 0 <= value <= 0xFFFF:
        raise ValueError(f"state {state!r} does not fit in 16 bits")
    return value


def _flags(flags: int | str | Iterable[str]) -> int:
    return check_u8(FLAGS.flags(flags), "flags")


def _lladdr(lladdr: str | bytes) -> str:
    if isinstance(lladdr, bytes | bytearray):
        if not lladdr:
            raise ValueError("an empty link-layer address")
        return bytes(lladdr).hex(":")
    raw = parse_lladdr(lladdr)
    if len(raw) != ETH_ALEN:
        raise ValueError(f"{lladdr!r} is not a MAC address (six octets)")
    return raw.hex(":")

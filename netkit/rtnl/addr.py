"""rtnetlink addresses: `struct ifaddrmsg` and IFA_* (linux/if_addr.h).

An address message is an 8-byte header and attributes::

    0        1           2       3       4               8
    +--------+-----------+-------+-------+---------------+
    | family | prefixlen | flags | scope | index         |
    +--------+-----------+-------+-------+---------------+

IFA_LOCAL is the interface's own address and IFA_ADDRESS the prefix
address; they differ only on point-to-point links, where IFA_ADDRESS is
the peer.  `ip` sends both, set to the same address, and so does `new_addr()`.
IFA_FLAGS (u32) extends the 8-bit `flags` field and wins when present.
IFA_CACHEINFO holds the lifetimes in seconds (0xffffffff is forever) and
the created and updated times in hundredths of a second since boot.

The request builders return a `Request` (type, body, flags): send it with
``sock.request(*req)``, or ``sock.dump(*req)`` for `dump_addrs()`.
"""

from __future__ import annotations

import enum
import ipaddress
import struct
from collections.abc import Iterable

from netkit.netlink.attrs import (
    IPADDR,
    S32,
    STRING,
    U8,
    U32,
    AttrTable,
    StructCodec,
)
from netkit.netlink.message import Message
from netkit.rtnl.common import (
    DUMP_FLAGS,
    RT_SCOPE,
    SCOPES,
    SET_FLAGS,
    FlagNames,
    IPAddress,
    IPInterface,
    Names,
    Request,
    check_index,
    check_u8,
    check_u32,
    family_of,
    kernel_names,
    new_flags,
    parse_address,
    parse_family,
    parse_interface,
)
from netkit.rtnl.rtm import AF_INET, RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR


class IFA(enum.IntEnum):
    """Address attributes."""

    IFA_UNSPEC = 0
    IFA_ADDRESS = 1
    IFA_LOCAL = 2
    IFA_LABEL = 3
    IFA_BROADCAST = 4
    IFA_ANYCAST = 5
    IFA_CACHEINFO = 6
    IFA_MULTICAST = 7
    IFA_FLAGS = 8
    IFA_RT_PRIORITY = 9
    IFA_TARGET_NETNSID = 10
    IFA_PROTO = 11


class IFA_F(enum.IntFlag):
    """Address flags (`flags` and IFA_FLAGS)."""

    IFA_F_SECONDARY = 0x01  # also IFA_F_TEMPORARY for IPv6
    IFA_F_NODAD = 0x02
    IFA_F_OPTIMISTIC = 0x04
    IFA_F_DADFAILED = 0x08
    IFA_F_HOMEADDRESS = 0x10
    IFA_F_DEPRECATED = 0x20
    IFA_F_TENTATIVE = 0x40
    IFA_F_PERMANENT = 0x80
    IFA_F_MANAGETEMPADDR = 0x100
    IFA_F_NOPREFIXROUTE = 0x200
    IFA_F_MCAUTOJOIN = 0x400
    IFA_F_STABLE_PRIVACY = 0x800


class IFAPROT(enum.IntEnum):
    """Who made the address (IFA_PROTO)."""

    IFAPROT_UNSPEC = 0
    IFAPROT_KERNEL_LO = 1
    IFAPROT_KERNEL_RA = 2
    IFAPROT_KERNEL_LL = 3


INFINITY_LIFE_TIME = 0xFFFFFFFF
# A label is an interface name: IFNAMSIZ (16) with its NUL.
LABEL_MAX = 15

FLAGS = FlagNames(kernel_names(IFA_F, "IFA_F_"))
PROTOCOLS = Names(kernel_names(IFAPROT, "IFAPROT_"))

# struct ifa_cacheinfo: ifa_prefered, ifa_valid, cstamp, tstamp.
CACHEINFO = StructCodec("=IIII", ("preferred", "valid", "created", "updated"))

ADDR_ATTRS = AttrTable(
    IFA,
    {
        IFA.IFA_ADDRESS: IPADDR,
        IFA.IFA_LOCAL: IPADDR,
        IFA.IFA_LABEL: STRING,
        IFA.IFA_BROADCAST: IPADDR,
        IFA.IFA_ANYCAST: IPADDR,
        IFA.IFA_CACHEINFO: CACHEINFO,
        IFA.IFA_MULTICAST: IPADDR,
        IFA.IFA_FLAGS: U32,
        IFA.IFA_RT_PRIORITY: U32,
        IFA.IFA_TARGET_NETNSID: S32,
        IFA.IFA_PROTO: U8,
    },
)


class AddrMessage(Message):
    """An address message (RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR)."""

    HEADER = struct.Struct("=BBBBI")
    FIELDS = ("family", "prefixlen", "flags", "scope", "index")
    ATTRS = ADDR_ATTRS
    SUBJECT = "address"


def flag_names(value: int) -> tuple[str, ...]:
    """Names of IFA_F_* bits: 0x82 -> ("nodad", "permanent")."""
    return FLAGS.names(value)


def flags_of(message: AddrMessage) -> int:
    """All flags of an address: IFA_FLAGS when sent, else the header's."""
    return message.get("flags", message.flags)


def interface_of(message: AddrMessage) -> IPInterface | None:
    """The address with its prefix (IFA_LOCAL, else IFA_ADDRESS)."""
    attrs = message.attrs
    address = attrs.get("local", attrs.get("address"))
    if address is None:
        return None

    # From the address's number: a third of the time of parsing text.
    interface_type = _INTERFACE_TYPES.get(type(address))
    try:
        return interface_type((int(address), message.prefixlen))
    except (TypeError, ValueError):
        return parse_interface(f"{address}/{message.prefixlen}")


_INTERFACE_TYPES = {
    ipaddress.IPv4Address: ipaddress.IPv4Interface,
    ipaddress.IPv6Address: ipaddress.IPv6Interface,
}


def new_addr(
    address: str | IPAddress | IPInterface,
    index: int,
    *,
    label: str | None = None,
    broadcast: str | IPAddress | bool | None = None,
    scope: str | int | None = None,
    flags: int | str | Iterable[str] = 0,
    valid: int | None = None,
    preferred: int | None = None,
    metric: int | None = None,
    proto: str | int | None = None,
    replace: bool = False,
) -> Request:
    """Add an address: like ``ip addr add ADDRESS dev INDEX``.

    A bare address means /32 or /128.  `broadcast` True computes the
    broadcast address (``brd +``); `flags` takes IFA_F_* names such as
    "nodad"; `valid` and `preferred` are lifetimes in seconds (None is
    forever); `metric` is the prefix route's metric.  `replace` makes it
    ``ip addr replace``.  Raises ValueError on bad input.
    """
    body = _address(address, index, label, broadcast, scope, flags)
    _add_lifetimes(body, valid, preferred)
    if metric is not None:
        body["rt_priority"] = check_u32(metric, "metric")
    if proto is not None:
        body["proto"] = check_u8(PROTOCOLS.value(proto), "proto")
    return Request(RTM_NEWADDR, body, new_flags(replace))


def set_addr(
    address: str | IPAddress | IPInterface, index: int, **options: object
) -> Request:
    """Change an address's options: like ``ip addr change``.

    Takes the options of `new_addr()` except `replace`.  The kernel treats it
    as `new_addr()` without EXCL: an address that is not there is added.
    """
    request = new_addr(address, index, **options)
    return Request(RTM_NEWADDR, request.body, SET_FLAGS)


def del_addr(address: str | IPAddress | IPInterface, index: int) -> Request:
    """Remove an address: like ``ip addr del ADDRESS dev INDEX``.

    As with `ip`, a bare IPv4 address removes that address whatever its
    prefix length; an IPv6 address must come with its prefix length.
    """
    interface = parse_interface(address)
    body = AddrMessage(
        family=family_of(interface),
        prefixlen=interface.network.prefixlen,
        index=check_index(index),
        local=interface.ip,
    )
    if interface.version == 6 or _has_prefix(address):
        body["address"] = interface.ip
    return Request(RTM_DELADDR, body, 0)


def get_addr(address: str | IPAddress, index: int = 0) -> Request:
    """Look one IPv6 address up (on link `index`, or any link if 0).

    The kernel has no such lookup for IPv4: dump and filter instead.
    """
    ip = parse_address(address)
    if ip.version != 6:
        raise ValueError("the kernel looks up single IPv6 addresses only")
    body = AddrMessage(family=family_of(ip), address=ip)
    if index:
        body.index = check_index(index)
    return Request(RTM_GETADDR, body, 0)


def dump_addrs(family: int | str | None = None, index: int = 0) -> Request:
    """List addresses: like ``ip addr show [dev INDEX]``.

    `family` is 4, 6 or None for both; `index` limits the dump to one link.
    """
    body = AddrMessage(family=parse_family(family))
    if index:
        body.index = check_index(index)
    return Request(RTM_GETADDR, body, DUMP_FLAGS)


def _address(
    address: str | IPAddress | IPInterface,
    index: int,
    label: str | None,
    broadcast: str | IPAddress | bool | None,
    scope: str | int | None,
    flags: int | str | Iterable[str],
) -> AddrMessage:
    interface = parse_interface(address)
    if interface.ip.is_unspecified:
        # IPv4: the kernel drops an address of 0 without a word; IPv6
        # refuses :: with EADDRNOTAVAIL.  Neither is an address to add.
        raise ValueError(
            f"{interface.ip} is the unspecified address, not one to add"
        )
    family = family_of(interface)
    body = AddrMessage(
        family=family,
        prefixlen=interface.network.prefixlen,
        index=check_index(index),
        local=interface.ip,
        address=interface.ip,
    )
    body.scope = _scope(scope, interface)
    if label is not None:
        body["label"] = _label(label, family)
    brd = _broadcast(broadcast, interface)
    if brd is not None:
        body["broadcast"] = brd
    # As ip does: flags that fit the header go there, others in IFA_FLAGS.
    value = check_u32(FLAGS.flags(flags), "flags")
    body.flags = value & 0xFF
    if value > 0xFF:
        body["flags"] = value
    return body


def _scope(scope: str | int | None, interface: IPInterface) -> int:
    # Like ip: IPv4 loopback addresses default to host scope.
    if scope is None:
        loopback = interface.version == 4 and interface.ip.is_loopback
        return RT_SCOPE.RT_SCOPE_HOST if loopback else 0
    return check_u8(SCOPES.value(scope), "scope")


def _label(label: str, family: int) -> str:
    if family != AF_INET:
        raise ValueError("only IPv4 addresses have labels")
    size = len(label.encode("utf-8", "surrogateescape"))
    if not 0 < size <= LABEL_MAX or "\0" in label:
        raise ValueError(f"label {label!r} is not 1 to 15 bytes")
    return label


def _broadcast(
    broadcast: str | IPAddress | bool | None, interface: IPInterface
) -> IPAddress | None:
    if broadcast is None or broadcast is False:
        return None
    if interface.version != 4:
        raise ValueError("only IPv4 addresses have a broadcast address")
    if broadcast is not True:
        return parse_address(broadcast, AF_INET, "broadcast")
    # As ip does for "brd +": /31 and /32 have no broadcast address.
    if interface.network.prefixlen > 30:
        return None
    return interface.network.broadcast_address


def _add_lifetimes(
    body: AddrMessage, valid: int | None, preferred: int | None
) -> None:
    if valid is None and preferred is None:
        return
    valid = INFINITY_LIFE_TIME if valid is None else valid
    preferred = valid if preferred is None else preferred
    check_u32(valid, "valid lifetime")
    check_u32(preferred, "preferred lifetime")
    if preferred > valid:
        raise ValueError("the preferred lifetime exceeds the valid one")
    body["cacheinfo"] = {
        "preferred": preferred,
        "valid": valid,
        "created": 0,
        "updated": 0,
    }


def _has_prefix(address: str | IPAddress | IPInterface) -> bool:
    if isinstance(address, str):
        return "/" in address
    return not isinstance(address, IPAddress)

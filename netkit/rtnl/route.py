"""rtnetlink routes: `struct rtmsg` and its constants (linux/rtnetlink.h).

A route message is a 12-byte header and attributes (`route_attrs`)::

    0        1         2         3     4       5          6       7      8
    +--------+---------+---------+-----+-------+----------+-------+------+
    | family | dst_len | src_len | tos | table | protocol | scope | type |
    +--------+---------+---------+-----+-------+----------+-------+------+
    | flags (u32)                                                        |
    +--------------------------------------------------------------------+

The header's `table` has 8 bits: a table over 255 shows there as
RT_TABLE_COMPAT, and RTA_TABLE carries the full number (`table_of()`).

The request builders return a `Request` (type, body, flags): send it with
``sock.request(*req)``, or ``sock.dump(*req)`` for `dump_routes()`.
"""

from __future__ import annotations

import enum
import ipaddress
import struct
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from netkit.netlink.attrs import NLA_HDR
from netkit.netlink.message import Message
from netkit.rtnl.common import (
    DUMP_FLAGS,
    RT_SCOPE,
    SCOPES,
    SET_FLAGS,
    FlagNames,
    IPAddress,
    IPNetwork,
    Names,
    Request,
    check_index,
    check_u8,
    check_u32,
    family_of,
    kernel_names,
    new_flags,
    pack_prefix,
    parse_address,
    parse_family,
    parse_network,
    parse_prefix,
)
from netkit.rtnl.route_attrs import METRICS_ATTRS, ROUTE_ATTRS

# RTA and RTAX are part of this module's surface; they live with their
# codecs.  RT_SCOPE and SCOPES are shared with addresses.
from netkit.rtnl.route_attrs import RTA as RTA
from netkit.rtnl.route_attrs import RTAX as RTAX
from netkit.rtnl.rtm import (
    AF_INET,
    AF_INET6,
    AF_UNSPEC,
    RTM_DELROUTE,
    RTM_GETROUTE,
    RTM_NEWROUTE,
)


class RTN(enum.IntEnum):
    """Route types (`type`)."""

    RTN_UNSPEC = 0
    RTN_UNICAST = 1
    RTN_LOCAL = 2
    RTN_BROADCAST = 3
    RTN_ANYCAST = 4
    RTN_MULTICAST = 5
    RTN_BLACKHOLE = 6
    RTN_UNREACHABLE = 7
    RTN_PROHIBIT = 8
    RTN_THROW = 9
    RTN_NAT = 10
    RTN_XRESOLVE = 11


class RTPROT(enum.IntEnum):
    """Who installed a route (`protocol`); the kernel reads only 0-4."""

    RTPROT_UNSPEC = 0
    RTPROT_REDIRECT = 1
    RTPROT_KERNEL = 2
    RTPROT_BOOT = 3
    RTPROT_STATIC = 4
    RTPROT_GATED = 8
    RTPROT_RA = 9
    RTPROT_MRT = 10
    RTPROT_ZEBRA = 11
    RTPROT_BIRD = 12
    RTPROT_DNROUTED = 13
    RTPROT_XORP = 14
    RTPROT_NTK = 15
    RTPROT_DHCP = 16
    RTPROT_MROUTED = 17
    RTPROT_KEEPALIVED = 18
    RTPROT_BABEL = 42
    RTPROT_OVN = 84
    RTPROT_OPENR = 99
    RTPROT_BGP = 186
    RTPROT_ISIS = 187
    RTPROT_OSPF = 188
    RTPROT_RIP = 189
    RTPROT_EIGRP = 192


class RT_TABLE(enum.IntEnum):
    """Reserved table numbers (enum rt_class_t)."""

    RT_TABLE_UNSPEC = 0
    RT_TABLE_COMPAT = 252
    RT_TABLE_DEFAULT = 253
    RT_TABLE_MAIN = 254
    RT_TABLE_LOCAL = 255


class RTM_F(enum.IntFlag):
    """Route flags (`flags`)."""

    RTM_F_NOTIFY = 0x100
    RTM_F_CLONED = 0x200
    RTM_F_EQUALIZE = 0x400
    RTM_F_PREFIX = 0x800
    RTM_F_LOOKUP_TABLE = 0x1000
    RTM_F_FIB_MATCH = 0x2000
    RTM_F_OFFLOAD = 0x4000
    RTM_F_TRAP = 0x8000
    RTM_F_OFFLOAD_FAILED = 0x20000000


class RTNH_F(enum.IntFlag):
    """Next-hop flags: of each rtnexthop, and of `flags` for one hop."""

    RTNH_F_DEAD = 1
    RTNH_F_PERVASIVE = 2
    RTNH_F_ONLINK = 4
    RTNH_F_OFFLOAD = 8
    RTNH_F_LINKDOWN = 16
    RTNH_F_UNRESOLVED = 32
    RTNH_F_TRAP = 64


TYPES = Names(kernel_names(RTN, "RTN_"))
PROTOCOLS = Names(kernel_names(RTPROT, "RTPROT_"))
TABLES = Names(kernel_names(RT_TABLE, "RT_TABLE_"))
ROUTE_FLAGS = FlagNames(kernel_names(RTM_F, "RTM_F_"))
NEXTHOP_FLAGS = FlagNames(kernel_names(RTNH_F, "RTNH_F_"))
# RTA_PREF: the IPv6 router preference (ICMPV6_ROUTER_PREF_*).
PREFERENCES = Names({0: "medium", 1: "high", 2: "invalid", 3: "low"})


class RouteMessage(Message):
    """A route message (RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE)."""

    HEADER = struct.Struct("=BBBBBBBBI")
    FIELDS = (
        "family",
        "dst_len",
        "src_len",
        "tos",
        "table",
        "protocol",
        "scope",
        "type",
        "flags",
    )
    ATTRS = ROUTE_ATTRS
    SUBJECT = "route"


def table_of(message: RouteMessage) -> int:
    """The route's table: RTA_TABLE when sent, else the header's."""
    return message.get("table", message.table)


def destination_of(message: RouteMessage) -> IPNetwork:
    """The destination prefix; 0.0.0.0/0 or ::/0 for a default route."""
    dst = message.attrs.get("dst")
    if dst is None:
        dst = "::" if message.family == AF_INET6 else "0.0.0.0"
        return parse_network(f"{dst}/{message.dst_len}")

    # From the address's number: a tenth of the time of parsing text.
    network_type = _NETWORK_TYPES.get(type(dst))
    try:
        return network_type((int(dst), message.dst_len))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{dst}/{message.dst_len}: {exc}") from None


_NETWORK_TYPES = {
    ipaddress.IPv4Address: ipaddress.IPv4Network,
    ipaddress.IPv6Address: ipaddress.IPv6Network,
}

Nexthop = Mapping[str, Any]


def new_route(
    dst: str | IPNetwork | IPAddress,
    *,
    gateway: str | IPAddress | None = None,
    oif: int | None = None,
    table: int | str = RT_TABLE.RT_TABLE_MAIN,
    metric: int | None = None,
    prefsrc: str | IPAddress | None = None,
    protocol: int | str = RTPROT.RTPROT_BOOT,
    scope: int | str | None = None,
    type: int | str = RTN.RTN_UNICAST,
    onlink: bool = False,
    nexthops: Iterable[Nexthop] | None = None,
    metrics: Mapping[str, int | str] | None = None,
    family: int | str | None = None,
    replace: bool = False,
) -> Request:
    """Add a route: like ``ip route add DST via GATEWAY dev OIF``.

    `dst` is a prefix, a bare address (/32 or /128) or "default" (IPv4
    unless `family`, the gateway or `prefsrc` says IPv6).  `oif` is an
    interface index.  `nexthops` makes a multipath route: mappings with
    "gateway", "oif", "weight" (1-256) and "onlink".  `metrics` takes
    RTAX names ({"mtu": 1400}).  `onlink` sets RTNH_F_ONLINK, so the
    gateway need not be in a connected prefix.  `replace` makes it ``ip
    route replace``.  Raises ValueError on bad input.
    """
    family = _family(family, dst, gateway, prefsrc, nexthops)
    address, prefixlen = parse_prefix(dst, family)
    family = family_of(address)
    type = TYPES.value(type)
    body = RouteMessage(
        family=family,
        dst_len=prefixlen,
        protocol=check_u8(PROTOCOLS.value(protocol), "protocol"),
        type=check_u8(type, "type"),
        dst=address if prefixlen else None,
        priority=None if metric is None else check_u32(metric, "metric"),
        prefsrc=_optional(prefsrc, family, "prefsrc"),
    )
    _set_table(body, table)
    _set_nexthop(body, gateway, oif, onlink, nexthops)
    if type == _UNICAST and not _has_nexthop(body):
        raise ValueError("a unicast route needs a gateway, oif or nexthops")
    if metrics:
        body["metrics"] = _metrics(metrics)
    body.scope = _scope(scope, body)
    return Request(RTM_NEWROUTE, body, new_flags(replace))


def set_route(dst: str | IPNetwork | IPAddress, **options: Any) -> Request:
    """Change an existing route: like ``ip route change``.

    Takes the options of `new_route()` except `replace`; RouteNotFound when
    there is no such route.
    """
    request = new_route(dst, **options)
    return Request(RTM_NEWROUTE, request.body, SET_FLAGS)


def del_route(
    dst: str | IPNetwork | IPAddress,
    *,
    gateway: str | IPAddress | None = None,
    oif: int | None = None,
    table: int | str = RT_TABLE.RT_TABLE_MAIN,
    metric: int | None = None,
    protocol: int | str = RTPROT.RTPROT_UNSPEC,
    type: int | str = RTN.RTN_UNSPEC,
    family: int | str | None = None,
) -> Request:
    """Remove a route: like ``ip route del DST``.

    What is given must match (gateway, device, metric, protocol, type);
    what is not given matches anything.
    """
    family = _family(family, dst, gateway, None, None)
    address, prefixlen = parse_prefix(dst, family)
    family = family_of(address)
    body = RouteMessage(
        family=family,
        dst_len=prefixlen,
        protocol=check_u8(PROTOCOLS.value(protocol), "protocol"),
        type=check_u8(TYPES.value(type), "type"),
        scope=RT_SCOPE.RT_SCOPE_NOWHERE,
        dst=address if prefixlen else None,
        priority=None if metric is None else check_u32(metric, "metric"),
    )
    _set_table(body, table)
    _set_nexthop(body, gateway, oif, False, None)
    return Request(RTM_DELROUTE, body, 0)


def get_route(
    dst: str | IPAddress,
    *,
    src: str | IPAddress | None = None,
    oif: int | None = None,
    iif: int | None = None,
    mark: int | None = None,
    fib_match: bool = False,
) -> Request:
    """Look a destination up: like ``ip route get DST``.

    The reply is the route the kernel would use; with `fib_match`, the
    table entry that matched (``ip route get fibmatch``).
    """
    address = parse_address(dst, what="destination")
    family = family_of(address)
    full = address.max_prefixlen
    body = RouteMessage(family=family, dst_len=full, dst=address)
    if src is not None:
        body.src_len = full
        body["src"] = parse_address(src, family, "source")
    if oif is not None:
        body["oif"] = check_index(oif, "oif")
    if iif is not None:
        body["iif"] = check_index(iif, "iif")
    if mark is not None:
        body["mark"] = check_u32(mark, "mark")
    if fib_match:
        body.flags = RTM_F.RTM_F_FIB_MATCH
    return Request(RTM_GETROUTE, body, 0)


def dump_routes(
    family: int | str | None = None,
    *,
    table: int | str | None = None,
    protocol: int | str | None = None,
    type: int | str | None = None,
    oif: int | None = None,
) -> Request:
    """List routes: like ``ip route show table all``.

    The kernel filters by `table`, `protocol`, `type` and `oif` (strict
    checking, which every netkit socket turns on); None means any.
    """
    body = RouteMessage(family=parse_family(family))
    if table is not None:
        _set_table(body, table)
    if protocol is not None:
        body.protocol = check_u8(PROTOCOLS.value(protocol), "protocol")
    if type is not None:
        body.type = check_u8(TYPES.value(type), "type")
    if oif is not None:
        body["oif"] = check_index(oif, "oif")
    return Request(RTM_GETROUTE, body, DUMP_FLAGS)


class RouteTemplate:
    """Route requests that differ only in their destination, made fast.

    For bulk work (`ns.batch()`): the request of `build(dst, **options)`
    (`new_route` or `del_route`) is built once per family for a sample
    destination, and kept as the bytes before and after RTA_DST, which
    comes first.  `encode(dst)` then packs the header's prefix length and
    the address and joins the rest: the same bytes `build` gives, in a
    fraction of the time.  Destinations that are not plain prefixes in
    text, and default routes, get None: `request(dst)` builds those (and
    raises the ValueError for a mistake).
    """

    def __init__(self, build: Callable[..., Request], **options: Any):
        self._build = build
        self._options = options
        self._parts: dict[int, tuple | None] = {}

    def request(self, dst: str | IPNetwork | IPAddress) -> Request:
        """The request for `dst`, built the long way."""
        return self._build(dst, **self._options)

    def message(self, dst: str | IPNetwork | IPAddress) -> RouteMessage:
        """The body of the request for `dst`, built the long way."""
        return self.request(dst).body

    def encode(self, dst: str) -> tuple[int, bytes, int] | None:
        """(type, body bytes, flags) for `dst`, or None (see above)."""
        packed = pack_prefix(dst, AF_UNSPEC) if type(dst) is str else None
        if packed is None or not packed[2]:
            return None
        family, address, prefixlen = packed
        parts = self._parts.get(family, _MISSING)
        if parts is _MISSING:
            parts = self._parts[family] = self._compile(family)
        if parts is None:
            return None

        msg_type, flags, heads, tail = parts
        return msg_type, heads[prefixlen] + address + tail, flags

    def _compile(self, family: int) -> tuple | None:
        # (type, flags, the bytes up to the address for each prefix
        # length, the bytes after it), checked against the sample.
        sample = _SAMPLES[family]
        try:
            request = self.request(sample)
        except ValueError:
            return None  # every destination of this family will say why
        body = request.body.encode()
        size = RouteMessage.HEADER.size
        attr = _DST_ATTR[family]
        if NLA_HDR.unpack_from(body, size) != (attr.size, RTA.RTA_DST):
            return None

        header = RouteMessage.HEADER.unpack_from(body)
        bits = 32 if family == AF_INET else 128
        heads = [
            RouteMessage.HEADER.pack(family, prefixlen, *header[2:])
            + NLA_HDR.pack(attr.size, RTA.RTA_DST)
            for prefixlen in range(bits + 1)
        ]
        tail = body[size + attr.size :]
        _, address, prefixlen = pack_prefix(sample, family)
        if heads[prefixlen] + address + tail != body:
            return None
        return request.type, request.flags, heads, tail


_MISSING = object()
_SAMPLES = {AF_INET: "198.18.0.1", AF_INET6: "2001:db8::1"}
# RTA_DST: header and address.
_DST_ATTR = {
    AF_INET: struct.Struct("=HH4s"),
    AF_INET6: struct.Struct("=HH16s"),
}


def _family(
    family: int | str | None,
    dst: object,
    gateway: object,
    prefsrc: object,
    nexthops: Iterable[Nexthop] | None,
) -> int:
    # "default" says nothing of its family: the first address that does.
    family = parse_family(family)
    if family != AF_UNSPEC or not isinstance(dst, str):
        return family
    if dst.lower() not in ("default", "all", "any"):
        return family
    hints = [gateway, prefsrc]
    hints += [hop.get("gateway") for hop in nexthops or ()]
    for hint in hints:
        if hint is not None:
            return family_of(parse_address(hint, what="gateway"))
    return family


def _optional(
    value: str | IPAddress | None, family: int, what: str
) -> IPAddress | None:
    return None if value is None else parse_address(value, family, what)


def _set_table(body: RouteMessage, table: int | str) -> None:
    # As ip does: a table over 255 goes in RTA_TABLE, the header says 0.
    number = check_u32(TABLES.value(table), "table")
    if number < 256:
        body.table = number
    else:
        body.table = RT_TABLE.RT_TABLE_UNSPEC
        body["table"] = number


def _set_nexthop(
    body: RouteMessage,
    gateway: str | IPAddress | None,
    oif: int | None,
    onlink: bool,
    nexthops: Iterable[Nexthop] | None,
) -> None:
    if nexthops is not None:
        if gateway is not None or oif is not None:
            raise ValueError("give either gateway/oif or nexthops")
        body["multipath"] = [_hop(hop, body.family) for hop in nexthops]
        if not body["multipath"]:
            raise ValueError("nexthops is empty")
        return
    if gateway is not None:
        body["gateway"] = parse_address(gateway, body.family, "gateway")
    if oif is not None:
        body["oif"] = check_index(oif, "oif")
    if onlink:
        if gateway is None:
            raise ValueError("onlink needs a gateway")
        body.flags |= RTNH_F.RTNH_F_ONLINK


def _has_nexthop(body: RouteMessage) -> bool:
    attrs = body.attrs
    return "oif" in attrs or "gateway" in attrs or "multipath" in attrs


def _hop(hop: Nexthop, family: int) -> dict[str, Any]:
    unknown = frozenset(hop) - {"gateway", "oif", "weight", "onlink"}
    if unknown:
        raise ValueError(f"unknown next-hop keys {sorted(unknown)}")
    weight = hop.get("weight", 1)
    if isinstance(weight, bool) or weight not in range(1, 257):
        raise ValueError(f"weight {weight!r} is not 1 to 256")
    attrs = {}
    if hop.get("gateway") is not None:
        attrs["gateway"] = parse_address(hop["gateway"], family, "gateway")
    oif = hop.get("oif")
    if oif is None and not attrs:
        raise ValueError("a next hop needs a gateway or an oif")
    if hop.get("onlink") and not attrs:
        raise ValueError("onlink needs a gateway")
    return {
        "flags": RTNH_F.RTNH_F_ONLINK if hop.get("onlink") else 0,
        "hops": weight - 1,
        "ifindex": 0 if oif is None else check_index(oif, "oif"),
        "attrs": attrs,
    }


def _metrics(metrics: Mapping[str, int | str]) -> dict[str, int | str]:
    checked: dict[str, int | str] = {}
    for name, value in metrics.items():
        if name not in METRICS_ATTRS.by_name:
            known = ", ".join(METRICS_ATTRS.by_name)
            raise ValueError(f"unknown metric {name!r} (known: {known})")
        if name == "cc_algo":
            checked[name] = str(value)
        else:
            checked[name] = check_u32(value, name)
    return checked


def _scope(scope: int | str | None, body: RouteMessage) -> int:
    # As ip chooses: local routes are host scope, broadcast-like ones and
    # routes straight out of a device are link scope, the rest universe.
    if scope is not None:
        return check_u8(SCOPES.value(scope), "scope")
    if body.type in _HOST_TYPES:
        return RT_SCOPE.RT_SCOPE_HOST
    if body.type in _LINK_TYPES:
        return RT_SCOPE.RT_SCOPE_LINK
    direct = "gateway" not in body.attrs and "multipath" not in body.attrs
    if body.type in _DIRECT_TYPES and direct:
        return RT_SCOPE.RT_SCOPE_LINK
    return RT_SCOPE.RT_SCOPE_UNIVERSE


# Looked up once: an enum member costs more to fetch than an int.
_UNICAST = int(RTN.RTN_UNICAST)
_HOST_TYPES = frozenset({RTN.RTN_LOCAL, RTN.RTN_NAT})
_LINK_TYPES = frozenset(
    {RTN.RTN_BROADCAST, RTN.RTN_MULTICAST, RTN.RTN_ANYCAST}
)
_DIRECT_TYPES = frozenset({RTN.RTN_UNICAST, RTN.RTN_UNSPEC})

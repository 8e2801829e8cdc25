"""`Route`: an entry of a routing table, and adding, listing, removing.

Tables, protocols, scopes and types are given and shown by the names
`ip` uses ("main", "kernel", "link", "unicast"); "default" is 0.0.0.0/0
(or ::/0).  A route via a gateway that no connected prefix reaches fails
with the kernel's `NetworkUnreachable` ("Nexthop has invalid gateway")
unless `onlink` is set.
"""

from __future__ import annotations

import errno
import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netkit._values import make
from netkit.errors import NotFound
from netkit.rtnl import route as rtroute
from netkit.rtnl.common import SCOPES, Request

if TYPE_CHECKING:
    from netkit.links import Link
    from netkit.namespace import Namespace

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Next-hop flags live in the low byte of rtm_flags for a single path.
_NEXTHOP_BITS = 0xFF
_TABLE_NAMES = rtroute.TABLES.by_value


@dataclass(frozen=True)
class Route:
    """A route (like one line of `ip route show`).

    `dev` is the outgoing link's name and `oif` its index; `src` is the
    preferred source address (RTA_PREFSRC); `metric` is RTA_PRIORITY;
    `flags` are names such as "onlink" and "linkdown"; `nexthops` lists
    the paths of a multipath route, each a dict with "gateway", "dev",
    "oif", "weight" and "flags".  `str(route)` is the line `ip route`
    prints.
    """

    dst: IPNetwork
    gateway: IPAddress | None
    dev: str | None
    oif: int | None
    table: int | str
    scope: str
    protocol: str
    type: str
    metric: int | None
    src: IPAddress | None
    family: int
    flags: tuple[str, ...] = ()
    nexthops: tuple[dict[str, Any], ...] = field(default=())

    @property
    def is_default(self) -> bool:
        """The route is the default one (0.0.0.0/0 or ::/0)."""
        return self.dst.prefixlen == 0

    @classmethod
    def from_message(
        cls, message: rtroute.RouteMessage, names: dict[int, str]
    ) -> Route:
        """The route an RTM_NEWROUTE message describes.

        `names` maps link indexes to names, for `dev`.
        """
        # Called for every route of a dump: plain dict lookups, and the
        # frozen value made without its __init__ (netkit._values).
        attrs = message.attrs
        oif = attrs.get("oif")
        table = attrs.get("table", message.table)
        hops = attrs.get("multipath")
        return make(
            cls,
            dst=rtroute.destination_of(message),
            gateway=attrs.get("gateway"),
            dev=names.get(oif) if oif else None,
            oif=oif,
            table=_TABLE_NAMES.get(table, table),
            scope=SCOPES.name(message.scope),
            protocol=rtroute.PROTOCOLS.name(message.protocol),
            type=rtroute.TYPES.name(message.type),
            metric=attrs.get("priority"),
            src=attrs.get("prefsrc"),
            family=message.family,
            flags=flag_names(message.flags),
            nexthops=tuple(_nexthop(hop, names) for hop in hops)
            if hops
            else (),
        )

    def __str__(self) -> str:
        return route_text(self)


def flag_names(flags: int) -> tuple[str, ...]:
    """Names of a route's rtm_flags: next-hop bits, then RTM_F_* bits."""
    hop = rtroute.NEXTHOP_FLAGS.names(flags & _NEXTHOP_BITS)
    return hop + rtroute.ROUTE_FLAGS.names(flags & ~_NEXTHOP_BITS)


def _nexthop(hop: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    oif = hop.get("ifindex") or None
    return {
        "gateway": hop.get("attrs", {}).get("gateway"),
        "dev": names.get(oif) if oif else None,
        "oif": oif,
        "weight": hop.get("hops", 0) + 1,
        "flags": rtroute.NEXTHOP_FLAGS.names(hop.get("flags", 0)),
    }


def route_text(route: Route) -> str:
    """A route as `ip route show` prints it.

    "198.51.100.0/24 via 192.0.2.1 dev eth0 metric 10 onlink"; the type
    leads when it is not unicast ("unreachable 203.0.113.0/24"), a host
    route has no "/32", and the table shows when it is not main.
    """
    parts = [] if route.type == "unicast" else [route.type]
    parts.append(destination_text(route.dst))
    if route.gateway is not None:
        parts += ["via", str(route.gateway)]
    if route.dev:
        parts += ["dev", route.dev]
    if route.table != "main":
        parts += ["table", str(route.table)]
    if route.protocol != "boot":
        parts += ["proto", route.protocol]
    if route.scope != "global":
        parts += ["scope", route.scope]
    if route.src is not None:
        parts += ["src", str(route.src)]
    if route.metric:
        parts += ["metric", str(route.metric)]
    parts += [name for name in route.flags if name in _SHOWN_FLAGS]
    for hop in route.nexthops:
        parts.append("nexthop")
        if hop["gateway"] is not None:
            parts += ["via", str(hop["gateway"])]
        if hop["dev"]:
            parts += ["dev", hop["dev"]]
        parts += ["weight", str(hop["weight"])]
        parts += [name for name in hop["flags"] if name in _SHOWN_FLAGS]
    return " ".join(parts)


def destination_text(dst: IPNetwork) -> str:
    """A destination as `ip route` writes it: "default", a host alone."""
    if dst.prefixlen == 0:
        return "default"
    if dst.prefixlen == dst.max_prefixlen:
        return str(dst.network_address)
    return str(dst)


# The flags `ip route` prints after a route.
_SHOWN_FLAGS = ("dead", "onlink", "pervasive", "linkdown", "offload", "trap")


def route_options(
    via: str | None,
    dev: Link | str | int | None,
    src: str | None,
    options: dict[str, Any],
    index_of: Callable[[Link | str | int], int],
) -> dict[str, Any]:
    """`new_route` keywords from the names the API uses (via=, dev=, src=).

    `index_of` turns `dev` into an interface index.
    """
    options = dict(options)
    if via is not None:
        options["gateway"] = via
    if dev is not None:
        options["oif"] = index_of(dev)
    if src is not None:
        options["prefsrc"] = src
    return options


def _options(
    ns: Namespace,
    via: str | None,
    dev: Link | str | int | None,
    src: str | None,
    options: dict[str, Any],
) -> dict[str, Any]:
    from netkit.links import resolve_index

    return route_options(
        via, dev, src, options, lambda link: resolve_index(ns, link)
    )


def add(
    ns: Namespace,
    dst: str,
    *,
    via: str | None = None,
    dev: Link | str | int | None = None,
    src: str | None = None,
    replace: bool = False,
    **options: Any,
) -> None:
    """Add (or with `replace`, replace) a route; see `Namespace.add_route`."""
    from netkit.links import send

    options = _options(ns, via, dev, src, options)
    send(ns, rtroute.new_route(dst, replace=replace, **options))


def delete(
    ns: Namespace,
    dst: str,
    *,
    via: str | None = None,
    dev: Link | str | int | None = None,
    **options: Any,
) -> None:
    """Remove a route; see `Namespace.delete_route`."""
    from netkit.links import send

    options = _options(ns, via, dev, None, options)
    send(ns, rtroute.del_route(dst, **options))


def list_routes(
    ns: Namespace,
    table: int | str | None = "main",
    family: int | str | None = None,
    **filters: Any,
) -> list[Route]:
    """The routes of one table (all tables when `table` is None)."""
    from netkit.links import send

    request, convert = _dump(ns, table, family, filters)
    try:
        # Each message becomes a Route as it arrives, so the messages of
        # a large table are not all alive at once.
        return send(ns, request, dump=True, decode=convert)
    except NotFound as exc:
        # A table that has never held a route does not exist yet; IPv4
        # says so ("FIB table does not exist") where ip shows nothing.
        if table is None or exc.errno != errno.ENOENT:
            raise
        return []


def iter_routes(
    ns: Namespace,
    table: int | str | None = "main",
    family: int | str | None = None,
    **filters: Any,
) -> Iterator[Route]:
    """The routes of one table, one at a time, as the kernel sends them.

    For tables too large to hold as a list.  A table that changed while
    it was read raises `DumpInterrupted` after the last route (a list
    would have been read again).  Until the loop ends, `ns.rtnl` is busy:
    requests inside it need a socket of their own (`ns.socket()`).
    """
    request, convert = _dump(ns, table, family, filters)
    try:
        yield from ns.rtnl.iter_dump(*request, decode=convert)
    except NotFound as exc:
        if table is None or exc.errno != errno.ENOENT:
            raise


def _dump(
    ns: Namespace,
    table: int | str | None,
    family: int | str | None,
    filters: dict[str, Any],
) -> tuple[Request, Callable[[memoryview], Route]]:
    # The dump request, and what turns each reply into a Route.
    from netkit.links import list_links, resolve_index

    if filters.get("oif") is not None:
        filters["oif"] = resolve_index(ns, filters["oif"])
    request = rtroute.dump_routes(family, table=table, **filters)
    names = {link.index: link.name for link in list_links(ns)}
    decode, make_route = rtroute.RouteMessage.decode, Route.from_message

    def convert(body: memoryview) -> Route:
        return make_route(decode(body), names)

    return request, convert

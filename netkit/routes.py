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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netkit.errors import NotFound
from netkit.rtnl import route as rtroute
from netkit.rtnl.common import SCOPES

if TYPE_CHECKING:
    from netkit.links import Link
    from netkit.namespace import Namespace

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Route:
    """A route (like one line of `ip route show`).

    `dev` is the outgoing link's name and `oif` its index; `src` is the
    preferred source address (RTA_PREFSRC); `metric` is RTA_PRIORITY;
    `nexthops` lists the paths of a multipath route.
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
        return self.dst.prefixlen == 0

    @classmethod
    def from_message(
        cls, message: rtroute.RouteMessage, names: dict[int, str]
    ) -> Route:
        oif = message.get("oif")
        table = rtroute.table_of(message)
        return cls(
            dst=rtroute.destination_of(message),
            gateway=message.get("gateway"),
            dev=names.get(oif) if oif else None,
            oif=oif,
            table=rtroute.TABLES.by_value.get(table, table),
            scope=SCOPES.name(message.scope),
            protocol=rtroute.PROTOCOLS.name(message.protocol),
            type=rtroute.TYPES.name(message.type),
            metric=message.get("priority"),
            src=message.get("prefsrc"),
            family=message.family,
            flags=rtroute.ROUTE_FLAGS.names(message.flags),
            nexthops=tuple(message.get("multipath") or ()),
        )

    def __str__(self) -> str:
        from netkit.cli.tables import route_text

        return route_text(self)


def _route_options(
    ns: Namespace,
    via: str | None,
    dev: Link | str | int | None,
    src: str | None,
    options: dict[str, Any],
) -> dict[str, Any]:
    from netkit.links import resolve_index

    options = dict(options)
    if via is not None:
        options["gateway"] = via
    if dev is not None:
        options["oif"] = resolve_index(ns, dev)
    if src is not None:
        options["prefsrc"] = src
    return options


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
    options = _route_options(ns, via, dev, src, options)
    ns.rtnl.request(*rtroute.new_route(dst, replace=replace, **options))


def delete(
    ns: Namespace,
    dst: str,
    *,
    via: str | None = None,
    dev: Link | str | int | None = None,
    **options: Any,
) -> None:
    """Remove a route; see `Namespace.delete_route`."""
    options = _route_options(ns, via, dev, None, options)
    ns.rtnl.request(*rtroute.del_route(dst, **options))


def list_routes(
    ns: Namespace,
    table: int | str | None = "main",
    family: int | str | None = None,
    **filters: Any,
) -> list[Route]:
    """The routes of one table (all tables when `table` is None)."""
    from netkit.links import list_links

    request = rtroute.dump_routes(family, table=table, **filters)
    try:
        messages = ns.rtnl.dump(*request)
    except NotFound as exc:
        # A table that has never held a route does not exist yet; IPv4
        # says so ("FIB table does not exist") where ip shows nothing.
        if table is None or exc.errno != errno.ENOENT:
            raise
        return []
    names = {link.index: link.name for link in list_links(ns)}
    return [Route.from_message(m, names) for m in messages]

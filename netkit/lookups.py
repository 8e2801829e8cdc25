"""Questions the kernel answers itself: which route, which neighbour.

`route_get` asks the routing code which route a packet to an address
would take (`ip route get`), with the rules, marks and source addresses
that only the kernel knows; `neighbour` asks the neighbour table for one
entry (`ip neigh get`).  Both are one request, whatever the size of the
tables, instead of a dump filtered in Python.  (`Namespace.link` and the
fdb's `get` do the same for links and forwarding entries.)
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import TYPE_CHECKING

from netkit.routes import Route
from netkit.rtnl import neigh as rtneigh
from netkit.rtnl import route as rtroute
from netkit.rtnl.rtm import AF_INET

if TYPE_CHECKING:
    from netkit.links import Link
    from netkit.namespace import Namespace
    from netkit.neighbours import Neighbour

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclasses.dataclass(frozen=True)
class RouteLookup(Route):
    """The answer of `ip route get`: a `Route`, and what it was asked for.

    `dst` is the destination as a host prefix (the matched entry's
    prefix with `fib_match`); `src` the preferred source the kernel
    picked, `source` the source the lookup was made with (`from`: given
    as `src=`, then the kernel sends no preferred one); `iif` the
    incoming link of a lookup as if received there, `mark` and `uid`
    those of the lookup.
    """

    source: IPAddress | None = None
    iif: str | None = None
    mark: int | None = None
    uid: int | None = None

    @property
    def source_address(self) -> IPAddress | None:
        """The address a packet on this route would leave from."""
        return self.src if self.src is not None else self.source


def route_get(
    ns: Namespace,
    dst: str,
    *,
    src: str | None = None,
    dev: Link | str | int | None = None,
    iif: Link | str | int | None = None,
    mark: int | None = None,
    fib_match: bool = False,
) -> RouteLookup:
    """The route the kernel would use for `dst` (see `Namespace.route_get`)."""
    from netkit.links import _name_of, resolve_index

    request = rtroute.get_route(
        dst,
        src=src,
        oif=resolve_index(ns, dev) if dev is not None else None,
        iif=resolve_index(ns, iif) if iif is not None else None,
        mark=mark,
        fib_match=fib_match,
    )
    # Without this flag IPv4 names the main table whatever table the
    # route came from.  IPv6 always names the right one, and its strict
    # checks refuse the flag ("Invalid flags for get route request").
    if request.body.family == AF_INET:
        request.body.flags |= rtroute.RTM_F.RTM_F_LOOKUP_TABLE
    (message,) = ns.rtnl.request(*request)
    indexes = {message.get("oif"), message.get("iif")} - {None, 0}
    names = {i: _name_of(ns, i) or str(i) for i in indexes}
    route = Route.from_message(message, names)
    found = {f.name: getattr(route, f.name) for f in dataclasses.fields(route)}
    iif = message.get("iif")
    return RouteLookup(
        **found,
        source=message.get("src"),
        iif=names.get(iif) if iif else None,
        mark=message.get("mark"),
        uid=message.get("uid"),
    )


def neighbour(ns: Namespace, ip: str, dev: Link | str | int) -> Neighbour:
    """One neighbour entry (see `Namespace.neighbour`).

    NeighbourNotFound with the kernel's text when there is none.
    """
    from netkit.links import Link, _name_of, resolve_index
    from netkit.neighbours import Neighbour

    index = resolve_index(ns, dev)
    (message,) = ns.rtnl.request(*rtneigh.get_neigh(ip, index))
    if isinstance(dev, Link | str):
        name = dev if isinstance(dev, str) else dev.name
    else:
        name = _name_of(ns, index) or str(index)
    return Neighbour.from_message(message, {index: name})

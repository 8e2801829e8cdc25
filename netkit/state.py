"""What a monitor knows of a namespace, and how a message changes it.

The kernel announces a new link and a changed one with the same message
(RTM_NEWLINK), and likewise for addresses, routes and neighbours.  A
monitor keeps `Tables`, a copy of what it watches keyed the way the
kernel keys it (a link by index, an address by link and prefix...), so
that a message for a known key is a change and one for an unknown key an
addition.  The tables also stand in for what the kernel does without a
word: taking a link down drops its IPv4 routes, and a link that goes
takes along what is left on it.  Nothing here does I/O: the tables are
fed decoded objects.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netkit.events import ADDED, CHANGED, IMPLIED, KINDS, REMOVED, Event
from netkit.rtnl.rtm import AF_INET

if TYPE_CHECKING:
    from netkit.addresses import Address
    from netkit.links import Link
    from netkit.neighbours import Neighbour
    from netkit.routes import Route


@dataclass(frozen=True, slots=True)
class Change:
    """One decoded message: what it is about, and whether it removes it.

    `replace` is the NLM_F_REPLACE flag of a route notification: the
    route took the place of another with the same destination and metric.
    """

    kind: str
    value: Any
    removed: bool = False
    replace: bool = False


# How the kernel tells objects apart.  A route's key holds its next hops,
# so that routes appended to the same destination stay apart.


def link_key(link: Link) -> Hashable:
    return link.index


def address_key(address: Address) -> Hashable:
    return (address.family, address.index, address.address)


def route_slot(route: Route) -> Hashable:
    """What `ip route replace` replaces: destination, table and metric."""
    return (route.family, route.table, route.dst, route.metric)


def route_key(route: Route) -> Hashable:
    # Next hops by where they lead; their flags (dead, linkdown) change.
    hops = tuple(
        (hop.get("gateway"), hop.get("oif")) for hop in route.nexthops
    )
    return (*route_slot(route), route.type, route.gateway, route.oif, hops)


def neighbour_key(neighbour: Neighbour) -> Hashable:
    return (neighbour.family, neighbour.index, neighbour.ip)


KEYS: dict[str, Callable[[Any], Hashable]] = {
    "link": link_key,
    "address": address_key,
    "route": route_key,
    "neighbour": neighbour_key,
}


# What counts as a difference when two dumps are compared: not counters,
# timers or lifetimes, which move without anything happening.


def _link_looks(link: Link) -> tuple:
    return (
        link.name,
        link.kind,
        link.flags,
        link.state,
        link.mtu,
        link.mac,
        link.broadcast,
        link.master_index,
        link.link_index,
        link.link_netnsid,
        link.alias,
        link.txqueuelen,
        link.group,
    )


def _address_looks(address: Address) -> tuple:
    return (address.address, address.dev, address.scope, address.flags)


SAME: dict[str, Callable[[Any, Any], bool]] = {
    "link": lambda a, b: _link_looks(a) == _link_looks(b),
    "address": lambda a, b: a == b or _address_looks(a) == _address_looks(b),
    "route": lambda a, b: a == b,
    "neighbour": lambda a, b: a == b,
}


def _exits(route: Route) -> set[int]:
    """The links a route leaves by: its next hops', or its own."""
    if route.nexthops:
        return {hop.get("oif") or 0 for hop in route.nexthops}
    return {route.oif} if route.oif else set()


class Tables:
    """What is known of a namespace: links, addresses, routes, neighbours.

    `apply()` takes a `Change` and returns the events it makes;
    `differences()` compares two tables.  Each table is a dict keyed as
    `KEYS` says; `names` maps link indexes to names.
    """

    def __init__(self) -> None:
        self.links: dict[Hashable, Link] = {}
        self.addresses: dict[Hashable, Address] = {}
        self.routes: dict[Hashable, Route] = {}
        self.neighbours: dict[Hashable, Neighbour] = {}
        self.names: dict[int, str] = {}

    def table(self, kind: str) -> dict[Hashable, Any]:
        return self._tables()[kind]

    def _tables(self) -> dict[str, dict[Hashable, Any]]:
        return {
            "link": self.links,
            "address": self.addresses,
            "route": self.routes,
            "neighbour": self.neighbours,
        }

    def apply(self, change: Change) -> list[Event]:
        """Record a change; return the events it stands for.

        A removal of something unknown makes no event: whoever reads the
        events never saw it added.
        """
        table = self.table(change.kind)
        key = KEYS[change.kind](change.value)
        if change.removed:
            old = table.pop(key, None)
            if old is None:
                return []
            events = [REMOVED[change.kind](change.value)]
            if change.kind == "link":
                events += self.forget_link(change.value.index)
            return events

        old = table.get(key)
        if change.replace and old is None:
            old = self._replaced(change.value)
        table[key] = change.value
        if change.kind == "link":
            self.names[change.value.index] = change.value.name
        if old is None:
            return [ADDED[change.kind](change.value)]
        events = [CHANGED[change.kind](change.value, old)]
        return events + self._implied_by_change(change, old)

    def _replaced(self, route: Route) -> Route | None:
        slot = route_slot(route)
        for key, known in self.routes.items():
            if route_slot(known) == slot:
                return self.routes.pop(key)
        return None

    def _implied_by_change(self, change: Change, old: Any) -> list[Event]:
        if change.kind != "link" or not (old.is_up and not change.value.is_up):
            return []
        # Taking a link down removes its IPv4 routes, all but the
        # host-scope ones, without a word (IPv6 says what it removes).
        index = change.value.index

        def dead(route: Route) -> bool:
            exits = _exits(route)
            return (
                route.family == AF_INET
                and route.scope != "host"
                and index in exits
                and not any(self._carries(i) for i in exits)
            )

        return self.forget("route", dead)

    def _carries(self, index: int) -> bool:
        link = self.links.get(index)
        return link is not None and link.is_up

    def forget(self, kind: str, doomed: Callable[[Any], bool]) -> list[Event]:
        """Remove the entries `doomed` picks; return "implied" removals."""
        table = self.table(kind)
        keys = [key for key, value in table.items() if doomed(value)]
        return [REMOVED[kind](table.pop(key), origin=IMPLIED) for key in keys]

    def forget_link(self, index: int) -> list[Event]:
        """Remove what was left of a link that went; "implied" removals."""
        self.names.pop(index, None)
        return [
            *self.forget("neighbour", lambda n: n.index == index),
            *self.forget(
                "route",
                lambda r: (
                    index in _exits(r) and _exits(r).isdisjoint(self.links)
                ),
            ),
            *self.forget("address", lambda a: a.index == index),
        ]

    def differences(self, new: Tables, origin: str) -> list[Event]:
        """The events that turn these tables into `new`.

        Removals come first, dependents before their links; then
        additions and changes, links before what is on them.
        """
        events: list[Event] = []
        for kind in reversed(KINDS):
            mine, theirs = self.table(kind), new.table(kind)
            events += [
                REMOVED[kind](value, origin=origin)
                for key, value in mine.items()
                if key not in theirs
            ]
        for kind in KINDS:
            events += _updates(kind, self.table(kind), new.table(kind), origin)
        return events

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables().values())


def _updates(
    kind: str,
    mine: dict[Hashable, Any],
    theirs: dict[Hashable, Any],
    origin: str,
) -> Iterable[Event]:
    for key, value in theirs.items():
        old = mine.get(key)
        if old is None:
            yield ADDED[kind](value, origin=origin)
        elif not SAME[kind](old, value):
            yield CHANGED[kind](value, old, origin=origin)

"""Typed events: a link, address, route or neighbour added, changed, gone.

A `Monitor` yields them (`netkit.state` says how it tells an addition
from a change).  Each carries the object as a dump gives it (`Link`,
`Address`, `Route`, `Neighbour`); a change also carries the old one.

Each event says where it comes from in `origin`:

- "kernel": a notification the kernel sent;
- "existing": replayed from the dump a monitor starts with;
- "resync": a difference found by dumping again after lost events;
- "implied": a removal the kernel makes without saying so (IPv4 routes of
  a link taken down, anything left of a link that went away).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from netkit.addresses import Address
    from netkit.links import Link
    from netkit.neighbours import Neighbour
    from netkit.routes import Route

KERNEL, EXISTING, RESYNC, IMPLIED = "kernel", "existing", "resync", "implied"

KINDS = ("link", "address", "route", "neighbour")


@dataclass(frozen=True)
class Event:
    """Something changed in a namespace: a link, address, route or entry.

    `kind` is "link", "address", "route" or "neighbour"; `action` is
    "added", "changed" or "removed"; `value` is the object concerned.
    """

    kind: ClassVar[str]
    action: ClassVar[str]
    origin: str = field(default=KERNEL, kw_only=True)

    @property
    def value(self) -> Any:
        return getattr(self, self.kind)


@dataclass(frozen=True)
class LinkEvent(Event):
    kind: ClassVar[str] = "link"
    link: Link


class LinkAdded(LinkEvent):
    """A link appeared: created here, or moved into this namespace."""

    action = "added"


@dataclass(frozen=True)
class LinkChanged(LinkEvent):
    """A link changed (state, MTU, name, master...); `old` is before."""

    action = "changed"
    old: Link


class LinkRemoved(LinkEvent):
    """A link went: deleted, or moved to another namespace."""

    action = "removed"


@dataclass(frozen=True)
class AddressEvent(Event):
    kind: ClassVar[str] = "address"
    address: Address


class AddressAdded(AddressEvent):
    """An address was added to a link (IPv6 ones start tentative)."""

    action = "added"


@dataclass(frozen=True)
class AddressChanged(AddressEvent):
    """An address changed: its flags (DAD ended), lifetimes, label."""

    action = "changed"
    old: Address


class AddressRemoved(AddressEvent):
    """An address was removed."""

    action = "removed"


@dataclass(frozen=True)
class RouteEvent(Event):
    kind: ClassVar[str] = "route"
    route: Route


class RouteAdded(RouteEvent):
    """A route was added, to any table."""

    action = "added"


@dataclass(frozen=True)
class RouteChanged(RouteEvent):
    """A route was replaced (`ip route replace`); `old` is the one before."""

    action = "changed"
    old: Route


class RouteRemoved(RouteEvent):
    """A route was removed."""

    action = "removed"


@dataclass(frozen=True)
class NeighbourEvent(Event):
    kind: ClassVar[str] = "neighbour"
    neighbour: Neighbour


class NeighbourAdded(NeighbourEvent):
    """A neighbour entry appeared (added by hand, or being resolved)."""

    action = "added"


@dataclass(frozen=True)
class NeighbourChanged(NeighbourEvent):
    """An entry changed: its state (REACHABLE, STALE...) or its MAC."""

    action = "changed"
    old: Neighbour


class NeighbourRemoved(NeighbourEvent):
    """A neighbour entry was removed."""

    action = "removed"


ADDED: dict[str, type[Event]] = {
    "link": LinkAdded,
    "address": AddressAdded,
    "route": RouteAdded,
    "neighbour": NeighbourAdded,
}
CHANGED: dict[str, type[Event]] = {
    "link": LinkChanged,
    "address": AddressChanged,
    "route": RouteChanged,
    "neighbour": NeighbourChanged,
}
REMOVED: dict[str, type[Event]] = {
    "link": LinkRemoved,
    "address": AddressRemoved,
    "route": RouteRemoved,
    "neighbour": NeighbourRemoved,
}

"""The typed objects a topology file turns into.

Each object keeps `path`, where it was declared in the file
("veths[1].a"), so that problems found later, at check or apply time,
can point back at the line the user wrote.  Names of namespaces are the
names the file uses to refer to them; `netns` is the name under
/run/netns that `netkit up` creates (the file's name, after `--prefix`),
None for the entry that stands for the host's own namespace.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class SysctlSpec:
    """One `net.*` setting of a namespace (`sysctls` of a namespace)."""

    key: str
    value: int | str
    path: str


@dataclass(frozen=True)
class RouteSpec:
    """A route of a namespace: `dst` via a gateway and/or out of `dev`."""

    dst: IPNetwork
    via: IPAddress | None
    dev: str | None
    metric: int | None
    src: IPAddress | None
    path: str


@dataclass(frozen=True)
class NeighbourSpec:
    """A permanent ARP/NDP entry: `ip` is at `mac`, on link `dev`."""

    ip: IPAddress
    mac: str
    dev: str
    path: str


@dataclass(frozen=True)
class NamespaceSpec:
    """A `[[namespaces]]` entry: a room, or the host when `host` is set."""

    name: str
    netns: str | None
    loopback: bool
    sysctls: tuple[SysctlSpec, ...]
    routes: tuple[RouteSpec, ...]
    neighbours: tuple[NeighbourSpec, ...]
    path: str

    @property
    def host(self) -> bool:
        """This entry stands for the namespace `netkit up` runs in."""
        return self.netns is None


@dataclass(frozen=True)
class LinkSpec:
    """A link the file declares: a bridge, a veth end or another kind.

    `namespace` is the file's name of the namespace it lives in; `master`
    the bridge it is a port of (in the same namespace); `parent` the
    lower link of a vlan, macvlan or vxlan; `options` the kind's data by
    netkit's Python names (IFLA_VXLAN_ID is "id").
    """

    name: str
    kind: str
    namespace: str
    addresses: tuple[IPInterface, ...] = ()
    mtu: int | None = None
    mac: str | None = None
    up: bool = True
    master: str | None = None
    parent: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    path: str = ""


@dataclass(frozen=True)
class VethSpec:
    """A `[[veths]]` cable: two veth ends, `a` and `b`."""

    a: LinkSpec
    b: LinkSpec
    path: str


@dataclass(frozen=True)
class Topology:
    """A whole topology file, parsed and checked."""

    file: str
    namespaces: tuple[NamespaceSpec, ...]
    bridges: tuple[LinkSpec, ...]
    veths: tuple[VethSpec, ...]
    links: tuple[LinkSpec, ...]

    def namespace(self, name: str) -> NamespaceSpec:
        """The namespace entry the file calls `name`."""
        for spec in self.namespaces:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def all_links(self) -> Iterator[LinkSpec]:
        """Every declared link, in the order they are created."""
        yield from self.bridges
        for veth in self.veths:
            yield veth.a
            yield veth.b
        yield from self.links

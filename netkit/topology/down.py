"""`down`: remove what a topology file declares, and nothing else.

First the neighbours and routes the file gives the host go; then the
declared links, each only if a link of that name and kind is where the
file puts it; then the namespaces the file declares.  Links go
explicitly, not just with their namespace: a namespace that a process
still holds lives on after its name is removed, and so would its links
and their veth peers.  The host's own namespace is never deleted, and
its sysctls are left as they are (netkit does not know what they were
before).  What is already gone is skipped, so `down` can run twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netkit.errors import NamespaceNotFound
from netkit.namespace import Namespace
from netkit.topology import iptext
from netkit.topology.context import Report, quiet
from netkit.topology.linking import find
from netkit.topology.spec import LinkSpec, NamespaceSpec, Topology


@dataclass
class DownResult:
    """What `down` removed, and what it could not."""

    removed: int = 0
    errors: list[str] = field(default_factory=list)


class Teardown:
    def __init__(self, topology: Topology, report: Report) -> None:
        self.topology = topology
        self.report = report
        self.result = DownResult()
        self.opened: dict[str, Namespace | None] = {}

    def open(self, spec: NamespaceSpec) -> Namespace | None:
        if spec.name not in self.opened:
            self.opened[spec.name] = _open(spec)
        return self.opened[spec.name]

    def attempt(self, command: str, action) -> None:
        try:
            action()
        except OSError as exc:
            self.result.errors.append(f"{command}: {exc}")
            self.report("!", f"{command}: {exc}")
            return
        self.result.removed += 1
        self.report("-", command)

    def links(self) -> None:
        links = list(self.topology.links)
        veths = list(self.topology.veths)
        for spec in reversed(links):
            self.link(spec)
        for veth in reversed(veths):
            if not self.link(veth.a):
                self.link(veth.b)
        for spec in reversed(self.topology.bridges):
            self.link(spec)

    def link(self, spec: LinkSpec) -> bool:
        """Delete the declared link if it is there; whether it was."""
        ns_spec = self.topology.namespace(spec.namespace)
        ns = self.open(ns_spec)
        found = find(ns, spec.name) if ns is not None else None
        if found is None:
            return False
        if found.kind != spec.kind:
            self.report(
                "#",
                f"left {spec.name!r} in {_place(ns_spec)}: it is a "
                f"{found.kind}, not the {spec.kind} the file declares",
            )
            return False
        self.attempt(iptext.link_del(ns_spec.netns, spec.name), found.delete)
        return True

    def host(self, spec: NamespaceSpec) -> None:
        ns = self.open(spec)
        for neighbour in spec.neighbours:
            present = any(
                n.ip == neighbour.ip and n.state == "PERMANENT"
                for n in _neighbours(ns, neighbour.dev)
            )
            if present:
                self.attempt(
                    iptext.neigh(None, "del", neighbour),
                    lambda n=neighbour: ns.delete_neighbour(
                        str(n.ip), dev=n.dev
                    ),
                )
        for route in spec.routes:
            if any(
                r.dst == route.dst
                and r.gateway == route.via
                and route.dev in (None, r.dev)
                for r in ns.routes(family=route.dst.version)
            ):
                self.attempt(
                    iptext.route(None, "del", route),
                    lambda r=route: ns.delete_route(
                        str(r.dst),
                        via=None if r.via is None else str(r.via),
                        dev=r.dev,
                    ),
                )
        for item in spec.sysctls:
            self.report("#", f"left {item.key} as it is on the host")

    def namespaces(self) -> None:
        for spec in reversed(self.topology.namespaces):
            if spec.host:
                continue
            ns = self.open(spec)
            if ns is not None:
                self.attempt(iptext.netns_del(spec.netns), ns.delete)
                self.opened[spec.name] = None

    def close(self) -> None:
        for ns in self.opened.values():
            if ns is not None:
                ns.close()


def down(topology: Topology, report: Report = quiet) -> DownResult:
    """Remove what `topology` declares; report each removal.

    Errors do not stop it: each is reported, and listed in the result.
    """
    teardown = Teardown(topology, report)
    try:
        for spec in topology.namespaces:
            if spec.host:
                teardown.host(spec)
        teardown.links()
        teardown.namespaces()
    finally:
        teardown.close()
    return teardown.result


def _open(spec: NamespaceSpec) -> Namespace | None:
    if spec.host:
        return Namespace.current()
    try:
        return Namespace(spec.netns)
    except NamespaceNotFound:
        return None


def _neighbours(ns: Namespace, dev: str) -> list:
    if find(ns, dev) is None:
        return []
    return ns.neighbours(dev=dev)


def _place(spec: NamespaceSpec) -> str:
    return "the host's namespace" if spec.host else f"namespace {spec.netns}"

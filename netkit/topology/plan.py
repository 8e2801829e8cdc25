"""The ordered steps that bring a topology up, as data.

A plan is a list of `Step`s, each naming the action that performs it
(`apply.ACTIONS`), the spec it acts on, where the file declares it, and
the `ip` commands a build from nothing would run for it.  Building the
plan touches no kernel, so `--dry-run` works anywhere.

The order is the order things depend on each other: namespaces (and
their loopback and sysctls), bridges, veth cables, other links, bridge
ports, addresses, up/down, then routes and neighbours, which need links
that are up and addressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from netkit.topology import iptext, options
from netkit.topology.spec import LinkSpec, NamespaceSpec, Topology, VethSpec


@dataclass(frozen=True)
class Step:
    """One thing to make true, and the `ip` commands that would make it."""

    action: str
    path: str
    namespace: NamespaceSpec
    target: Any
    commands: tuple[str, ...] = ()

    def describe(self) -> str:
        """The step as error messages name it: path and first command."""
        if not self.commands:
            return f"{self.path} ({self.action})"
        more = " ..." if len(self.commands) > 1 else ""
        return f"{self.path} ({self.commands[0]}{more})"


@dataclass(frozen=True)
class Plan:
    """The steps of `netkit up` for one topology, in order."""

    topology: Topology
    steps: tuple[Step, ...]

    def commands(self) -> list[str]:
        return [command for step in self.steps for command in step.commands]

    def script(self) -> str:
        """The plan as a shell script of `ip` commands."""
        lines = [
            f"# netkit up {self.topology.file}, as ip commands",
            "set -e",
            *self.commands(),
        ]
        return "\n".join(lines) + "\n"


def build(topology: Topology) -> Plan:
    """The plan that brings `topology` up from nothing, step by step."""
    steps = [
        *_namespaces(topology),
        *(_bridge(topology, b) for b in topology.bridges),
        *(_veth(topology, v) for v in topology.veths),
        *(_link(topology, link) for link in topology.links),
        *_per_link(topology, "port", _port),
        *_per_link(topology, "addresses", _addresses),
        *_per_link(topology, "state", _state),
        *_routes(topology),
    ]
    return Plan(topology, tuple(steps))


def _namespaces(topology: Topology) -> Iterator[Step]:
    for ns in topology.namespaces:
        create = () if ns.host else (iptext.netns_add(ns.netns),)
        yield Step("namespace", ns.path, ns, ns, create)
        if ns.loopback:
            command = iptext.link_set(ns.netns, "lo", "up")
            yield Step("loopback", ns.path, ns, ns, (command,))
        for item in ns.sysctls:
            command = iptext.sysctl(ns.netns, item.key, item.value)
            yield Step("sysctl", item.path, ns, item, (command,))


def _bridge(topology: Topology, bridge: LinkSpec) -> Step:
    ns = topology.namespace(bridge.namespace)
    words = options.ip_words("bridge", bridge.options)
    command = iptext.link_add(ns.netns, bridge, kind_words=words)
    return Step("bridge", bridge.path, ns, bridge, (command,))


def _veth(topology: Topology, veth: VethSpec) -> Step:
    a, b = veth.a, veth.b
    a_ns = topology.namespace(a.namespace)
    b_ns = topology.namespace(b.namespace)
    if b_ns.host and not a_ns.host:
        # `ip link add ... netns` cannot name the host: build from there.
        a, b, a_ns, b_ns = b, a, b_ns, a_ns
    command = iptext.veth_add(a_ns.netns, a, b, b_ns.netns)
    return Step("veth", veth.path, a_ns, veth, (command,))


def _link(topology: Topology, link: LinkSpec) -> Step:
    ns = topology.namespace(link.namespace)
    data = dict(link.options)
    parent = link.parent
    in_data = options.PARENT_IN_DATA.get(link.kind)
    if in_data is not None and parent is not None:
        data[in_data] = parent
        parent = None
    words = options.ip_words(link.kind, data)
    command = iptext.link_add(ns.netns, link, parent, words)
    return Step("link", link.path, ns, link, (command,))


def _per_link(topology: Topology, action: str, commands: Any) -> list[Step]:
    steps = []
    for link in topology.all_links():
        if action == "port" and link.master is None:
            continue
        ns = topology.namespace(link.namespace)
        texts = tuple(commands(ns, link))
        steps.append(Step(action, link.path, ns, link, texts))
    return steps


def _port(ns: NamespaceSpec, link: LinkSpec) -> list[str]:
    return [iptext.link_set(ns.netns, link.name, "master", link.master)]


def _addresses(ns: NamespaceSpec, link: LinkSpec) -> list[str]:
    return [
        iptext.addr(ns.netns, "add", address, link.name)
        for address in link.addresses
    ]


def _state(ns: NamespaceSpec, link: LinkSpec) -> list[str]:
    # A new link starts down, so only `up` needs a command.
    return [iptext.link_set(ns.netns, link.name, "up")] if link.up else []


def _routes(topology: Topology) -> Iterator[Step]:
    for ns in topology.namespaces:
        for route in ns.routes:
            command = iptext.route(ns.netns, "add", route)
            yield Step("route", route.path, ns, route, (command,))
    for ns in topology.namespaces:
        for neighbour in ns.neighbours:
            command = iptext.neigh(ns.netns, "add", neighbour)
            yield Step("neighbour", neighbour.path, ns, neighbour, (command,))

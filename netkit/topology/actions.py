"""What each kind of step does: compare with the kernel, change the rest.

`ACTIONS` maps a step's action to its function.  Each function looks up
the thing the step is about, creates it when it is missing and converges
it when it differs, reporting every change to the context with the `ip`
command it stands for and the way to undo it.  The steps about links are
in `linking`; namespaces, sysctls, routes and neighbours are here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netkit.errors import NamespaceNotFound
from netkit.namespace import Namespace
from netkit.topology import iptext, linking
from netkit.topology.context import Context, later
from netkit.topology.plan import Step
from netkit.topology.spec import NeighbourSpec, RouteSpec


def namespace(context: Context, step: Step) -> None:
    spec = step.target
    if spec.host:
        context.opened[spec.name] = Namespace.current()
        return
    try:
        ns = Namespace(spec.netns)
    except NamespaceNotFound:
        ns = Namespace.create(spec.netns)
        context.done(
            step.commands[0], (iptext.netns_del(spec.netns), ns.delete)
        )
    context.opened[spec.name] = ns


def loopback(context: Context, step: Step) -> None:
    lo = context.ns(step.namespace.name).link("lo")
    if not lo.is_up:
        lo.up()
        undo = iptext.link_set(step.namespace.netns, "lo", "down")
        context.done(step.commands[0], (undo, lo.down))


def sysctl(context: Context, step: Step) -> None:
    ns = context.ns(step.namespace.name)
    key, value = step.target.key, step.target.value
    old = ns.sysctl(key)
    if _words(old) == _words(value):
        return
    ns.sysctl(key, value)
    undo = iptext.sysctl(step.namespace.netns, key, old)
    context.done(step.commands[0], (undo, lambda: ns.sysctl(key, old)))


def _words(value: object) -> list[str]:
    # The kernel separates the numbers of a multi-value setting by tabs.
    return str(value).split()


def route(context: Context, step: Step) -> None:
    """Add the route, or replace one to the same place that differs."""
    spec: RouteSpec = step.target
    ns = context.ns(step.namespace.name)
    netns = step.namespace.netns
    candidates = [
        found
        for found in ns.routes(family=spec.dst.version)
        if found.dst == spec.dst
        and found.type == "unicast"
        and (spec.metric is None or (found.metric or 0) == spec.metric)
    ]
    if any(_same_route(found, spec) for found in candidates):
        return

    dst = str(spec.dst)
    wanted = _route_args(spec)
    if not candidates:
        ns.add_route(dst, **wanted)
        key = {k: v for k, v in wanted.items() if k != "src"}
        undo = (
            iptext.route(netns, "del", spec),
            later(ns.delete_route, dst, **key),
        )
        context.done(step.commands[0], undo)
        return

    old = candidates[0]
    back = RouteSpec(old.dst, old.gateway, old.dev, old.metric, old.src, "")
    if spec.metric is None:
        wanted["metric"] = old.metric
    ns.replace_route(dst, **wanted)
    undo = (
        iptext.route(netns, "replace", back),
        later(ns.replace_route, dst, **_route_args(back)),
    )
    context.done(iptext.route(netns, "replace", spec), undo)


def _same_route(found: Any, spec: RouteSpec) -> bool:
    return (
        found.gateway == spec.via
        and (spec.dev is None or found.dev == spec.dev)
        and (spec.src is None or found.src == spec.src)
    )


def _route_args(spec: RouteSpec) -> dict[str, Any]:
    args = {
        "via": None if spec.via is None else str(spec.via),
        "dev": spec.dev,
        "metric": spec.metric,
        "src": None if spec.src is None else str(spec.src),
    }
    return {key: value for key, value in args.items() if value is not None}


def neighbour(context: Context, step: Step) -> None:
    """Make the entry permanent with the file's MAC."""
    spec: NeighbourSpec = step.target
    ns = context.ns(step.namespace.name)
    netns = step.namespace.netns
    ip = str(spec.ip)
    old = next(
        (n for n in ns.neighbours(dev=spec.dev) if n.ip == spec.ip), None
    )
    permanent = old is not None and old.state == "PERMANENT" and old.mac
    if permanent and old.mac.lower() == spec.mac:
        return

    ns.add_neighbour(ip, mac=spec.mac, dev=spec.dev, replace=True)
    if permanent:
        back = NeighbourSpec(spec.ip, old.mac, spec.dev, "")
        undo = (
            iptext.neigh(netns, "replace", back),
            later(
                ns.add_neighbour, ip, mac=old.mac, dev=spec.dev, replace=True
            ),
        )
    else:
        undo = (
            iptext.neigh(netns, "del", spec),
            later(ns.delete_neighbour, ip, dev=spec.dev),
        )
    verb = "add" if old is None else "replace"
    context.done(iptext.neigh(netns, verb, spec), undo)


ACTIONS: dict[str, Callable[[Context, Step], None]] = {
    "namespace": namespace,
    "loopback": loopback,
    "sysctl": sysctl,
    "bridge": linking.bridge,
    "veth": linking.veth,
    "link": linking.link,
    "port": linking.port,
    "addresses": linking.addresses,
    "state": linking.state,
    "route": route,
    "neighbour": neighbour,
}

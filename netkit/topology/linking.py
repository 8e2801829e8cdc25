"""The steps about links: bridges, veths, other kinds, ports, addresses.

Each function finds the link the step is about, creates it when it is
missing, and converges what the file gives (MTU, MAC, bridge, addresses,
up or down).  A link of another kind under the declared name, or a veth
end whose peer is not the declared one, is a `Conflict`: `up` stops
rather than delete what the file does not own.
"""

from __future__ import annotations

from typing import Any

from netkit.bridge import Bridge
from netkit.errors import LinkNotFound
from netkit.links import Link
from netkit.namespace import Namespace
from netkit.topology import iptext, options
from netkit.topology.context import Context, later
from netkit.topology.errors import Conflict
from netkit.topology.plan import Step
from netkit.topology.spec import LinkSpec
from netkit.veth import VethPair


def find(ns: Namespace, name: str) -> Link | None:
    """The link called `name` in `ns`, or None."""
    try:
        return ns.link(name)
    except LinkNotFound:
        return None


def expect_kind(link: Link, spec: LinkSpec, where: str) -> None:
    if link.kind != spec.kind:
        found = link.kind or "link of no kind"
        raise Conflict(
            f"a {found} named {link.name!r} is already in {where}, "
            f"not the {spec.kind} the file declares; remove it or "
            f"rename the {spec.kind} in the file"
        )


def where(context: Context, name: str) -> str:
    spec = context.spec(name)
    return "the host's namespace" if spec.host else f"namespace {spec.netns}"


def bridge(context: Context, step: Step) -> None:
    spec = step.target
    ns = context.ns(spec.namespace)
    link = find(ns, spec.name)
    if link is None:
        link = Bridge.create(
            spec.name, ns=ns, mtu=spec.mtu, mac=spec.mac, **spec.options
        )
        _created(context, step, spec, link)
        return
    expect_kind(link, spec, where(context, spec.namespace))
    settings(context, spec, link)


def veth(context: Context, step: Step) -> None:
    a, b = step.target.a, step.target.b
    a_ns, b_ns = context.ns(a.namespace), context.ns(b.namespace)
    a_link, b_link = find(a_ns, a.name), find(b_ns, b.name)
    if a_link is None and b_link is None:
        pair = VethPair.create(
            a.name,
            b.name,
            ns=a_ns,
            peer_ns=b_ns,
            mtu=a.mtu if a.mtu == b.mtu else None,
            mac=a.mac,
            peer_mac=b.mac,
        )
        _created(context, step, a, pair.a)
        settings(context, a, pair.a, report=False)
        settings(context, b, pair.b, report=False)
        return
    _expect_peers(context, step, a_link, b_link)
    settings(context, a, a_link)
    settings(context, b, b_link)


def _expect_peers(
    context: Context, step: Step, a_link: Link | None, b_link: Link | None
) -> None:
    a, b = step.target.a, step.target.b
    for spec, found in ((a, a_link), (b, b_link)):
        if found is not None:
            expect_kind(found, spec, where(context, spec.namespace))
    if a_link is not None and b_link is not None and _peer(a_link) == b_link:
        return

    there, other = (a, b) if a_link is not None else (b, a)
    raise Conflict(
        f"veth {there.name!r} is already in "
        f"{where(context, there.namespace)}, but its peer is not "
        f"{other.name!r} in {where(context, other.namespace)}; remove it "
        "or rename the end in the file"
    )


def _peer(link: Link | None) -> Link | None:
    try:
        return link.peer() if link is not None else None
    except (LinkNotFound, ValueError):
        return None


def link(context: Context, step: Step) -> None:
    spec = step.target
    ns = context.ns(spec.namespace)
    found = find(ns, spec.name)
    if found is not None:
        expect_kind(found, spec, where(context, spec.namespace))
        settings(context, spec, found)
        return

    data = dict(spec.options)
    parent: Any = spec.parent
    in_data = options.PARENT_IN_DATA.get(spec.kind)
    if in_data is not None and parent is not None:
        data[in_data] = ns.link(parent).index
        parent = None
    found = Link.create(
        spec.name,
        spec.kind,
        ns=ns,
        data=data or None,
        mtu=spec.mtu,
        mac=spec.mac,
        parent=parent,
    )
    _created(context, step, spec, found)


def _created(
    context: Context, step: Step, spec: LinkSpec, found: Link
) -> None:
    undo = iptext.link_del(context.netns(spec.namespace), spec.name)
    context.done(step.commands[0], (undo, found.delete))


def settings(
    context: Context, spec: LinkSpec, link: Link, *, report: bool = True
) -> None:
    """Converge a link's MTU and MAC to the file's, where it gives them."""
    new: dict[str, Any] = {}
    old: dict[str, Any] = {}
    if spec.mtu is not None and link.mtu != spec.mtu:
        new["mtu"], old["mtu"] = spec.mtu, link.mtu
    if spec.mac is not None and (link.mac or "").lower() != spec.mac:
        new["mac"], old["mac"] = spec.mac, link.mac
    if not new:
        return
    link.set(**new)
    if report:
        netns = context.netns(spec.namespace)
        context.done(
            iptext.link_set(netns, spec.name, *_set_words(new)),
            (
                iptext.link_set(netns, spec.name, *_set_words(old)),
                later(link.set, **old),
            ),
        )


def _set_words(values: dict[str, Any]) -> list[object]:
    words: list[object] = []
    for key, value in values.items():
        words += ["address" if key == "mac" else key, value]
    return words


def port(context: Context, step: Step) -> None:
    spec = step.target
    ns = context.ns(spec.namespace)
    link = ns.link(spec.name)
    if link.master == spec.master:
        return
    master = ns.link(spec.master)
    if not isinstance(master, Bridge):
        raise Conflict(f"{spec.master!r} is a {master.kind}, not a bridge")
    old = ns.link(link.master) if link.master else None
    master.attach(link)
    netns = context.netns(spec.namespace)
    if isinstance(old, Bridge):
        undo = (
            iptext.link_set(netns, spec.name, "master", old.name),
            later(old.attach, link),
        )
    else:
        undo = (
            iptext.link_set(netns, spec.name, "nomaster"),
            later(master.detach, link),
        )
    context.done(step.commands[0], undo)


def addresses(context: Context, step: Step) -> None:
    """Add the file's addresses; remove others, but not link-local ones."""
    spec = step.target
    link = context.ns(spec.namespace).link(spec.name)
    netns = context.netns(spec.namespace)
    have = {found.address: found for found in link.addresses()}
    for address in spec.addresses:
        if address in have:
            continue
        link.add_address(str(address))
        context.done(
            iptext.addr(netns, "add", address, spec.name),
            (
                iptext.addr(netns, "del", address, spec.name),
                later(link.delete_address, str(address)),
            ),
        )
    for address, found in have.items():
        if address in spec.addresses or found.scope == "link":
            continue
        link.delete_address(str(address))
        context.done(
            iptext.addr(netns, "del", address, spec.name),
            (
                iptext.addr(netns, "add", address, spec.name),
                later(link.add_address, str(address)),
            ),
        )


def state(context: Context, step: Step) -> None:
    spec = step.target
    link = context.ns(spec.namespace).link(spec.name)
    if link.is_up == spec.up:
        return

    netns = context.netns(spec.namespace)
    words, back = ("up", "down") if spec.up else ("down", "up")
    change, undo = (link.up, link.down) if spec.up else (link.down, link.up)
    change()
    context.done(
        iptext.link_set(netns, spec.name, words),
        (iptext.link_set(netns, spec.name, back), undo),
    )

"""Checks across a topology: names declared once, references that resolve.

After each entry has parsed on its own (`schema`), these checks look at
the whole: a namespace or bridge named where it is used must be declared,
a name must not be declared twice, a veth end must not be named twice,
a route's link must be one the namespace will have.  A link given by the
bridge it plugs into lives in that bridge's namespace; `check` returns
the topology with that filled in.
"""

from __future__ import annotations

from dataclasses import replace

from netkit.topology.reader import Problems, join
from netkit.topology.spec import LinkSpec, NamespaceSpec, Topology, VethSpec

LOOPBACK = "lo"


def check(topology: Topology, problems: Problems) -> Topology:
    """The topology with link namespaces resolved; problems recorded."""
    namespaces = _namespaces(topology.namespaces, problems)
    _unique_bridges(topology.bridges, problems)
    bridges = tuple(
        _place(b, namespaces, {}, problems) for b in topology.bridges
    )
    by_bridge = {b.name: b for b in bridges}
    veths = tuple(
        VethSpec(
            _place(v.a, namespaces, by_bridge, problems),
            _place(v.b, namespaces, by_bridge, problems),
            v.path,
        )
        for v in topology.veths
    )
    links = tuple(
        _place(link, namespaces, by_bridge, problems)
        for link in topology.links
    )
    topology = replace(topology, bridges=bridges, veths=veths, links=links)
    if not problems:
        _unique_links(topology, problems)
        _references(topology, namespaces, problems)
    return topology


def _namespaces(
    specs: tuple[NamespaceSpec, ...], problems: Problems
) -> dict[str, NamespaceSpec]:
    found: dict[str, NamespaceSpec] = {}
    host: NamespaceSpec | None = None
    for spec in specs:
        if spec.name in found:
            problems.add(
                join(spec.path, "name"),
                f"duplicate namespace {spec.name!r}: "
                f"also declared at {found[spec.name].path}",
            )
        if spec.host and host is not None:
            problems.add(
                join(spec.path, "host"),
                f"only one namespace can be the host; {host.path} is",
            )
        host = host or (spec if spec.host else None)
        found.setdefault(spec.name, spec)
    return found


def _unique_bridges(bridges: tuple[LinkSpec, ...], problems: Problems) -> None:
    # Ports name their bridge alone, so a bridge name is one per file.
    seen: dict[str, LinkSpec] = {}
    for bridge in bridges:
        first = seen.setdefault(bridge.name, bridge)
        if first is not bridge:
            problems.add(
                join(bridge.path, "name"),
                f"duplicate bridge {bridge.name!r}: also declared at "
                f"{first.path} (ports name their bridge, so each bridge "
                "needs a name of its own)",
            )


def _place(
    link: LinkSpec,
    namespaces: dict[str, NamespaceSpec],
    bridges: dict[str, LinkSpec],
    problems: Problems,
) -> LinkSpec:
    """The link with its namespace: given, or its bridge's."""
    namespace = link.namespace
    if link.master is not None:
        bridge = bridges.get(link.master)
        if bridge is None:
            problems.add(
                join(link.path, "bridge"),
                f"no bridge {link.master!r} is declared in [[bridges]]"
                + _declared(bridges),
            )
            return link
        if namespace and namespace != bridge.namespace:
            problems.add(
                join(link.path, "namespace"),
                f"{namespace!r}, but bridge {bridge.name!r} is in "
                f"{bridge.namespace!r}: a port is in its bridge's namespace",
            )
        namespace = bridge.namespace
    if namespace and namespace not in namespaces:
        problems.add(
            join(link.path, "namespace"),
            f"no namespace {namespace!r} is declared in [[namespaces]]"
            + _declared(namespaces),
        )
    return replace(link, namespace=namespace)


def _declared(names: dict) -> str:
    if not names:
        return " (none is)"
    return f" (declared: {', '.join(names)})"


def _unique_links(topology: Topology, problems: Problems) -> None:
    """Each link name once per namespace; each veth end once."""
    seen: dict[tuple[str, str], LinkSpec] = {}
    for link in topology.all_links():
        key = (link.namespace, link.name)
        first = seen.setdefault(key, link)
        if first is link:
            continue
        where = join(link.path, "name")
        if link.kind == "veth" and first.kind == "veth":
            problems.add(
                where,
                f"veth end {link.name!r} in {link.namespace!r} is named "
                f"twice: also at {first.path}",
            )
        else:
            problems.add(
                where,
                f"duplicate link {link.name!r} in {link.namespace!r}: "
                f"also declared at {first.path}",
            )


def _references(
    topology: Topology,
    namespaces: dict[str, NamespaceSpec],
    problems: Problems,
) -> None:
    """Parents, route and neighbour links name links that will exist."""
    declared: dict[str, list[str]] = {name: [] for name in namespaces}
    for link in topology.all_links():
        if link.parent is not None:
            _link_known(
                namespaces[link.namespace],
                declared[link.namespace],
                link.parent,
                join(link.path, "parent"),
                problems,
                "declare it before this link",
            )
        declared[link.namespace].append(link.name)

    for spec in topology.namespaces:
        names = declared[spec.name]
        for route in spec.routes:
            if route.dev is not None:
                where = join(route.path, "dev")
                _link_known(spec, names, route.dev, where, problems)
        for neighbour in spec.neighbours:
            where = join(neighbour.path, "dev")
            _link_known(spec, names, neighbour.dev, where, problems)


def _link_known(
    namespace: NamespaceSpec,
    names: list[str],
    name: str,
    where: str,
    problems: Problems,
    hint: str = "declare it in [[bridges]], [[veths]] or [[links]]",
) -> None:
    # The host has links of its own (eth0...) that the file may use.
    if namespace.host or name == LOOPBACK or name in names:
        return
    problems.add(
        where,
        f"no link {name!r} is declared in namespace "
        f"{namespace.name!r} ({hint})",
    )

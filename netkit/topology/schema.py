"""Parsing a topology file into spec objects, field by field.

Every value is checked here for what it can be checked alone: its type,
whether an address or a MAC parses, whether a name can be a link name.
Whether the names it refers to are declared is `checks`' concern.  All
problems of a file are collected and raised together, each with its key
path, as one `TopologyError`; nothing has been created by then.
"""

from __future__ import annotations

import os
import socket
import tomllib
from dataclasses import replace
from typing import Any

from netkit import sysctl
from netkit.ns.names import name_problem
from netkit.rtnl import link as rtlink
from netkit.rtnl.common import parse_address, parse_interface, parse_network
from netkit.rtnl.kinds import KIND_DATA, KINDS
from netkit.topology import checks, options
from netkit.topology.errors import TopologyError
from netkit.topology.reader import Problems, Section, join
from netkit.topology.spec import (
    LinkSpec,
    NamespaceSpec,
    NeighbourSpec,
    RouteSpec,
    SysctlSpec,
    Topology,
    VethSpec,
)

# Kinds that [[links]] may declare; bridges and veths have sections of
# their own.
OWN_SECTIONS = {"bridge": "[[bridges]]", "veth": "[[veths]]"}


def load(path: str | os.PathLike[str], prefix: str = "") -> Topology:
    """Read, parse and check a topology file.

    `prefix` goes before the name of every namespace the file creates.
    Raises `TopologyError` for a file that is not valid, OSError when it
    cannot be read.
    """
    file = os.fspath(path)
    with open(file, "rb") as stream:
        data = stream.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TopologyError(file, [("", f"not UTF-8 text: {exc}")]) from None
    return loads(text, file, prefix)


def loads(text: str, file: str = "<topology>", prefix: str = "") -> Topology:
    """Parse and check the text of a topology file (see `load`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TopologyError(file, [("", f"TOML syntax: {exc}")]) from None
    except RecursionError:
        # tomllib recurses for each level of nested arrays and tables.
        raise TopologyError(
            file, [("", "TOML syntax: nested too deeply")]
        ) from None

    problems = Problems()
    if prefix and name_problem(prefix + "x"):
        problems.add("", f"--prefix {prefix!r}: {name_problem(prefix + 'x')}")
    topology = _topology(Section(data, "", problems), file, prefix)
    if not problems:
        topology = checks.check(topology, problems)
    if problems:
        raise TopologyError(file, problems.items)
    return topology


def _topology(top: Section, file: str, prefix: str) -> Topology:
    top.take("description", str)
    topology = Topology(
        file=file,
        namespaces=tuple(
            _namespace(s, prefix) for s in top.sections("namespaces")
        ),
        bridges=tuple(_bridge(s) for s in top.sections("bridges")),
        veths=tuple(_veth(s) for s in top.sections("veths")),
        links=tuple(_link(s) for s in top.sections("links")),
    )
    top.finish()
    return topology


def _namespace(section: Section, prefix: str) -> NamespaceSpec:
    name = section.take("name", str, required=True)
    if name is not None and section.convert("name", name, _netns_name):
        section.convert("name", prefix + name, _netns_name)
    name = name or ""
    host = section.take("host", bool, default=False)
    sysctls = section.section("sysctls")
    spec = NamespaceSpec(
        name=name,
        netns=None if host else prefix + name,
        loopback=section.take("loopback", bool, default=True),
        sysctls=_sysctls(sysctls) if sysctls else (),
        routes=tuple(_route(s) for s in section.sections("routes")),
        neighbours=tuple(
            _neighbour(s) for s in section.sections("neighbours")
        ),
        path=section.path,
    )
    section.finish()
    return spec


def _netns_name(name: str) -> str:
    problem = name_problem(name)
    if problem:
        raise ValueError(f"{name!r} cannot name a namespace: {problem}")
    return name


def _sysctls(section: Section) -> tuple[SysctlSpec, ...]:
    found = []
    for key, value in section.data.items():
        section.asked.add(key)
        where = section.where(key)
        if section.convert(key, key, sysctl.path_of) is None:
            continue
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int | str):
            section.problems.add(where, "a sysctl value is a number or text")
            continue
        found.append(SysctlSpec(key, value, where))
    return tuple(found)


def _route(section: Section) -> RouteSpec:
    dst = section.take("dst", str, required=True)
    via = section.take("via", str)
    src = section.take("src", str)
    spec = RouteSpec(
        dst=section.convert("dst", dst, _destination) if dst else None,
        via=section.convert("via", via, _gateway) if via else None,
        dev=_link_name(section, "dev"),
        metric=_number(section, "metric", 0, 2**32 - 1),
        src=section.convert("src", src, _source) if src else None,
        path=section.path,
    )
    if dst is not None and via is None and spec.dev is None:
        section.problems.add(section.path, "a route needs `via` or `dev`")
    if spec.dst is not None and spec.via is not None:
        default = dst.lower() == "default"
        if spec.dst.version != spec.via.version and not default:
            section.problems.add(
                section.where("via"),
                f"gateway {via!r} is IPv{spec.via.version}, "
                f"destination {dst!r} is IPv{spec.dst.version}",
            )
        elif spec.dst.version != spec.via.version:
            spec = replace(
                spec, dst=parse_network("default", _family(spec.via))
            )
    section.finish()
    return spec


def _no_zone(text: str) -> None:
    # ipaddress keeps "%eth0" as a scope id, which netlink cannot carry:
    # the address would be applied without it and never match again.
    if "%" in text:
        raise ValueError(
            f"{text!r} has a zone (%...); give the address without it "
            "(its link says where it is)"
        )


def _destination(text: str) -> Any:
    _no_zone(text)
    return parse_network(text)


def _source(text: str) -> Any:
    _no_zone(text)
    return parse_address(text)


def _gateway(text: str) -> Any:
    _no_zone(text)
    try:
        return parse_address(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address") from None


def _family(address: Any) -> int:
    return socket.AF_INET6 if address.version == 6 else socket.AF_INET


def _neighbour(section: Section) -> NeighbourSpec:
    ip = section.take("ip", str, required=True)
    spec = NeighbourSpec(
        ip=section.convert("ip", ip, _source) if ip else None,
        mac=_mac(section, required=True),
        dev=_link_name(section, "dev", required=True),
        path=section.path,
    )
    section.finish()
    return spec


def _bridge(section: Section) -> LinkSpec:
    spec = _common(section, "bridge")
    spec = replace(spec, options=_options(section, "bridge", spec.name))
    section.finish()
    return spec


def _veth(section: Section) -> VethSpec:
    ends = {}
    for end in ("a", "b"):
        table = section.section(end, required=True)
        if table is None:
            ends[end] = LinkSpec("", "veth", "", path=section.where(end))
            continue
        ends[end] = _common(table, "veth", bridge=True)
        table.finish()
    section.finish()
    return VethSpec(ends["a"], ends["b"], section.path)


def _link(section: Section) -> LinkSpec:
    kind = section.take("kind", str, required=True, default="")
    if kind in OWN_SECTIONS:
        section.problems.add(
            section.where("kind"),
            f"declare a {kind} in {OWN_SECTIONS[kind]}, not in [[links]]",
        )
    elif kind and kind not in KINDS:
        known = ", ".join(sorted(KINDS - set(OWN_SECTIONS)))
        section.problems.add(
            section.where("kind"),
            f"netkit knows no link kind {kind!r} (known: {known})",
        )
    spec = _common(section, kind, bridge=True)
    spec = replace(
        spec,
        parent=_link_name(section, "parent"),
        options=_options(section, kind, spec.name),
    )
    section.finish()
    return spec


def _common(section: Section, kind: str, *, bridge: bool = False) -> LinkSpec:
    """The keys every link has: name, where it is, addresses, settings."""
    namespace = section.take("namespace", str)
    master = section.take("bridge", str) if bridge else None
    if namespace is None and master is None:
        keys = "`namespace` or `bridge`" if bridge else "`namespace`"
        section.problems.add(
            section.path,
            f"missing {keys}: every link names where it is (for the "
            "host's own namespace, declare an entry with host = true)",
        )
    return LinkSpec(
        name=_link_name(section, "name", required=True) or "",
        kind=kind,
        namespace=namespace or "",
        addresses=_addresses(section),
        mtu=_number(section, "mtu", 1, 2**31 - 1),
        mac=_mac(section),
        up=section.take("up", bool, default=True),
        master=master,
        path=section.path,
    )


def _link_name(
    section: Section, key: str, *, required: bool = False
) -> str | None:
    name = section.take(key, str, required=required)
    if name is None:
        return None
    return section.convert(key, name, rtlink.check_ifname)


def _addresses(section: Section) -> tuple:
    texts = []
    if section.has("address") and section.has("addresses"):
        section.problems.add(
            section.path, "give `address` or `addresses`, not both"
        )
    one = section.take("address", str)
    if one is not None:
        texts.append((section.where("address"), one))
    many = section.strings("addresses")
    where = section.where("addresses")
    texts.extend((join(where, i), text) for i, text in enumerate(many))
    found = []
    for path, text in texts:
        try:
            found.append(_interface(text))
        except ValueError as exc:
            section.problems.add(path, str(exc))
    return tuple(found)


def _interface(text: str) -> Any:
    _no_zone(text)
    try:
        return parse_interface(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an IP address with a prefix length, "
            "like 192.0.2.1/24 or 2001:db8::1/64"
        ) from None


def _mac(section: Section, *, required: bool = False) -> str | None:
    text = section.take("mac", str, required=required)
    if text is None:
        return None
    return section.convert("mac", text, _unicast_mac)


def _unicast_mac(text: str) -> str:
    mac = rtlink.check_mac(text).lower()
    if int(mac[:2], 16) & 1:
        raise ValueError(f"{text!r} is a multicast MAC; a link needs unicast")
    return mac


def _number(section: Section, key: str, low: int, high: int) -> int | None:
    value = section.take(key, int)
    if value is not None and not low <= value <= high:
        section.problems.add(
            section.where(key), f"{value} is not in {low}..{high}"
        )
        return None
    return value


def _options(section: Section, kind: str, name: str) -> dict[str, Any]:
    table = section.section("options")
    if table is None:
        return {}
    for key in table.data:
        table.asked.add(key)
    if kind not in KIND_DATA:
        section.problems.add(table.path, f"the {kind!r} kind takes no options")
        return {}
    return options.parse(table, kind, name or "x")

"""The `ip` commands that stand for each change, as shell text.

`netkit up --dry-run` prints them as a script that builds the same
network with iproute2, and `netkit up` and `down` print the ones for the
changes they make.  `netns` is the name under /run/netns, or None for
the host's own namespace (plain `ip`, no `-n`).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from netkit.topology.spec import LinkSpec, NeighbourSpec, RouteSpec


def ip(netns: str | None, *words: object) -> str:
    """`ip [-n NETNS] WORDS...`, quoted for a shell."""
    where = ["-n", netns] if netns is not None else []
    return shlex.join(["ip", *where, *map(str, words)])


def netns_add(name: str) -> str:
    return ip(None, "netns", "add", name)


def netns_del(name: str) -> str:
    return ip(None, "netns", "del", name)


def sysctl(netns: str | None, key: str, value: object) -> str:
    command = ["sysctl", "-w", f"{key}={value}"]
    if netns is not None:
        command = ["ip", "netns", "exec", netns, *command]
    return shlex.join(command)


def settings(link: LinkSpec) -> list[str]:
    """The `mtu N address MAC` words of a link's creation."""
    words = []
    if link.mtu is not None:
        words += ["mtu", str(link.mtu)]
    if link.mac is not None:
        words += ["address", link.mac]
    return words


def link_add(
    netns: str | None,
    link: LinkSpec,
    parent: str | None = None,
    kind_words: Sequence[str] = (),
) -> str:
    lower = ["link", parent] if parent is not None else []
    return ip(
        netns,
        "link",
        "add",
        link.name,
        *lower,
        *settings(link),
        "type",
        link.kind,
        *kind_words,
    )


def veth_add(
    netns: str | None, a: LinkSpec, b: LinkSpec, b_netns: str | None
) -> str:
    """`ip link add A type veth peer name B [netns NS]`, from A's side."""
    moved = ["netns", b_netns] if b_netns != netns else []
    peer = ["peer", "name", b.name, *settings(b), *moved]
    return ip(
        netns, "link", "add", a.name, *settings(a), "type", "veth", *peer
    )


def link_set(netns: str | None, name: str, *words: object) -> str:
    return ip(netns, "link", "set", "dev", name, *words)


def link_del(netns: str | None, name: str) -> str:
    return ip(netns, "link", "del", "dev", name)


def addr(netns: str | None, verb: str, address: object, dev: str) -> str:
    return ip(netns, "addr", verb, address, "dev", dev)


def route(netns: str | None, verb: str, spec: RouteSpec) -> str:
    dst = "default" if spec.dst.prefixlen == 0 else spec.dst
    words: list[object] = ["route", verb, dst]
    if spec.via is not None:
        words += ["via", spec.via]
    if spec.dev is not None:
        words += ["dev", spec.dev]
    if spec.metric is not None:
        words += ["metric", spec.metric]
    if spec.src is not None:
        words += ["src", spec.src]
    return ip(netns, *words)


def neigh(netns: str | None, verb: str, spec: NeighbourSpec) -> str:
    words: list[object] = ["neigh", verb, spec.ip]
    if verb != "del":
        words += ["lladdr", spec.mac, "nud", "permanent"]
    return ip(netns, *words, "dev", spec.dev)

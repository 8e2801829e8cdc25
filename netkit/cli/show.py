"""`netkit show`: links, addresses and routes, in the brief style of `ip -br`.

With NS, one named namespace; without, the namespace netkit runs in and
every named one.  Each link is one line: name, state, MAC, MTU, kind,
bridge, addresses; then the namespace's routes (main table, IPv4 and
IPv6).  `--json` prints the same as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, TextIO

from netkit.cli import EXIT_OK, describe, namespace_name
from netkit.cli.tables import brief_rows, print_rows, route_text

log = logging.getLogger(__name__)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "show",
        help="links, addresses and routes of namespaces, like ip -br",
        description=describe(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "namespace",
        nargs="?",
        metavar="NS",
        type=namespace_name,
        help="a named namespace (default: this one and every named one)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print machine-readable JSON"
    )
    parser.set_defaults(run=run)


def places(name: str | None) -> list[tuple[str | None, bool, Any]]:
    """(name, is current, Namespace): one named namespace, or all."""
    from netkit.errors import NamespaceNotFound
    from netkit.namespace import Namespace

    current = Namespace.current()
    if name is not None:
        ns = Namespace(name)
        return [(name, ns == current, ns)]

    names = Namespace.identify()
    found = [(names[0] if names else None, True, current)]
    for other in sorted(Namespace.list()):
        try:
            ns = Namespace(other)
        except NamespaceNotFound:
            log.debug("namespace %s went away while listing", other)
            continue
        if ns == current:
            ns.close()
            continue
        found.append((other, False, ns))
    return found


def label(name: str | None, current: bool) -> str:
    if not current:
        return str(name)
    return f"{name} (current namespace)" if name else "(current namespace)"


def snapshot(ns: Any) -> dict[str, Any]:
    """What a namespace holds: its links with addresses, and routes."""
    links = ns.links()
    addresses = ns.addresses()
    routes = ns.routes()
    return {
        "links": [_link(link, addresses) for link in links],
        "routes": [_route(route) for route in routes],
        "_objects": (links, addresses, routes),
    }


def _link(link: Any, addresses: list[Any]) -> dict[str, Any]:
    return {
        "name": link.name,
        "index": link.index,
        "kind": link.kind,
        "state": link.state,
        "up": link.is_up,
        "mtu": link.mtu,
        "mac": link.mac,
        "master": link.master,
        "addresses": [
            str(a.address) for a in addresses if a.index == link.index
        ],
    }


def _route(route: Any) -> dict[str, Any]:
    return {
        "dst": str(route.dst),
        "gateway": None if route.gateway is None else str(route.gateway),
        "dev": route.dev,
        "protocol": route.protocol,
        "scope": route.scope,
        "type": route.type,
        "metric": route.metric,
        "src": None if route.src is None else str(route.src),
        "family": 6 if route.dst.version == 6 else 4,
    }


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    found = places(args.namespace)
    try:
        shots = [(name, current, snapshot(ns)) for name, current, ns in found]
    finally:
        for *_, ns in found:
            ns.close()

    if args.json:
        document = {
            "namespaces": [
                {"name": name, "current": current, **_public(shot)}
                for name, current, shot in shots
            ]
        }
        json.dump(document, out, indent=2)
        out.write("\n")
        return EXIT_OK

    for number, (name, current, shot) in enumerate(shots):
        if number:
            print(file=out)
        links, addresses, routes = shot["_objects"]
        print(label(name, current), file=out)
        print_rows(brief_rows(links, addresses), out, indent="  ")
        print("  routes:", file=out)
        lines = [route_text(route) for route in routes] or ["(none)"]
        for line in lines:
            print(f"    {line}", file=out)
    return EXIT_OK


def _public(shot: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in shot.items() if not k.startswith("_")}

"""`netkit monitor`: print changes as they happen, like `ip monitor`.

One event a line: a tag ([LINK], [ADDR], [ROUTE], [NEIGH]), what
happened (added, changed, removed) and the object as `ip` shows it.
Events not sent by the kernel say where they come from: "(existing)"
for what was there at the start (--existing), "(resync)" for what a new
dump found after the kernel dropped events, "(implied)" for what the
kernel removed without a word (the IPv4 routes of a link taken down).
Without NS, the namespace netkit runs in; it only reads, never changes
anything.  Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import json
import sys
from typing import Any, TextIO

from netkit.cli import EXIT_OK, describe
from netkit.cli.tables import route_text

KIND_OPTIONS = {
    "link": "links",
    "address": "addresses",
    "route": "routes",
    "neigh": "neighbours",
}
TAGS = {
    "link": "[LINK]",
    "address": "[ADDR]",
    "route": "[ROUTE]",
    "neighbour": "[NEIGH]",
}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "monitor",
        help="print changes of links, addresses, routes and neighbours",
        description=describe(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "namespace",
        nargs="?",
        metavar="NS",
        help="a named namespace (default: the one netkit runs in)",
    )
    parser.add_argument(
        "objects",
        nargs="*",
        metavar="OBJECT",
        type=_object,
        help="link, address, route or neigh: watch only those (default: "
        "all), like `ip monitor link route`",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object a line"
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="print what is there first, then the changes",
    )
    parser.add_argument(
        "--count",
        type=_positive,
        metavar="N",
        help="stop after N events",
    )
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count >= 1")
    return int(text)


def _object(text: str) -> str:
    if text not in KIND_OPTIONS:
        choices = ", ".join(KIND_OPTIONS)
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {choices}")
    return text


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from netkit.namespace import Namespace

    out = out or sys.stdout
    name, kinds = targets(args.namespace, args.objects)
    ns = Namespace(name) if name else Namespace.current()
    write = event_json if args.json else event_text

    try:
        with ns.monitor(**kinds, existing=args.existing, resync=True) as m:
            for number, event in enumerate(m, 1):
                print(write(event), file=out, flush=True)
                if number == args.count:
                    break
    finally:
        ns.close()
    return EXIT_OK


def targets(
    namespace: str | None, objects: list[str]
) -> tuple[str | None, dict[str, bool]]:
    """The namespace and the kinds to watch, from NS and OBJECT words.

    `netkit monitor link route` names no namespace: its first word is
    an object.
    """
    if namespace in KIND_OPTIONS:
        namespace, objects = None, [namespace, *objects]
    return namespace, {KIND_OPTIONS[name]: True for name in objects}


def event_text(event: Any) -> str:
    """An event as one line, in the words of `ip monitor`."""
    text = (
        f"{TAGS[event.kind]} {event.action} {TEXTS[event.kind](event.value)}"
    )
    if event.origin != "kernel":
        text += f" ({event.origin})"
    return text


def link_text(link: Any) -> str:
    from netkit.rtnl.link import flag_names

    flags = ",".join(flag_names(link.flags))
    parts = [f"{link.index}: {link.name}: <{flags}> mtu {link.mtu}"]
    parts.append(f"state {link.state.upper()}")
    if link.kind:
        parts.append(link.kind)
    if link.master:
        parts.append(f"master {link.master}")
    if link.mac:
        parts.append(f"link/ether {link.mac}")
    return " ".join(parts)


def address_text(address: Any) -> str:
    family = "inet6" if address.address.version == 6 else "inet"
    parts = [f"{address.index}: {address.dev} {family} {address.address}"]
    parts.append(f"scope {address.scope}")
    parts += [flag for flag in address.flags if flag != "permanent"]
    return " ".join(parts)


def route_line(route: Any) -> str:
    text = route_text(route)
    if route.type != "unicast":
        text = f"{route.type} {text}"
    if route.table != "main":
        text += f" table {route.table}"
    return text


def neighbour_text(neighbour: Any) -> str:
    parts = [f"{neighbour.ip} dev {neighbour.dev}"]
    if neighbour.mac:
        parts.append(f"lladdr {neighbour.mac}")
    parts.append(" ".join(neighbour.states))
    return " ".join(parts)


TEXTS = {
    "link": link_text,
    "address": address_text,
    "route": route_line,
    "neighbour": neighbour_text,
}


def event_json(event: Any) -> str:
    """An event as one line of JSON: event, kind, action, origin, object."""
    document = {
        "event": type(event).__name__,
        "kind": event.kind,
        "action": event.action,
        "origin": event.origin,
        event.kind: plain(event.value),
    }
    old = getattr(event, "old", None)
    if old is not None:
        document["old"] = plain(old)
    return json.dumps(document)


def plain(value: Any) -> Any:
    """A link, address, route or entry as JSON-ready values."""
    from netkit.links import Link

    if isinstance(value, Link):
        return _link(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {f.name: plain(getattr(value, f.name)) for f in fields}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, _IP_TYPES):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


_IP_TYPES = (
    ipaddress.IPv4Address,
    ipaddress.IPv6Address,
    ipaddress.IPv4Interface,
    ipaddress.IPv6Interface,
    ipaddress.IPv4Network,
    ipaddress.IPv6Network,
)


def _link(link: Any) -> dict[str, Any]:
    from netkit.rtnl.link import flag_names

    return {
        "name": link.name,
        "index": link.index,
        "kind": link.kind,
        "state": link.state,
        "up": link.is_up,
        "flags": flag_names(link.flags),
        "mtu": link.mtu,
        "mac": link.mac,
        "master": link.master,
        "alias": link.alias,
    }

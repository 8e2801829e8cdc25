"""Plain-text tables of links, addresses, neighbours and routes.

The brief style of `ip -br`: one object a line, columns aligned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TextIO


def print_rows(
    rows: Sequence[Sequence[str]], out: TextIO, indent: str = ""
) -> None:
    """Print rows with each column padded to its widest cell."""
    if not rows:
        print(f"{indent}(none)", file=out)
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ]
        print(indent + "  ".join(cells).rstrip(), file=out)


def link_rows(links: Iterable[Any]) -> list[list[str]]:
    rows = []
    for link in links:
        master = f"master {link.master}" if link.master else ""
        rows.append(
            [
                link.name,
                link.state.upper(),
                link.mac or "",
                f"mtu {link.mtu}",
                link.kind or "",
                master,
            ]
        )
    return rows


def brief_rows(links: Iterable[Any], addresses: Iterable[Any]) -> list:
    """One row a link, as `ip -br link` and `ip -br addr` together."""
    by_index: dict[int, list[str]] = {}
    for address in addresses:
        by_index.setdefault(address.index, []).append(str(address.address))
    return [
        [*row, " ".join(by_index.get(link.index, []))]
        for link, row in zip(links, link_rows(links), strict=True)
    ]


def print_links(links: Iterable[Any], out: TextIO, indent: str = "") -> None:
    print_rows(link_rows(links), out, indent)


def print_addresses(
    addresses: Iterable[Any], out: TextIO, indent: str = ""
) -> None:
    rows = [[a.dev, str(a.address), a.scope] for a in addresses]
    print_rows(rows, out, indent)


def print_neighbours(
    neighbours: Iterable[Any], out: TextIO, indent: str = ""
) -> None:
    rows = [
        [str(n.ip), "dev", n.dev, "lladdr", n.mac or "-", n.state]
        for n in neighbours
    ]
    print_rows(rows, out, indent)


def route_text(route: Any) -> str:
    """A route as `ip route` prints it."""
    dst = "default" if route.dst.prefixlen == 0 else str(route.dst)
    parts = [dst]
    if route.gateway is not None:
        parts += ["via", str(route.gateway)]
    if route.dev:
        parts += ["dev", route.dev]
    if route.protocol not in (None, "boot"):
        parts += ["proto", route.protocol]
    if route.scope not in (None, "universe", "global"):
        parts += ["scope", route.scope]
    if route.src is not None:
        parts += ["src", str(route.src)]
    if route.metric:
        parts += ["metric", str(route.metric)]
    return " ".join(parts)


def print_routes(routes: Iterable[Any], out: TextIO, indent: str = "") -> None:
    lines = [route_text(route) for route in routes]
    if not lines:
        print(f"{indent}(none)", file=out)
    for line in lines:
        print(indent + line, file=out)

"""`Neighbour`: an entry of the ARP (IPv4) or NDP (IPv6) table.

The table maps a neighbour's IP address on a link to its MAC address.
Entries the kernel learns come and go (REACHABLE, STALE, FAILED...);
entries added by hand are PERMANENT.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netkit.errors import NeighbourNotFound
from netkit.rtnl import neigh as rtneigh

if TYPE_CHECKING:
    from netkit.links import Link
    from netkit.namespace import Namespace

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Neighbour:
    """A neighbour entry (like one line of `ip neigh show`).

    `state` is the kernel's NUD name ("PERMANENT", "REACHABLE", ...);
    `states` holds all of them when several bits are set.
    """

    ip: IPAddress
    mac: str | None
    dev: str
    index: int
    state: str
    family: int
    flags: tuple[str, ...] = ()
    states: tuple[str, ...] = ()

    @classmethod
    def from_message(
        cls, message: rtneigh.NeighMessage, names: dict[int, str]
    ) -> Neighbour:
        """The entry an RTM_NEWNEIGH message describes.

        `names` maps link indexes to names, for `dev`.
        """
        states = rtneigh.state_names(message.state)
        return cls(
            ip=message.get("dst"),
            mac=message.get("lladdr") or None,
            dev=names.get(message.ifindex, str(message.ifindex)),
            index=message.ifindex,
            state=states[0],
            family=message.family,
            flags=rtneigh.flag_names(message.flags),
            states=states,
        )


def add(
    ns: Namespace,
    ip: str,
    *,
    mac: str,
    dev: Link | str | int,
    replace: bool = False,
    **options: Any,
) -> None:
    """Add a neighbour entry; see `Namespace.add_neighbour`."""
    from netkit.links import resolve_index, send

    index = resolve_index(ns, dev)
    request = rtneigh.new_neigh(
        ip, index, lladdr=mac, replace=replace, **options
    )
    send(ns, request)


def delete(ns: Namespace, ip: str, *, dev: Link | str | int) -> None:
    """Remove a neighbour entry; see `Namespace.delete_neighbour`."""
    from netkit.links import resolve_index, send

    send(ns, rtneigh.del_neigh(ip, resolve_index(ns, dev)))


def flush(
    ns: Namespace,
    dev: Link | str | int | None = None,
    family: int | str | None = None,
    *,
    permanent: bool = False,
) -> int:
    """Remove entries (of one link, or all); return how many went.

    As `ip neigh flush` does, entries added by hand (PERMANENT) stay
    unless `permanent`, and those the kernel keeps for itself (NOARP:
    multicast, broadcast) always stay.
    """
    from netkit.links import send

    count = 0
    for entry in list_neighbours(ns, dev, family):
        if "PERMANENT" in entry.states and not permanent:
            continue
        try:
            send(ns, rtneigh.del_neigh(str(entry.ip), entry.index))
        except NeighbourNotFound:
            continue
        count += 1
    return count


def list_neighbours(
    ns: Namespace,
    dev: Link | str | int | None = None,
    family: int | str | None = None,
    *,
    all_states: bool = False,
) -> list[Neighbour]:
    """Neighbour entries of `ns`, or of one link (like `ip neigh show`).

    Like `ip`, entries in state NOARP are left out unless `all_states`.
    """
    from netkit.links import list_links, resolve_index, send

    index = resolve_index(ns, dev) if dev is not None else 0
    messages = send(ns, rtneigh.dump_neighs(family, index=index), dump=True)
    names = {link.index: link.name for link in list_links(ns)}
    found = [Neighbour.from_message(m, names) for m in messages]
    if all_states:
        return found
    return [n for n in found if "NOARP" not in n.states]

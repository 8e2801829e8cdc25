"""From rtnetlink notifications and dumps to the objects of netkit.

Which multicast groups and dumps each kind of object comes from, and
`change_of()`, which turns one notification into a `Change` for the
`Tables` of a monitor.  Messages of other tables that share a group
(bridge ports, bridge FDB entries, proxy entries, cached routes) are
skipped, so that notifications and dumps describe the same things.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from netkit.addresses import Address
from netkit.links import Link
from netkit.neighbours import Neighbour
from netkit.netlink.header import NLM_F_REPLACE
from netkit.netlink.message import Message
from netkit.routes import Route
from netkit.rtnl import addr as rtaddr
from netkit.rtnl import link as rtlink
from netkit.rtnl import neigh as rtneigh
from netkit.rtnl import route as rtroute
from netkit.rtnl.common import Request
from netkit.rtnl.rtm import (
    AF_INET,
    AF_INET6,
    AF_UNSPEC,
    RTM_DELADDR,
    RTM_DELLINK,
    RTM_DELNEIGH,
    RTM_DELROUTE,
    RTM_NEWADDR,
    RTM_NEWLINK,
    RTM_NEWNEIGH,
    RTM_NEWROUTE,
    RTNLGRP_IPV4_IFADDR,
    RTNLGRP_IPV4_ROUTE,
    RTNLGRP_IPV6_IFADDR,
    RTNLGRP_IPV6_ROUTE,
    RTNLGRP_LINK,
    RTNLGRP_NEIGH,
)
from netkit.state import Change

if TYPE_CHECKING:
    from netkit.namespace import Namespace

log = logging.getLogger(__name__)

MESSAGES: dict[int, tuple[str, bool, type[Message]]] = {
    RTM_NEWLINK: ("link", False, rtlink.LinkMessage),
    RTM_DELLINK: ("link", True, rtlink.LinkMessage),
    RTM_NEWADDR: ("address", False, rtaddr.AddrMessage),
    RTM_DELADDR: ("address", True, rtaddr.AddrMessage),
    RTM_NEWROUTE: ("route", False, rtroute.RouteMessage),
    RTM_DELROUTE: ("route", True, rtroute.RouteMessage),
    RTM_NEWNEIGH: ("neighbour", False, rtneigh.NeighMessage),
    RTM_DELNEIGH: ("neighbour", True, rtneigh.NeighMessage),
}

GROUPS: dict[str, tuple[int, ...]] = {
    "link": (RTNLGRP_LINK,),
    "address": (RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR),
    "route": (RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE),
    "neighbour": (RTNLGRP_NEIGH,),
}

# Every table, both families, NOARP neighbour entries included.
DUMPS: dict[str, Callable[[], Request]] = {
    "link": rtlink.dump_links,
    "address": rtaddr.dump_addrs,
    "route": rtroute.dump_routes,
    "neighbour": rtneigh.dump_neighs,
}

_IP_FAMILIES = (AF_INET, AF_INET6)

Names = dict[int, str]


def _link(message: Any, ns: Namespace, names: Names) -> Link | None:
    # AF_BRIDGE messages describe a bridge port, not the link itself:
    # their RTM_DELLINK means "left the bridge".
    if message.family != AF_UNSPEC:
        return None
    return Link.from_message(ns, message, names)


def _address(message: Any, ns: Namespace, names: Names) -> Address | None:
    dev = names.get(message.index, str(message.index))
    return Address.from_message(message, dev)


def _route(message: Any, ns: Namespace, names: Names) -> Route | None:
    # Cached clones (PMTU exceptions) are not in the table a dump gives.
    if message.family not in _IP_FAMILIES:
        return None
    if message.flags & rtroute.RTM_F.RTM_F_CLONED:
        return None
    return Route.from_message(message, names)


def _neighbour(message: Any, ns: Namespace, names: Names) -> Neighbour | None:
    # Bridge FDB entries (AF_BRIDGE) and proxy entries are other tables.
    if message.family not in _IP_FAMILIES or "dst" not in message:
        return None
    if message.flags & rtneigh.NTF.NTF_PROXY:
        return None
    return Neighbour.from_message(message, names)


OBJECTS: dict[str, Callable[[Any, Namespace, Names], Any]] = {
    "link": _link,
    "address": _address,
    "route": _route,
    "neighbour": _neighbour,
}


def change_of(
    msg_type: int, flags: int, body: bytes, ns: Namespace, names: Names
) -> Change | None:
    """The change one notification stands for; None for what is skipped.

    `names` maps link indexes to names for the objects built.
    """
    entry = MESSAGES.get(msg_type)
    if entry is None:
        log.debug("skipped a message of type %d", msg_type)
        return None
    kind, removed, cls = entry
    value = OBJECTS[kind](cls.decode(body), ns, names)
    if value is None:
        return None
    replace = kind == "route" and not removed and bool(flags & NLM_F_REPLACE)
    return Change(kind, value, removed, replace)


def dumped(kind: str, message: Message, ns: Namespace, names: Names) -> Any:
    """The object for one message of a dump of `kind`; None if skipped."""
    return OBJECTS[kind](message, ns, names)

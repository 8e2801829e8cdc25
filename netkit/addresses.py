"""`Address`: an IP address on a link, and adding, listing, removing them.

As `ip` does, a bare address means a /32 (/128) and an IPv4 address gets
IFA_LOCAL and IFA_ADDRESS both.  A /24 also gives the link a connected
route to its subnet; a /32 gives none, so nothing else on the cable can
be reached (the walk-through's "missing netmask" mistake).
"""

from __future__ import annotations

import errno
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netkit._values import make
from netkit.errors import AddressNotAvailable, AddressNotFound
from netkit.netlink.header import NLM_F_ECHO
from netkit.rtnl import addr as rtaddr
from netkit.rtnl.common import SCOPES

if TYPE_CHECKING:
    from netkit.links import Link
    from netkit.namespace import Namespace

IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

FOREVER = rtaddr.INFINITY_LIFE_TIME


@dataclass(frozen=True)
class Address:
    """An IP address on a link (like one line of `ip addr show`).

    Lifetimes are in seconds, None meaning forever; `flags` are names
    such as "permanent", "tentative", "nodad", "secondary".
    """

    address: IPInterface
    dev: str
    index: int
    scope: str
    label: str | None
    flags: tuple[str, ...]
    family: int
    broadcast: IPAddress | None = None
    valid_lft: int | None = None
    preferred_lft: int | None = None
    proto: str | None = None

    @property
    def prefixlen(self) -> int:
        """The prefix length: 24 for 192.168.15.1/24."""
        return self.address.network.prefixlen

    @property
    def ip(self) -> IPAddress:
        """The address without its prefix."""
        return self.address.ip

    @property
    def tentative(self) -> bool:
        """IPv6 duplicate-address detection has not finished yet."""
        return "tentative" in self.flags

    def __str__(self) -> str:
        return str(self.address)

    @classmethod
    def from_message(
        cls, message: rtaddr.AddrMessage, dev: str
    ) -> Address | None:
        """The address an RTM_NEWADDR message describes, on link `dev`.

        None for a message that carries no address.
        """
        interface = rtaddr.interface_of(message)
        if interface is None:
            return None
        cache = message.get("cacheinfo") or {}
        proto = message.get("proto")
        # Made without the frozen __init__: a dump makes one per address.
        return make(
            cls,
            address=interface,
            dev=dev,
            index=message.index,
            scope=SCOPES.name(message.scope),
            label=message.get("label"),
            flags=rtaddr.flag_names(rtaddr.flags_of(message)),
            family=message.family,
            broadcast=message.get("broadcast"),
            valid_lft=_lifetime(cache.get("valid")),
            preferred_lft=_lifetime(cache.get("preferred")),
            proto=None if proto is None else rtaddr.PROTOCOLS.name(proto),
        )


def _lifetime(value: int | None) -> int | None:
    return None if value is None or value == FOREVER else value


def add(
    link: Link,
    address: str,
    *,
    nodad: bool = False,
    label: str | None = None,
    broadcast: str | bool | None = None,
    scope: str | int | None = None,
    valid_lft: int | None = None,
    preferred_lft: int | None = None,
    metric: int | None = None,
    proto: str | int | None = None,
    flags: tuple[str, ...] | list[str] = (),
    replace: bool = False,
) -> Address:
    """Add `address` to `link` and return it as listed (`Link.add_address`).

    `flags` are more IFA_F_* names ("noprefixroute"...).  AddressExists
    when it is there already (unless `replace`); ValueError for an
    address that does not parse or a prefix out of range.
    """
    names = list(flags) + (["nodad"] if nodad else [])
    request = rtaddr.new_addr(
        address,
        link.index,
        label=label,
        broadcast=broadcast,
        scope=scope,
        flags=names,
        valid=valid_lft,
        preferred=preferred_lft,
        metric=metric,
        proto=proto,
        replace=replace,
    )
    # NLM_F_ECHO: the kernel sends the new address back with the ACK
    # (IPv4 does; where it does not, the link's addresses are listed),
    # so adding N addresses does not read N lists.
    echoed = link._request(request._replace(flags=request.flags | NLM_F_ECHO))
    interface = rtaddr.interface_of(request.body)
    for message in echoed:
        found = Address.from_message(message, link.name)
        if found is not None and found.address == interface:
            return found
    for found in list_addresses(link.namespace, link, interface.version):
        if found.address == interface:
            return found
    raise AddressNotFound(
        errno.ENOENT, f"{interface} was gone from {link.name!r} at once"
    )


def delete(link: Link, address: str) -> None:
    """Remove `address` from `link` (see `Link.delete_address`)."""
    link._request(rtaddr.del_addr(address, link.index))


def flush(link: Link, family: int | str | None = None) -> int:
    """Remove all of `link`'s addresses; return how many went.

    IPv4 secondary addresses go with their primary, so one that is gone
    already when its turn comes is counted, not removed again.
    """
    found = list_addresses(link.namespace, link, family)
    for address in found:
        try:
            link._request(rtaddr.del_addr(str(address.address), link.index))
        except (AddressNotAvailable, AddressNotFound):
            continue
    return len(found)


def list_addresses(
    ns: Namespace,
    link: Link | None = None,
    family: int | str | None = None,
) -> list[Address]:
    """The addresses of `ns`, or of one link (like `ip addr show`).

    LinkNotFound when `link` is gone.
    """
    from netkit.links import list_links, send

    if link is not None:
        request = rtaddr.dump_addrs(family, link.index)
        messages = link._request(request, dump=True)
        names = {link.index: link.name}
    else:
        messages = send(ns, rtaddr.dump_addrs(family), dump=True)
        names = {item.index: item.name for item in list_links(ns)}
    found = (
        Address.from_message(m, names.get(m.index, str(m.index)))
        for m in messages
    )
    return [a for a in found if a is not None]

"""`VethPair`: a virtual cable, two links joined end to end.

The pair is made in one request with each end already in its namespace:
the peer's namespace goes inside VETH_INFO_PEER, so there is no moment
when an end sits in the wrong room.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netkit.links import Link, _create, _namespace
from netkit.rtnl import link as rtlink

if TYPE_CHECKING:
    from netkit.namespace import Namespace


class Veth(Link):
    """One end of a veth pair; `peer()` finds the other."""

    kinds = ("veth",)


class VethPair:
    """The two ends of a veth cable: `a` and `b` (iterable as a pair)."""

    def __init__(self, a: Link, b: Link) -> None:
        self.a = a
        self.b = b

    def __iter__(self) -> Iterator[Link]:
        return iter((self.a, self.b))

    def __repr__(self) -> str:
        return f"<VethPair {self.a.name!r} <-> {self.b.name!r}>"

    @classmethod
    def create(
        cls,
        name: str,
        peer: str,
        *,
        ns: Namespace | None = None,
        peer_ns: Namespace | None = None,
        mtu: int | None = None,
        mac: str | None = None,
        peer_mac: str | None = None,
        group: int | None = None,
        **attrs: Any,
    ) -> VethPair:
        """Make a veth pair, like `ip link add A type veth peer name B`.

        End `name` is born in `ns` and end `peer` in `peer_ns` (both
        default to the calling thread's namespace) in one request, as
        `ip link add A netns NS type veth peer name B netns PEER_NS`
        does: no end ever sits in another namespace.  The two may share
        a name when they are in different namespaces.  `mtu` is both
        ends'; `attrs` are more IFLA attributes of end `name`.  Both ends
        start down.  ValueError for a bad name or MAC, or one name twice
        in one namespace; LinkExists when a name is taken on either side,
        and then no end is left behind.  `group` puts both ends in that
        link group (IFLA_GROUP), so `ns.delete_links(group=N)` removes
        many pairs in one request.
        """
        ns = _namespace(ns)
        peer_ns = ns if peer_ns is None else peer_ns
        if peer_ns == ns and peer == name:
            raise ValueError(f"both ends are named {name!r} in one namespace")
        peer_attrs = {"mtu": mtu, "address": peer_mac, "group": group}
        request = rtlink.veth_pair(
            name,
            peer,
            peer_netns_fd=None if peer_ns == ns else peer_ns.fileno(),
            peer_attrs={k: v for k, v in peer_attrs.items() if v is not None},
            mtu=mtu,
            address=mac,
            group=group,
            **attrs,
        )
        _create(ns, request, "veth")

        a = ns.link(name)
        try:
            b = peer_ns.link(peer)
        except BaseException:
            a.delete()
            raise
        return cls(a, b)

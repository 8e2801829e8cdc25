"""`Link`: a network interface in one namespace, and the calls on it.

A `Link` is a plain value, the kernel's description of the link when it
was last read, bound to its `Namespace`.  Its methods send requests by
index through the namespace's socket; once the link is deleted, or moved
to another namespace, they raise `LinkNotFound`.  Kinds with calls of
their own (`Bridge`, `VethPair`'s ends) subclass it; `Link.from_message`
picks the class by kind from `LINK_CLASSES`.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from netkit.errors import LinkNotFound
from netkit.rtnl import link as rtlink
from netkit.rtnl.common import Request
from netkit.rtnl.link import IFF_UP, OPERSTATE_NAMES, LinkMessage

if TYPE_CHECKING:
    from netkit.addresses import Address
    from netkit.namespace import Namespace

log = logging.getLogger(__name__)

# kind -> Link subclass; kinds without one are plain Links.
LINK_CLASSES: dict[str, type[Link]] = {}


class LinkStats(dict):
    """A link's 64-bit counters (IFLA_STATS64): `stats.rx_bytes`..."""

    def __getattr__(self, name: str) -> int:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Link:
    """A network interface (like one line of `ip -d link show`)."""

    kinds: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for kind in cls.kinds:
            LINK_CLASSES[kind] = cls

    def __init__(self, namespace: Namespace, message: LinkMessage) -> None:
        self.namespace = namespace
        self._gone: str | None = None
        self._update(message)

    @classmethod
    def from_message(
        cls,
        namespace: Namespace,
        message: LinkMessage,
        names: Mapping[int, str] | None = None,
    ) -> Link:
        """The object for a link message, of the class its kind asks for.

        `names` maps indexes to names, to name the master without asking
        the kernel again.
        """
        kind = (message.get("linkinfo") or {}).get("kind")
        link = LINK_CLASSES.get(kind, Link)(namespace, message)
        if names is not None:
            link.master = (
                names.get(link.master_index) if link.master_index else None
            )
        return link

    def _update(self, message: LinkMessage) -> None:
        info = message.get("linkinfo") or {}
        self.message = message
        self.index: int = message.index
        self.name: str = message.get("ifname", "")
        self.kind: str | None = info.get("kind")
        self.mtu: int = message.get("mtu", 0)
        self.min_mtu: int | None = message.get("min_mtu")
        self.max_mtu: int | None = message.get("max_mtu")
        self.mac: str | None = message.get("address")
        self.broadcast: str | None = message.get("broadcast")
        self.flags: int = message.flags
        self.state: str = OPERSTATE_NAMES.get(
            message.get("operstate", 0), "unknown"
        )
        self.txqueuelen: int | None = message.get("txqlen")
        self.alias: str | None = message.get("ifalias")
        self.group: int = message.get("group", 0)
        self.master_index: int = message.get("master", 0)
        self.master: str | None = None
        self.link_index: int = message.get("link", 0)
        self.link_netnsid: int | None = message.get("link_netnsid")
        self.slave_kind: str | None = info.get("slave_kind")
        self.data: Any = info.get("data")
        self.slave_data: Any = info.get("slave_data")
        stats = message.get("stats64")
        self.stats = LinkStats(stats) if stats is not None else None

    @property
    def is_up(self) -> bool:
        """The link is administratively up (IFF_UP), whatever its carrier."""
        return bool(self.flags & IFF_UP)

    def __repr__(self) -> str:
        kind = f" {self.kind}" if self.kind else ""
        return (
            f"<{type(self).__name__} {self.name!r}{kind} index={self.index}>"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Link):
            return NotImplemented
        return (self.namespace, self.index) == (other.namespace, other.index)

    def __hash__(self) -> int:
        return hash((self.namespace, self.index))

    # Requests.

    def _request(self, request: Request) -> list[Any]:
        if self._gone is not None:
            raise LinkNotFound(errno.ENODEV, self._gone)
        try:
            return self.namespace.rtnl.request(*request)
        except LinkNotFound as exc:
            self._gone = f"link {self.name!r} (index {self.index}) is gone"
            raise LinkNotFound(
                exc.errno, self._gone, request=exc.request
            ) from exc

    def refresh(self) -> Link:
        """Read the link again from the kernel (like `ip link show dev X`)."""
        (message,) = self._request(rtlink.get_link(self.index))
        self._update(message)
        if self.master_index:
            self.master = _name_of(self.namespace, self.master_index)
        return self

    def up(self) -> Link:
        """Bring the link up, like `ip link set dev X up`."""
        self._request(rtlink.set_link(self.index, up=True))
        return self.refresh()

    def down(self) -> Link:
        """Take the link down, like `ip link set dev X down`."""
        self._request(rtlink.set_link(self.index, up=False))
        return self.refresh()

    def set(
        self,
        *,
        mtu: int | None = None,
        mac: str | None = None,
        name: str | None = None,
        txqueuelen: int | None = None,
        alias: str | None = None,
        group: int | None = None,
    ) -> Link:
        """Change settings in one request, like `ip link set dev X ...`.

        ValueError for a malformed name or MAC before anything is sent; the
        kernel's error (InvalidArgument with its text) for an MTU out of
        the link's range or a MAC it refuses.
        """
        attrs = {
            "mtu": mtu,
            "address": mac,
            "ifname": name,
            "txqlen": txqueuelen,
            "ifalias": alias,
            "group": group,
        }
        attrs = {k: v for k, v in attrs.items() if v is not None}
        if not attrs:
            raise ValueError("set() needs at least one setting to change")
        self._request(rtlink.set_link(self.index, **attrs))
        return self.refresh()

    def move_to(self, namespace: Namespace) -> Link:
        """Move the link into `namespace`, like `ip link set X netns NS`.

        Returns the link as it now is there (its index may differ); this
        object is no longer usable.  The kernel drops the link's addresses
        and routes and brings it down; MTU, MAC and alias stay.
        """
        fd = namespace.fileno()
        self._request(rtlink.set_link(self.index, net_ns_fd=fd))
        self._gone = f"link {self.name!r} moved to {namespace!r}"
        return namespace.link(self.name)

    def delete(self) -> None:
        """Delete the link, like `ip link del X`.

        Deleting one end of a veth pair deletes both.
        """
        self._request(rtlink.del_link(self.index))
        self._gone = f"link {self.name!r} (index {self.index}) was deleted"

    def peer(self) -> Link:
        """The other end of a veth pair, also when it is in another room.

        Raises ValueError for a link that has no peer, and LinkNotFound
        when the peer's namespace is not one netkit can find (not named
        under /run/netns and not the calling thread's).
        """
        if self.kind != "veth" or not self.link_index:
            raise ValueError(f"{self!r} is not a veth end with a peer")
        if self.link_netnsid is None:
            return self.namespace.link(self.link_index)
        for candidate in _namespaces_by_nsid(self.namespace):
            if candidate[0] == self.link_netnsid:
                return candidate[1].link(self.link_index)
        raise LinkNotFound(
            errno.ENODEV,
            f"the peer of {self.name!r} is in a namespace with no name",
        )

    # Addresses.

    def add_address(self, address: str, **options: Any) -> Address:
        """Add an IP address, like `ip addr add ADDRESS dev X`.

        A bare address means /32 (/128), as `ip` does.  `options` are
        those of `netkit.addresses.add` (label=, broadcast=, scope=,
        nodad=, valid_lft=, preferred_lft=...).
        """
        from netkit import addresses

        self._check_usable()
        return addresses.add(self, address, **options)

    def addresses(self, family: int | str | None = None) -> list[Address]:
        """The link's addresses, like `ip addr show dev X`."""
        from netkit import addresses

        self._check_usable()
        return addresses.list_addresses(self.namespace, self, family)

    def delete_address(self, address: str) -> None:
        """Remove an address, like `ip addr del ADDRESS dev X`."""
        from netkit import addresses

        self._check_usable()
        addresses.delete(self, address)

    def flush_addresses(self, family: int | str | None = None) -> int:
        """Remove every address, like `ip addr flush dev X`; how many."""
        from netkit import addresses

        self._check_usable()
        return addresses.flush(self, family)

    def _check_usable(self) -> None:
        if self._gone is not None:
            raise LinkNotFound(errno.ENODEV, self._gone)

    # Making links.

    @classmethod
    def create(
        cls,
        name: str,
        kind: str,
        *,
        ns: Namespace | None = None,
        data: Mapping[str, Any] | None = None,
        mtu: int | None = None,
        mac: str | None = None,
        txqueuelen: int | None = None,
        parent: Link | str | int | None = None,
        master: Link | str | int | None = None,
        **attrs: Any,
    ) -> Link:
        """Create a link of any kind, like `ip link add NAME type KIND`.

        `data` is the kind's data (IFLA_INFO_DATA by Python name, e.g.
        {"stp_state": 1} for a bridge); `parent` is the lower device of a
        macvlan or vlan (`ip link add ... link PARENT`).  LinkExists when
        the name is taken; NotSupported when the kernel lacks the kind.
        """
        ns = _namespace(ns)
        request = rtlink.new_link(
            name,
            kind,
            data,
            mtu=mtu,
            address=mac,
            txqlen=txqueuelen,
            link=resolve_index(ns, parent) if parent is not None else None,
            master=resolve_index(ns, master) if master is not None else None,
            **attrs,
        )
        _create(ns, request, kind)
        return ns.link(name)


def _create(ns: Namespace, request: Request, kind: str) -> None:
    from netkit.errors import NotSupported

    try:
        ns.rtnl.request(*request)
    except NotSupported as exc:
        raise NotSupported(
            exc.errno,
            exc.message or f"this kernel has no {kind!r} link kind",
            request=exc.request,
        ) from exc


def _namespace(ns: Namespace | None) -> Namespace:
    if ns is not None:
        return ns
    from netkit.namespace import Namespace

    return Namespace.current()


def resolve_index(ns: Namespace, link: Link | str | int) -> int:
    """The index of a link given as a Link, a name or an index, in `ns`.

    ValueError when a Link object lives in another namespace.
    """
    if isinstance(link, Link):
        if link.namespace != ns:
            raise ValueError(f"{link!r} is in {link.namespace!r}, not {ns!r}")
        link._check_usable()
        return link.index
    if isinstance(link, str):
        return ns.link(link).index
    return rtlink.check_index(link)


def get(ns: Namespace, ref: str | int) -> Link:
    """One link by name or index, asked of the kernel directly."""
    if isinstance(ref, str):
        request = rtlink.get_link(ifname=ref)
    else:
        request = rtlink.get_link(rtlink.check_index(ref))
    try:
        (message,) = ns.rtnl.request(*request)
    except LinkNotFound as exc:
        raise LinkNotFound(
            exc.errno, f"no link {ref!r} in {ns!r}", request=exc.request
        ) from exc
    link = Link.from_message(ns, message)
    if link.master_index:
        link.master = _name_of(ns, link.master_index)
    return link


def list_links(ns: Namespace, **filters: Any) -> list[Link]:
    """Every link of `ns` (like `ip link show`); `filters` go to the dump."""
    messages = ns.rtnl.dump(*rtlink.dump_links(**filters))
    if filters:
        names = _all_names(ns)
    else:
        names = {m.index: m.get("ifname", "") for m in messages}
    return [Link.from_message(ns, m, names) for m in messages]


def _all_names(ns: Namespace) -> dict[int, str]:
    messages = ns.rtnl.dump(
        *rtlink.dump_links(ext_mask=rtlink.RTEXT_FILTER_SKIP_STATS)
    )
    return {m.index: m.get("ifname", "") for m in messages}


def _name_of(ns: Namespace, index: int) -> str | None:
    try:
        (message,) = ns.rtnl.request(*rtlink.get_link(index))
    except LinkNotFound:
        return None
    return message.get("ifname")


def _namespaces_by_nsid(
    ns: Namespace,
) -> Iterable[tuple[int, Namespace]]:
    """(id in `ns`, namespace) for each namespace netkit can name."""
    from netkit.namespace import Namespace
    from netkit.rtnl.nsid import get_nsid

    candidates = [Namespace.current()]
    for name in Namespace.list():
        try:
            candidates.append(Namespace(name))
        except OSError as exc:
            log.debug("skipped namespace %s: %s", name, exc)
    for candidate in candidates:
        (reply,) = ns.rtnl.request(*get_nsid(candidate.fileno()))
        yield reply.get("nsid", -1), candidate


# The kinds with classes of their own register themselves on import.
from netkit import bridge, veth  # noqa: E402, F401

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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from netkit.errors import LinkNotFound, NotFound, NotSupported
from netkit.link_addresses import LinkAddresses
from netkit.rtnl import link as rtlink
from netkit.rtnl.common import Request, check_u32
from netkit.rtnl.link import IFF_UP, OPERSTATE_NAMES, LinkMessage

if TYPE_CHECKING:
    from netkit.ioctl.ethtool import DriverInfo
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


class Link(LinkAddresses):
    """A network interface (like one line of `ip -d link show`).

    Fields, as the kernel gave them when the link was last read: `name`,
    `index`, `kind` ("veth", "bridge", None for lo), `mtu` (with
    `min_mtu`, `max_mtu`), `mac`, `state` (the operational state, "up",
    "down", "lowerlayerdown", "unknown"...), `is_up` (administratively),
    `master` (the bridge's name, or None), `txqueuelen`, `alias`,
    `namespace` and `stats` (a `LinkStats` of 64-bit counters).
    `refresh()` reads them again.

    A subclass handles the kinds it lists in `kinds`: the kernel's
    answers for those kinds come back as objects of that class.
    """

    kinds: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Only kinds the class names itself: a subclass of Bridge that
        # says nothing must not take the "bridge" kind over.
        for kind in cls.__dict__.get("kinds", ()):
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

    def _request(self, request: Request, *, dump: bool = False) -> list:
        """Send a request about this link; LinkNotFound once it is gone.

        The kernel answers ENODEV for a missing link whatever the request
        (an address, a route): that becomes LinkNotFound, and the object
        remembers it.
        """
        self._check_usable()
        try:
            return send(self.namespace, request, dump=dump)
        except LinkNotFound as exc:
            self._gone = f"link {self.name!r} (index {self.index}) is gone"
            raise LinkNotFound(
                exc.errno, self._gone, request=exc.request
            ) from exc

    def refresh(self) -> Link:
        """Read the link again from the kernel, like `ip link show dev X`.

        Updates this object in place and returns it; LinkNotFound when
        the link is gone (deleted, its veth peer deleted, or moved).
        """
        (message,) = self._request(rtlink.get_link(self.index))
        self._update(message)
        if self.master_index:
            self.master = _name_of(self.namespace, self.master_index)
        return self

    def up(self) -> Link:
        """Bring the link up, like `ip link set dev X up`.

        Returns the link read again; LinkNotFound when it is gone.
        """
        self._request(rtlink.set_link(self.index, up=True))
        return self.refresh()

    def down(self) -> Link:
        """Take the link down, like `ip link set dev X down`.

        The kernel then drops the routes through it.  Returns the link
        read again; LinkNotFound when it is gone.
        """
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

        `mac` is six octets ("02:00:00:00:00:01"); `alias` is the text of
        `ip link set X alias TEXT`.  Returns the link read again.
        ValueError before anything is sent for a malformed name, a MAC
        that is not six octets (the kernel would silently cut a longer
        one), or a number that is a bool or does not fit 32 bits.  The
        kernel's errors, with its text: InvalidArgument for an MTU out of
        the link's range ("mtu less than device minimum");
        AddressNotAvailable for a multicast, broadcast or all-zero MAC;
        LinkExists for a name in use; LinkNotFound when the link is gone.
        (This kernel renames a link that is up, too.)
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
        for what, value in (
            ("mtu", mtu),
            ("txqueuelen", txqueuelen),
            ("group", group),
        ):
            if value is not None:
                check_u32(value, what)
        self._request(rtlink.set_link(self.index, **attrs))
        return self.refresh()

    def move_to(self, namespace: Namespace) -> Link:
        """Move the link into `namespace`, like `ip link set X netns NS`.

        Returns the link as it now is there (its index may differ); this
        object is no longer usable.  The kernel drops the link's addresses
        and routes and brings it down; MTU, MAC and alias stay.  LinkExists
        when `namespace` has a link of that name; LinkNotFound when the
        link is gone.
        """
        fd = namespace.fileno()
        self._request(rtlink.set_link(self.index, net_ns_fd=fd))
        self._gone = f"link {self.name!r} moved to {namespace!r}"
        return namespace.link(self.name)

    def delete(self) -> None:
        """Delete the link, like `ip link del X`.

        Deleting one end of a veth pair deletes both, and objects for
        either end raise LinkNotFound from then on.  LinkNotFound (ENODEV,
        "Cannot find device" in `ip`'s words) when it is gone already.
        """
        self._request(rtlink.del_link(self.index))
        self._gone = f"link {self.name!r} (index {self.index}) was deleted"

    def peer(self) -> Link:
        """The other end of a veth pair, also when it is in another room.

        What `ip -d link show X` names as "link" and "link-netns".  The
        link is read again first, so a peer that moved is still found.
        ValueError for a link that is not a veth end; LinkNotFound when
        this end is gone, or the peer's namespace is one netkit cannot
        open (not named under /run/netns, not the calling thread's).
        """
        self.refresh()
        if self.kind != "veth":
            raise ValueError(f"{self!r} is not a veth end with a peer")

        index = self.link_index or self._peer_index()
        if self.link_netnsid is None:
            return self.namespace.link(index)
        where = _namespace_by_nsid(self.namespace, self.link_netnsid)
        if where is None:
            raise LinkNotFound(
                errno.ENODEV,
                f"the peer of {self.name!r} is in a namespace with no name",
            )
        return where.link(index)

    def _peer_index(self) -> int:
        # Netlink leaves IFLA_LINK out when it equals the link's own index
        # (older kernels do, for a peer in another namespace); the veth
        # driver still tells it to ethtool.
        from netkit.ioctl import ethtool

        return ethtool.peer_ifindex(self.name, self.namespace)

    # ethtool.

    def driver(self) -> DriverInfo:
        """The link's driver, like `ethtool -i X`.

        `.driver` is "veth", "bridge", "tun"...; also `.version`,
        `.firmware`, `.bus_info`.  NotSupported when the driver does not
        say (lo).
        """
        from netkit.ioctl import ethtool

        self._check_usable()
        return ethtool.driver_info(self.name, self.namespace)

    def ethtool_stats(self) -> dict[str, int]:
        """The driver's own counters by name, like `ethtool -S X`.

        A veth's include `peer_ifindex`.  NotSupported when the driver
        keeps none (a bridge); `stats` has the counters every link has.
        """
        from netkit.ioctl import ethtool

        self._check_usable()
        return ethtool.stats(self.name, self.namespace)

    def wait_state(
        self, state: str | Iterable[str], timeout: float | None = None
    ) -> Link:
        """Wait until the link's state is `state` ("up", "down"...).

        The operational state, as `ip link` shows it: "up" needs the
        link up and a carrier (for a veth, its peer up too).  Several
        states may be given.  Woken by link events, not polling; updates
        this object and returns it.  TimeoutError after `timeout`
        seconds; LinkNotFound when the link goes away meanwhile.
        """
        from netkit.waits import wait_state

        return wait_state(self, state, timeout)

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
        macvlan or vlan (`ip link add ... link PARENT`), `master` a bridge
        to attach it to; both must be in `ns` (ValueError otherwise).
        `attrs` are other IFLA attributes by Python name.  `ns` defaults to
        the calling thread's namespace.  Returns the new link, of the
        class its kind has (`Bridge`, `Vxlan`...).  ValueError for a bad
        name or MAC; LinkExists when the name is taken; NotSupported
        when the kernel lacks the kind; InvalidArgument with the kernel's
        text for data it refuses.
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


def send(
    ns: Namespace,
    request: Request,
    *,
    dump: bool = False,
    decode: Callable[[memoryview], Any] | None = None,
) -> list:
    """Send `request` through `ns.rtnl`; a missing device is LinkNotFound.

    ENODEV means "no such device" whatever the request was about, so an
    address, route or neighbour request that names a deleted link raises
    LinkNotFound rather than AddressNotFound and the like.
    """
    call = ns.rtnl.dump if dump else ns.rtnl.request
    try:
        return call(*request, decode=decode)
    except NotFound as exc:
        if exc.errno != errno.ENODEV or isinstance(exc, LinkNotFound):
            raise
        raise LinkNotFound(
            exc.errno, exc.message, offset=exc.offset, request=exc.request
        ) from exc


def _create(ns: Namespace, request: Request, kind: str) -> None:
    try:
        ns.rtnl.request(*request)
    except NotSupported as exc:
        # The kernel says "Unknown device type"; say which type too.
        missing = f"this kernel has no {kind!r} link kind"
        text = f"{exc.message} ({missing})" if exc.message else missing
        raise NotSupported(
            exc.errno, text, offset=exc.offset, request=exc.request
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


def _namespace_by_nsid(ns: Namespace, nsid: int) -> Namespace | None:
    """The namespace that `ns` numbers `nsid`, among those netkit can open.

    Those are the calling thread's and the named ones (/run/netns).
    """
    from netkit.rtnl.nsid import get_nsid

    for candidate in _openable_namespaces():
        (reply,) = ns.rtnl.request(*get_nsid(candidate.fileno()))
        if reply.get("nsid") == nsid:
            return candidate
        candidate.close()
    return None


def _openable_namespaces() -> Iterator[Namespace]:
    from netkit.namespace import Namespace

    yield Namespace.current()
    for name in Namespace.list():
        try:
            yield Namespace(name)
        except OSError as exc:  # deleted meanwhile, or not a namespace
            log.debug("skipped namespace %s: %s", name, exc)


# The kinds with classes of their own register themselves on import.
from netkit import bridge, devices, veth  # noqa: E402, F401

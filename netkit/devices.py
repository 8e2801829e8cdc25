"""Typed helpers for the simple link kinds: dummy, vlan, macvlan, vxlan.

Each class is a `Link` registered for its kind, so listing links gives
back `Vxlan`, `Macvlan`... objects with their data as properties, and
each `create` is `Link.create` with the kind's data spelled out and
checked before anything is sent.  The `*_data` functions build that data
alone (IFLA_INFO_DATA by Python name), so it can be looked at without a
kernel.  A kernel without the kind answers `NotSupported` naming it.
"""

from __future__ import annotations

import errno
import ipaddress
from typing import TYPE_CHECKING, Any, TypeVar

from netkit.errors import LinkNotFound
from netkit.links import Link, resolve_index
from netkit.rtnl.kinds.macvlan import MODE_NAMES
from netkit.rtnl.kinds.vlan import ETH_P_8021AD, ETH_P_8021Q

if TYPE_CHECKING:
    from netkit.fdb import FdbEntry
    from netkit.namespace import Namespace

L = TypeVar("L", bound=Link)

VLAN_PROTOCOLS = {"802.1q": ETH_P_8021Q, "802.1ad": ETH_P_8021AD}
MACVLAN_MODES = {name: value for value, name in MODE_NAMES.items()}
VXLAN_PORT = 4789  # IANA's; the kernel's own default is 8472
VNI_LIMIT = 1 << 24


def vlan_data(vid: int, protocol: str = "802.1Q") -> dict[str, int]:
    """A vlan's data: the tag `vid` (0-4094) and "802.1Q" or "802.1ad"."""
    if isinstance(vid, bool) or not isinstance(vid, int):
        raise ValueError(f"a vlan id is an int, not {vid!r}")
    if not 0 <= vid < 4095:
        raise ValueError(f"vlan id {vid} is not 0 to 4094")
    key = protocol.lower() if isinstance(protocol, str) else protocol
    if key not in VLAN_PROTOCOLS:
        raise ValueError(f"vlan protocol {protocol!r} is not 802.1Q/802.1ad")
    return {"id": vid, "protocol": VLAN_PROTOCOLS[key]}


def macvlan_data(mode: str = "bridge") -> dict[str, int]:
    """A macvlan's data: `mode` "bridge", "private", "vepa", "passthru"..."""
    if mode not in MACVLAN_MODES:
        known = ", ".join(MACVLAN_MODES)
        raise ValueError(f"macvlan mode {mode!r} is not one of {known}")
    return {"mode": MACVLAN_MODES[mode]}


def vxlan_data(
    vni: int,
    *,
    dev: int | None = None,
    local: str | None = None,
    group: str | None = None,
    remote: str | None = None,
    port: int = VXLAN_PORT,
    learning: bool | None = None,
) -> dict[str, Any]:
    """A vxlan's data; `dev` is the underlying link's index.

    `group` is a multicast group to flood to, `remote` the one unicast
    peer (`ip`'s "remote"); the kernel keeps either in IFLA_VXLAN_GROUP.
    IPv6 addresses go in the `*6` attributes.  ValueError for a VNI out of
    0..2**24-1, a port out of 1..65535, both `group` and `remote`, a
    group that is not multicast or a remote that is, or mixed families.
    """
    if isinstance(vni, bool) or not isinstance(vni, int):
        raise ValueError(f"a VNI is an int, not {vni!r}")
    if not 0 <= vni < VNI_LIMIT:
        raise ValueError(f"VNI {vni} is not 0 to {VNI_LIMIT - 1}")
    if isinstance(port, bool) or port not in range(1, 65536):
        raise ValueError(f"UDP port {port!r} is not 1 to 65535")
    if group is not None and remote is not None:
        raise ValueError("give a multicast group or a remote, not both")
    data: dict[str, Any] = {"id": vni, "port": port}

    peer = _vxlan_peer(group, remote)
    addresses = [("local", local, "local address"), ("group", peer, "peer")]
    versions = set()
    for key, value, what in addresses:
        if value is None:
            continue
        ip = value if not isinstance(value, str) else _ip(value, what)
        versions.add(ip.version)
        data[key if ip.version == 4 else key + "6"] = ip
    if len(versions) > 1:
        raise ValueError("local and group/remote are of different families")

    if dev is not None:
        data["link"] = dev
    if learning is not None:
        data["learning"] = int(bool(learning))
    return data


def _vxlan_peer(
    group: str | None, remote: str | None
) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if group is not None:
        ip = _ip(group, "group")
        if not ip.is_multicast:
            raise ValueError(f"group {group} is not a multicast address")
        return ip
    if remote is not None:
        ip = _ip(remote, "remote")
        if ip.is_multicast:
            raise ValueError(f"remote {remote} is multicast: use group=")
        return ip
    return None


def _ip(
    value: str, what: str
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{what} {value!r} is not an IP address") from None


def _of_class(link: Link, cls: type[L]) -> L:
    # The name was just created; anything else there means it was replaced.
    if not isinstance(link, cls):
        raise LinkNotFound(
            errno.ENODEV, f"{link.name!r} was replaced at once by {link!r}"
        )
    return link


class Dummy(Link):
    """A dummy link: it takes packets and drops them."""

    kinds = ("dummy",)

    @classmethod
    def create(  # type: ignore[override]
        cls, name: str, *, ns: Namespace | None = None, **options: Any
    ) -> Dummy:
        """Make a dummy link, like `ip link add NAME type dummy`.

        `options` as for `Link.create` (mtu=, mac=, master=...).
        NotSupported when the kernel has no dummy driver; errors
        otherwise as for `Link.create`.
        """
        return _of_class(Link.create(name, "dummy", ns=ns, **options), cls)


class Vlan(Link):
    """An 802.1Q (or 802.1ad) vlan on top of a parent link."""

    kinds = ("vlan",)

    @property
    def vid(self) -> int | None:
        """The vlan id (tag)."""
        return self.data.get("id") if isinstance(self.data, dict) else None

    @classmethod
    def create(  # type: ignore[override]
        cls,
        name: str,
        parent: Link | str | int,
        vid: int,
        *,
        ns: Namespace | None = None,
        protocol: str = "802.1Q",
        **options: Any,
    ) -> Vlan:
        """Make a vlan, like `ip link add link PARENT NAME type vlan id VID`.

        `parent` is in `ns` (a Link, name or index).  ValueError for a vid
        out of 0..4094 or a parent in another namespace; NotSupported
        when the kernel has no vlan driver; errors otherwise as for
        `Link.create`.
        """
        data = vlan_data(vid, protocol)
        link = Link.create(
            name, "vlan", ns=ns, data=data, parent=parent, **options
        )
        return _of_class(link, cls)


class Macvlan(Link):
    """A link with a MAC address of its own on top of a parent link."""

    kinds = ("macvlan",)
    KIND = "macvlan"

    @property
    def mode(self) -> str | None:
        """ "bridge", "private", "vepa", "passthru" or "source"."""
        if not isinstance(self.data, dict) or "mode" not in self.data:
            return None
        return MODE_NAMES.get(self.data["mode"], str(self.data["mode"]))

    @classmethod
    def create(  # type: ignore[override]
        cls,
        name: str,
        parent: Link | str | int,
        mode: str = "bridge",
        *,
        ns: Namespace | None = None,
        **options: Any,
    ) -> Macvlan:
        """Make one, like `ip link add link PARENT NAME type macvlan mode M`.

        `parent` is in `ns` (a Link, name or index).  ValueError for an
        unknown mode or a parent in another namespace; errors otherwise
        as for `Link.create`.
        """
        data = macvlan_data(mode)
        link = Link.create(
            name, cls.KIND, ns=ns, data=data, parent=parent, **options
        )
        return _of_class(link, cls)


class Macvtap(Macvlan):
    """A macvlan with a character device (/dev/tapN) for a hypervisor."""

    kinds = ("macvtap",)
    KIND = "macvtap"


class Vxlan(Link):
    """A VXLAN tunnel: an Ethernet segment carried over UDP."""

    kinds = ("vxlan",)

    def _get(self, *keys: str) -> Any:
        data = self.data if isinstance(self.data, dict) else {}
        return next((data[k] for k in keys if k in data), None)

    @property
    def vni(self) -> int | None:
        """The VXLAN network identifier."""
        return self._get("id")

    @property
    def port(self) -> int | None:
        """The destination UDP port."""
        return self._get("port")

    @property
    def local(self) -> Any:
        """The local (source) address, or None."""
        return self._get("local", "local6")

    @property
    def remote(self) -> Any:
        """The unicast peer, or None."""
        peer = self._get("group", "group6")
        return None if peer is None or peer.is_multicast else peer

    @property
    def multicast_group(self) -> Any:
        """The multicast group it floods to, or None.

        (`group` is the link's group number, as on every `Link`.)
        """
        peer = self._get("group", "group6")
        return peer if peer is not None and peer.is_multicast else None

    @classmethod
    def create(  # type: ignore[override]
        cls,
        name: str,
        vni: int,
        *,
        dev: Link | str | int | None = None,
        local: str | None = None,
        group: str | None = None,
        remote: str | None = None,
        port: int = VXLAN_PORT,
        ns: Namespace | None = None,
        learning: bool | None = None,
        **options: Any,
    ) -> Vxlan:
        """Make a tunnel, like `ip link add NAME type vxlan id VNI ...`.

        (`dev DEV local LOCAL group GROUP | remote REMOTE dstport PORT
        [no]learning`.)  `dev` is in `ns`.  ValueError as `vxlan_data`
        says, or for a `dev` in another namespace; errors otherwise as
        for `Link.create` (the kernel's text for what it refuses).
        """
        from netkit.links import _namespace

        ns = _namespace(ns)
        index = resolve_index(ns, dev) if dev is not None else None
        data = vxlan_data(
            vni,
            dev=index,
            local=local,
            group=group,
            remote=remote,
            port=port,
            learning=learning,
        )
        link = Link.create(name, "vxlan", ns=ns, data=data, **options)
        return _of_class(link, cls)

    # The forwarding table: which remote end each MAC is behind
    # (netkit.fdb).

    def fdb(self) -> list[FdbEntry]:
        """The tunnel's own entries, like `bridge fdb show dev VXLAN`."""
        from netkit import fdb

        return fdb.vxlan_entries(self)

    def add_fdb(
        self,
        mac: str,
        *,
        dst: str,
        vni: int | None = None,
        port: int | None = None,
        via: Link | str | int | None = None,
        static: bool = True,
        append: bool = False,
        replace: bool = False,
    ) -> None:
        """Send frames for `mac` to `dst`: `bridge fdb add MAC dev VX dst`.

        (`... dst DST [vni VNI] [port PORT] [via DEV]`.)  The all-zero MAC
        is the default for unknown MACs; `append` adds one more remote
        for the same MAC (`bridge fdb append`) to flood to several.
        `static` False makes it age out.  ValueError for a bad MAC or
        address; NeighbourExists when the MAC has an entry (unless
        `append` or `replace`).
        """
        from netkit import fdb

        fdb.vxlan_add(
            self,
            mac,
            dst=dst,
            vni=vni,
            dst_port=port,
            via=via,
            static=static,
            append=append,
            replace=replace,
        )

    def delete_fdb(
        self,
        mac: str,
        *,
        dst: str | None = None,
        vni: int | None = None,
        port: int | None = None,
    ) -> None:
        """Remove `mac`, or only its remote `dst`: `bridge fdb del`.

        NeighbourNotFound when there is no such entry.
        """
        from netkit import fdb

        fdb.vxlan_delete(self, mac, dst=dst, vni=vni, dst_port=port)

"""The forwarding database: which MAC is behind which bridge port.

A bridge learns where each MAC lives from the frames it forwards, and
forgets after the ageing time; static entries stay until removed.  A
vxlan device keeps the same kind of table, mapping a MAC to the remote
tunnel end (`dst`) that frames for it are sent to; the all-zero MAC is
the default, where frames for unknown MACs go.

`Bridge.fdb()`, `Bridge.add_fdb()` and `Vxlan.add_fdb()` are the calls
most code wants; the functions here take a namespace and indexes.
Errors: ValueError for a malformed MAC, VLAN or address before anything
is sent; `NeighbourExists` and `NeighbourNotFound` for an entry that is
there or absent (fdb entries are neighbour entries to the kernel);
`NotSupported` when the kernel has no bridge to send a request to (the
link is not a bridge port).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netkit.bridge_ports import port_of
from netkit.rtnl import fdb as rtfdb
from netkit.rtnl.neigh import EXT_FLAGS, FLAGS, NeighMessage

if TYPE_CHECKING:
    from netkit.bridge import Bridge
    from netkit.links import Link
    from netkit.namespace import Namespace

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# NDA_CACHEINFO ages are in USER_HZ ticks.
USER_HZ = 100


@dataclass(frozen=True)
class FdbEntry:
    """One forwarding entry (like one line of `bridge fdb show`).

    `dev` is the port (or vxlan device) the MAC is behind and `master`
    the bridge; `state` is the word `bridge fdb` prints ("permanent",
    "static", "stale") or "reachable" for a fresh learned entry; `flags`
    are names such as "self", "extern_learn", "sticky".  A vxlan entry
    has `dst` (the remote end), `dst_port`, `vni` and `via`.  `updated`
    is how many seconds ago the entry was last refreshed.
    """

    mac: str
    dev: str
    index: int
    state: str
    flags: tuple[str, ...] = ()
    master: str | None = None
    master_index: int | None = None
    vlan: int | None = None
    dst: IPAddress | None = None
    dst_port: int | None = None
    vni: int | None = None
    src_vni: int | None = None
    via: str | None = None
    updated: float | None = None

    @property
    def static(self) -> bool:
        """Added by hand (static or permanent): it never ages out."""
        return self.state in ("static", "permanent")

    @property
    def learned(self) -> bool:
        """Learned from traffic by the bridge (and so ageing)."""
        return not self.static and "extern_learn" not in self.flags

    @classmethod
    def from_message(
        cls, message: NeighMessage, names: dict[int, str]
    ) -> FdbEntry:
        master = message.get("master")
        via = message.get("ifindex")
        cache = message.get("cacheinfo")
        flags = FLAGS.names(message.flags)
        flags += EXT_FLAGS.names(message.get("flags_ext", 0))
        return cls(
            mac=message.get("lladdr", ""),
            dev=names.get(message.ifindex, str(message.ifindex)),
            index=message.ifindex,
            state=rtfdb.state_name(message.state),
            flags=flags,
            master=names.get(master, str(master)) if master else None,
            master_index=master or None,
            vlan=message.get("vlan"),
            dst=message.get("dst"),
            dst_port=message.get("port"),
            vni=message.get("vni"),
            src_vni=message.get("src_vni"),
            via=names.get(via, str(via)) if via else None,
            updated=None if cache is None else cache["updated"] / USER_HZ,
        )


def list_fdb(
    ns: Namespace, *, bridge: int = 0, index: int = 0
) -> list[FdbEntry]:
    """Entries of `ns`, of one bridge, of one port (`bridge fdb show`)."""
    from netkit.links import _all_names

    messages = ns.rtnl.dump(*rtfdb.dump_fdb(bridge=bridge, index=index))
    names = _all_names(ns)
    return [FdbEntry.from_message(m, names) for m in messages]


def get(ns: Namespace, mac: str, **options: Any) -> FdbEntry:
    """One entry, found by the kernel (`bridge fdb get`).

    `options` as for `netkit.rtnl.fdb.get_fdb` (index=, bridge=, vlan=,
    master=); NeighbourNotFound ("Fdb entry not found") when absent.
    """
    from netkit.links import _name_of

    (message,) = ns.rtnl.request(*rtfdb.get_fdb(mac, **options))
    indexes = {message.ifindex, message.get("master"), message.get("ifindex")}
    names = {i: _name_of(ns, i) or str(i) for i in indexes if i}
    return FdbEntry.from_message(message, names)


def add(ns: Namespace, mac: str, index: int, **options: Any) -> None:
    """Add an entry; `options` as for `netkit.rtnl.fdb.new_fdb`."""
    from netkit.links import send

    send(ns, rtfdb.new_fdb(mac, index, **options))


def delete(ns: Namespace, mac: str, index: int, **options: Any) -> None:
    """Remove an entry; `options` as for `netkit.rtnl.fdb.del_fdb`."""
    from netkit.links import send

    send(ns, rtfdb.del_fdb(mac, index, **options))


# What `Bridge` calls.


def bridge_entries(
    bridge: Bridge,
    port: Link | str | int | None = None,
    *,
    vlan: int | None = None,
    self_entries: bool = False,
) -> list[FdbEntry]:
    """The bridge's forwarding entries (see `Bridge.fdb`)."""
    from netkit.links import resolve_index

    bridge._check_usable()
    ns = bridge.namespace
    index = resolve_index(ns, port) if port is not None else 0
    entries = list_fdb(ns, bridge=bridge.index, index=index)
    if not self_entries:
        entries = [e for e in entries if e.master_index == bridge.index]
    if vlan is not None:
        entries = [e for e in entries if e.vlan == vlan]
    return entries


def bridge_add(
    bridge: Bridge,
    mac: str,
    port: Link | str | int,
    *,
    static: bool = True,
    vlan: int | None = None,
    sticky: bool = False,
    replace: bool = False,
) -> FdbEntry:
    """Add an entry to the bridge (see `Bridge.add_fdb`)."""
    index = port_of(bridge, port).index
    mac = rtfdb.check_mac(mac)
    add(
        bridge.namespace,
        mac,
        index,
        state="static" if static else "dynamic",
        vlan=vlan,
        flags=("sticky",) if sticky else (),
        replace=replace,
    )
    return get(bridge.namespace, mac, bridge=bridge.index, vlan=vlan)


def bridge_delete(
    bridge: Bridge,
    mac: str,
    port: Link | str | int,
    *,
    vlan: int | None = None,
) -> None:
    """Remove an entry from the bridge (see `Bridge.delete_fdb`)."""
    index = port_of(bridge, port).index
    delete(bridge.namespace, mac, index, vlan=vlan)


# What `Vxlan` calls.


def vxlan_entries(vxlan: Link) -> list[FdbEntry]:
    """The vxlan's own entries: MAC -> remote end (`Vxlan.fdb`)."""
    vxlan._check_usable()
    entries = list_fdb(vxlan.namespace, index=vxlan.index)
    return [e for e in entries if "self" in e.flags and not e.master_index]


def vxlan_add(
    vxlan: Link,
    mac: str,
    *,
    dst: str | IPAddress,
    vni: int | None = None,
    dst_port: int | None = None,
    via: Link | str | int | None = None,
    static: bool = True,
    append: bool = False,
    replace: bool = False,
) -> None:
    """Add a remote end for `mac` (see `Vxlan.add_fdb`)."""
    from netkit.links import resolve_index

    ns = vxlan.namespace
    request = rtfdb.new_fdb(
        mac,
        vxlan.index,
        master=False,
        state="permanent" if static else "dynamic",
        dst=dst,
        vni=vni,
        dst_port=dst_port,
        via=resolve_index(ns, via) if via is not None else None,
        append=append,
        replace=replace,
    )
    vxlan._request(request)


def vxlan_delete(
    vxlan: Link,
    mac: str,
    *,
    dst: str | IPAddress | None = None,
    vni: int | None = None,
    dst_port: int | None = None,
) -> None:
    """Remove `mac`, or one of its remote ends (see `Vxlan.delete_fdb`)."""
    request = rtfdb.del_fdb(
        mac,
        vxlan.index,
        master=False,
        dst=dst,
        vni=vni,
        dst_port=dst_port,
    )
    vxlan._request(request)

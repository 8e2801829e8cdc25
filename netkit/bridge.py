"""`Bridge`: the switch that joins the rooms' cables.

Ports are attached by making the bridge their master.  A bridge's MTU
follows its ports until it is set by hand, so it is read, never cached.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any

from netkit.errors import LinkNotFound
from netkit.links import Link, _create, _namespace, list_links
from netkit.rtnl import link as rtlink

if TYPE_CHECKING:
    from netkit.bridge_ports import BridgePort, BridgeSettings, BridgeVlan
    from netkit.fdb import FdbEntry
    from netkit.namespace import Namespace


class Bridge(Link):
    """A Linux bridge (a software switch)."""

    kinds = ("bridge",)

    @classmethod
    def create(  # type: ignore[override]
        cls,
        name: str,
        *,
        ns: Namespace | None = None,
        mtu: int | None = None,
        mac: str | None = None,
        stp: bool | None = None,
        **data: Any,
    ) -> Bridge:
        """Make a bridge, like `ip link add NAME type bridge`.

        `ns` defaults to the calling thread's namespace.  `stp` turns
        spanning tree on or off; other keywords are bridge data by Python
        name (forward_delay=, ageing_time=, ...).  The bridge starts down.
        ValueError for a bad name or MAC; LinkExists when the name is
        taken; InvalidArgument with the kernel's text for data it refuses.
        """
        ns = _namespace(ns)
        if stp is not None:
            data["stp_state"] = int(stp)
        request = rtlink.new_link(
            name, "bridge", data or None, mtu=mtu, address=mac
        )
        _create(ns, request, "bridge")
        link = ns.link(name)
        if not isinstance(link, Bridge):
            raise LinkNotFound(
                errno.ENODEV, f"{name!r} was replaced at once by {link!r}"
            )
        return link

    def attach(self, link: Link) -> Link:
        """Make `link` a port, like `ip link set X master BRIDGE`.

        Returns the link read again (its `master` is this bridge).
        ValueError when `link` is in another namespace than the bridge;
        LinkNotFound when either is gone; the kernel's error with its
        text otherwise (a loop, a link that cannot be a port).
        """
        self._check_port(link)
        link._request(rtlink.set_link(link.index, master=self.index))
        return link.refresh()

    def detach(self, link: Link) -> Link:
        """Release a port, like `ip link set X nomaster`.

        Returns the link read again.  ValueError when `link` is in
        another namespace or not a port of this bridge; LinkNotFound
        when it is gone.
        """
        self._check_port(link)
        if link.refresh().master_index != self.index:
            raise ValueError(f"{link!r} is not a port of {self.name!r}")
        link._request(rtlink.set_link(link.index, master=0))
        return link.refresh()

    def ports(self) -> list[Link]:
        """The links attached, like `ip link show master BRIDGE`.

        LinkNotFound when the bridge is gone.
        """
        self._check_usable()
        found = list_links(self.namespace, master=self.index)
        if not found:
            # The kernel filters a dump by any index, present or not.
            self.refresh()
        return found

    # The bridge's own settings, its ports' and their VLANs
    # (netkit.bridge_ports).

    def settings(self) -> BridgeSettings:
        """Ageing time, STP, VLAN filtering... as the kernel has them now.

        Like `ip -d link show dev BRIDGE`; times in seconds.
        """
        from netkit.bridge_ports import BridgeSettings

        return BridgeSettings.from_link(self.refresh())

    def configure(
        self,
        *,
        ageing_time: float | None = None,
        stp: bool | None = None,
        vlan_filtering: bool | None = None,
        default_pvid: int | None = None,
        forward_delay: float | None = None,
        hello_time: float | None = None,
        max_age: float | None = None,
        priority: int | None = None,
    ) -> BridgeSettings:
        """Change settings, like `ip link set BRIDGE type bridge ...`.

        Times in seconds (`ageing_time` 300 is `ageing_time 30000`);
        `stp` is `stp_state 1/0`; `default_pvid` 0 turns it off.  Returns
        the settings read back.  ValueError for values out of range; the
        kernel's error with its text otherwise (NotSupported for VLAN
        filtering on a kernel built without it).
        """
        from netkit import bridge_ports

        return bridge_ports.configure(
            self,
            ageing_time=ageing_time,
            stp=stp,
            vlan_filtering=vlan_filtering,
            default_pvid=default_pvid,
            forward_delay=forward_delay,
            hello_time=hello_time,
            max_age=max_age,
            priority=priority,
        )

    def port(self, link: Link | str | int) -> BridgePort:
        """A port's settings: `bridge -d link show dev X`.

        ValueError when `link` is not a port of this bridge.
        """
        from netkit import bridge_ports

        return bridge_ports.get_port(self, link)

    def set_port(self, link: Link | str | int, **settings: Any) -> BridgePort:
        """Change a port's settings, like `bridge link set dev X ...`.

        `settings`: hairpin, learning, flood (unknown unicast),
        mcast_flood, bcast_flood, isolated, proxy_arp, neigh_suppress,
        guard, root_block, fast_leave, mcast_to_unicast, locked (on/off),
        cost, priority, state ("forwarding"...).  Returns the port's
        settings read back.  ValueError for an unknown setting or a link
        that is not a port of this bridge.
        """
        from netkit import bridge_ports

        return bridge_ports.set_port(self, link, **settings)

    def vlans(self, port: Link | str | int | None = None) -> list[BridgeVlan]:
        """VLANs of the bridge and its ports, like `bridge vlan show`.

        Empty while VLAN filtering has never been on (and always, on a
        kernel built without it).
        """
        from netkit import bridge_ports

        return bridge_ports.bridge_vlans(self, port)

    def add_vlan(
        self,
        port: Link | str | int,
        vid: int | range,
        *,
        pvid: bool = False,
        untagged: bool = False,
    ) -> None:
        """Add VLANs: `bridge vlan add vid VID dev X [pvid] [untagged]`.

        `port` is a port, or the bridge itself (`... self`); `vid` one
        VLAN or a `range` of them.  ValueError for a VLAN outside 1-4094
        or a link that is not a port; NotSupported without VLAN filtering
        in the kernel.
        """
        from netkit import bridge_ports

        bridge_ports.add_vlan(self, port, vid, pvid=pvid, untagged=untagged)

    def delete_vlan(self, port: Link | str | int, vid: int | range) -> None:
        """Remove VLANs, like `bridge vlan del vid VID dev X`."""
        from netkit import bridge_ports

        bridge_ports.delete_vlan(self, port, vid)

    # The forwarding database (netkit.fdb).

    def fdb(
        self,
        port: Link | str | int | None = None,
        *,
        vlan: int | None = None,
        self_entries: bool = False,
    ) -> list[FdbEntry]:
        """Forwarding entries, like `bridge fdb show br BRIDGE [dev X]`.

        Learned and static entries of the bridge's table; `self_entries`
        adds the ports' and bridge's own address lists (`bridge fdb`
        shows them as "self permanent").
        """
        from netkit import fdb

        return fdb.bridge_entries(
            self, port, vlan=vlan, self_entries=self_entries
        )

    def fdb_entry(self, mac: str, *, vlan: int | None = None) -> FdbEntry:
        """One entry, looked up by the kernel: `bridge fdb get MAC br B`.

        NeighbourNotFound ("Fdb entry not found") when there is none.
        """
        from netkit import fdb

        self._check_usable()
        return fdb.get(self.namespace, mac, bridge=self.index, vlan=vlan)

    def add_fdb(
        self,
        mac: str,
        port: Link | str | int,
        *,
        static: bool = True,
        vlan: int | None = None,
        sticky: bool = False,
        replace: bool = False,
    ) -> FdbEntry:
        """Add an entry: `bridge fdb add MAC dev PORT master static`.

        `static` False adds a dynamic entry that ages out like a learned
        one; `sticky` ones never move to another port.  Returns the
        entry as the kernel has it.  ValueError for a bad MAC or VLAN, or
        a link that is not a port of this bridge; NeighbourExists when
        the entry is there (unless `replace`).
        """
        from netkit import fdb

        return fdb.bridge_add(
            self,
            mac,
            port,
            static=static,
            vlan=vlan,
            sticky=sticky,
            replace=replace,
        )

    def delete_fdb(
        self, mac: str, port: Link | str | int, *, vlan: int | None = None
    ) -> None:
        """Remove an entry: `bridge fdb del MAC dev PORT master [vlan V]`.

        NeighbourNotFound when there is none.
        """
        from netkit import fdb

        fdb.bridge_delete(self, mac, port, vlan=vlan)

    def _check_port(self, link: Link) -> None:
        self._check_usable()
        if link.namespace != self.namespace:
            raise ValueError(
                f"{link!r} is in {link.namespace!r}; bridge {self.name!r} "
                f"is in {self.namespace!r}: move the link first"
            )

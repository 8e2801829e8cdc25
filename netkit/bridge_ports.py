"""Bridge settings: the bridge's own, its ports', and VLAN membership.

What CNI-style tools set on a bridge: the ageing time of learned
entries, spanning tree on or off, VLAN filtering; on each port hairpin
(frames may go back out of the port they came in by), learning,
flooding of unknown unicast, isolation (isolated ports talk only to
non-isolated ones); and with VLAN filtering on, the VLANs of each port
and which one is its PVID (untagged frames coming in join it).

Times are in seconds here; the kernel keeps them in hundredths of a
second (`ip -d link` prints those).  Port settings are sent like
`bridge link set` does (AF_BRIDGE, IFLA_PROTINFO) and read back from
the port's IFLA_INFO_SLAVE_DATA, as `ip -d link show` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netkit.rtnl import bridge_af
from netkit.rtnl import link as rtlink
from netkit.rtnl.bridge_af import BRIDGE_VLAN_INFO
from netkit.rtnl.common import Names
from netkit.rtnl.kinds.bridge import (
    BRIDGE_MODE_HAIRPIN,
    BRIDGE_MODE_UNSPEC,
    PORT_STATE_NAMES,
)

if TYPE_CHECKING:
    from netkit.bridge import Bridge
    from netkit.links import Link
    from netkit.namespace import Namespace

# The kernel's clock_t: hundredths of a second.
USER_HZ = 100
PORT_STATES = Names(PORT_STATE_NAMES)

# Python name of a port setting -> its IFLA_BRPORT_* name.  The on/off
# ones are u8 0/1 on the wire; hairpin is IFLA_BRPORT_MODE.
PORT_FLAGS = {
    "hairpin": "mode",
    "learning": "learning",
    "flood": "unicast_flood",
    "mcast_flood": "mcast_flood",
    "bcast_flood": "bcast_flood",
    "isolated": "isolated",
    "proxy_arp": "proxyarp",
    "neigh_suppress": "neigh_suppress",
    "guard": "guard",
    "root_block": "protect",
    "fast_leave": "fast_leave",
    "mcast_to_unicast": "mcast_to_ucast",
    "locked": "locked",
}
PORT_NUMBERS = {"cost": (1, 0xFFFFFFFF), "priority": (0, 63)}


@dataclass(frozen=True)
class BridgePort:
    """A bridge port's settings (like `bridge -d link show dev X`).

    `state` is the spanning-tree state ("forwarding", "blocking"...);
    the booleans are as `bridge link set` names them, `flood` being
    the flooding of unknown unicast.
    """

    name: str
    index: int
    bridge: str | None
    state: str
    priority: int
    cost: int
    hairpin: bool
    learning: bool
    flood: bool
    mcast_flood: bool
    bcast_flood: bool
    isolated: bool
    proxy_arp: bool
    neigh_suppress: bool
    guard: bool
    root_block: bool
    fast_leave: bool
    mcast_to_unicast: bool
    locked: bool

    @classmethod
    def from_link(cls, link: Link) -> BridgePort:
        data = link.slave_data
        if link.slave_kind != "bridge" or not isinstance(data, dict):
            raise ValueError(f"{link.name!r} is not a bridge port")
        flags = {
            name: bool(data.get(attr, 0)) for name, attr in PORT_FLAGS.items()
        }
        return cls(
            name=link.name,
            index=link.index,
            bridge=link.master,
            state=PORT_STATES.name(data.get("state", 0)),
            priority=data.get("priority", 0),
            cost=data.get("cost", 0),
            **flags,
        )


@dataclass(frozen=True)
class BridgeSettings:
    """A bridge's own settings (like `ip -d link show type bridge`).

    Times in seconds; `default_pvid` is None on a kernel built without
    VLAN filtering (it then reports no VLAN settings).
    """

    ageing_time: float
    stp: bool
    forward_delay: float
    hello_time: float
    max_age: float
    priority: int
    vlan_filtering: bool
    default_pvid: int | None

    @classmethod
    def from_link(cls, bridge: Link) -> BridgeSettings:
        data = bridge.data if isinstance(bridge.data, dict) else {}
        return cls(
            ageing_time=data.get("ageing_time", 0) / USER_HZ,
            stp=bool(data.get("stp_state", 0)),
            forward_delay=data.get("forward_delay", 0) / USER_HZ,
            hello_time=data.get("hello_time", 0) / USER_HZ,
            max_age=data.get("max_age", 0) / USER_HZ,
            priority=data.get("priority", 0),
            vlan_filtering=bool(data.get("vlan_filtering", 0)),
            default_pvid=data.get("vlan_default_pvid"),
        )


@dataclass(frozen=True)
class BridgeVlan:
    """A VLAN of a bridge port (like one line of `bridge vlan show`)."""

    dev: str
    index: int
    vid: int
    pvid: bool
    untagged: bool


# The bridge's own settings.

_TIMES = ("ageing_time", "forward_delay", "hello_time", "max_age")


def bridge_data(**settings: Any) -> dict[str, int]:
    """IFLA_BR_* data for `settings` given in `BridgeSettings` terms.

    None values are left out.  ValueError for an unknown setting, a
    negative time or a PVID outside 0-4094 (0 turns the default off).
    """
    data: dict[str, int] = {}
    for name, value in settings.items():
        if value is None:
            continue
        if name in _TIMES:
            data[name] = _centiseconds(value, name)
        elif name == "stp":
            data["stp_state"] = int(_bool(value, name))
        elif name == "vlan_filtering":
            data["vlan_filtering"] = int(_bool(value, name))
        elif name == "default_pvid":
            data["vlan_default_pvid"] = _number(value, name, 0, 4094)
        elif name == "priority":
            data["priority"] = _number(value, name, 0, 0xFFFF)
        else:
            raise ValueError(f"no bridge setting {name!r}")
    return data


def configure(bridge: Bridge, **settings: Any) -> BridgeSettings:
    """Change the bridge's settings (see `Bridge.configure`)."""
    data = bridge_data(**settings)
    if not data:
        raise ValueError("configure() needs at least one setting")

    linkinfo = {"kind": "bridge", "data": data}
    bridge._request(rtlink.set_link(bridge.index, linkinfo=linkinfo))
    return BridgeSettings.from_link(bridge.refresh())


# Ports.


def port_settings(**settings: Any) -> dict[str, int]:
    """IFLA_BRPORT_* values for `settings` in `BridgePort` terms."""
    protinfo: dict[str, int] = {}
    for name, value in settings.items():
        if value is None:
            continue
        if name in PORT_FLAGS:
            on = _bool(value, name)
            if name == "hairpin":
                protinfo["mode"] = (
                    BRIDGE_MODE_HAIRPIN if on else BRIDGE_MODE_UNSPEC
                )
            else:
                protinfo[PORT_FLAGS[name]] = int(on)
        elif name in PORT_NUMBERS:
            protinfo[name] = _number(value, name, *PORT_NUMBERS[name])
        elif name == "state":
            protinfo["state"] = _number(
                PORT_STATES.value(value), "state", 0, 4
            )
        else:
            raise ValueError(f"no bridge port setting {name!r}")
    return protinfo


def port_of(bridge: Bridge, port: Link | str | int) -> Link:
    """`port` read afresh; ValueError unless it is a port of `bridge`."""
    from netkit.links import Link, resolve_index

    bridge._check_usable()
    if isinstance(port, Link):
        bridge._check_port(port)
    link = bridge.namespace.link(resolve_index(bridge.namespace, port))
    if link.master_index != bridge.index:
        raise ValueError(f"{link.name!r} is not a port of {bridge.name!r}")
    return link


def set_port(
    bridge: Bridge, port: Link | str | int, **settings: Any
) -> BridgePort:
    """Change a port's settings (see `Bridge.set_port`)."""
    protinfo = port_settings(**settings)
    if not protinfo:
        raise ValueError("set_port() needs at least one setting")

    link = port_of(bridge, port)
    link._request(bridge_af.set_port(link.index, **protinfo))
    return BridgePort.from_link(link.refresh())


def get_port(bridge: Bridge, port: Link | str | int) -> BridgePort:
    """A port's settings as the kernel has them now."""
    return BridgePort.from_link(port_of(bridge, port))


# VLANs.


def list_vlans(ns: Namespace) -> list[BridgeVlan]:
    """The VLANs of every bridge and port of `ns`: `bridge vlan show`."""
    found = []
    for message in ns.rtnl.dump(*bridge_af.dump_bridge_links()):
        name = message.get("ifname", str(message.index))
        for vid, flags in bridge_af.vlans_of(message):
            pvid = bool(flags & BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_PVID)
            untagged = flags & BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_UNTAGGED
            found.append(
                BridgeVlan(name, message.index, vid, pvid, bool(untagged))
            )
    return found


def bridge_vlans(
    bridge: Bridge, port: Link | str | int | None = None
) -> list[BridgeVlan]:
    """The VLANs of the bridge and its ports (see `Bridge.vlans`)."""
    bridge._check_usable()
    if port is not None:
        index = _vlan_target(bridge, port)
        return [v for v in list_vlans(bridge.namespace) if v.index == index]

    members = {link.index for link in bridge.ports()} | {bridge.index}
    return [v for v in list_vlans(bridge.namespace) if v.index in members]


def add_vlan(
    bridge: Bridge,
    port: Link | str | int,
    vid: int | range,
    *,
    pvid: bool = False,
    untagged: bool = False,
) -> None:
    """Add VLANs to a port or the bridge (see `Bridge.add_vlan`)."""
    index = _vlan_target(bridge, port)
    request = bridge_af.add_vlan(
        index, vid, pvid=pvid, untagged=untagged, self=index == bridge.index
    )
    bridge._request(request)


def delete_vlan(
    bridge: Bridge, port: Link | str | int, vid: int | range
) -> None:
    """Remove VLANs from a port or the bridge (see `Bridge.delete_vlan`)."""
    index = _vlan_target(bridge, port)
    request = bridge_af.del_vlan(index, vid, self=index == bridge.index)
    bridge._request(request)


def _vlan_target(bridge: Bridge, port: Link | str | int) -> int:
    # The bridge itself, or one of its ports.
    from netkit.links import Link

    if isinstance(port, Link) and port == bridge:
        return bridge.index
    if port in (bridge.name, bridge.index):
        return bridge.index
    return port_of(bridge, port).index


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | int) or value not in (0, 1):
        raise ValueError(f"{name} is on or off (True/False), not {value!r}")
    return bool(value)


def _number(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} {value} is not {low} to {high}")
    return value


def _centiseconds(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} is in seconds, not {value!r}")
    ticks = round(value * USER_HZ)
    if not 0 <= ticks <= 0xFFFFFFFF:
        raise ValueError(f"{name} {value} s is out of range")
    return ticks

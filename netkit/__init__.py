"""netkit: Linux namespaces, links, addresses and routes over rtnetlink.

The package is a facade. Public names are listed in ``_LAZY`` and loaded
from their modules on first use (PEP 562), so ``import netkit`` stays
cheap: it opens no socket and loads no C bindings.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

# Public name -> "module:attribute". To publish a name, add a row here and
# the same name to __all__; tests/unit/test_facade.py checks that the two
# agree and that every row resolves.
_LAZY: dict[str, str] = {
    "BatchError": "netkit.netlink.batch:BatchError",
    "Namespace": "netkit.namespace:Namespace",
    "spawn": "netkit.ns.spawn:spawn",
    "Link": "netkit.links:Link",
    "LinkStats": "netkit.links:LinkStats",
    "VethPair": "netkit.veth:VethPair",
    "Veth": "netkit.veth:Veth",
    "Tap": "netkit.ioctl.tuntap:Tap",
    "Tun": "netkit.ioctl.tuntap:Tun",
    "DriverInfo": "netkit.ioctl.ethtool:DriverInfo",
    "Bridge": "netkit.bridge:Bridge",
    "Dummy": "netkit.devices:Dummy",
    "Vlan": "netkit.devices:Vlan",
    "Macvlan": "netkit.devices:Macvlan",
    "Macvtap": "netkit.devices:Macvtap",
    "Vxlan": "netkit.devices:Vxlan",
    "Address": "netkit.addresses:Address",
    "Route": "netkit.routes:Route",
    "RouteLookup": "netkit.lookups:RouteLookup",
    "Neighbour": "netkit.neighbours:Neighbour",
    "FdbEntry": "netkit.fdb:FdbEntry",
    "BridgePort": "netkit.bridge_ports:BridgePort",
    "BridgeSettings": "netkit.bridge_ports:BridgeSettings",
    "BridgeVlan": "netkit.bridge_ports:BridgeVlan",
    "PingResult": "netkit.icmp:PingResult",
    "Event": "netkit.events:Event",
    "LinkAdded": "netkit.events:LinkAdded",
    "LinkChanged": "netkit.events:LinkChanged",
    "LinkRemoved": "netkit.events:LinkRemoved",
    "AddressAdded": "netkit.events:AddressAdded",
    "AddressChanged": "netkit.events:AddressChanged",
    "AddressRemoved": "netkit.events:AddressRemoved",
    "RouteAdded": "netkit.events:RouteAdded",
    "RouteChanged": "netkit.events:RouteChanged",
    "RouteRemoved": "netkit.events:RouteRemoved",
    "NeighbourAdded": "netkit.events:NeighbourAdded",
    "NeighbourChanged": "netkit.events:NeighbourChanged",
    "NeighbourRemoved": "netkit.events:NeighbourRemoved",
    "Monitor": "netkit.monitor:Monitor",
    "NetlinkError": "netkit.errors:NetlinkError",
    "DecodeError": "netkit.errors:DecodeError",
    "Exists": "netkit.errors:Exists",
    "NotFound": "netkit.errors:NotFound",
    "PermissionDenied": "netkit.errors:PermissionDenied",
    "Busy": "netkit.errors:Busy",
    "InvalidArgument": "netkit.errors:InvalidArgument",
    "NotSupported": "netkit.errors:NotSupported",
    "NetworkUnreachable": "netkit.errors:NetworkUnreachable",
    "AddressNotAvailable": "netkit.errors:AddressNotAvailable",
    "DumpInterrupted": "netkit.errors:DumpInterrupted",
    "BufferOverrun": "netkit.errors:BufferOverrun",
    "EventsLost": "netkit.errors:EventsLost",
    "LinkExists": "netkit.errors:LinkExists",
    "LinkNotFound": "netkit.errors:LinkNotFound",
    "AddressExists": "netkit.errors:AddressExists",
    "AddressNotFound": "netkit.errors:AddressNotFound",
    "RouteExists": "netkit.errors:RouteExists",
    "RouteNotFound": "netkit.errors:RouteNotFound",
    "NeighbourExists": "netkit.errors:NeighbourExists",
    "NeighbourNotFound": "netkit.errors:NeighbourNotFound",
    "NamespaceExists": "netkit.errors:NamespaceExists",
    "NamespaceNotFound": "netkit.errors:NamespaceNotFound",
}

__all__: list[str] = [
    "Address",
    "AddressAdded",
    "AddressChanged",
    "AddressExists",
    "AddressNotAvailable",
    "AddressNotFound",
    "AddressRemoved",
    "BatchError",
    "Bridge",
    "BridgePort",
    "BridgeSettings",
    "BridgeVlan",
    "BufferOverrun",
    "Busy",
    "DecodeError",
    "DriverInfo",
    "Dummy",
    "DumpInterrupted",
    "Event",
    "EventsLost",
    "Exists",
    "FdbEntry",
    "InvalidArgument",
    "Link",
    "LinkAdded",
    "LinkChanged",
    "LinkExists",
    "LinkNotFound",
    "LinkRemoved",
    "LinkStats",
    "Macvlan",
    "Macvtap",
    "Monitor",
    "Namespace",
    "NamespaceExists",
    "NamespaceNotFound",
    "Neighbour",
    "NeighbourAdded",
    "NeighbourChanged",
    "NeighbourExists",
    "NeighbourNotFound",
    "NeighbourRemoved",
    "NetlinkError",
    "NetworkUnreachable",
    "NotFound",
    "NotSupported",
    "PermissionDenied",
    "PingResult",
    "Route",
    "RouteAdded",
    "RouteChanged",
    "RouteExists",
    "RouteLookup",
    "RouteNotFound",
    "RouteRemoved",
    "Tap",
    "Tun",
    "Veth",
    "VethPair",
    "Vlan",
    "Vxlan",
    "spawn",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module the first time it is asked for."""
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'netkit' has no attribute {name!r}")

    module_name, _, attr = target.partition(":")
    value = getattr(import_module(module_name), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})

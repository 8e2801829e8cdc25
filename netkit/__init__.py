"""netkit: Linux namespaces, links, addresses and routes over rtnetlink.

The package is a facade. Public names are listed in ``_LAZY`` and loaded
from their modules on first use (PEP 562), so ``import netkit`` stays
cheap: it opens no socket and loads no C bindings.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Public name -> "module:attribute". To publish a name, add a row here and
# the same name to __all__; tests/unit/test_facade.py checks that the two
# agree and that every row resolves.
_LAZY: dict[str, str] = {
    "Namespace": "netkit.namespace:Namespace",
    "spawn": "netkit.ns.spawn:spawn",
    "Link": "netkit.links:Link",
    "LinkStats": "netkit.links:LinkStats",
    "VethPair": "netkit.veth:VethPair",
    "Veth": "netkit.veth:Veth",
    "Bridge": "netkit.bridge:Bridge",
    "Address": "netkit.addresses:Address",
    "Route": "netkit.routes:Route",
    "Neighbour": "netkit.neighbours:Neighbour",
    "PingResult": "netkit.icmp:PingResult",
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
    "AddressExists",
    "AddressNotAvailable",
    "AddressNotFound",
    "Bridge",
    "BufferOverrun",
    "Busy",
    "DecodeError",
    "DumpInterrupted",
    "Exists",
    "InvalidArgument",
    "Link",
    "LinkExists",
    "LinkNotFound",
    "LinkStats",
    "Namespace",
    "NamespaceExists",
    "NamespaceNotFound",
    "Neighbour",
    "NeighbourExists",
    "NeighbourNotFound",
    "NetlinkError",
    "NetworkUnreachable",
    "NotFound",
    "NotSupported",
    "PermissionDenied",
    "PingResult",
    "Route",
    "RouteExists",
    "RouteNotFound",
    "Veth",
    "VethPair",
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

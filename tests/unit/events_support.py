"""Objects for the event tests, built from messages like the kernel's."""

from ipaddress import ip_address

from netkit.addresses import Address
from netkit.links import Link
from netkit.neighbours import Neighbour
from netkit.routes import Route
from netkit.rtnl.addr import AddrMessage
from netkit.rtnl.link import IF_OPER_DOWN, IF_OPER_UP, IFF_UP, LinkMessage
from netkit.rtnl.neigh import NeighMessage
from netkit.rtnl.route import RouteMessage
from netkit.rtnl.rtm import AF_INET, AF_INET6

NAMES = {1: "lo", 3: "nk0", 4: "nk1"}
RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST = 0, 253, 254


def link_message(index=3, name="nk0", up=False, **attrs):
    return LinkMessage(
        index=index,
        flags=IFF_UP if up else 0,
        ifname=name,
        operstate=IF_OPER_UP if up else IF_OPER_DOWN,
        mtu=attrs.pop("mtu", 1500),
        **attrs,
    )


def link(index=3, name="nk0", up=False, **attrs):
    return Link.from_message(None, link_message(index, name, up, **attrs))


def address(text="192.0.2.1/24", index=3, flags=0x80):
    ip, _, prefix = text.partition("/")
    family = AF_INET6 if ":" in ip else AF_INET
    message = AddrMessage(
        family=family,
        prefixlen=int(prefix),
        index=index,
        address=ip_address(ip),
        flags=flags,
    )
    return Address.from_message(message, NAMES.get(index, str(index)))


def route_message(dst="198.51.100.0/24", oif=3, gateway=None, **fields):
    net, _, length = dst.partition("/")
    family = AF_INET6 if ":" in net else AF_INET
    attrs = {"dst": ip_address(net), "oif": oif}
    if gateway is not None:
        attrs["gateway"] = ip_address(gateway)
    values = {
        "family": family,
        "dst_len": int(length),
        "table": 254,
        "protocol": 4,
        "scope": RT_SCOPE_UNIVERSE,
        "type": 1,
    }
    values.update(fields)
    return RouteMessage(**values, **attrs)


def route(dst="198.51.100.0/24", oif=3, **fields):
    return Route.from_message(route_message(dst, oif, **fields), NAMES)


def neighbour(ip="192.0.2.2", mac="02:00:00:00:00:02", index=3, state=0x80):
    message = NeighMessage(
        family=AF_INET, ifindex=index, state=state, dst=ip_address(ip)
    )
    if mac:
        message["lladdr"] = mac
    return Neighbour.from_message(message, NAMES)

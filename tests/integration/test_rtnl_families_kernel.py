"""Addresses, routes and neighbours against the kernel, with `ip` as oracle.

Each test builds its network with `ip` in a fresh namespace, dumps it
with netkit, and compares entry by entry, field by field, with
``ip -j -d``.  Requests sent through netkit are checked with ``ip -j``.
Duplicate-address detection is turned off in the namespace so IPv6
addresses do not change state between the two dumps.
"""

from __future__ import annotations

import errno
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from netkit.errors import AddressExists, NetworkUnreachable, RouteNotFound
from netkit.netlink.parse import Reply, split
from netkit.netlink.socket import NetlinkSocket
from netkit.rtnl import addr, neigh, route
from netkit.rtnl.addr import AddrMessage
from netkit.rtnl.neigh import NeighMessage
from netkit.rtnl.route import RouteMessage
from tests.integration.conftest import TestNetns

# Clock ticks per second in nda_cacheinfo (USER_HZ), as `ip -s` divides.
USER_HZ = 100

# A veth pair up, one IPv4 and one IPv6 address on v0: nothing else.
WIRE = [
    "sysctl -qw net.ipv6.conf.all.accept_dad=0",
    "sysctl -qw net.ipv6.conf.default.accept_dad=0",
    "ip link set lo up",
    "ip link add v0 type veth peer name v1",
    "ip link set v0 up",
    "ip link set v1 up",
    "ip addr add 192.0.2.1/24 dev v0",
    "ip addr add 2001:db8::1/64 dev v0 nodad",
]

LAB = WIRE[:6] + [
    "ip addr add 192.0.2.1/24 dev v0 label v0:a broadcast 192.0.2.255",
    "ip addr add 192.0.2.2/24 dev v0",
    "ip addr add 198.51.100.1/24 dev v0 valid_lft 1000 preferred_lft 500",
    "ip addr add 203.0.113.1/24 dev v1 metric 77",
    "ip addr add 2001:db8::1/64 dev v0 nodad",
    "ip addr add 2001:db8:2::1/64 dev v0 nodad noprefixroute",
    "ip route add default via 192.0.2.254",
    "ip route add 198.18.1.0/24 via 192.0.2.254 metric 50",
    "ip route add 198.18.2.0/24 dev v0 table 100 mtu 1400",
    "ip route add 198.18.3.0/24 via 192.0.2.253 src 192.0.2.1 proto static",
    "ip route add 198.18.5.0/24 via 203.0.113.9 dev v0 onlink",
    "ip route add blackhole 198.18.4.0/24",
    "ip route add unreachable 198.18.6.0/24 table 1000",
    "ip route add 198.18.0.0/24 nexthop via 192.0.2.10 weight 2"
    " nexthop via 192.0.2.11",
    "ip -6 route add 2001:db8:1::/48 via 2001:db8::ff metric 20 pref high",
    "ip -6 route add 2001:db8:3::/48 dev v0 table 100 metric 5",
    "ip -6 route add 2001:db8:7::/48 nexthop via 2001:db8::a dev v0 weight 3"
    " nexthop via 2001:db8::b dev v0",
    "ip neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent",
    "ip neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 dev v0 nud stale",
    "ip -6 neigh add 2001:db8::7 lladdr 02:00:00:00:00:09 dev v0"
    " nud permanent router",
    "ip neigh add proxy 192.0.2.9 dev v0",
]


@dataclass
class Lab:
    """A namespace set up with `ip`, and a netkit socket inside it."""

    ns: TestNetns
    sock: NetlinkSocket
    names: dict[int, str] = field(default_factory=dict)

    def index(self, name: str) -> int:
        return next(i for i, n in self.names.items() if n == name)


def build(ns: TestNetns, commands: list[str]) -> Iterator[Lab]:
    for command in commands:
        ns.sh(*command.split())
    with ns.socket() as sock:
        lab = Lab(ns, sock)
        lab.names = {e["ifindex"]: e["ifname"] for e in ns.ip("link", "show")}
        yield lab


@pytest.fixture
def lab(netns: TestNetns) -> Iterator[Lab]:
    """The whole LAB network."""
    yield from build(netns, LAB)


@pytest.fixture
def wire(netns: TestNetns) -> Iterator[Lab]:
    """The WIRE network."""
    yield from build(netns, WIRE)


# -- addresses ---------------------------------------------------------

# netkit's flag names and the keys `ip -j` prints for them.
IP_ADDRESS_FLAGS = {
    "secondary": "secondary",
    "nodad": "nodad",
    "optimistic": "optimistic",
    "dadfailed": "dadfailed",
    "homeaddress": "home",
    "deprecated": "deprecated",
    "tentative": "tentative",
    "managetempaddr": "mngtmpaddr",
    "noprefixroute": "noprefixroute",
    "mcautojoin": "autojoin",
    "stable_privacy": "stable-privacy",
}


def ip_addresses(ns: TestNetns) -> dict[tuple, dict]:
    entries = {}
    for link in ns.ip("addr", "show"):
        for entry in link["addr_info"]:
            entry = {
                **entry,
                "ifindex": link["ifindex"],
                "dev": link["ifname"],
            }
            entries[link["ifindex"], entry["local"]] = entry
    return entries


def close(ours: int, theirs: int, slack: int = 2) -> bool:
    # Finite lifetimes count down between the two dumps.
    return abs(ours - theirs) <= slack


def compare_address(lab: Lab, message: AddrMessage, entry: dict) -> None:
    family = {2: "inet", 10: "inet6"}[message.family]
    flags = addr.flag_names(addr.flags_of(message))
    cacheinfo = message["cacheinfo"]

    assert entry["family"] == family
    assert entry["ifindex"] == message.index
    assert entry["dev"] == lab.names[message.index]
    assert entry["local"] == str(addr.interface_of(message).ip)
    assert entry["prefixlen"] == message.prefixlen
    assert entry["scope"] == addr.SCOPES.name(message.scope)
    assert entry.get("label") == message.get("label")
    assert entry.get("broadcast") == _text(message.get("broadcast"))
    assert entry.get("metric") == message.get("rt_priority")
    assert close(cacheinfo["valid"], entry["valid_life_time"])
    assert close(cacheinfo["preferred"], entry["preferred_life_time"])
    assert entry.get("dynamic", False) == ("permanent" not in flags)
    for ours, theirs in IP_ADDRESS_FLAGS.items():
        assert entry.get(theirs, False) == (ours in flags), ours


def test_addresses_match_ip(lab):
    messages = lab.sock.dump(*addr.dump_addrs())
    ours = {(m.index, str(addr.interface_of(m).ip)): m for m in messages}

    theirs = ip_addresses(lab.ns)

    assert ours.keys() == theirs.keys()
    assert len(ours) >= 9
    for key, message in ours.items():
        compare_address(lab, message, theirs[key])


def test_address_dump_filters_by_family_and_link(lab):
    v0 = lab.index("v0")

    messages = lab.sock.dump(*addr.dump_addrs(6, index=v0))

    assert {m.family for m in messages} == {10}
    assert {m.index for m in messages} == {v0}
    assert len(messages) == 3  # two global, one link-local


def test_add_address_through_netkit(wire):
    v0 = wire.index("v0")
    requests = [
        addr.new_addr("198.51.100.7/24", v0, label="v0:n", broadcast=True),
        addr.new_addr("2001:db8:5::7/64", v0, flags="nodad", metric=9),
        addr.new_addr("192.0.2.99", v0, valid=300, preferred=200),
    ]

    for request in requests:
        assert wire.sock.request(*request) == []

    theirs = ip_addresses(wire.ns)
    entry = theirs[v0, "198.51.100.7"]
    assert (entry["prefixlen"], entry["label"]) == (24, "v0:n")
    assert entry["broadcast"] == "198.51.100.255"
    entry = theirs[v0, "2001:db8:5::7"]
    assert (entry["prefixlen"], entry["nodad"], entry["metric"]) == (
        64,
        True,
        9,
    )
    entry = theirs[v0, "192.0.2.99"]
    assert (entry["prefixlen"], entry["dynamic"]) == (32, True)
    assert close(entry["valid_life_time"], 300)


def test_adding_an_address_twice_is_address_exists(wire):
    request = addr.new_addr("192.0.2.1/24", wire.index("v0"))

    with pytest.raises(AddressExists) as caught:
        wire.sock.request(*request)

    assert caught.value.errno == errno.EEXIST
    assert caught.value.message == "ipv4: Address already assigned"
    assert isinstance(caught.value, FileExistsError)


def test_replace_and_delete_address_through_netkit(wire):
    v0 = wire.index("v0")

    wire.sock.request(
        *addr.new_addr("192.0.2.1/24", v0, metric=4, replace=True)
    )
    assert ip_addresses(wire.ns)[v0, "192.0.2.1"]["metric"] == 4

    wire.sock.request(*addr.del_addr("192.0.2.1/24", v0))
    wire.sock.request(*addr.del_addr("2001:db8::1/64", v0))

    assert (v0, "192.0.2.1") not in ip_addresses(wire.ns)
    assert (v0, "2001:db8::1") not in ip_addresses(wire.ns)


def test_get_one_ipv6_address(wire):
    (message,) = wire.sock.request(*addr.get_addr("2001:db8::1"))

    assert str(addr.interface_of(message)) == "2001:db8::1/64"
    assert message.index == wire.index("v0")


def test_many_addresses_come_several_per_datagram(wire):
    v0 = wire.index("v0")
    for i in range(300):
        wire.sock.request(
            *addr.new_addr(f"198.18.{i // 200}.{i % 200 + 1}", v0)
        )

    per_datagram, messages = raw_dump(wire.sock, addr.dump_addrs(4, index=v0))

    assert len(messages) == 301  # and 192.0.2.1
    assert max(per_datagram) > 1
    assert sum(per_datagram) == len(messages) + 1  # and NLMSG_DONE
    assert len(wire.sock.dump(*addr.dump_addrs(4, index=v0))) == 301
    assert len(ip_addresses(wire.ns)) == len(
        wire.sock.dump(*addr.dump_addrs())
    )


def raw_dump(sock: NetlinkSocket, request) -> tuple[list[int], list]:
    """Dump by hand, counting the messages in each datagram."""
    seq = sock.next_seq()
    sock.send_raw(sock.build(*request, seq))
    reply = Reply(seq, sock.port, type(request.body).decode, dump=True)
    per_datagram, messages = [], []
    while not reply.done:
        datagram = bytes(sock.receive())
        per_datagram.append(len(list(split(datagram))))
        messages += reply.feed(datagram)
    return per_datagram, messages


# -- routes ------------------------------------------------------------


def ip_dst(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    """A destination as `ip` prints it."""
    if network.prefixlen == 0:
        return "default"
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def route_key(lab: Lab, message: RouteMessage) -> tuple:
    return (
        route.TABLES.name(route.table_of(message)),
        ip_dst(route.destination_of(message)),
        message.get("priority", 0),
        lab.names.get(message.get("oif")),
        route.TYPES.name(message.type),
    )


def ip_route_key(entry: dict) -> tuple:
    return (
        entry.get("table", "main"),
        entry["dst"],
        entry.get("metric", 0),
        entry.get("dev"),
        entry["type"],
    )


def compare_route(lab: Lab, message: RouteMessage, entry: dict) -> None:
    assert entry["type"] == route.TYPES.name(message.type)
    assert entry["dst"] == ip_dst(route.destination_of(message))
    assert entry.get("gateway") == _text(message.get("gateway"))
    assert entry.get("dev") == lab.names.get(message.get("oif"))
    assert entry["table"] == route.TABLES.name(route.table_of(message))
    assert entry["protocol"] == route.PROTOCOLS.name(message.protocol)
    assert entry["scope"] == route.SCOPES.name(message.scope)
    assert entry.get("prefsrc") == _text(message.get("prefsrc"))
    assert entry.get("metric", 0) == message.get("priority", 0)
    assert entry.get("pref") == _preference(message)
    assert _metrics(entry) == message.get("metrics", {})
    onlink = "onlink" in route.NEXTHOP_FLAGS.names(message.flags)
    assert ("onlink" in entry["flags"]) == onlink
    assert entry.get("nexthops", []) == [
        _hop(lab, hop) for hop in message.get("multipath", [])
    ]


def _preference(message: RouteMessage) -> str | None:
    pref = message.get("pref")
    return None if pref is None else route.PREFERENCES.name(pref)


def _metrics(entry: dict) -> dict:
    return {k: v for m in entry.get("metrics", []) for k, v in m.items()}


def _hop(lab: Lab, hop: dict) -> dict:
    return {
        "gateway": str(hop["attrs"]["gateway"]),
        "dev": lab.names[hop["ifindex"]],
        "weight": hop["hops"] + 1,
        "flags": list(route.NEXTHOP_FLAGS.names(hop["flags"])),
    }


@pytest.mark.parametrize(("family", "option"), [(4, "-4"), (6, "-6")])
def test_routes_match_ip(lab, family, option):
    messages = lab.sock.dump(*route.dump_routes(family))
    ours = {route_key(lab, m): m for m in messages}

    entries = lab.ns.ip(option, "route", "show", "table", "all")
    theirs = {ip_route_key(e): e for e in entries}

    assert ours.keys() == theirs.keys()
    assert {m.family for m in messages} == {2 if family == 4 else 10}
    for key, message in ours.items():
        compare_route(lab, message, theirs[key])


def test_lab_routes_are_all_there(lab):
    keys = {route_key(lab, m) for m in lab.sock.dump(*route.dump_routes())}

    assert ("main", "default", 0, "v0", "unicast") in keys
    assert ("main", "198.18.1.0/24", 50, "v0", "unicast") in keys
    assert ("100", "198.18.2.0/24", 0, "v0", "unicast") in keys
    assert ("main", "198.18.4.0/24", 0, None, "blackhole") in keys
    assert ("1000", "198.18.6.0/24", 0, None, "unreachable") in keys
    assert ("main", "198.18.0.0/24", 0, None, "unicast") in keys
    assert ("100", "2001:db8:3::/48", 5, "v0", "unicast") in keys
    assert ("main", "2001:db8:7::/48", 1024, None, "unicast") in keys


def test_route_dump_filters_by_table(lab):
    messages = lab.sock.dump(*route.dump_routes(table=100))

    assert {route.table_of(m) for m in messages} == {100}
    assert {m.family for m in messages} == {2, 10}
    assert len(lab.sock.dump(*route.dump_routes(4, table=1000))) == 1


def test_dumping_a_table_that_does_not_exist(lab):
    # For one family the kernel says so; for all families it says nothing.
    with pytest.raises(RouteNotFound) as caught:
        lab.sock.dump(*route.dump_routes(4, table=4242))

    assert caught.value.message == "ipv4: FIB table does not exist"
    assert lab.sock.dump(*route.dump_routes(table=4242)) == []


def test_add_routes_through_netkit(wire):
    v0 = wire.index("v0")
    requests = [
        route.new_route("198.18.10.0/24", gateway="192.0.2.254", metric=30),
        route.new_route(
            "198.18.11.0/24", oif=v0, table=200, metrics={"mtu": 1300}
        ),
        route.new_route("2001:db8:9::/48", gateway="2001:db8::fe", metric=7),
        route.new_route(
            "198.18.12.0/24",
            nexthops=[
                {"gateway": "192.0.2.10", "weight": 3},
                {"gateway": "192.0.2.11", "oif": v0},
            ],
        ),
        route.new_route("default", gateway="2001:db8::fe", table=200),
    ]

    for request in requests:
        assert wire.sock.request(*request) == []

    (entry,) = wire.ns.ip("route", "show", "198.18.10.0/24")
    assert (entry["gateway"], entry["metric"]) == ("192.0.2.254", 30)
    assert (entry["protocol"], entry["dev"]) == ("boot", "v0")
    (entry,) = wire.ns.ip("route", "show", "table", "200", "198.18.11.0/24")
    assert (entry["scope"], entry["metrics"]) == ("link", [{"mtu": 1300}])
    (entry,) = wire.ns.ip("-6", "route", "show", "2001:db8:9::/48")
    assert (entry["gateway"], entry["metric"]) == ("2001:db8::fe", 7)
    (entry,) = wire.ns.ip("route", "show", "198.18.12.0/24")
    assert [(h["gateway"], h["weight"]) for h in entry["nexthops"]] == [
        ("192.0.2.10", 3),
        ("192.0.2.11", 1),
    ]
    (entry,) = wire.ns.ip("-6", "route", "show", "table", "200")
    assert (entry["dst"], entry["gateway"]) == ("default", "2001:db8::fe")


def test_gateway_outside_connected_prefixes_is_unreachable(wire):
    request = route.new_route(
        "198.18.20.0/24", gateway="198.19.0.1", oif=wire.index("v0")
    )

    with pytest.raises(NetworkUnreachable) as caught:
        wire.sock.request(*request)

    assert caught.value.errno == errno.ENETUNREACH
    assert caught.value.message == "Nexthop has invalid gateway"
    assert wire.ns.ip("route", "show", "198.18.20.0/24") == []


def test_onlink_gateway_is_accepted(wire):
    request = route.new_route(
        "198.18.20.0/24",
        gateway="198.19.0.1",
        oif=wire.index("v0"),
        onlink=True,
    )

    wire.sock.request(*request)

    (entry,) = wire.ns.ip("route", "show", "198.18.20.0/24")
    assert (entry["gateway"], entry["flags"]) == ("198.19.0.1", ["onlink"])


def test_change_get_and_delete_route_through_netkit(wire):
    v0 = wire.index("v0")
    wire.sock.request(*route.new_route("198.18.30.0/24", gateway="192.0.2.5"))

    wire.sock.request(*route.set_route("198.18.30.0/24", gateway="192.0.2.6"))
    (entry,) = wire.ns.ip("route", "show", "198.18.30.0/24")
    assert entry["gateway"] == "192.0.2.6"

    (found,) = wire.sock.request(*route.get_route("198.18.30.9"))
    assert (str(found["gateway"]), found["oif"]) == ("192.0.2.6", v0)
    assert found.flags & route.RTM_F.RTM_F_CLONED

    wire.sock.request(*route.del_route("198.18.30.0/24"))
    assert wire.ns.ip("route", "show", "198.18.30.0/24") == []


# -- neighbours --------------------------------------------------------


def neighbour_key(lab: Lab, message: NeighMessage) -> tuple:
    return (str(message["dst"]), lab.names[message.ifindex])


def compare_neighbour(lab: Lab, message: NeighMessage, entry: dict) -> None:
    cacheinfo = message["cacheinfo"]
    family = ipaddress.ip_address(entry["dst"]).version

    assert family == {2: 4, 10: 6}[message.family]
    assert entry["dst"] == str(message["dst"])
    assert entry["dev"] == lab.names[message.ifindex]
    assert entry.get("lladdr") == message.get("lladdr")
    assert entry["state"] == list(neigh.state_names(message.state))
    assert ("router" in entry) == ("router" in neigh.flag_names(message.flags))
    assert ("proxy" in entry) == ("proxy" in neigh.flag_names(message.flags))
    assert entry["probes"] == message["probes"]
    assert entry.get("refcnt", 0) == cacheinfo["refcnt"]
    for name in ("used", "confirmed", "updated"):
        assert close(cacheinfo[name] // USER_HZ, entry[name], 1), name


def test_neighbours_match_ip(lab):
    messages = lab.sock.dump(*neigh.dump_neighs())
    ours = {neighbour_key(lab, m): m for m in messages}

    entries = lab.ns.ip("-s", "neigh", "show", "nud", "all")
    theirs = {(e["dst"], e["dev"]): e for e in entries}

    assert ours.keys() == theirs.keys()
    assert {("192.0.2.7", "v0"), ("2001:db8::7", "v0")} <= ours.keys()
    for key, message in ours.items():
        compare_neighbour(lab, message, theirs[key])


def test_proxy_neighbours_match_ip(lab):
    (message,) = lab.sock.dump(*neigh.dump_neighs(proxy=True))

    (entry,) = lab.ns.ip("neigh", "show", "proxy")

    assert entry["dst"] == str(message["dst"]) == "192.0.2.9"
    assert entry["dev"] == lab.names[message.ifindex] == "v0"
    assert "proxy" in entry
    assert message.flags == neigh.NTF.NTF_PROXY


def test_neighbour_dump_filters_by_link(lab):
    v1 = lab.index("v1")

    messages = lab.sock.dump(*neigh.dump_neighs(6, index=v1))

    assert {m.ifindex for m in messages} == {v1}
    assert {m.family for m in messages} == {10}


def test_neighbours_through_netkit(wire):
    v0 = wire.index("v0")
    wire.sock.request(
        *neigh.new_neigh("192.0.2.50", v0, lladdr="02:00:00:00:00:50")
    )
    wire.sock.request(
        *neigh.new_neigh(
            "2001:db8::50", v0, lladdr="02:00:00:00:00:51", flags=["router"]
        )
    )

    entries = {e["dst"]: e for e in wire.ns.ip("neigh", "show", "dev", "v0")}
    assert entries["192.0.2.50"]["lladdr"] == "02:00:00:00:00:50"
    assert entries["192.0.2.50"]["state"] == ["PERMANENT"]
    assert "router" in entries["2001:db8::50"]

    wire.sock.request(
        *neigh.set_neigh(
            "192.0.2.50", v0, lladdr="02:00:00:00:00:52", state="stale"
        )
    )
    (found,) = wire.sock.request(*neigh.get_neigh("192.0.2.50", v0))
    assert (found["lladdr"], neigh.state_names(found.state)) == (
        "02:00:00:00:00:52",
        ("STALE",),
    )

    wire.sock.request(*neigh.del_neigh("192.0.2.50", v0))
    assert wire.ns.ip("neigh", "show", "192.0.2.50", "dev", "v0") == []


def _text(value: object) -> str | None:
    return None if value is None else str(value)

"""`Route` values from route messages, and their text as `ip route` has it.

The expected lines are what iproute2 prints for the same routes (checked
against the kernel in tests/integration/test_routes.py).
"""

from __future__ import annotations

import ipaddress

import pytest

from netkit.routes import Route, destination_text, flag_names
from netkit.rtnl.route import RouteMessage, new_route
from netkit.rtnl.rtm import AF_INET, AF_INET6

NAMES = {2: "eth0", 3: "eth1"}


def route_of(request) -> Route:
    """The Route of a request's message, as if the kernel listed it."""
    message = RouteMessage.decode(request.body.encode())
    return Route.from_message(message, NAMES)


@pytest.mark.parametrize(
    ("options", "line"),
    [
        (
            {"dst": "198.51.100.0/24", "gateway": "192.0.2.1", "oif": 2},
            "198.51.100.0/24 via 192.0.2.1 dev eth0",
        ),
        (
            {"dst": "default", "gateway": "192.0.2.1"},
            "default via 192.0.2.1",
        ),
        (
            {"dst": "203.0.113.0/24", "oif": 2, "metric": 50},
            "203.0.113.0/24 dev eth0 scope link metric 50",
        ),
        (
            {"dst": "203.0.113.7", "gateway": "192.0.2.1", "oif": 3},
            "203.0.113.7 via 192.0.2.1 dev eth1",
        ),
        (
            {
                "dst": "198.18.0.0/15",
                "gateway": "198.51.100.1",
                "oif": 2,
                "onlink": True,
            },
            "198.18.0.0/15 via 198.51.100.1 dev eth0 onlink",
        ),
        (
            {"dst": "198.18.5.0/24", "type": "unreachable"},
            "unreachable 198.18.5.0/24",
        ),
        (
            {"dst": "192.0.2.0/24", "oif": 2, "table": 100},
            "192.0.2.0/24 dev eth0 table 100 scope link",
        ),
        (
            {
                "dst": "192.0.2.0/24",
                "oif": 2,
                "protocol": "kernel",
                "prefsrc": "192.0.2.1",
            },
            "192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1",
        ),
        (
            {"dst": "2001:db8:1::/48", "gateway": "2001:db8::1", "oif": 2},
            "2001:db8:1::/48 via 2001:db8::1 dev eth0",
        ),
    ],
)
def test_text(options, line):
    dst = options.pop("dst")

    assert str(route_of(new_route(dst, **options))) == line


def test_fields():
    route = route_of(
        new_route(
            "198.51.100.0/24",
            gateway="192.0.2.1",
            oif=2,
            metric=7,
            prefsrc="192.0.2.9",
        )
    )

    assert route.dst == ipaddress.ip_network("198.51.100.0/24")
    assert route.gateway == ipaddress.ip_address("192.0.2.1")
    assert (route.dev, route.oif, route.metric) == ("eth0", 2, 7)
    assert (route.table, route.protocol, route.scope) == (
        "main",
        "boot",
        "global",
    )
    assert route.type == "unicast" and route.family == AF_INET
    assert route.src == ipaddress.ip_address("192.0.2.9")
    assert not route.is_default and route.flags == ()


def test_a_default_route_of_each_family():
    v4 = route_of(new_route("default", gateway="192.0.2.1"))
    v6 = route_of(new_route("default", gateway="2001:db8::1"))

    assert v4.is_default and str(v4.dst) == "0.0.0.0/0"
    assert v6.is_default and str(v6.dst) == "::/0" and v6.family == AF_INET6


def test_a_multipath_route():
    route = route_of(
        new_route(
            "198.51.100.0/24",
            nexthops=[
                {"gateway": "192.0.2.1", "oif": 2, "weight": 1},
                {"gateway": "192.0.2.2", "oif": 3, "weight": 3},
            ],
        )
    )

    assert [
        (str(h["gateway"]), h["dev"], h["weight"]) for h in route.nexthops
    ] == [
        ("192.0.2.1", "eth0", 1),
        ("192.0.2.2", "eth1", 3),
    ]
    assert str(route) == (
        "198.51.100.0/24 nexthop via 192.0.2.1 dev eth0 weight 1 "
        "nexthop via 192.0.2.2 dev eth1 weight 3"
    )


def test_a_link_unknown_to_the_names_has_no_dev():
    message = RouteMessage.decode(
        new_route("192.0.2.0/24", oif=9).body.encode()
    )

    route = Route.from_message(message, NAMES)

    assert (route.dev, route.oif) == (None, 9)


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        (0, ()),
        (0x4, ("onlink",)),
        (0x10 | 0x1, ("dead", "linkdown")),
        (0x200, ("cloned",)),
        (0x4 | 0x200, ("onlink", "cloned")),
    ],
)
def test_flag_names(flags, names):
    assert flag_names(flags) == names


@pytest.mark.parametrize(
    ("dst", "text"),
    [
        ("0.0.0.0/0", "default"),
        ("::/0", "default"),
        ("192.0.2.7/32", "192.0.2.7"),
        ("2001:db8::7/128", "2001:db8::7"),
        ("192.0.2.0/24", "192.0.2.0/24"),
    ],
)
def test_destination_text(dst, text):
    assert destination_text(ipaddress.ip_network(dst)) == text

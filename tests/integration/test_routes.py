"""Routes through the object API, checked against `ip -j route`.

Adding with a gateway, a device, a metric, a table, a source; "default";
replacing and deleting; the text of a route is what `ip route` prints.
"""

from __future__ import annotations

import ipaddress

import pytest

from netkit import (
    LinkNotFound,
    NetworkUnreachable,
    RouteExists,
    RouteNotFound,
    VethPair,
)
from netkit.routes import destination_text
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_json,
    no_link_local,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


@pytest.fixture
def room(rooms):
    """A room with link v0 up, 192.0.2.1/24 and 2001:db8::1/64 on it."""
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    no_link_local(ns, "v0", "v1")
    pair.b.up()
    pair.a.up()
    pair.a.add_address("192.0.2.1/24")
    pair.a.add_address("2001:db8::1/64", nodad=True)
    return ns


def ip_routes(ns, *args):
    """(dst, gateway, dev, metric) of each route `ip -4 route` shows."""
    return sorted(
        (r["dst"], r.get("gateway"), r.get("dev"), r.get("metric"))
        for r in ip_json(ns, "-4", "route", "show", *args)
    )


def netkit_routes(ns, **options):
    """The same, as netkit reads them."""
    return sorted(
        (
            destination_text(r.dst),
            None if r.gateway is None else str(r.gateway),
            r.dev,
            r.metric,
        )
        for r in ns.routes(family=4, **options)
    )


def test_an_empty_room_has_no_routes(rooms):
    ns = rooms()

    assert ns.routes() == []
    assert ns.routes(family=4) == []
    assert ns.routes(table=100) == []
    assert ip_json(ns, "route", "show") == []


def test_the_connected_route(room):
    (route,) = room.routes(family=4)

    assert str(route.dst) == "192.0.2.0/24"
    assert (route.dev, route.protocol, route.scope) == ("v0", "kernel", "link")
    assert str(route.src) == "192.0.2.1"
    assert route.table == "main" and route.type == "unicast"
    assert netkit_routes(room) == ip_routes(room)


def test_add_via_dev_metric(room):
    room.add_route("198.51.100.0/24", via="192.0.2.254")
    room.add_route("203.0.113.0/24", dev="v0", metric=50)
    room.add_route("203.0.113.7", via="192.0.2.254", dev=room.link("v0"))
    room.add_route("default", via="192.0.2.254", metric=10)

    assert netkit_routes(room) == ip_routes(room)
    found = {str(r.dst): r for r in room.routes(family=4)}
    assert found["203.0.113.0/24"].scope == "link"
    assert found["203.0.113.0/24"].metric == 50
    assert found["203.0.113.7/32"].gateway == ipaddress.ip_address(
        "192.0.2.254"
    )
    assert found["0.0.0.0/0"].is_default


def test_text_is_what_ip_route_prints(room):
    room.add_route("198.51.100.0/24", via="192.0.2.254", metric=7)
    room.add_route("203.0.113.0/24", dev="v0", src="192.0.2.1")
    room.add_route("default", via="192.0.2.254")
    room.add_route("198.18.0.0/15", via="198.51.100.1", dev="v0", onlink=True)
    room.add_route("198.18.5.0/24", type="unreachable")

    lines = ip(room, "-4", "route", "show").splitlines()
    assert sorted(str(r) for r in room.routes(family=4)) == sorted(
        line.strip() for line in lines
    )


def test_other_tables(room):
    room.add_route("198.51.100.0/24", via="192.0.2.254", table=100)

    (route,) = room.routes(table=100)
    assert route.table == 100
    assert netkit_routes(room, table=100) == ip_routes(room, "table", "100")
    assert "198.51.100.0/24" not in {str(r.dst) for r in room.routes()}
    everywhere = {(str(r.dst), r.table) for r in room.routes(table=None)}
    assert ("198.51.100.0/24", 100) in everywhere
    assert ("192.0.2.1/32", "local") in everywhere


def test_ipv6_routes(room):
    room.add_route("2001:db8:1::/48", via="2001:db8::ff")
    room.add_route("default", via="2001:db8::fe")

    found = {str(r.dst): r for r in room.routes(family=6)}
    assert str(found["2001:db8:1::/48"].gateway) == "2001:db8::ff"
    assert str(found["::/0"].gateway) == "2001:db8::fe"
    seen = {r["dst"]: r for r in ip_json(room, "-6", "route", "show")}
    assert seen["2001:db8:1::/48"]["gateway"] == "2001:db8::ff"
    assert seen["default"]["gateway"] == "2001:db8::fe"


def test_adding_twice_and_replacing(room):
    room.add_route("198.51.100.0/24", via="192.0.2.254")

    with pytest.raises(RouteExists):
        room.add_route("198.51.100.0/24", via="192.0.2.253")
    room.replace_route("198.51.100.0/24", via="192.0.2.253")

    assert ("198.51.100.0/24", "192.0.2.253", "v0", None) in ip_routes(room)
    assert netkit_routes(room) == ip_routes(room)


def test_delete(room):
    room.add_route("198.51.100.0/24", via="192.0.2.254")
    room.add_route("default", via="192.0.2.254")

    room.delete_route("198.51.100.0/24")
    room.delete_route("default")

    assert ip_routes(room) == [("192.0.2.0/24", None, "v0", None)]
    with pytest.raises(RouteNotFound):
        room.delete_route("198.51.100.0/24")


def test_delete_narrowed_by_gateway(room):
    room.add_route("198.51.100.0/24", via="192.0.2.254")

    with pytest.raises(RouteNotFound):
        room.delete_route("198.51.100.0/24", via="192.0.2.9")
    room.delete_route("198.51.100.0/24", via="192.0.2.254")

    assert [r.dst for r in room.routes(family=4)] == [
        ipaddress.ip_network("192.0.2.0/24")
    ]


def test_an_unreachable_gateway_is_the_kernels_error(room):
    with pytest.raises(NetworkUnreachable, match="Nexthop has invalid gate"):
        room.add_route("198.51.100.0/24", via="203.0.113.1")

    assert ip_routes(room) == [("192.0.2.0/24", None, "v0", None)]


@pytest.mark.parametrize(
    ("dst", "options"),
    [
        ("192.0.2.1/24", {"dev": "v0"}),
        ("192.0.2.0/33", {"dev": "v0"}),
        ("not-a-prefix", {"dev": "v0"}),
        ("198.51.100.0/24", {"via": "not-an-ip"}),
        ("198.51.100.0/24", {"via": "2001:db8::1"}),
        ("198.51.100.0/24", {}),
    ],
)
def test_bad_routes_are_refused_before_sending(room, dst, options):
    before = ip_routes(room)

    with pytest.raises(ValueError):
        room.add_route(dst, **options)

    assert ip_routes(room) == before


def test_a_route_through_a_link_of_another_room(room, rooms):
    other = rooms()
    link = VethPair.create("w0", "w1", ns=other).a

    with pytest.raises(ValueError):
        room.add_route("198.51.100.0/24", dev=link)


def test_a_route_through_a_deleted_link(room):
    link = room.link("v0")
    gone = room.link("v1")
    link.delete()

    with pytest.raises(LinkNotFound):
        room.add_route("198.51.100.0/24", dev=gone.index)
    with pytest.raises(LinkNotFound):
        room.add_route("198.51.100.0/24", dev="v0")

"""The ARP/NDP table through the object API, checked with `ip -j neigh`.

Entries added by hand are PERMANENT; the kernel learns others from
traffic; flushing leaves permanent entries unless told, as `ip` does.
"""

from __future__ import annotations

import ipaddress

import pytest

from netkit import (
    LinkNotFound,
    NeighbourExists,
    NeighbourNotFound,
    VethPair,
)
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_json,
    no_link_local,
    rooms_fixture,
    wait_up,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")

MAC = "02:00:00:00:00:09"


@pytest.fixture
def room(rooms):
    """A room with v0 up and 192.0.2.1/24 on it."""
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    no_link_local(ns, "v0", "v1")
    pair.a.up()
    pair.a.add_address("192.0.2.1/24")
    return ns


def ip_neighbours(ns, *args, family=None):
    """(ip, mac, dev, states) of each entry `ip neigh show ARGS` lists."""
    options = [f"-{family}"] if family else []
    shown = ip_json(ns, *options, "neigh", "show", *args)
    # With "dev X" ip leaves the device out of each entry.
    dev = args[args.index("dev") + 1] if "dev" in args else None
    return sorted(
        (n["dst"], n.get("lladdr"), n.get("dev", dev), tuple(n["state"]))
        for n in shown
    )


def netkit_neighbours(ns, **options):
    return sorted(
        (str(n.ip), n.mac, n.dev, n.states) for n in ns.neighbours(**options)
    )


def test_an_empty_table(rooms):
    ns = rooms()

    assert ns.neighbours() == []
    assert ip_neighbours(ns) == []


def test_add_a_permanent_entry(room):
    room.add_neighbour("192.0.2.9", mac=MAC, dev="v0")
    room.add_neighbour("2001:db8::9", mac="02:00:00:00:00:0a", dev="v0")

    found = {str(n.ip): n for n in room.neighbours()}
    entry = found["192.0.2.9"]
    assert (entry.mac, entry.dev, entry.state) == (MAC, "v0", "PERMANENT")
    assert entry.ip == ipaddress.ip_address("192.0.2.9")
    assert found["2001:db8::9"].state == "PERMANENT"
    assert netkit_neighbours(room) == ip_neighbours(room)


def test_filter_by_link_and_family(room):
    link = room.link("v1")
    link.up()
    room.add_neighbour("192.0.2.9", mac=MAC, dev="v0")
    room.add_neighbour("198.51.100.9", mac=MAC, dev=link)
    room.add_neighbour("2001:db8::9", mac=MAC, dev="v0")

    assert netkit_neighbours(room, dev="v1") == ip_neighbours(
        room, "dev", "v1"
    )
    assert [str(n.ip) for n in room.neighbours(dev="v0", family=6)] == [
        "2001:db8::9"
    ]


def test_add_twice_and_replace(room):
    room.add_neighbour("192.0.2.9", mac=MAC, dev="v0")

    with pytest.raises(NeighbourExists):
        room.add_neighbour("192.0.2.9", mac=MAC, dev="v0")
    room.add_neighbour(
        "192.0.2.9", mac="02:00:00:00:00:0b", dev="v0", replace=True
    )

    (entry,) = ip_json(room, "neigh", "show", "dev", "v0")
    assert entry["lladdr"] == "02:00:00:00:00:0b"


def test_delete(room):
    room.add_neighbour("192.0.2.9", mac=MAC, dev="v0")

    room.delete_neighbour("192.0.2.9", dev="v0")

    assert ip_neighbours(room) == []
    with pytest.raises(NeighbourNotFound):
        room.delete_neighbour("192.0.2.9", dev="v0")


def test_learned_entries(rooms):
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v0", ns=red, peer_ns=blue)
    for end, address in zip(
        pair, ("192.0.2.1/24", "192.0.2.2/24"), strict=True
    ):
        end.add_address(address)
        end.up()
    wait_up(*pair)

    assert red.ping("192.0.2.2", count=1).ok

    (entry,) = red.neighbours(family=4)
    assert (str(entry.ip), entry.mac) == ("192.0.2.2", pair.b.mac)
    assert entry.state in ("REACHABLE", "STALE", "DELAY")
    assert netkit_neighbours(red, family=4) == ip_neighbours(red, family=4)


def test_flush_leaves_permanent_entries_as_ip_does(rooms):
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v0", ns=red, peer_ns=blue)
    for end, address in zip(
        pair, ("192.0.2.1/24", "192.0.2.2/24"), strict=True
    ):
        end.add_address(address)
        end.up()
    wait_up(*pair)
    assert red.ping("192.0.2.2", count=1).ok
    red.add_neighbour("192.0.2.9", mac=MAC, dev="v0")

    assert red.flush_neighbours("v0") == 1

    assert ip_neighbours(red, family=4) == [
        ("192.0.2.9", MAC, "v0", ("PERMANENT",))
    ]
    assert red.flush_neighbours(permanent=True) == 1
    assert ip_neighbours(red, family=4) == []


def test_flush_compared_with_ip(room):
    room.add_neighbour("192.0.2.9", mac=MAC, dev="v0", state="reachable")
    room.add_neighbour("192.0.2.10", mac=MAC, dev="v0")
    ip(room, "neigh", "flush", "dev", "v0")
    by_ip = ip_neighbours(room)
    room.add_neighbour("192.0.2.9", mac=MAC, dev="v0", state="reachable")

    room.flush_neighbours("v0")

    assert ip_neighbours(room) == by_ip


@pytest.mark.parametrize(
    ("ip_text", "mac"),
    [("192.0.2.300", MAC), ("192.0.2.9", "02:00:00:00:00"), ("x", MAC)],
)
def test_bad_entries_are_refused_before_sending(room, ip_text, mac):
    with pytest.raises(ValueError):
        room.add_neighbour(ip_text, mac=mac, dev="v0")

    assert ip_neighbours(room) == []


def test_entries_on_a_deleted_link(room):
    link = room.link("v0")
    index = link.index
    link.delete()

    with pytest.raises(LinkNotFound):
        room.add_neighbour("192.0.2.9", mac=MAC, dev=index)
    with pytest.raises(LinkNotFound):
        room.neighbours(dev=link)

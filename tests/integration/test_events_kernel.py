"""Monitors against the kernel: each event kind from a real change.

Changes are made by `ip` (another process, as in real life) inside
throwaway namespaces; the monitor must report each with the fields the
dumps give, and `ip -j` is the oracle.  Also: a link moved between
namespaces, a monitor that must see nothing of another namespace,
timeouts, closing from another thread, and selectors.
"""

from __future__ import annotations

import selectors
import threading
import time

import pytest

from netkit import (
    AddressAdded,
    AddressChanged,
    AddressRemoved,
    LinkAdded,
    LinkChanged,
    LinkRemoved,
    NeighbourAdded,
    NeighbourChanged,
    NeighbourRemoved,
    RouteAdded,
    RouteChanged,
    RouteRemoved,
)
from netkit.rtnl.rtm import AF_INET, AF_INET6
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_json,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


def collect(monitor, done, timeout=5.0):
    """Events until `done(events)` is true; fails after `timeout` s."""
    events = []
    deadline = time.monotonic() + timeout
    while not done(events):
        left = deadline - time.monotonic()
        assert left > 0, f"gave up waiting; saw {events}"
        events += monitor.poll(left)
    return events


def having(*wanted):
    """A `done` for `collect`: one event for each (class, test) pair."""

    def done(events):
        return all(any(matches(e, *pair) for e in events) for pair in wanted)

    return done


def matches(event, cls, test):
    return isinstance(event, cls) and test(event)


def first(events, cls, test):
    return next(e for e in events if matches(e, cls, test))


def named(name):
    return lambda e: e.link.name == name


def at(text):
    return lambda e: str(e.address.address) == text


def to(text):
    return lambda e: str(e.route.dst) == text


def for_ip(text):
    return lambda e: str(e.neighbour.ip) == text


def veth(ns, up=True):
    ip(ns, "link", "add", "nk0", "type", "veth", "peer", "nk1")
    if up:
        ip(ns, "link", "set", "nk0", "up")
        ip(ns, "link", "set", "nk1", "up")


def oracle_link(ns, name):
    (found,) = ip_json(ns, "link", "show", "dev", name)
    return found


# Each kind of event, with its fields.


def test_link_added_changed_removed(rooms):
    ns = rooms()
    with ns.monitor(links=True) as monitor:
        veth(ns, up=False)
        added = collect(
            monitor,
            having((LinkAdded, named("nk0")), (LinkAdded, named("nk1"))),
        )
        oracle = oracle_link(ns, "nk0")
        ip(ns, "link", "set", "nk0", "mtu", "1400")
        changed = collect(monitor, having((LinkChanged, named("nk0"))))
        ip(ns, "link", "del", "nk0")
        removed = collect(
            monitor,
            having((LinkRemoved, named("nk0")), (LinkRemoved, named("nk1"))),
        )

    nk0 = first(added, LinkAdded, named("nk0")).link
    assert (nk0.index, nk0.mac) == (oracle["ifindex"], oracle["address"])
    assert (nk0.kind, nk0.mtu, nk0.state) == ("veth", 1500, "down")
    assert nk0.namespace == ns
    assert not nk0.is_up
    change = first(changed, LinkChanged, named("nk0"))
    assert (change.link.mtu, change.old.mtu) == (1400, 1500)
    assert change.link.index == nk0.index
    assert change.origin == "kernel"
    assert first(removed, LinkRemoved, named("nk1")).link.kind == "veth"


def test_address_added_and_removed(rooms):
    ns = rooms()
    veth(ns)
    index = oracle_link(ns, "nk0")["ifindex"]
    with ns.monitor(addresses=True) as monitor:
        ip(ns, "addr", "add", "192.0.2.1/24", "dev", "nk0")
        added = collect(monitor, having((AddressAdded, at("192.0.2.1/24"))))
        ip(ns, "addr", "del", "192.0.2.1/24", "dev", "nk0")
        removed = collect(
            monitor, having((AddressRemoved, at("192.0.2.1/24")))
        )

    address = first(added, AddressAdded, at("192.0.2.1/24")).address
    assert (address.dev, address.index) == ("nk0", index)
    assert (address.prefixlen, address.family) == (24, AF_INET)
    assert address.scope == "global"
    assert "permanent" in address.flags
    assert (
        first(removed, AddressRemoved, at("192.0.2.1/24")).address.dev == "nk0"
    )


def test_ipv6_address_changes_when_dad_ends(rooms):
    """KERNEL-FACTS 13: tentative first, then a change without the flag."""
    ns = rooms()
    veth(ns)
    with ns.monitor(addresses=True) as monitor:
        ip(ns, "addr", "add", "2001:db8::1/64", "dev", "nk0")
        events = collect(
            monitor,
            having((AddressChanged, at("2001:db8::1/64"))),
            timeout=10,
        )

    added = first(events, AddressAdded, at("2001:db8::1/64"))
    changed = first(events, AddressChanged, at("2001:db8::1/64"))
    assert added.address.tentative
    assert added.address.family == AF_INET6
    assert not changed.address.tentative
    assert changed.old.tentative


def test_route_added_replaced_removed(rooms):
    ns = rooms()
    veth(ns)
    ip(ns, "addr", "add", "192.0.2.1/24", "dev", "nk0")
    with ns.monitor(routes=True) as monitor:
        ip(ns, "route", "add", "198.51.100.0/24", "via", "192.0.2.2")
        added = collect(monitor, having((RouteAdded, to("198.51.100.0/24"))))
        ip(ns, "route", "replace", "198.51.100.0/24", "via", "192.0.2.3")
        changed = collect(
            monitor, having((RouteChanged, to("198.51.100.0/24")))
        )
        ip(ns, "route", "del", "198.51.100.0/24")
        removed = collect(
            monitor, having((RouteRemoved, to("198.51.100.0/24")))
        )

    route = first(added, RouteAdded, to("198.51.100.0/24")).route
    assert (str(route.gateway), route.dev, route.table) == (
        "192.0.2.2",
        "nk0",
        "main",
    )
    assert route.protocol == "boot"
    change = first(changed, RouteChanged, to("198.51.100.0/24"))
    assert (str(change.route.gateway), str(change.old.gateway)) == (
        "192.0.2.3",
        "192.0.2.2",
    )
    gone = first(removed, RouteRemoved, to("198.51.100.0/24")).route
    assert str(gone.gateway) == "192.0.2.3"
    assert not [r for r in monitor.state.routes.values() if r.dst == route.dst]


def test_ipv4_routes_the_kernel_drops_silently_are_implied(rooms):
    """KERNEL-FACTS 14: link down drops its routes without a message."""
    ns = rooms()
    veth(ns)
    ip(ns, "addr", "add", "192.0.2.1/24", "dev", "nk0")
    ip(ns, "route", "add", "198.51.100.0/24", "via", "192.0.2.2")
    with ns.monitor(routes=True) as monitor:
        ip(ns, "link", "set", "nk0", "down")
        events = collect(
            monitor,
            having(
                (RouteRemoved, to("198.51.100.0/24")),
                (RouteRemoved, to("192.0.2.0/24")),
            ),
        )
        events += monitor.poll(0.3)

    implied = first(events, RouteRemoved, to("198.51.100.0/24"))
    assert implied.origin == "implied"
    assert routes_of(monitor.state) == oracle_routes(ns)


def routes_of(state):
    return sorted(
        (str(r.dst), r.table if isinstance(r.table, str) else str(r.table))
        for r in state.routes.values()
    )


def oracle_routes(ns):
    found = []
    for family in ("-4", "-6"):
        for route in ip_json(ns, family, "route", "show", "table", "all"):
            dst = route["dst"]
            if dst == "default":
                dst = "0.0.0.0/0" if family == "-4" else "::/0"
            elif "/" not in dst:
                dst += "/32" if family == "-4" else "/128"
            found.append((dst, route.get("table", "main")))
    return sorted(found)


def test_neighbour_added_changed_removed(rooms):
    ns = rooms()
    veth(ns)
    with ns.monitor(neighbours=True) as monitor:
        add = ["neigh", "add", "192.0.2.2", "lladdr", "02:00:00:00:00:02"]
        ip(ns, *add, "dev", "nk0")
        added = collect(monitor, having((NeighbourAdded, for_ip("192.0.2.2"))))
        change = [
            "neigh",
            "replace",
            "192.0.2.2",
            "lladdr",
            "02:00:00:00:00:03",
        ]
        ip(ns, *change, "dev", "nk0")
        changed = collect(
            monitor, having((NeighbourChanged, for_ip("192.0.2.2")))
        )
        ip(ns, "neigh", "del", "192.0.2.2", "dev", "nk0")
        removed = collect(
            monitor, having((NeighbourRemoved, for_ip("192.0.2.2")))
        )

    entry = first(added, NeighbourAdded, for_ip("192.0.2.2")).neighbour
    assert (entry.mac, entry.dev, entry.state) == (
        "02:00:00:00:00:02",
        "nk0",
        "PERMANENT",
    )
    update = first(changed, NeighbourChanged, for_ip("192.0.2.2"))
    assert (update.neighbour.mac, update.old.mac) == (
        "02:00:00:00:00:03",
        "02:00:00:00:00:02",
    )
    assert first(removed, NeighbourRemoved, for_ip("192.0.2.2")).origin == (
        "kernel"
    )


def test_a_neighbour_learned_by_arp_is_added_reachable(rooms):
    """A ping across a veth pair between two rooms teaches ARP."""
    a, b = rooms(), rooms()
    ip(a, "link", "add", "nk0", "type", "veth", "peer", "nk1", "netns", b.name)
    ip(a, "addr", "add", "192.0.2.1/24", "dev", "nk0")
    ip(b, "addr", "add", "192.0.2.2/24", "dev", "nk1")
    ip(a, "link", "set", "nk0", "up")
    ip(b, "link", "set", "nk1", "up")
    with a.monitor(neighbours=True) as monitor:
        assert a.ping("192.0.2.2", count=1, timeout=2).received == 1
        events = collect(
            monitor, having((NeighbourAdded, for_ip("192.0.2.2")))
        )

    learned = first(events, NeighbourAdded, for_ip("192.0.2.2")).neighbour
    assert learned.mac == oracle_link(b, "nk1")["address"]
    assert learned.state == "REACHABLE"


# Namespaces.


def test_a_link_moved_in_is_added_there_and_removed_here(rooms):
    a, b = rooms(), rooms()
    veth(a, up=False)
    with a.monitor(links=True) as here, b.monitor(links=True) as there:
        ip(a, "link", "set", "nk1", "netns", b.name)
        arrived = collect(there, having((LinkAdded, named("nk1"))))
        left = collect(here, having((LinkRemoved, named("nk1"))))

    moved = first(arrived, LinkAdded, named("nk1")).link
    assert moved.namespace == b
    assert moved.index == oracle_link(b, "nk1")["ifindex"]
    assert moved.kind == "veth"
    assert first(left, LinkRemoved, named("nk1")).link.namespace == a


def test_a_monitor_sees_nothing_of_another_namespace(rooms):
    a, b = rooms(), rooms()
    with a.monitor() as monitor:
        veth(b)
        ip(b, "addr", "add", "192.0.2.1/24", "dev", "nk0")
        ip(b, "route", "add", "198.51.100.0/24", "via", "192.0.2.2")
        ip(
            b,
            "neigh",
            "add",
            "192.0.2.9",
            "lladdr",
            "02:00:00:00:00:09",
            "dev",
            "nk0",
        )
        ip(b, "link", "del", "nk0")

        assert monitor.poll(1.0) == []
        assert [link.name for link in monitor.state.links.values()] == ["lo"]


# The iterator: replay, timeouts, threads, selectors.


def test_existing_replays_the_state_as_added_then_follows(rooms):
    ns = rooms()
    veth(ns)
    ip(ns, "addr", "add", "192.0.2.1/24", "dev", "nk0")
    with ns.monitor(existing=True, timeout=5) as monitor:
        replay = monitor.poll()
        ip(ns, "addr", "add", "192.0.2.7/24", "dev", "nk0")
        later = collect(monitor, having((AddressAdded, at("192.0.2.7/24"))))

    assert {e.action for e in replay} == {"added"}
    assert {e.origin for e in replay} == {"existing"}
    names = [e.link.name for e in replay if e.kind == "link"]
    assert sorted(names) == ["lo", "nk0", "nk1"]
    assert any(matches(e, AddressAdded, at("192.0.2.1/24")) for e in replay)
    assert first(later, AddressAdded, at("192.0.2.7/24")).origin == "kernel"


def test_next_raises_timeout_error_when_nothing_comes(rooms):
    ns = rooms()
    with ns.monitor(timeout=0.2) as monitor:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            next(monitor)
        waited = time.monotonic() - started

    assert 0.2 <= waited < 1.0


def test_close_from_another_thread_ends_a_blocked_loop(rooms):
    ns = rooms()
    monitor = ns.monitor()
    seen = []
    reader = threading.Thread(target=lambda: seen.extend(monitor))
    reader.start()
    time.sleep(0.2)

    started = time.monotonic()
    monitor.close()
    reader.join(2)

    assert not reader.is_alive()
    assert time.monotonic() - started < 1.0
    assert seen == []
    assert monitor.closed
    with pytest.raises(ValueError):
        monitor.fileno()


def test_fileno_is_readable_for_queued_and_new_events(rooms):
    ns = rooms()
    with ns.monitor(links=True, existing=True) as monitor:
        selector = selectors.DefaultSelector()
        selector.register(monitor, selectors.EVENT_READ)

        assert selector.select(1.0)  # the replay waits in the queue
        assert [e.link.name for e in monitor.poll()] == ["lo"]
        assert selector.select(0.2) == []
        ip(ns, "link", "add", "nk0", "type", "bridge")
        assert selector.select(2.0)
        events = collect(monitor, having((LinkAdded, named("nk0"))))
        selector.close()

    assert isinstance(events[0], LinkAdded)

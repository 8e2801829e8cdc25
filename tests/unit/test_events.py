"""netkit.events, .state and .notifications: classifying, reconciling.

No kernel: objects are built from messages made here, and `Tables` is
fed `Change`s as a monitor would feed it.
"""

import errno
from ipaddress import ip_address

import pytest

from netkit import errors
from netkit.addresses import Address
from netkit.events import (
    EXISTING,
    IMPLIED,
    KERNEL,
    RESYNC,
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
from netkit.links import Link
from netkit.monitor import select_kinds
from netkit.neighbours import Neighbour
from netkit.netlink.header import NLM_F_REPLACE
from netkit.notifications import change_of
from netkit.routes import Route
from netkit.rtnl.addr import AddrMessage
from netkit.rtnl.link import LinkMessage
from netkit.rtnl.neigh import NTF, NUD, NeighMessage
from netkit.rtnl.route import RTM_F
from netkit.rtnl.rtm import (
    AF_BRIDGE,
    AF_INET,
    RTM_DELLINK,
    RTM_DELROUTE,
    RTM_NEWADDR,
    RTM_NEWLINK,
    RTM_NEWNEIGH,
    RTM_NEWROUTE,
)
from netkit.state import Change, Tables
from tests.unit.events_support import (
    NAMES,
    RT_SCOPE_HOST,
    RT_SCOPE_LINK,
    address,
    link,
    link_message,
    neighbour,
    route,
    route_message,
)


def tables_with(*values):
    tables = Tables()
    for value in values:
        tables.apply(Change(kind_of(value), value))
    return tables


def kind_of(value):
    return {
        Link: "link",
        Address: "address",
        Route: "route",
        Neighbour: "neighbour",
    }[type(value)]


def kinds(events):
    return [(type(e).__name__, e.origin) for e in events]


# The events themselves.


def test_event_says_kind_action_value_and_origin():
    nk0 = link()
    event = LinkAdded(nk0)

    assert (event.kind, event.action, event.origin) == (
        "link",
        "added",
        KERNEL,
    )
    assert event.value is nk0 is event.link
    assert LinkChanged(nk0, link(mtu=9000), origin=RESYNC).origin == RESYNC
    assert AddressRemoved(address()).value == address()


def test_events_lost_is_a_buffer_overrun_that_says_dump_again():
    lost = errors.EventsLost()

    assert isinstance(lost, errors.BufferOverrun)
    assert lost.errno == errno.ENOBUFS
    assert "dump again" in str(lost)


# Classifying: the same message type means added or changed.


def test_a_link_is_added_then_changed_then_removed():
    tables = Tables()

    (added,) = tables.apply(Change("link", link()))
    (changed,) = tables.apply(Change("link", link(mtu=1400)))
    (removed,) = tables.apply(Change("link", link(mtu=1400), removed=True))

    assert isinstance(added, LinkAdded)
    assert isinstance(changed, LinkChanged)
    assert (changed.link.mtu, changed.old.mtu) == (1400, 1500)
    assert isinstance(removed, LinkRemoved)
    assert tables.links == {} and tables.names == {}


def test_a_rename_updates_the_names_that_name_other_objects():
    tables = tables_with(link())

    tables.apply(Change("link", link(name="eth0")))

    assert tables.names == {3: "eth0"}


def test_removing_something_never_seen_makes_no_event():
    tables = Tables()

    for value in (link(), address(), route(), neighbour()):
        assert tables.apply(Change(kind_of(value), value, removed=True)) == []


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        (address(flags=0xC0), address(flags=0x80), AddressChanged),
        (route(protocol=4), route(protocol=3), RouteChanged),
        (neighbour(state=NUD.NUD_STALE), neighbour(), NeighbourChanged),
    ],
)
def test_a_known_key_is_a_change_with_the_old_value(old, new, changed):
    tables = tables_with(old)

    (event,) = tables.apply(Change(kind_of(new), new))

    assert isinstance(event, changed)
    assert (event.value, event.old) == (new, old)


def test_addresses_of_one_ip_with_two_prefixes_are_two_addresses():
    tables = tables_with(address("192.0.2.1/24"))

    (event,) = tables.apply(Change("address", address("192.0.2.1/25")))

    assert isinstance(event, AddressAdded)
    assert len(tables.addresses) == 2


def test_route_replace_changes_the_route_in_that_slot():
    via2 = route(gateway="192.0.2.2")
    via3 = route(gateway="192.0.2.3")
    tables = tables_with(via2)

    (event,) = tables.apply(Change("route", via3, replace=True))

    assert isinstance(event, RouteChanged)
    assert (event.route, event.old) == (via3, via2)
    assert list(tables.routes.values()) == [via3]


def test_appended_routes_to_one_destination_are_kept_apart():
    via2 = route(gateway="192.0.2.2")
    via3 = route(gateway="192.0.2.3")
    tables = tables_with(via2)

    (event,) = tables.apply(Change("route", via3))
    tables.apply(Change("route", via2, removed=True))

    assert isinstance(event, RouteAdded)
    assert list(tables.routes.values()) == [via3]


# What the kernel removes without saying so.


def test_a_link_taken_down_loses_its_ipv4_routes_but_host_ones():
    connected = route("192.0.2.0/24", scope=RT_SCOPE_LINK)
    local = route("192.0.2.1/32", scope=RT_SCOPE_HOST, table=255, type=2)
    ipv6 = route("2001:db8::/64")
    elsewhere = route("203.0.113.0/24", oif=4)
    tables = tables_with(link(up=True), connected, local, ipv6, elsewhere)

    events = tables.apply(Change("link", link(up=False)))

    assert kinds(events) == [
        ("LinkChanged", KERNEL),
        ("RouteRemoved", IMPLIED),
    ]
    assert events[1].route == connected
    assert set(tables.routes.values()) == {local, ipv6, elsewhere}


def test_a_link_that_goes_takes_what_is_left_on_it():
    mine = [address(), route(), neighbour(), route("2001:db8::/64")]
    others = [address(index=4), route(oif=4), neighbour(index=4)]
    tables = tables_with(link(), link(4, "nk1"), *mine, *others)

    events = tables.apply(Change("link", link(), removed=True))

    assert kinds(events) == [
        ("LinkRemoved", KERNEL),
        ("NeighbourRemoved", IMPLIED),
        ("RouteRemoved", IMPLIED),
        ("RouteRemoved", IMPLIED),
        ("AddressRemoved", IMPLIED),
    ]
    assert len(tables) == 1 + len(others)


def test_a_multipath_route_goes_with_its_last_link():
    hops = (
        {"flags": 0, "hops": 0, "ifindex": 3, "attrs": {}},
        {"flags": 0, "hops": 0, "ifindex": 4, "attrs": {}},
    )
    message = route_message(oif=None)
    message["multipath"] = list(hops)
    multipath = Route.from_message(message, NAMES)
    tables = tables_with(link(), link(4, "nk1"), multipath)

    first = tables.apply(Change("link", link(), removed=True))
    second = tables.apply(Change("link", link(4, "nk1"), removed=True))

    assert kinds(first) == [("LinkRemoved", KERNEL)]
    assert kinds(second) == [
        ("LinkRemoved", KERNEL),
        ("RouteRemoved", IMPLIED),
    ]


# Reconciling a dump with what arrived while it was made.


def test_changes_during_the_dump_override_it_and_nothing_doubles():
    dumped = tables_with(link(1, "lo"), link(5, "a"), link(6, "b"))
    window = [
        Change("link", link(5, "a")),  # added before the dump saw it
        Change("link", link(7, "c")),  # added after
        Change("link", link(6, "b"), removed=True),
        Change("link", link(8, "d")),  # came and went
        Change("link", link(8, "d"), removed=True),
        Change("link", link(5, "a", mtu=9000)),
    ]

    for change in window:
        dumped.apply(change)
    replay = Tables().differences(dumped, EXISTING)

    assert [e.link.name for e in replay] == ["lo", "a", "c"]
    assert {type(e) for e in replay} == {LinkAdded}
    assert {e.origin for e in replay} == {EXISTING}
    assert dumped.links[5].mtu == 9000


def test_differences_remove_dependents_first_then_add_links_first():
    old = tables_with(link(), address(), link(4, "nk1"), neighbour(index=4))
    new = tables_with(link(mtu=9000), link(9, "nk9"), address(index=9))

    events = old.differences(new, RESYNC)

    assert kinds(events) == [
        ("NeighbourRemoved", RESYNC),
        ("AddressRemoved", RESYNC),
        ("LinkRemoved", RESYNC),
        ("LinkChanged", RESYNC),
        ("LinkAdded", RESYNC),
        ("AddressAdded", RESYNC),
    ]


def test_counters_and_lifetimes_are_not_differences():
    before = link(stats64={"rx_bytes": 1})
    after = link(stats64={"rx_bytes": 99})
    aging = Address.from_message(
        AddrMessage(
            family=AF_INET,
            prefixlen=24,
            index=3,
            address=ip_address("192.0.2.1"),
            cacheinfo={
                "preferred": 50,
                "valid": 50,
                "created": 0,
                "updated": 0,
            },
        ),
        "nk0",
    )
    older = Address(**{**aging.__dict__, "valid_lft": 10})

    assert (
        tables_with(before, aging).differences(
            tables_with(after, older), RESYNC
        )
        == []
    )


# From notification bytes to changes.


def decode(msg_type, message, flags=0):
    return change_of(msg_type, flags, message.encode(), None, NAMES)


def test_link_notifications_become_link_changes():
    change = decode(RTM_NEWLINK, link_message())
    gone = decode(RTM_DELLINK, link_message())

    assert (change.kind, change.removed, change.value.name) == (
        "link",
        False,
        "nk0",
    )
    assert gone.removed


def test_bridge_port_messages_are_not_about_the_link():
    # An AF_BRIDGE RTM_DELLINK means "left the bridge", not "deleted".
    assert decode(RTM_DELLINK, LinkMessage(family=AF_BRIDGE, index=3)) is None


def test_an_address_names_its_link():
    message = AddrMessage(
        family=AF_INET, prefixlen=24, index=3, local=ip_address("192.0.2.1")
    )

    change = decode(RTM_NEWADDR, message)

    assert change.value.dev == "nk0"
    assert str(change.value.address) == "192.0.2.1/24"


def test_route_replace_flag_is_kept_for_routes_only():
    replaced = decode(RTM_NEWROUTE, route_message(), NLM_F_REPLACE)
    removed = decode(RTM_DELROUTE, route_message(), NLM_F_REPLACE)

    assert replaced.replace and not removed.replace
    assert replaced.value.dev == "nk0"


def test_cached_routes_proxy_and_bridge_entries_are_skipped():
    cloned = route_message(flags=RTM_F.RTM_F_CLONED)
    proxy = NeighMessage(
        family=AF_INET,
        ifindex=3,
        flags=NTF.NTF_PROXY,
        dst=ip_address("192.0.2.9"),
    )
    fdb = NeighMessage(family=AF_BRIDGE, ifindex=3, lladdr="02:00:00:00:00:09")

    assert decode(RTM_NEWROUTE, cloned) is None
    assert decode(RTM_NEWNEIGH, proxy) is None
    assert decode(RTM_NEWNEIGH, fdb) is None


def test_other_message_types_are_skipped():
    assert change_of(88, 0, b"", None, NAMES) is None


# Choosing what to watch.


@pytest.mark.parametrize(
    ("options", "chosen"),
    [
        ({}, {"link", "address", "route", "neighbour"}),
        ({"links": True}, {"link"}),
        ({"routes": True, "neighbours": True}, {"route", "neighbour"}),
        ({"routes": False}, {"link", "address", "neighbour"}),
        ({"links": True, "routes": False}, {"link"}),
    ],
)
def test_select_kinds(options, chosen):
    assert select_kinds(**options) == chosen


def test_watching_nothing_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        select_kinds(False, False, False, False)


def test_every_event_class_has_a_kind_and_an_action():
    for cls in (
        LinkAdded,
        LinkChanged,
        LinkRemoved,
        AddressAdded,
        AddressChanged,
        AddressRemoved,
        RouteAdded,
        RouteChanged,
        RouteRemoved,
        NeighbourAdded,
        NeighbourChanged,
        NeighbourRemoved,
    ):
        assert cls.kind in ("link", "address", "route", "neighbour")
        assert cls.action in ("added", "changed", "removed")

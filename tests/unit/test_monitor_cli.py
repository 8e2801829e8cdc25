"""`netkit monitor`: how events are printed, and what the words mean.

No kernel: events are built from messages made here.
"""

import json

from netkit.cli import build_parser
from netkit.cli.monitor import event_json, event_text, targets
from netkit.events import (
    AddressAdded,
    LinkChanged,
    LinkRemoved,
    NeighbourAdded,
    RouteRemoved,
)
from tests.unit.events_support import address, link, neighbour, route


def test_a_link_change_reads_like_ip_link():
    event = LinkChanged(link(up=True, address="02:00:00:00:00:01"), link())

    assert event_text(event) == (
        "[LINK] changed 3: nk0: <UP> mtu 1500 state UP "
        "link/ether 02:00:00:00:00:01"
    )


def test_an_address_shows_family_scope_and_flags_but_permanent():
    event = AddressAdded(address("2001:db8::1/64", flags=0xC0))

    assert event_text(event) == (
        "[ADDR] added 3: nk0 inet6 2001:db8::1/64 scope global tentative"
    )


def test_a_route_shows_its_type_and_table_when_not_the_usual():
    local = route("192.0.2.1/32", scope=254, table=255, type=2)

    assert event_text(RouteRemoved(local, origin="implied")) == (
        "[ROUTE] removed local 192.0.2.1/32 dev nk0 proto static scope host "
        "table local (implied)"
    )


def test_a_neighbour_shows_mac_and_state():
    assert event_text(NeighbourAdded(neighbour(), origin="existing")) == (
        "[NEIGH] added 192.0.2.2 dev nk0 lladdr 02:00:00:00:00:02 "
        "PERMANENT (existing)"
    )


def test_json_has_the_event_the_object_and_the_old_one():
    document = json.loads(event_json(LinkChanged(link(mtu=9000), link())))

    assert (document["event"], document["kind"]) == ("LinkChanged", "link")
    assert (document["action"], document["origin"]) == ("changed", "kernel")
    assert (document["link"]["mtu"], document["old"]["mtu"]) == (9000, 1500)
    assert document["link"]["name"] == "nk0"


def test_json_of_value_objects_is_plain():
    document = json.loads(event_json(AddressAdded(address())))
    removed = json.loads(event_json(LinkRemoved(link())))

    assert document["address"]["address"] == "192.0.2.1/24"
    assert document["address"]["flags"] == ["permanent"]
    assert "old" not in removed


def test_objects_without_a_namespace_name_the_kinds():
    assert targets(None, []) == (None, {})
    assert targets("red", ["link"]) == ("red", {"links": True})
    assert targets("link", ["neigh"]) == (
        None,
        {"links": True, "neighbours": True},
    )


def test_the_parser_takes_ns_objects_and_options():
    args = build_parser().parse_args(
        ["monitor", "red", "address", "route", "--json", "--count", "3"]
    )

    assert (args.namespace, args.objects) == ("red", ["address", "route"])
    assert args.json and args.count == 3 and not args.existing

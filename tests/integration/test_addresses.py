"""Addresses through the object API, checked against `ip -j addr`.

IPv4 and IPv6, with and without a prefix (a bare address is /32 or
/128, as `ip` does), the `Address` fields, deleting and flushing, and
bad input.
"""

from __future__ import annotations

import errno

import pytest

from netkit import (
    AddressExists,
    AddressNotAvailable,
    LinkNotFound,
    VethPair,
)
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_addresses,
    ip_json,
    netkit_addresses,
    no_link_local,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


@pytest.fixture
def link(rooms):
    """One end of a veth pair, up, in a fresh room; the peer up too.

    Neither end gets a link-local address, so the addresses are those the
    test adds.
    """
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    no_link_local(ns, "v0", "v1")
    pair.b.up()
    return pair.a.up()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("192.0.2.1/24", "192.0.2.1/24"),
        ("192.0.2.1", "192.0.2.1/32"),
        ("2001:db8::1/64", "2001:db8::1/64"),
        ("2001:db8::1", "2001:db8::1/128"),
    ],
)
def test_add_with_and_without_a_prefix(link, given, kept):
    added = link.add_address(given, nodad=True)

    assert str(added.address) == kept
    assert kept in ip_addresses(link.namespace, "v0")
    assert kept in netkit_addresses(link.namespace, link)


def test_address_fields_match_ip(link):
    ns = link.namespace
    link.add_address("192.0.2.1/24", label="v0:web", broadcast=True)
    link.add_address("2001:db8::1/64", nodad=True)

    mine = {str(a.ip): a for a in link.addresses()}
    theirs = {
        a["local"]: a
        for a in ip_json(ns, "addr", "show", "dev", "v0")[0]["addr_info"]
    }
    assert mine.keys() == theirs.keys()
    for ip_text, address in mine.items():
        seen = theirs[ip_text]
        assert address.prefixlen == seen["prefixlen"]
        assert address.scope == seen["scope"]
        assert address.dev == "v0"
        assert address.label == seen.get("label")
    v4 = mine["192.0.2.1"]
    assert (v4.label, str(v4.broadcast)) == ("v0:web", "192.0.2.255")
    assert "permanent" in v4.flags
    assert "nodad" in mine["2001:db8::1"].flags
    assert theirs["2001:db8::1"]["nodad"] is True


def test_namespace_addresses_cover_every_link(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    pair.a.add_address("192.0.2.1/24")
    pair.b.add_address("198.51.100.1/24")

    assert netkit_addresses(ns) == ip_addresses(ns)
    by_link = {str(a): a.dev for a in ns.addresses(4)}
    assert by_link == {"192.0.2.1/24": "v0", "198.51.100.1/24": "v1"}


def test_a_prefix_gives_a_connected_route_and_a_bare_address_none(link):
    ns = link.namespace

    link.add_address("192.0.2.1/24")
    link.add_address("198.51.100.1")

    assert [str(r.dst) for r in ns.routes(family=4)] == ["192.0.2.0/24"]
    routes = ip_json(ns, "-4", "route", "show")
    assert [r["dst"] for r in routes] == ["192.0.2.0/24"]


def test_adding_twice(link):
    link.add_address("192.0.2.1/24")

    with pytest.raises(AddressExists):
        link.add_address("192.0.2.1/24")

    again = link.add_address("192.0.2.1/24", replace=True)
    assert str(again) == "192.0.2.1/24"


@pytest.mark.parametrize(
    "bad",
    [
        "192.0.2.1/33",
        "2001:db8::1/129",
        "192.0.2.256",
        "not-an-address",
        "192.0.2.1/-1",
        "",
    ],
)
def test_bad_addresses_are_refused_before_sending(link, bad):
    with pytest.raises(ValueError):
        link.add_address(bad)

    assert ip_addresses(link.namespace, "v0") == netkit_addresses(
        link.namespace, link
    )


def test_delete_address(link):
    link.add_address("192.0.2.1/24")
    link.add_address("2001:db8::1/64", nodad=True)

    link.delete_address("192.0.2.1")
    link.delete_address("2001:db8::1/64")

    remaining = ip_addresses(link.namespace, "v0")
    assert "192.0.2.1/24" not in remaining
    assert "2001:db8::1/64" not in remaining
    assert netkit_addresses(link.namespace, link) == remaining


def test_delete_an_address_that_is_not_there(link):
    with pytest.raises(AddressNotAvailable) as caught:
        link.delete_address("192.0.2.9/24")

    assert caught.value.errno == errno.EADDRNOTAVAIL


def test_flush(link):
    link.add_address("192.0.2.1/24")
    link.add_address("192.0.2.2/24")
    link.add_address("198.51.100.1/24")
    link.add_address("2001:db8::1/64", nodad=True)

    assert link.flush_addresses(4) == 3
    assert [a for a in ip_addresses(link.namespace, "v0") if "." in a] == []
    assert "2001:db8::1/64" in ip_addresses(link.namespace, "v0")

    assert link.flush_addresses() == 1
    assert ip_addresses(link.namespace, "v0") == []
    assert link.addresses() == []


def test_flush_matches_ip_addr_flush(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    no_link_local(ns, "v0", "v1")
    for end in pair:
        end.up()
        end.add_address("192.0.2.1/24" if end.name == "v0" else "192.0.2.2/24")

    pair.a.flush_addresses()
    ip(ns, "addr", "flush", "dev", "v1")

    assert ip_addresses(ns, "v0") == ip_addresses(ns, "v1") == []


def test_nodad_is_usable_at_once(link):
    added = link.add_address("2001:db8::5/64", nodad=True)

    assert not added.tentative
    assert (
        "tentative"
        not in ip_json(link.namespace, "addr", "show", "dev", "v0")[0][
            "addr_info"
        ][0]
    )


def test_wait_for_addresses_to_be_ready(link):
    link.add_address("2001:db8::1/64")

    ready = link.wait_addresses_ready(timeout=10)

    assert not any(a.tentative for a in ready)
    for seen in ip_json(link.namespace, "addr", "show", "dev", "v0")[0][
        "addr_info"
    ]:
        assert "tentative" not in seen


def test_waiting_on_a_link_that_is_down_times_out(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a
    link.add_address("2001:db8::1/64")

    with pytest.raises(TimeoutError, match="still tentative"):
        link.wait_addresses_ready(timeout=0.3)


def test_addresses_of_a_deleted_link(link):
    link.delete()

    with pytest.raises(LinkNotFound):
        link.addresses()
    with pytest.raises(LinkNotFound):
        link.add_address("192.0.2.1/24")

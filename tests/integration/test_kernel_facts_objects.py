"""KERNEL-FACTS 6-10 and 13-15, through the object API, on the real kernel.

Each test expects what this machine's kernel does (Linux 6.18), as the
shared KERNEL-FACTS.md says, and checks it with `ip -j` as well as with
netkit: MTU limits and the IPv6 floor, a bridge's MTU following its
ports, the veth peer born in another room, what a move keeps and drops,
deleting a veth end twice, tentative IPv6 addresses, unreachable
gateways and onlink, and MAC validation.
"""

from __future__ import annotations

import errno
import socket

import pytest

from netkit import (
    AddressNotAvailable,
    Bridge,
    InvalidArgument,
    LinkNotFound,
    NetworkUnreachable,
    VethPair,
)
from netkit.rtnl.link import LinkMessage
from netkit.rtnl.rtm import RTM_NEWLINK
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_addresses,
    ip_error,
    ip_json,
    ip_link,
    link_names,
    no_link_local,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


# 6. MTU limits, and the IPv6 floor.


@pytest.mark.parametrize("kind", ["veth", "bridge"])
def test_mtu_limits_are_68_and_65535(rooms, kind):
    ns = rooms()
    if kind == "veth":
        link = VethPair.create("x0", "x1", ns=ns).a
    else:
        link = Bridge.create("x0", ns=ns)

    assert (link.min_mtu, link.max_mtu) == (68, 65535)
    seen = ip_link(ns, "x0")
    assert (seen["min_mtu"], seen["max_mtu"]) == (68, 65535)

    with pytest.raises(InvalidArgument, match="mtu less than device minimum"):
        link.set(mtu=67)
    with pytest.raises(InvalidArgument, match="mtu greater than device max"):
        link.set(mtu=65536)
    assert "mtu less than device minimum" in ip_error(
        ns, "link", "set", "x0", "mtu", "67"
    )

    assert link.set(mtu=68).mtu == 68 == ip_link(ns, "x0")["mtu"]
    assert link.set(mtu=65535).mtu == 65535 == ip_link(ns, "x0")["mtu"]


def test_an_mtu_below_1280_deletes_ipv6_addresses_for_good(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a
    link.add_address("192.0.2.1/24")
    link.add_address("2001:db8::1/64", nodad=True)

    link.set(mtu=1280)
    assert "2001:db8::1/64" in ip_addresses(ns, "v0")

    link.set(mtu=1279)
    assert ip_addresses(ns, "v0") == ["192.0.2.1/24"]
    assert [str(a) for a in link.addresses()] == ["192.0.2.1/24"]

    link.set(mtu=1500)
    assert "2001:db8::1/64" not in ip_addresses(ns, "v0")
    assert [str(a) for a in link.addresses(6)] == []


# 7. A bridge's MTU follows its ports until it is set by hand.


def test_a_bridge_mtu_follows_its_ports_until_set_by_hand(rooms):
    ns = rooms()
    br = Bridge.create("br0", ns=ns)
    big = VethPair.create("big0", "big1", ns=ns, mtu=9000).a
    small = VethPair.create("small0", "small1", ns=ns, mtu=1400).a

    def mtu() -> int:
        assert br.refresh().mtu == ip_link(ns, "br0")["mtu"]
        return br.mtu

    assert mtu() == 1500
    br.attach(big)
    assert mtu() == 9000
    br.attach(small)
    assert mtu() == 1400
    br.detach(small)
    assert mtu() == 9000

    br.set(mtu=1600)
    assert mtu() == 1600
    br.attach(small)
    assert mtu() == 1600
    br.detach(small)
    br.detach(big)
    assert mtu() == 1600


# 8. A veth peer born in another room, with the same name.


def test_a_peer_born_in_another_room_with_the_same_name(rooms):
    red, blue = rooms(), rooms()

    pair = VethPair.create("eth0", "eth0", ns=red, peer_ns=blue)

    assert link_names(red) == link_names(blue) == ["lo", "eth0"]
    assert pair.a.name == pair.b.name == "eth0"
    assert pair.a.link_netnsid is not None
    assert ip_link(red, "eth0")["link_netnsid"] == pair.a.link_netnsid
    assert ip_link(blue, "eth0")["link_netnsid"] == pair.b.link_netnsid
    assert pair.a.peer() == pair.b and pair.b.peer() == pair.a
    assert [link.name for link in red.links()] == ["lo", "eth0"]


# 9. A move keeps MTU, MAC and alias, drops addresses and routes, and the
# link arrives down.


def test_a_move_keeps_mtu_mac_alias_and_drops_addresses_and_routes(rooms):
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v1", ns=red)
    no_link_local(red, "v0", "v1")
    link = pair.a.set(mtu=1400, mac="02:00:00:00:00:01", alias="uplink")
    pair.b.up()
    link.up()
    link.add_address("192.0.2.1/24")
    link.add_address("2001:db8::1/64", nodad=True)
    red.add_route("198.51.100.0/24", via="192.0.2.254")
    assert len(red.routes(family=4)) == 2

    moved = link.move_to(blue)

    assert (moved.mtu, moved.mac, moved.alias) == (
        1400,
        "02:00:00:00:00:01",
        "uplink",
    )
    seen = ip_link(blue, "v0")
    assert (seen["mtu"], seen["address"], seen["ifalias"]) == (
        1400,
        "02:00:00:00:00:01",
        "uplink",
    )
    assert moved.addresses() == [] and ip_addresses(blue, "v0") == []
    assert not moved.is_up and moved.state == "down"
    assert "UP" not in seen["flags"]
    assert red.routes(family=4) == [] == ip_json(red, "-4", "route", "show")
    assert blue.routes(family=4) == []


# 10. Deleting a veth end removes the peer at once; deleting again is
# ENODEV.


def test_deleting_a_veth_end_twice(rooms):
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v0", ns=red, peer_ns=blue)
    stale = blue.link("v0")

    pair.a.delete()
    assert link_names(red) == link_names(blue) == ["lo"]

    with pytest.raises(LinkNotFound) as caught:
        stale.delete()
    assert caught.value.errno == errno.ENODEV
    with pytest.raises(LinkNotFound) as caught:
        pair.a.delete()
    assert caught.value.errno == errno.ENODEV
    assert "Cannot find device" in ip_error(blue, "link", "del", "v0")


# 13. IPv6 addresses start tentative; nodad ones are usable at once.


def bind(ns, address: str) -> None:
    """Bind a UDP socket to `address` inside `ns` (raises OSError)."""

    def inside() -> None:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.bind((address, 0))

    ns.run(inside)


def test_ipv6_addresses_start_tentative(rooms):
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v0", ns=red, peer_ns=blue)
    pair.b.up()
    pair.a.up()

    added = pair.a.add_address("2001:db8::1/64")

    assert added.tentative
    (seen,) = [
        a
        for a in ip_json(red, "addr", "show", "dev", "v0")[0]["addr_info"]
        if a["local"] == "2001:db8::1"
    ]
    assert seen["tentative"] is True
    with pytest.raises(OSError) as caught:
        bind(red, "2001:db8::1")
    assert caught.value.errno == errno.EADDRNOTAVAIL

    ready = pair.a.wait_addresses_ready(timeout=10)
    assert not any(a.tentative for a in ready)
    bind(red, "2001:db8::1")


def test_nodad_addresses_are_usable_at_once(rooms):
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v0", ns=red, peer_ns=blue)
    pair.b.up()
    pair.a.up()

    added = pair.a.add_address("2001:db8::2/64", nodad=True)

    assert not added.tentative and "nodad" in added.flags
    bind(red, "2001:db8::2")


# 14. An unreachable gateway; onlink; a link going down takes its routes.


def test_unreachable_gateways_onlink_and_link_down(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    no_link_local(ns, "v0", "v1")
    link = pair.a
    pair.b.up()
    link.up()
    link.add_address("192.0.2.1/24")

    with pytest.raises(NetworkUnreachable) as caught:
        ns.add_route("198.51.100.0/24", via="203.0.113.1")
    assert caught.value.errno == errno.ENETUNREACH
    assert caught.value.message == "Nexthop has invalid gateway"
    assert "Nexthop has invalid gateway" in ip_error(
        ns, "route", "add", "198.51.100.0/24", "via", "203.0.113.1"
    )

    ns.add_route("198.51.100.0/24", via="203.0.113.1", dev=link, onlink=True)
    ns.add_route("203.0.113.0/24", via="192.0.2.254")
    found = {str(r.dst): r for r in ns.routes(family=4)}
    assert "onlink" in found["198.51.100.0/24"].flags
    shown = {r["dst"]: r for r in ip_json(ns, "-4", "route", "show")}
    assert shown["198.51.100.0/24"]["flags"] == ["onlink"]

    link.down()
    assert ns.routes(family=4) == []
    assert ip_json(ns, "-4", "route", "show") == []

    link.up()
    (back,) = ns.routes(family=4)
    assert (str(back.dst), back.protocol) == ("192.0.2.0/24", "kernel")
    assert [r["dst"] for r in ip_json(ns, "-4", "route", "show")] == [
        "192.0.2.0/24"
    ]


# 15. MAC addresses: what the kernel refuses, and what netkit must.


@pytest.mark.parametrize(
    "mac",
    ["01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00"],
)
def test_multicast_broadcast_and_zero_macs_are_refused(rooms, mac):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a
    before = link.mac

    with pytest.raises(AddressNotAvailable) as caught:
        link.set(mac=mac)

    assert caught.value.errno == errno.EADDRNOTAVAIL
    assert ip_link(ns, "v0")["address"] == before == link.refresh().mac
    ip_error(ns, "link", "set", "v0", "address", mac)


def send_raw_mac(link, mac: str) -> None:
    """Set IFLA_ADDRESS as given, past netkit's own check."""
    body = LinkMessage(index=link.index, address=mac)
    link.namespace.rtnl.request(RTM_NEWLINK, body, 0)


def test_five_bytes_the_kernel_refuses_and_netkit_first(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a

    with pytest.raises(ValueError):
        link.set(mac="02:00:00:00:00")

    with pytest.raises(InvalidArgument) as caught:
        send_raw_mac(link, "02:00:00:00:00")
    assert caught.value.errno == errno.EINVAL


def test_seven_bytes_the_kernel_would_cut_so_netkit_refuses(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a

    with pytest.raises(ValueError):
        link.set(mac="02:00:00:00:00:01:02")
    assert ip_link(ns, "v0")["address"] == link.mac

    send_raw_mac(link, "02:00:00:00:00:01:02")
    assert ip_link(ns, "v0")["address"] == "02:00:00:00:00:01"
    assert link.refresh().mac == "02:00:00:00:00:01"


def test_macs_are_printed_lower_case_with_colons(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a

    link.set(mac="02:AB:CD:EF:00:01")

    assert link.mac == "02:ab:cd:ef:00:01" == ip_link(ns, "v0")["address"]
    ip(ns, "link", "set", "v0", "address", "02:AB:CD:EF:00:02")
    assert link.refresh().mac == "02:ab:cd:ef:00:02"

"""The object layer's values, built from messages without a kernel.

`Link`, `Address` and `Neighbour` from the messages the kernel sends;
`LinkStats` counters; the checks that run before anything is sent.
"""

from __future__ import annotations

import ipaddress

import pytest

from netkit import Address, Bridge, Link, LinkStats, Neighbour, Veth
from netkit.rtnl import addr as rtaddr
from netkit.rtnl import link as rtlink
from netkit.rtnl import neigh as rtneigh
from netkit.rtnl.link import IF_OPER_UP, IFF_UP, LinkMessage
from netkit.rtnl.link_attrs import STATS64_FIELDS
from netkit.rtnl.rtm import AF_INET, AF_INET6


def decoded(request):
    body = request.body
    return type(body).decode(body.encode())


def test_a_link_from_its_message():
    stats = dict.fromkeys(STATS64_FIELDS, 0) | {"rx_bytes": 1 << 40}
    message = LinkMessage(
        index=3,
        flags=IFF_UP,
        ifname="v0",
        mtu=1400,
        min_mtu=68,
        max_mtu=65535,
        address="02:00:00:00:00:01",
        operstate=IF_OPER_UP,
        txqlen=1000,
        ifalias="uplink",
        master=7,
        link=4,
        link_netnsid=0,
        stats64=stats,
        linkinfo={"kind": "veth"},
    )

    link = Link.from_message("ns", LinkMessage.decode(message.encode()))

    assert isinstance(link, Veth)
    assert (link.name, link.index, link.kind, link.mtu) == (
        "v0",
        3,
        "veth",
        1400,
    )
    assert (link.min_mtu, link.max_mtu) == (68, 65535)
    assert (link.mac, link.state, link.is_up) == (
        "02:00:00:00:00:01",
        "up",
        True,
    )
    assert (link.txqueuelen, link.alias) == (1000, "uplink")
    assert (link.master_index, link.link_index, link.link_netnsid) == (7, 4, 0)
    assert link.namespace == "ns"
    assert isinstance(link.stats, LinkStats)
    assert link.stats.rx_bytes == link.stats["rx_bytes"] == 1 << 40
    with pytest.raises(AttributeError):
        link.stats.no_such_counter  # noqa: B018


def test_the_master_is_named_from_the_names_given():
    message = LinkMessage(index=3, ifname="p0", master=7)

    link = Link.from_message("ns", message, {7: "br0", 3: "p0"})

    assert link.master == "br0"
    assert Link.from_message("ns", LinkMessage(index=3)).master is None


def test_links_compare_by_namespace_and_index():
    a = Link.from_message("ns", LinkMessage(index=3, ifname="v0"))
    renamed = Link.from_message("ns", LinkMessage(index=3, ifname="eth0"))
    elsewhere = Link.from_message("other", LinkMessage(index=3, ifname="v0"))

    assert a == renamed and hash(a) == hash(renamed)
    assert a != elsewhere


def test_a_bridge_and_a_plain_link():
    bridge = LinkMessage(index=2, ifname="br0", linkinfo={"kind": "bridge"})
    lo = LinkMessage(index=1, ifname="lo")

    assert type(Link.from_message("ns", bridge)) is Bridge
    assert type(Link.from_message("ns", lo)) is Link
    assert repr(Link.from_message("ns", bridge)) == (
        "<Bridge 'br0' bridge index=2>"
    )


def test_an_address_from_its_message():
    request = rtaddr.new_addr(
        "192.0.2.1/24", 3, label="v0:web", broadcast=True, flags=["nodad"]
    )

    address = Address.from_message(decoded(request), "v0")

    assert address.address == ipaddress.ip_interface("192.0.2.1/24")
    assert (address.prefixlen, str(address.ip), address.dev) == (
        24,
        "192.0.2.1",
        "v0",
    )
    assert (address.scope, address.label) == ("global", "v0:web")
    assert str(address.broadcast) == "192.0.2.255"
    assert address.flags == ("nodad",) and not address.tentative
    assert address.family == AF_INET and str(address) == "192.0.2.1/24"
    assert address.valid_lft is None and address.preferred_lft is None


def test_a_tentative_ipv6_address_with_lifetimes():
    request = rtaddr.new_addr(
        "2001:db8::1/64", 3, flags=["tentative"], valid=600, preferred=300
    )

    address = Address.from_message(decoded(request), "v0")

    assert address.tentative and address.family == AF_INET6
    assert (address.valid_lft, address.preferred_lft) == (600, 300)


def test_a_bare_address_is_a_host_prefix():
    v4 = Address.from_message(decoded(rtaddr.new_addr("192.0.2.1", 3)), "v0")
    v6 = Address.from_message(decoded(rtaddr.new_addr("2001:db8::1", 3)), "v0")

    assert (v4.prefixlen, v6.prefixlen) == (32, 128)


def test_a_neighbour_from_its_message():
    request = rtneigh.new_neigh("192.0.2.9", 3, lladdr="02:00:00:00:00:09")

    entry = Neighbour.from_message(decoded(request), {3: "v0"})

    assert entry.ip == ipaddress.ip_address("192.0.2.9")
    assert (entry.mac, entry.dev, entry.state) == (
        "02:00:00:00:00:09",
        "v0",
        "PERMANENT",
    )


@pytest.mark.parametrize(
    "mac", ["02:00:00:00:00", "02:00:00:00:00:01:02", "nonsense", ""]
)
def test_macs_that_are_not_six_octets_are_refused(mac):
    with pytest.raises(ValueError):
        rtlink.set_link(3, address=mac)

"""Veth pairs and bridges through the object API, checked with `ip -j`.

A pair is made in one request with each end in its room; a failed one
leaves nothing; either end finds the other; deleting either removes both.
A bridge takes ports of its own room only.
"""

from __future__ import annotations

import pytest

from netkit import Bridge, LinkExists, LinkNotFound, Veth, VethPair
from netkit.rtnl.link import LinkMessage
from netkit.rtnl.rtm import RTM_NEWLINK, RTNLGRP_LINK
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip_json,
    ip_link,
    link_names,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


def test_pair_with_each_end_in_its_room(rooms):
    red, blue = rooms(), rooms()

    pair = VethPair.create("veth-red", "veth-blue", ns=red, peer_ns=blue)

    assert isinstance(pair.a, Veth) and isinstance(pair.b, Veth)
    assert (pair.a.namespace, pair.b.namespace) == (red, blue)
    assert link_names(red) == ["lo", "veth-red"]
    assert link_names(blue) == ["lo", "veth-blue"]
    a, b = pair
    assert a.mac == ip_link(red, "veth-red")["address"]
    assert b.mac == ip_link(blue, "veth-blue")["address"]
    assert not a.is_up and not b.is_up


def test_no_end_is_ever_seen_in_the_creating_room(rooms):
    red, blue = rooms(), rooms()
    watch = red.socket(groups=1 << (RTNLGRP_LINK - 1))
    watch.settimeout(0.2)

    VethPair.create("veth-red", "veth-blue", ns=red, peer_ns=blue)

    seen = set()
    try:
        while True:
            for header, body in watch.messages():
                if header.type == RTM_NEWLINK:
                    seen.add(LinkMessage.decode(bytes(body)).get("ifname"))
    except TimeoutError:
        pass
    finally:
        watch.close()
    assert seen == {"veth-red"}


def test_a_failed_pair_leaves_no_end_behind(rooms):
    red, blue = rooms(), rooms()
    VethPair.create("taken", "other", ns=blue)

    with pytest.raises(LinkExists):
        VethPair.create("veth-red", "taken", ns=red, peer_ns=blue)

    assert link_names(red) == ["lo"]
    assert link_names(blue) == ["lo", "other", "taken"]
    assert [link.name for link in red.links()] == ["lo"]


def test_a_pair_whose_first_name_is_taken_leaves_nothing(rooms):
    red, blue = rooms(), rooms()
    VethPair.create("taken", "other", ns=red)

    with pytest.raises(LinkExists):
        VethPair.create("taken", "veth-blue", ns=red, peer_ns=blue)

    assert link_names(red) == ["lo", "other", "taken"]
    assert link_names(blue) == ["lo"]


def test_bad_pairs_are_refused_before_sending(rooms):
    red, blue = rooms(), rooms()

    with pytest.raises(ValueError):
        VethPair.create("same", "same", ns=red)
    with pytest.raises(ValueError):
        VethPair.create("ok", "not ok", ns=red, peer_ns=blue)
    with pytest.raises(ValueError):
        VethPair.create("ok", "ok2", ns=red, mac="02:00:00:00:00")

    assert link_names(red) == link_names(blue) == ["lo"]


def test_pair_settings_go_to_both_ends(rooms):
    red, blue = rooms(), rooms()

    pair = VethPair.create(
        "v0",
        "v0",
        ns=red,
        peer_ns=blue,
        mtu=1400,
        mac="02:00:00:00:00:01",
        peer_mac="02:00:00:00:00:02",
    )

    assert (pair.a.mtu, pair.b.mtu) == (1400, 1400)
    assert ip_link(red, "v0")["address"] == "02:00:00:00:00:01"
    assert ip_link(blue, "v0")["address"] == "02:00:00:00:00:02"
    assert ip_link(blue, "v0")["mtu"] == 1400


def test_peer_in_the_same_room(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)

    assert pair.a.peer() == pair.b
    assert pair.b.peer() == pair.a
    assert ip_link(ns, "v0")["link"] == "v1"


def test_peer_across_rooms(rooms):
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v0", ns=red, peer_ns=blue)

    peer = pair.a.peer()

    assert peer == pair.b and peer.namespace == blue
    assert pair.b.peer() == pair.a
    assert ip_link(red, "v0")["link_netnsid"] == pair.a.link_netnsid


def test_peer_after_the_peer_moved(rooms):
    red, blue, green = rooms(), rooms(), rooms()
    pair = VethPair.create("v0", "v1", ns=red, peer_ns=blue)

    moved = pair.b.move_to(green)

    assert pair.a.peer() == moved
    assert moved.peer() == pair.a


def test_peer_of_a_link_that_is_not_a_veth(rooms):
    ns = rooms()

    with pytest.raises(ValueError):
        ns.link("lo").peer()


@pytest.mark.parametrize("which", ["a", "b"])
def test_deleting_either_end_deletes_both(rooms, which):
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v1", ns=red, peer_ns=blue)

    getattr(pair, which).delete()

    assert link_names(red) == link_names(blue) == ["lo"]
    for end in pair:
        for use in (
            end.refresh,
            end.up,
            end.addresses,
            end.peer,
            lambda end=end: end.set(mtu=1400),
            lambda end=end: end.add_address("192.0.2.1/24"),
            end.delete,
        ):
            with pytest.raises(LinkNotFound):
                use()


def test_bridge_ports_and_master(rooms):
    ns = rooms()
    br = Bridge.create("br0", ns=ns)
    one = VethPair.create("p0", "q0", ns=ns).a
    two = VethPair.create("p1", "q1", ns=ns).a

    assert br.ports() == []
    assert br.attach(one).master == "br0"
    br.attach(two)

    assert sorted(p.name for p in br.ports()) == ["p0", "p1"]
    assert ip_link(ns, "p0")["master"] == "br0"
    assert ns.link("p1").master == "br0"
    listed = [link.name for link in ns.links(master=br.index)]
    on_bridge = ip_json(ns, "link", "show", "master", "br0")
    assert sorted(listed) == sorted(x["ifname"] for x in on_bridge)

    assert br.detach(one).master is None
    assert "master" not in ip_link(ns, "p0")
    assert [p.name for p in br.ports()] == ["p1"]


def test_bridge_options(rooms):
    ns = rooms()

    br = Bridge.create("br0", ns=ns, stp=True, mtu=1400)

    data = ip_link(ns, "br0")["linkinfo"]["info_data"]
    assert data["stp_state"] == 1 == br.data["stp_state"]
    assert br.mtu == 1400


def test_attaching_a_link_of_another_room(rooms):
    red, host = rooms(), rooms()
    br = Bridge.create("br0", ns=host)
    link = VethPair.create("v0", "v1", ns=red).a

    with pytest.raises(ValueError, match="move the link first"):
        br.attach(link)

    assert "master" not in ip_link(red, "v0")
    assert br.ports() == []


def test_detaching_a_link_that_is_not_a_port(rooms):
    ns = rooms()
    br = Bridge.create("br0", ns=ns)
    other = Bridge.create("br1", ns=ns)
    link = VethPair.create("v0", "v1", ns=ns).a
    other.attach(link)

    with pytest.raises(ValueError):
        br.detach(link)

    assert ip_link(ns, "v0")["master"] == "br1"


def test_ports_of_a_deleted_bridge(rooms):
    ns = rooms()
    br = Bridge.create("br0", ns=ns)
    again = ns.link("br0")

    br.delete()

    with pytest.raises(LinkNotFound):
        again.ports()

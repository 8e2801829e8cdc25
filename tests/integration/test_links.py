"""Links through the object API, checked against `ip -j` in throwaway rooms.

Listing and lookup, up/down, `set()`, `refresh()`, `move_to()`, deleting,
64-bit counters, `Link.create` for any kind and the typed helpers.
"""

from __future__ import annotations

import pytest

from netkit import (
    Bridge,
    Dummy,
    InvalidArgument,
    Link,
    LinkExists,
    LinkNotFound,
    LinkStats,
    Macvlan,
    Macvtap,
    NotSupported,
    Veth,
    VethPair,
    Vlan,
    Vxlan,
)
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_addresses,
    ip_json,
    ip_link,
    link_names,
    quiet_ipv6,
    rooms_fixture,
    wait_for,
    wait_up,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")

BAD_NAMES = ["a" * 16, "a/b", "a b", "a:b", ".", "..", "", "tab\there"]


def test_a_new_room_has_only_lo(rooms):
    ns = rooms()

    (lo,) = ns.links()

    assert type(lo) is Link
    assert (lo.name, lo.index, lo.kind) == ("lo", 1, None)
    assert link_names(ns) == ["lo"]
    assert lo.mac == ip_link(ns, "lo")["address"] == "00:00:00:00:00:00"


def test_lookup_by_name_and_by_index(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)

    by_name = ns.link("v0")
    by_index = ns.link(pair.a.index)

    assert by_name == by_index == pair.a
    assert by_name.index == ip_link(ns, "v0")["ifindex"]
    assert isinstance(by_name, Veth)


def test_lookup_of_a_missing_link(rooms):
    ns = rooms()

    with pytest.raises(LinkNotFound):
        ns.link("nothere0")
    with pytest.raises(LinkNotFound):
        ns.link(999)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_names_are_refused_before_sending(rooms, name):
    ns = rooms()

    with pytest.raises(ValueError):
        ns.link(name)
    with pytest.raises(ValueError):
        VethPair.create(name, "ok0", ns=ns)
    with pytest.raises(ValueError):
        Bridge.create(name, ns=ns)

    assert link_names(ns) == ["lo"]


def test_up_and_down(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    assert not pair.a.is_up and pair.a.state == "down"

    pair.a.up()
    assert pair.a.is_up and pair.a.state == "lowerlayerdown"
    assert "UP" in ip_link(ns, "v0")["flags"]

    pair.b.up()
    assert wait_for(lambda: pair.a.refresh().state == "up")
    assert ip_link(ns, "v0")["operstate"] == "UP"

    pair.a.down()
    assert not pair.a.is_up and pair.a.state == "down"
    assert "UP" not in ip_link(ns, "v0")["flags"]


def test_set_changes_what_it_is_told(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a

    link.set(
        mtu=1400,
        mac="02:00:00:00:00:01",
        name="eth0",
        txqueuelen=500,
        alias="uplink",
    )

    seen = ip_link(ns, "eth0")
    assert (link.mtu, link.mac, link.name) == (
        1400,
        "02:00:00:00:00:01",
        "eth0",
    )
    assert (link.txqueuelen, link.alias) == (500, "uplink")
    assert (seen["mtu"], seen["address"], seen["ifname"]) == (
        1400,
        "02:00:00:00:00:01",
        "eth0",
    )
    assert (seen["txqlen"], seen["ifalias"]) == (500, "uplink")
    assert link_names(ns) == ["lo", "v1", "eth0"]


def test_a_link_that_is_up_can_be_renamed(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a.up()

    link.set(name="eth0")

    assert link.name == "eth0" and link.is_up
    assert "UP" in ip_link(ns, "eth0")["flags"]


def test_set_with_nothing_to_change(rooms):
    link = VethPair.create("v0", "v1", ns=rooms()).a

    with pytest.raises(ValueError):
        link.set()


def test_set_out_of_range_is_the_kernels_error(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a

    with pytest.raises(InvalidArgument, match="mtu greater than device max"):
        link.set(mtu=70000)
    with pytest.raises(ValueError):
        link.set(name="far-too-long-name")
    with pytest.raises(LinkExists):
        link.set(name="v1")

    assert ip_link(ns, "v0")["mtu"] == 1500
    assert link.refresh().mtu == 1500


def test_refresh_sees_what_ip_changed(rooms):
    ns = rooms()
    link = VethPair.create("v0", "v1", ns=ns).a

    ip(ns, "link", "set", "dev", "v0", "mtu", "1300", "alias", "by-ip")

    assert link.mtu == 1500
    assert link.refresh() is link
    assert (link.mtu, link.alias) == (1300, "by-ip")


def test_stats_are_the_kernels_64_bit_counters(rooms):
    a, b = rooms(), rooms()
    pair = VethPair.create("v0", "v0", ns=a, peer_ns=b)
    quiet_ipv6(a, "v0")
    quiet_ipv6(b, "v0")
    pair.a.add_address("192.0.2.1/24")
    pair.b.add_address("192.0.2.2/24")
    pair.a.up()
    pair.b.up()
    wait_up(*pair)

    assert a.ping("192.0.2.2", count=3, interval=0).ok
    stats = pair.a.refresh().stats

    assert isinstance(stats, LinkStats)
    seen = ip_json(a, "-s", "link", "show", "dev", "v0")[0]["stats64"]
    assert stats.tx_packets == seen["tx"]["packets"] >= 3
    assert stats.rx_packets == seen["rx"]["packets"] >= 3
    assert stats.tx_bytes == seen["tx"]["bytes"]
    assert stats.rx_bytes == seen["rx"]["bytes"]
    assert stats["rx_dropped"] == seen["rx"]["dropped"]


def test_move_to_another_room(rooms):
    a, b = rooms(), rooms()
    old = VethPair.create("v0", "v1", ns=a).a

    moved = old.move_to(b)

    assert moved.namespace == b and moved.name == "v0"
    assert link_names(a) == ["lo", "v1"]
    assert link_names(b) == ["lo", "v0"]
    assert moved.index == ip_link(b, "v0")["ifindex"]
    with pytest.raises(LinkNotFound):
        old.up()
    with pytest.raises(LinkNotFound):
        old.addresses()


def test_move_to_a_room_with_that_name(rooms):
    a, b = rooms(), rooms()
    link = VethPair.create("v0", "v1", ns=a).a
    VethPair.create("v0", "v9", ns=b)

    with pytest.raises(LinkExists):
        link.move_to(b)

    assert link_names(a) == ["lo", "v1", "v0"]
    assert link.refresh().namespace == a


def test_delete(rooms):
    ns = rooms()
    br = Bridge.create("br0", ns=ns)

    br.delete()

    assert link_names(ns) == ["lo"]
    with pytest.raises(LinkNotFound):
        br.refresh()
    with pytest.raises(LinkNotFound):
        ns.link("br0")


def test_create_any_kind_gives_the_class_of_its_kind(rooms):
    ns = rooms()

    br = Link.create("br0", "bridge", ns=ns, data={"stp_state": 1}, mtu=1400)
    parent = VethPair.create("v0", "v1", ns=ns).a
    port = Link.create("m0", "macvlan", ns=ns, parent=parent)

    assert isinstance(br, Bridge) and isinstance(port, Macvlan)
    assert ip_link(ns, "br0")["linkinfo"]["info_data"]["stp_state"] == 1
    assert br.mtu == ip_link(ns, "br0")["mtu"] == 1400
    assert ip_link(ns, "m0")["link"] == "v0"
    kinds = {link.name: type(link) for link in ns.links()}
    assert kinds == {
        "lo": Link,
        "br0": Bridge,
        "v0": Veth,
        "v1": Veth,
        "m0": Macvlan,
    }


def test_create_of_a_kind_the_kernel_lacks(rooms):
    ns = rooms()

    with pytest.raises(NotSupported, match="no 'nosuchkind' link kind"):
        Link.create("x0", "nosuchkind", ns=ns)

    assert link_names(ns) == ["lo"]


def test_create_with_a_parent_in_another_room(rooms):
    a, b = rooms(), rooms()
    parent = VethPair.create("v0", "v1", ns=a).a

    with pytest.raises(ValueError):
        Macvlan.create("m0", parent, ns=b)

    assert link_names(b) == ["lo"]


def test_macvlan_and_macvtap(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)

    mv = Macvlan.create("mv0", pair.a, ns=ns)
    mt = Macvtap.create("mt0", "v1", "vepa", ns=ns)

    assert (mv.kind, mv.mode) == ("macvlan", "bridge")
    assert (mt.kind, mt.mode) == ("macvtap", "vepa")
    assert ip_link(ns, "mv0")["linkinfo"]["info_data"]["mode"] == "bridge"
    assert ip_link(ns, "mt0")["linkinfo"]["info_data"]["mode"] == "vepa"
    assert ip_link(ns, "mt0")["link"] == "v1"
    with pytest.raises(ValueError):
        Macvlan.create("mv1", pair.a, "hub", ns=ns)


def test_vxlan(rooms):
    ns = rooms()
    under = VethPair.create("v0", "v1", ns=ns).a

    unicast = Vxlan.create(
        "vx0",
        42,
        dev=under,
        local="192.0.2.1",
        remote="192.0.2.2",
        learning=False,
        ns=ns,
    )
    flood = Vxlan.create("vx1", 43, dev="v0", group="239.1.1.1", ns=ns)

    data = ip_link(ns, "vx0")["linkinfo"]["info_data"]
    assert (data["id"], data["port"], data["link"]) == (42, 4789, "v0")
    assert (data["local"], data["remote"]) == ("192.0.2.1", "192.0.2.2")
    assert data["learning"] is False
    assert (unicast.vni, unicast.port) == (42, 4789)
    assert (str(unicast.local), str(unicast.remote)) == (
        data["local"],
        data["remote"],
    )
    assert ip_link(ns, "vx1")["linkinfo"]["info_data"]["group"] == "239.1.1.1"
    assert str(flood.multicast_group) == "239.1.1.1"
    assert flood.remote is None


@pytest.mark.parametrize(
    "options",
    [
        {"vni": 1 << 24},
        {"vni": 1, "port": 0},
        {"vni": 1, "group": "192.0.2.9"},
        {"vni": 1, "remote": "239.1.1.1"},
        {"vni": 1, "group": "239.1.1.1", "remote": "192.0.2.9"},
        {"vni": 1, "local": "2001:db8::1", "remote": "192.0.2.9"},
        {"vni": 1, "remote": "not-an-ip"},
    ],
)
def test_vxlan_bad_input(rooms, options):
    ns = rooms()

    with pytest.raises(ValueError):
        Vxlan.create("vx0", ns=ns, **options)

    assert link_names(ns) == ["lo"]


def test_dummy_where_the_kernel_has_it(rooms):
    ns = rooms()

    try:
        link = Dummy.create("d0", ns=ns, mtu=1400)
    except NotSupported as exc:
        assert "'dummy'" in str(exc)
        pytest.skip("this kernel has no 'dummy' link kind")

    assert isinstance(link, Dummy)
    assert ip_link(ns, "d0")["linkinfo"]["info_kind"] == "dummy"


def test_vlan_where_the_kernel_has_it(rooms):
    ns = rooms()
    parent = VethPair.create("v0", "v1", ns=ns).a

    try:
        link = Vlan.create("v0.5", parent, 5, ns=ns)
    except NotSupported as exc:
        assert "'vlan'" in str(exc)
        pytest.skip("this kernel has no 'vlan' link kind")

    assert (link.vid, link.kind) == (5, "vlan")
    assert ip_link(ns, "v0.5")["linkinfo"]["info_data"]["id"] == 5


def test_vlan_id_out_of_range_is_refused_before_sending(rooms):
    ns = rooms()
    parent = VethPair.create("v0", "v1", ns=ns).a

    with pytest.raises(ValueError):
        Vlan.create("v0.9", parent, 4095, ns=ns)


def test_addresses_of_a_link_are_its_own(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)

    pair.a.add_address("192.0.2.1/24")
    pair.b.add_address("192.0.2.2/24")

    assert [str(a) for a in pair.a.addresses(4)] == ["192.0.2.1/24"]
    assert ip_addresses(ns, "v1") == ["192.0.2.2/24"]

"""ethtool queries on real links: drivers, counters, a veth's peer."""

import errno

import pytest

import netkit
from netkit.ioctl import ethtool


@pytest.fixture
def pair(room, room2):
    return netkit.VethPair.create("nkv0", "nkv1", ns=room, peer_ns=room2)


def test_driver_of_a_veth(pair):
    info = pair.a.driver()

    assert isinstance(info, netkit.DriverInfo)
    assert info.driver == "veth"
    assert str(info) == "veth"
    assert info.version  # "1.0" today


def test_driver_of_a_bridge(room):
    info = netkit.Bridge.create("nkbr0", ns=room).driver()

    assert info.driver == "bridge"
    assert info.bus_info == "N/A"


@pytest.mark.parametrize(
    "cls, bus", [(netkit.Tap, "tap"), (netkit.Tun, "tun")]
)
def test_driver_of_tun_and_tap(room, cls, bus):
    with cls.create("nktt0", ns=room, persist=False) as device:
        info = device.link().driver()

    assert (info.driver, info.bus_info) == ("tun", bus)


def test_loopback_has_no_driver_info(room):
    with pytest.raises(netkit.NotSupported) as caught:
        room.link("lo").driver()

    error = caught.value
    assert error.errno == errno.EOPNOTSUPP
    assert error.request == "ETHTOOL_GDRVINFO"
    assert "ETHTOOL_GDRVINFO" in str(error) and "'lo'" in str(error)


def test_veth_counters_name_the_peer(pair):
    counters = pair.a.ethtool_stats()

    assert counters["peer_ifindex"] == pair.b.index
    assert pair.b.ethtool_stats()["peer_ifindex"] == pair.a.index
    assert all(isinstance(v, int) for v in counters.values())
    assert list(counters)[0] == "peer_ifindex"


def test_veth_counts_per_queue(room):
    pair = netkit.VethPair.create("nkv0", "nkv1", ns=room)

    counters = pair.a.ethtool_stats()
    queues = [name for name in counters if name != "peer_ifindex"]

    assert queues
    assert all(name.startswith(("rx_queue_", "tx_queue_")) for name in queues)


def test_bridge_keeps_no_driver_counters(room):
    bridge = netkit.Bridge.create("nkbr0", ns=room)

    with pytest.raises(netkit.NotSupported) as caught:
        bridge.ethtool_stats()

    assert "nkbr0" in str(caught.value)
    assert "ETHTOOL_GSTATS" in str(caught.value)


def test_peer_from_ethtool_when_netlink_leaves_the_index_out(
    pair, monkeypatch
):
    # Older kernels leave IFLA_LINK out when both ends have one index.
    a = pair.a
    monkeypatch.setattr(a, "refresh", lambda: a)
    a.link_index = 0

    peer = a.peer()

    assert peer.namespace == pair.b.namespace
    assert (peer.name, peer.index) == ("nkv1", pair.b.index)


def test_peer_index_function(pair, room):
    assert ethtool.peer_ifindex("nkv0", room) == pair.b.index


def test_gone_device(room):
    with pytest.raises(netkit.LinkNotFound) as caught:
        ethtool.driver_info("nk-gone0", room)

    assert caught.value.errno == errno.ENODEV
    assert "nk-gone0" in str(caught.value)
    assert "ETHTOOL_GDRVINFO" in str(caught.value)


def test_deleted_link_object(room):
    link = netkit.Bridge.create("nkbr0", ns=room)
    link.delete()

    with pytest.raises(netkit.LinkNotFound):
        link.driver()
    with pytest.raises(netkit.LinkNotFound):
        link.ethtool_stats()


def test_own_namespace_is_asked_without_entering():
    # ns=None: the calling thread's namespace, here the host's; a read.
    with pytest.raises(netkit.NotSupported) as caught:
        ethtool.driver_info("lo")

    assert " in " not in str(caught.value)  # no namespace was named

"""Flags, index and name by the socket ioctls agree with netlink."""

import errno

import pytest

import netkit
from netkit.ioctl import interface
from netkit.rtnl.link import IFF_PROMISC, IFF_UP


@pytest.fixture
def links(room, room2):
    """A few links of different kinds and states in `room`."""
    netkit.VethPair.create("nkv0", "nkv1", ns=room, peer_ns=room2)
    netkit.Bridge.create("nkbr0", ns=room).up()
    room.link("lo").up()
    netkit.Tap.create("nktap0", ns=room)
    return room.links()


def test_flags_agree_with_netlink(room, links):
    for link in links:
        got = interface.get_flags(link.name, room)
        assert got == link.flags & interface.FLAGS_MASK, link.name


def test_index_and_name_agree_with_netlink(room, links):
    for link in links:
        assert interface.get_index(link.name, room) == link.index
        assert interface.get_name(link.index, room) == link.name


def test_up_and_down_by_ioctl_seen_by_netlink(room, links):
    tap = room.link("nktap0")
    assert not tap.is_up

    interface.set_up("nktap0", ns=room)
    assert tap.refresh().is_up

    interface.set_up("nktap0", False, ns=room)
    assert not tap.refresh().is_up


def test_set_flags_writes_what_netlink_reads(room, links):
    flags = interface.get_flags("nkbr0", room)

    interface.set_flags("nkbr0", flags | IFF_PROMISC, room)
    bridge = room.link("nkbr0")

    assert bridge.flags & IFF_PROMISC
    assert bridge.flags & IFF_UP


def test_missing_device_names_device_and_request(room):
    with pytest.raises(netkit.LinkNotFound) as caught:
        interface.get_flags("nk-gone0", room)

    error = caught.value
    assert error.errno == errno.ENODEV
    assert isinstance(error, OSError)
    assert error.request == "SIOCGIFFLAGS"
    assert "'nk-gone0'" in str(error) and room.name in str(error)


def test_missing_index(room):
    with pytest.raises(netkit.LinkNotFound) as caught:
        interface.get_name(4242, room)

    assert "index 4242" in str(caught.value)
    assert "SIOCGIFNAME" in str(caught.value)


def test_own_namespace_without_entering():
    # ns=None: the calling thread's namespace (the host's); reads only.
    assert interface.get_index("lo") == 1
    assert interface.get_name(1) == "lo"

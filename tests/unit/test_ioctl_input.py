"""The ioctl layer without the kernel: bad input, errors, decoding.

Bad input raises ValueError before any device is opened, so none of these
needs root.
"""

import errno

import pytest

import netkit
from netkit import _libc
from netkit.errors import Busy, LinkNotFound, NotSupported
from netkit.ioctl import ethtool, interface, tuntap
from netkit.ioctl.ifreq import as_short, ifr_name, ifreq, ioctl_error
from netkit.rtnl.kinds import KIND_DATA


@pytest.fixture
def no_tun_open(monkeypatch):
    """Fail the test if anything tries to open /dev/net/tun."""

    def refuse(ns):
        raise AssertionError("/dev/net/tun was opened")

    monkeypatch.setattr(tuntap, "_open_tun", refuse)


@pytest.mark.parametrize("name", ["", "x" * 16, "a/b", "a b", "..", "a:b"])
def test_bad_names_are_refused_before_anything(name, no_tun_open):
    with pytest.raises(ValueError):
        netkit.Tap.create(name)
    with pytest.raises(ValueError):
        netkit.Tun.create(name, persist=False)
    with pytest.raises(ValueError):
        interface.get_flags(name)
    with pytest.raises(ValueError):
        ethtool.driver_info(name)


def test_fifteen_bytes_is_the_longest_name():
    assert ifr_name(ifreq("x" * 15)) == "x" * 15
    with pytest.raises(ValueError, match="15 bytes"):
        ifreq("é" * 8)  # 16 bytes in UTF-8


@pytest.mark.parametrize("owner", [-1, 1 << 32, "nk-no-such-user", True])
def test_bad_owner(owner, no_tun_open):
    with pytest.raises(ValueError):
        netkit.Tap.create("nktap0", owner=owner)


def test_bad_group(no_tun_open):
    with pytest.raises(ValueError, match="no group"):
        netkit.Tap.create("nktap0", group="nk-no-such-group")


@pytest.mark.parametrize("flags", [-1, 0x10000, True])
def test_flags_are_sixteen_bits(flags):
    with pytest.raises(ValueError):
        interface.set_flags("lo", flags)


@pytest.mark.parametrize("index", [0, -3, "1", 1 << 31])
def test_bad_index(index):
    with pytest.raises(ValueError):
        interface.get_name(index)


def test_flags_as_a_c_short():
    assert as_short(0x1002) == 0x1002
    assert as_short(0x8002) == 0x8002 - 0x10000

    request = ifreq("lo")
    request.ifr_flags = as_short(_libc.IFF_TAP | _libc.IFF_TUN_EXCL)
    assert request.ifr_flags & 0xFFFF == 0x8002


def test_gone_device_is_link_not_found():
    error = ioctl_error(errno.ENODEV, "SIOCGIFFLAGS", "nk0")

    assert isinstance(error, LinkNotFound)
    assert isinstance(error, OSError)
    assert error.errno == errno.ENODEV
    assert error.request == "SIOCGIFFLAGS"
    assert str(error) == "[Errno 19] No such device: SIOCGIFFLAGS on 'nk0'"


def test_unsupported_request_is_not_supported():
    error = ioctl_error(errno.EOPNOTSUPP, "ETHTOOL_GSTATS", "br0", reason="x")

    assert isinstance(error, NotSupported)
    assert "ETHTOOL_GSTATS on 'br0': x" in str(error)


def test_busy_and_index_naming():
    error = ioctl_error(errno.EBUSY, "TUNSETIFF", 7)

    assert isinstance(error, Busy)
    assert "TUNSETIFF on index 7" in str(error)


def test_driver_info_prints_as_the_driver():
    info = netkit.DriverInfo("veth", "1.0", "", "")

    assert str(info) == "veth"
    assert info == netkit.DriverInfo("veth", "1.0", "", "")


def test_tun_kind_data_decodes():
    # IFLA_INFO_DATA of a persistent TAP owned by 1000:1000, as Linux 6.18
    # reported it.
    raw = bytes.fromhex(
        "0500030002000000"  # type: IFF_TAP
        "08000100e8030000"  # owner
        "08000200e8030000"  # group
        "0500040000000000"  # pi
        "0500050000000000"  # vnet_hdr
        "0500060001000000"  # persist
        "0500070000000000"  # multi_queue
    )

    data = KIND_DATA["tun"].decode(memoryview(raw), {})

    assert data == {
        "owner": 1000,
        "group": 1000,
        "type": 2,
        "pi": 0,
        "vnet_hdr": 0,
        "persist": 1,
        "multi_queue": 0,
    }


def test_device_object_without_a_descriptor():
    device = tuntap.Tap(-1, "nktap0", None)

    assert device.closed
    assert repr(device) == "<Tap 'nktap0' closed>"
    with pytest.raises(ValueError, match="closed"):
        device.read()
    with pytest.raises(ValueError, match="closed"):
        device.write(b"")
    device.close()

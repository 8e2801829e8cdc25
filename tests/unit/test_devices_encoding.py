"""The typed link helpers' data, encoded as the kernel would receive it.

This kernel has no dummy or vlan driver, so these are the tests of their
encoding; vxlan and macvlan are also tried on the kernel in
tests/integration/test_links.py.
"""

from __future__ import annotations

import ipaddress

import pytest

from netkit.devices import (
    Dummy,
    Macvlan,
    Macvtap,
    Vlan,
    Vxlan,
    macvlan_data,
    vlan_data,
    vxlan_data,
)
from netkit.links import LINK_CLASSES, Link
from netkit.rtnl import link as rtlink
from netkit.rtnl.kinds.macvlan import MACVLAN_MODE_BRIDGE, MACVLAN_MODE_VEPA
from netkit.rtnl.kinds.vlan import ETH_P_8021AD, ETH_P_8021Q


def sent(name: str, kind: str, data=None, **attrs) -> rtlink.LinkMessage:
    """The message `Link.create` sends, decoded again."""
    request = rtlink.new_link(name, kind, data, **attrs)
    return rtlink.LinkMessage.decode(request.body.encode())


def test_dummy():
    message = sent("d0", "dummy", mtu=1400)

    assert message["ifname"] == "d0" and message["mtu"] == 1400
    assert message["linkinfo"]["kind"] == "dummy"
    assert "data" not in message["linkinfo"]


def test_vlan():
    message = sent("eth0.5", "vlan", vlan_data(5), link=2)

    assert message["link"] == 2
    assert message["linkinfo"]["data"] == {"id": 5, "protocol": ETH_P_8021Q}
    assert vlan_data(4094, "802.1ad") == {"id": 4094, "protocol": ETH_P_8021AD}


@pytest.mark.parametrize(
    ("vid", "protocol"),
    [(4095, "802.1Q"), (-1, "802.1Q"), (True, "802.1Q"), (5, "802.1x")],
)
def test_bad_vlans(vid, protocol):
    with pytest.raises(ValueError):
        vlan_data(vid, protocol)


def test_macvlan():
    message = sent("mv0", "macvlan", macvlan_data(), link=2)

    assert message["linkinfo"]["data"] == {"mode": MACVLAN_MODE_BRIDGE}
    assert macvlan_data("vepa") == {"mode": MACVLAN_MODE_VEPA}
    with pytest.raises(ValueError):
        macvlan_data("hub")


def test_vxlan_unicast():
    data = vxlan_data(
        42, dev=2, local="192.0.2.1", remote="192.0.2.2", learning=False
    )

    message = sent("vx0", "vxlan", data)

    assert message["linkinfo"]["data"] == {
        "id": 42,
        "port": 4789,
        "local": ipaddress.ip_address("192.0.2.1"),
        "group": ipaddress.ip_address("192.0.2.2"),
        "link": 2,
        "learning": 0,
    }


def test_vxlan_ipv6_multicast():
    data = vxlan_data(7, group="ff05::100", local="2001:db8::1", port=8472)

    decoded = sent("vx0", "vxlan", data)["linkinfo"]["data"]

    assert decoded["group6"] == ipaddress.ip_address("ff05::100")
    assert decoded["local6"] == ipaddress.ip_address("2001:db8::1")
    assert decoded["port"] == 8472
    assert "group" not in decoded and "local" not in decoded


@pytest.mark.parametrize(
    "options",
    [
        {"vni": 1 << 24},
        {"vni": -1},
        {"vni": "1"},
        {"vni": 1, "port": 0},
        {"vni": 1, "port": 65536},
        {"vni": 1, "group": "192.0.2.9"},
        {"vni": 1, "remote": "239.1.1.1"},
        {"vni": 1, "group": "239.1.1.1", "remote": "192.0.2.9"},
        {"vni": 1, "local": "2001:db8::1", "remote": "192.0.2.9"},
        {"vni": 1, "local": "nowhere"},
    ],
)
def test_bad_vxlans(options):
    with pytest.raises(ValueError):
        vxlan_data(**options)


def test_each_kind_has_its_class():
    assert LINK_CLASSES["dummy"] is Dummy
    assert LINK_CLASSES["vlan"] is Vlan
    assert LINK_CLASSES["macvlan"] is Macvlan
    assert LINK_CLASSES["macvtap"] is Macvtap
    assert LINK_CLASSES["vxlan"] is Vxlan


def test_a_message_becomes_the_class_of_its_kind():
    message = rtlink.LinkMessage(
        index=5,
        ifname="vx0",
        linkinfo={"kind": "vxlan", "data": vxlan_data(42, remote="192.0.2.2")},
    )

    link = Link.from_message(None, message)

    assert isinstance(link, Vxlan)
    assert (link.vni, link.port) == (42, 4789)
    assert str(link.remote) == "192.0.2.2" and link.multicast_group is None


def test_a_subclass_that_names_no_kind_takes_none_over():
    before = dict(LINK_CLASSES)

    class MyVxlan(Vxlan):
        pass

    assert before == LINK_CLASSES

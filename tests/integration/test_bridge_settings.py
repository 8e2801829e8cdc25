"""Bridge and port settings, and VLANs, against `ip -d` and `bridge -j`.

Settings are read back and compared with iproute2, and the ones with an
effect on traffic (isolation, learning, ageing) are seen doing it on the
`switch` of tests/integration/bridge_support.py.  This machine's kernel
is built without bridge VLAN filtering: there the VLAN tests check the
kernel's refusal and skip.
"""

from __future__ import annotations

import errno

import pytest

from netkit import BridgePort, BridgeVlan, NotSupported, VethPair
from netkit.rtnl import bridge_af
from tests.integration.bridge_support import switch_fixture  # noqa: F401
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip_link,
    rooms_fixture,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")

NO_VLANS = "this kernel has no bridge VLAN filtering"


def bridge_link(switch, port):
    """`bridge -j -d link show dev PORT`."""
    (found,) = switch.bridge_json("-d", "link", "show", "dev", port)
    return found


# Ports.


def test_port_settings_by_default(switch):
    port = switch.br.port("p1")

    assert isinstance(port, BridgePort)
    assert (port.name, port.bridge, port.state) == ("p1", "br0", "forwarding")
    assert port.learning and port.flood and not port.hairpin
    assert not port.isolated


@pytest.mark.parametrize(
    "settings",
    [
        {"hairpin": True},
        {"learning": False},
        {"flood": False},
        {"isolated": True},
        {"hairpin": True, "learning": False, "flood": False, "isolated": True},
        {"mcast_flood": False, "bcast_flood": False, "neigh_suppress": True},
        {"proxy_arp": True, "guard": True, "root_block": True},
    ],
)
def test_set_port_agrees_with_bridge_and_ip(switch, settings):
    port = switch.br.set_port("p1", **settings)

    # Both tools use netkit's names; `bridge link` shows no proxy_arp.
    oracle = bridge_link(switch, "p1")
    slave = ip_link(switch.ns, "p1")["linkinfo"]["info_slave_data"]
    for name, value in settings.items():
        assert getattr(port, name) is value, name
        assert slave[name] is value, name
        assert oracle.get(name, value) is value, name
    assert switch.br.port("p2").learning  # the other port is unchanged


def test_cost_priority_and_state(switch):
    port = switch.br.set_port("p1", cost=50, priority=7, state="disabled")

    assert (port.cost, port.priority, port.state) == (50, 7, "disabled")
    oracle = bridge_link(switch, "p1")
    assert (oracle["cost"], oracle["priority"], oracle["state"]) == (
        50,
        7,
        "disabled",
    )


def test_without_stp_a_blocked_port_forwards_again_at_once(switch):
    # The kernel takes "blocking", then its port-state selection, with
    # no spanning tree running, makes the port forward straight away.
    switch.br.set_port("p1", state="disabled")

    port = switch.br.set_port("p1", state="blocking")

    assert port.state == "forwarding" == bridge_link(switch, "p1")["state"]


def test_settings_can_be_turned_back(switch):
    switch.br.set_port("p1", hairpin=True, learning=False)
    port = switch.br.set_port("p1", hairpin=False, learning=True)

    assert not port.hairpin and port.learning
    assert bridge_link(switch, "p1")["hairpin"] is False


def test_isolated_ports_do_not_talk_to_each_other(switch):
    assert switch.ping()

    switch.br.set_port("p1", isolated=True)
    switch.br.set_port("p2", isolated=True)
    assert not switch.red.ping("192.0.2.2", count=1, timeout=1)

    switch.br.set_port("p2", isolated=False)
    assert switch.ping()


def test_a_port_that_does_not_learn(switch):
    switch.br.set_port("p1", learning=False)

    assert switch.ping()

    learned = {e.mac for e in switch.br.fdb() if e.learned}
    assert switch.mac("p2") in learned
    assert switch.mac("p1") not in learned


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"hairpin": "yes"},
        {"learning": 2},
        {"cost": 0},
        {"priority": 64},
        {"state": "sleeping"},
        {"colour": "red"},
    ],
)
def test_bad_port_settings_are_refused_before_sending(switch, settings):
    with pytest.raises(ValueError):
        switch.br.set_port("p1", **settings)


def test_port_settings_of_a_link_that_is_not_a_port(switch):
    loose = VethPair.create("x0", "x1", ns=switch.ns).a

    with pytest.raises(ValueError, match="not a port"):
        switch.br.set_port(loose, hairpin=True)
    with pytest.raises(ValueError, match="not a port"):
        switch.br.port("x0")

    # Sent anyway, the kernel has no bridge to give it to.
    with pytest.raises(NotSupported) as caught:
        loose._request(bridge_af.set_port(loose.index, mode=1))
    assert caught.value.errno == errno.EOPNOTSUPP


# The bridge's own settings.


def ip_bridge_data(switch):
    return ip_link(switch.ns, "br0")["linkinfo"]["info_data"]


def test_bridge_settings_agree_with_ip(switch):
    settings = switch.br.settings()
    data = ip_bridge_data(switch)

    assert settings.ageing_time == data["ageing_time"] / 100 == 300
    assert settings.stp is (data["stp_state"] == 1) is False
    assert settings.forward_delay == data["forward_delay"] / 100
    assert settings.vlan_filtering is bool(data["vlan_filtering"])


def test_ageing_time(switch):
    changed = switch.br.configure(ageing_time=12.5)

    assert changed.ageing_time == 12.5
    assert ip_bridge_data(switch)["ageing_time"] == 1250


def test_learned_entries_age_out_and_static_ones_stay(switch):
    switch.br.configure(ageing_time=1)
    static = switch.br.add_fdb("02:00:00:00:00:aa", "p1")
    assert switch.ping()
    assert switch.mac("p2") in {e.mac for e in switch.br.fdb()}

    assert wait_for(
        lambda: switch.mac("p2") not in {e.mac for e in switch.br.fdb()}, 6
    )
    assert static.mac in {e.mac for e in switch.br.fdb()}


def test_stp_on_and_off(switch):
    assert switch.br.configure(stp=True).stp
    assert ip_bridge_data(switch)["stp_state"] != 0

    assert not switch.br.configure(stp=False).stp
    assert ip_bridge_data(switch)["stp_state"] == 0


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"ageing_time": -1},
        {"ageing_time": "300"},
        {"stp": "on"},
        {"default_pvid": 4095},
        {"priority": 1 << 16},
    ],
)
def test_bad_bridge_settings_are_refused_before_sending(switch, settings):
    with pytest.raises(ValueError):
        switch.br.configure(**settings)


# VLAN filtering.


def vlan_filtering(switch):
    """Turn VLAN filtering on, or skip where the kernel lacks it."""
    try:
        return switch.br.configure(vlan_filtering=True)
    except NotSupported as exc:
        assert exc.errno == errno.EOPNOTSUPP
        pytest.skip(NO_VLANS)


def oracle_vlans(switch):
    """`bridge -j vlan show` as (dev, vid, pvid, untagged) tuples."""
    found = set()
    for entry in switch.bridge_json("vlan", "show"):
        for vlan in entry["vlans"]:
            flags = vlan.get("flags", [])
            for vid in range(
                vlan["vlan"], vlan.get("vlanEnd", vlan["vlan"]) + 1
            ):
                found.add(
                    (
                        entry["ifname"],
                        vid,
                        "PVID" in flags,
                        "Egress Untagged" in flags,
                    )
                )
    return found


def netkit_vlans(vlans):
    return {(v.dev, v.vid, v.pvid, v.untagged) for v in vlans}


def test_vlan_filtering_on_and_off(switch):
    assert vlan_filtering(switch).vlan_filtering
    assert ip_bridge_data(switch)["vlan_filtering"] == 1

    assert not switch.br.configure(vlan_filtering=False).vlan_filtering


def test_per_port_vlans_and_pvid(switch):
    vlan_filtering(switch)

    switch.br.add_vlan("p1", 10, pvid=True, untagged=True)
    switch.br.add_vlan("p1", range(20, 23))
    switch.br.add_vlan("p2", 10)
    switch.br.add_vlan(switch.br, 10)

    vlans = switch.br.vlans()
    assert all(isinstance(v, BridgeVlan) for v in vlans)
    assert netkit_vlans(vlans) == oracle_vlans(switch)
    mine = {v.vid: v for v in switch.br.vlans("p1")}
    assert mine[10].pvid and mine[10].untagged
    assert {20, 21, 22} <= set(mine) and not mine[21].pvid
    assert 10 in {v.vid for v in switch.br.vlans("br0")}

    switch.br.delete_vlan("p1", range(20, 23))
    assert not {20, 21, 22} & {v.vid for v in switch.br.vlans("p1")}
    assert netkit_vlans(switch.br.vlans()) == oracle_vlans(switch)


def test_default_pvid(switch):
    vlan_filtering(switch)

    changed = switch.br.configure(default_pvid=5)

    assert changed.default_pvid == 5
    assert ip_bridge_data(switch)["vlan_default_pvid"] == 5


def test_vlans_without_kernel_support_are_the_kernels_error(switch):
    try:
        switch.br.configure(vlan_filtering=True)
    except NotSupported:
        pass
    else:
        pytest.skip("this kernel has bridge VLAN filtering")

    with pytest.raises(NotSupported):
        switch.br.add_vlan("p1", 10)
    assert switch.br.vlans() == []
    assert switch.bridge_json("vlan", "show") == []


@pytest.mark.parametrize(
    ("vid", "options"),
    [
        (0, {}),
        (4095, {}),
        (range(10, 20, 2), {}),
        (range(10, 10), {}),
        (range(10, 12), {"pvid": True}),
        ("10", {}),
    ],
)
def test_bad_vlans_are_refused_before_sending(switch, vid, options):
    with pytest.raises(ValueError):
        switch.br.add_vlan("p1", vid, **options)

"""netkit.bridge_ports: settings in netkit's terms -> the kernel's.

Pure translation, no kernel: what `Bridge.set_port` and
`Bridge.configure` put in IFLA_BRPORT_* and IFLA_BR_* attributes.
"""

import pytest

from netkit.bridge_ports import PORT_FLAGS, bridge_data, port_settings
from netkit.rtnl.kinds.bridge import BRIDGE_MODE_HAIRPIN, PORT


def test_port_settings_use_the_kernels_attributes():
    assert port_settings(
        hairpin=True,
        learning=False,
        flood=False,
        isolated=True,
        root_block=True,
        proxy_arp=True,
        mcast_to_unicast=True,
    ) == {
        "mode": BRIDGE_MODE_HAIRPIN,
        "learning": 0,
        "unicast_flood": 0,
        "isolated": 1,
        "protect": 1,
        "proxyarp": 1,
        "mcast_to_ucast": 1,
    }
    assert port_settings(hairpin=False) == {"mode": 0}
    assert port_settings(cost=100, priority=63, state="blocking") == {
        "cost": 100,
        "priority": 63,
        "state": 4,
    }
    assert port_settings(learning=None) == {}


def test_every_port_setting_is_an_attribute_the_codec_knows():
    everything = port_settings(**dict.fromkeys(PORT_FLAGS, True))

    assert set(everything) <= set(PORT.by_name)
    assert len(everything) == 13


@pytest.mark.parametrize(
    "settings",
    [
        {"hairpin": "on"},
        {"learning": 2},
        {"cost": 0},
        {"cost": 1 << 32},
        {"priority": 64},
        {"priority": True},
        {"state": "asleep"},
        {"state": 5},
        {"mode": 1},
    ],
)
def test_bad_port_settings(settings):
    with pytest.raises(ValueError):
        port_settings(**settings)


def test_bridge_data_times_are_seconds():
    assert bridge_data(
        ageing_time=300,
        forward_delay=1.5,
        hello_time=2,
        max_age=20,
        stp=True,
        vlan_filtering=False,
        default_pvid=0,
        priority=4096,
    ) == {
        "ageing_time": 30000,
        "forward_delay": 150,
        "hello_time": 200,
        "max_age": 2000,
        "stp_state": 1,
        "vlan_filtering": 0,
        "vlan_default_pvid": 0,
        "priority": 4096,
    }
    assert bridge_data(ageing_time=12.345) == {"ageing_time": 1234}
    assert bridge_data(stp=None) == {}


@pytest.mark.parametrize(
    "settings",
    [
        {"ageing_time": -1},
        {"ageing_time": "300"},
        {"ageing_time": True},
        {"stp": "yes"},
        {"default_pvid": 4095},
        {"priority": 1 << 16},
        {"mtu": 1500},
    ],
)
def test_bad_bridge_settings(settings):
    with pytest.raises(ValueError):
        bridge_data(**settings)

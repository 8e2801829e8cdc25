"""netkit.rtnl.fdb: forwarding entries (AF_BRIDGE neighbour messages).

Golden replies come from Linux 6.18.44 (see rtnl_checks.KERNEL): bridge
br1 (index 6) with port p0 (index 8), and vxlan vx1 (index 9).  Golden
requests are what iproute2 6.1 `bridge fdb` sent.
"""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit.fdb import FdbEntry
from netkit.netlink.header import (
    NLM_F_APPEND,
    NLM_F_CREATE,
    NLM_F_DUMP,
    NLM_F_EXCL,
    NLM_F_REPLACE,
)
from netkit.rtnl.fdb import (
    check_mac,
    del_fdb,
    dump_fdb,
    get_fdb,
    new_fdb,
    state_name,
)
from netkit.rtnl.neigh import NTF, NUD, NeighMessage
from netkit.rtnl.rtm import AF_BRIDGE, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH
from tests.unit import rtnl_checks as checks

V4 = ipaddress.IPv4Address
NAMES = {6: "br1", 8: "p0", 9: "vx1"}

GOLDEN = {
    # The bridge's own MAC: "dev br1 master br1 permanent".
    "local": "0700000006000000800000000a0002000200000001010000080009000600"
    "000008000f00000000001400030000000000200000002000000000000000",
    # bridge fdb add 02:00:00:00:01:02 dev p0 master static
    "static": "0700000008000000400000000a000200020000000102000008000900060000"
    "0008000f000000000014000300000000001f0000001f00000000000000",
    # bridge fdb append 00:00:00:00:00:00 dev vx1 dst 192.0.2.20 vni 9
    # port 4790
    "vxlan": "0700000009000000c00002010a000200000000000000000008000100c0000214"
    "0600060012b60000080007000900000014000300000000001d0000001d00000000"
    "000000",
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_kernel_replies_round_trip(name):
    raw = bytes.fromhex(GOLDEN[name])

    assert NeighMessage.decode(raw).encode() == raw


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_truncated_replies_only_raise_decode_error(name):
    for cut in checks.truncations(bytes.fromhex(GOLDEN[name])):
        checks.decodes_or_refuses(NeighMessage, cut)


def entry(name):
    return FdbEntry.from_message(
        NeighMessage.decode(bytes.fromhex(GOLDEN[name])), NAMES
    )


def test_a_static_entry():
    found = entry("static")

    assert (found.mac, found.dev, found.master) == (
        "02:00:00:00:01:02",
        "p0",
        "br1",
    )
    assert (found.state, found.flags, found.vlan) == ("static", (), None)
    assert found.static and not found.learned
    assert found.updated == 0.31


def test_the_bridges_own_mac_is_permanent():
    found = entry("local")

    assert (found.dev, found.master, found.state) == (
        "br1",
        "br1",
        "permanent",
    )


def test_a_vxlan_remote():
    found = entry("vxlan")

    assert (found.mac, found.dev, found.flags) == (
        "00:00:00:00:00:00",
        "vx1",
        ("self",),
    )
    assert (found.dst, found.dst_port, found.vni) == (
        V4("192.0.2.20"),
        4790,
        9,
    )
    assert found.state == "permanent" and found.master is None


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (NUD.NUD_PERMANENT, "permanent"),
        (NUD.NUD_PERMANENT | NUD.NUD_NOARP, "permanent"),
        (NUD.NUD_NOARP, "static"),
        (NUD.NUD_NOARP | NUD.NUD_REACHABLE, "static"),
        (NUD.NUD_STALE, "stale"),
        (NUD.NUD_REACHABLE, "reachable"),
        (NUD.NUD_FAILED, "0x20"),
    ],
)
def test_state_names_are_the_bridge_tools(state, name):
    assert state_name(state) == name


STATIC_VLAN = "bridge fdb add 02:00:00:00:01:09 dev p0 master static vlan 10"
DYNAMIC = "bridge fdb add 02:00:00:00:01:0a dev p0 master dynamic"
APPEND = (
    "bridge fdb append 00:00:00:00:00:00 dev vx1 dst 192.0.2.21 vni 9 "
    "port 4790"
)
BRIDGE_SENDS = {
    STATIC_VLAN: (
        "0700000008000000420004000a0002000200000001090000060005000a000000"
    ),
    DYNAMIC: "0700000008000000020004000a00020002000000010a0000",
    APPEND: (
        "0700000009000000c00002000a000200000000000000000008000100c0000215"
        "0600060012b600000800070009000000"
    ),
}


def test_add_is_what_bridge_sends():
    # iproute2 says "static" with NOARP|REACHABLE; the bridge reads only
    # NOARP, and netkit sends that alone unless told.
    static = new_fdb(
        "02:00:00:00:01:09",
        8,
        state=NUD.NUD_NOARP | NUD.NUD_REACHABLE,
        vlan=10,
    )
    dynamic = new_fdb("02:00:00:00:01:0a", 8, state="dynamic")

    assert (static.type, static.flags) == (
        RTM_NEWNEIGH,
        NLM_F_CREATE | NLM_F_EXCL,
    )
    assert static.body.encode().hex() == BRIDGE_SENDS[STATIC_VLAN]
    assert dynamic.body.encode().hex() == BRIDGE_SENDS[DYNAMIC]
    assert new_fdb("02:00:00:00:01:09", 8).body.state == NUD.NUD_NOARP


def test_vxlan_append_is_what_bridge_sends():
    request = new_fdb(
        "00:00:00:00:00:00",
        9,
        master=False,
        state=NUD.NUD_PERMANENT | NUD.NUD_NOARP,
        dst="192.0.2.21",
        vni=9,
        dst_port=4790,
        append=True,
    )

    assert request.flags == NLM_F_CREATE | NLM_F_APPEND
    assert request.body.encode().hex() == BRIDGE_SENDS[APPEND]


def test_get_and_dump_requests():
    request = get_fdb("02:00:00:00:01:02", bridge=6)
    assert request.type == RTM_GETNEIGH
    assert (request.body.family, request.body.ifindex) == (AF_BRIDGE, 0)
    assert request.body.flags == NTF.NTF_MASTER
    assert request.body.attrs == {"lladdr": "02:00:00:00:01:02", "master": 6}

    request = dump_fdb(bridge=6, index=8)
    assert request.flags == NLM_F_DUMP
    assert request.body.attrs == {"master": 6, "ifindex": 8}
    assert request.body.ifindex == 0


def test_delete_and_replace():
    request = del_fdb("02:00:00:00:01:02", 8, vlan=10)
    assert request.type == RTM_DELNEIGH
    assert request.body.flags == NTF.NTF_MASTER
    assert request.body.attrs == {"lladdr": "02:00:00:00:01:02", "vlan": 10}

    request = del_fdb("00:00:00:00:00:00", 9, master=False, dst="::1")
    assert request.body.flags == NTF.NTF_SELF
    assert request.body.attrs == {
        "lladdr": "00:00:00:00:00:00",
        "dst": ipaddress.IPv6Address("::1"),
    }

    request = new_fdb("02:00:00:00:01:02", 8, replace=True, flags=["sticky"])
    assert request.flags == NLM_F_CREATE | NLM_F_REPLACE
    assert request.body.flags == NTF.NTF_MASTER | NTF.NTF_STICKY


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: new_fdb("02:00:00:00:00", 8), "six octets"),
        (lambda: new_fdb("02:00:00:00:00:00:01", 8), "six octets"),
        (lambda: new_fdb("zz:00:00:00:00:01", 8), "not a MAC"),
        (lambda: new_fdb("", 8), "not a MAC"),
        (lambda: new_fdb("02:00:00:00:00:01", 0), "interface index"),
        (lambda: new_fdb("02:00:00:00:00:01", 8, vlan=0), "VLAN"),
        (lambda: new_fdb("02:00:00:00:00:01", 8, vlan=4095), "VLAN"),
        (lambda: new_fdb("02:00:00:00:00:01", 8, vlan="1"), "VLAN"),
        (lambda: new_fdb("02:00:00:00:00:01", 8, state="loud"), "unknown"),
        (lambda: new_fdb("02:00:00:00:00:01", 8, dst="192.0.2.300"), "IP"),
        (lambda: new_fdb("02:00:00:00:00:01", 8, vni=1 << 24), "24 bits"),
        (lambda: new_fdb("02:00:00:00:00:01", 8, dst_port=0), "UDP port"),
        (lambda: new_fdb("02:00:00:00:00:01", 8, flags=["x"]), "unknown"),
        (
            lambda: new_fdb("02:00:00:00:00:01", 8, replace=True, append=True),
            "not both",
        ),
        (lambda: get_fdb("02:00:00:00:00:01"), "bridge or a device"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@given(st.binary(min_size=6, max_size=6))
def test_mac_normal_form(raw):
    assert check_mac(raw.hex(":").upper()) == raw.hex(":")


@given(
    st.binary(min_size=6, max_size=6),
    st.integers(1, (1 << 31) - 1),
    st.none() | st.integers(1, 4094),
    st.none() | checks.ipv4 | checks.ipv6,
    st.none() | st.integers(1, 0xFFFF),
    st.none() | st.integers(0, (1 << 24) - 1),
)
def test_requests_round_trip(raw, index, vlan, dst, port, vni):
    request = new_fdb(
        raw.hex(":"), index, vlan=vlan, dst=dst, dst_port=port, vni=vni
    )

    decoded = NeighMessage.decode(request.body.encode())

    assert decoded == request.body
    assert decoded.get("vlan") == vlan and decoded.get("port") == port

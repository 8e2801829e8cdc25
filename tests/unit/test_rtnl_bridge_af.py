"""netkit.rtnl.bridge_af: AF_BRIDGE link messages, port settings, VLANs.

Golden replies come from Linux 6.18.44 (see rtnl_checks.KERNEL): an
AF_BRIDGE dump of a bridge br1 (index 6) and of its port p0 (index 8,
down, hairpin and isolated on).  Golden requests are what iproute2 6.1
`bridge` sent.  That kernel has no VLAN filtering, so VLAN replies are
built by hand from the layout in linux/if_bridge.h.
"""

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit.netlink.attrs import NLA_F_NESTED, pack_attr
from netkit.netlink.header import NLM_F_DUMP
from netkit.rtnl.bridge_af import (
    AF_SPEC,
    BRIDGE_FLAGS,
    BRIDGE_VLAN_INFO,
    IFLA_BRIDGE,
    BridgeLinkMessage,
    add_vlan,
    del_vlan,
    dump_bridge_links,
    set_port,
    vlan_entries,
    vlans_of,
)
from netkit.rtnl.link import IFLA, RTEXT_FILTER_BRVLAN_COMPRESSED
from netkit.rtnl.rtm import AF_BRIDGE, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK
from tests.unit import rtnl_checks as checks

PVID = BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_PVID
UNTAGGED = BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_UNTAGGED
BEGIN = BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_RANGE_BEGIN
END = BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_RANGE_END

BRIDGE = (
    "07000100060000000210000000000000080003006272310008000a0006000000"
    "08000400dc05000005001000020000000a0001000200000001010000"
)
PORT = (
    "07000100080000000210000000000000070003007030000008000a0006000000"
    "08000400dc05000005001000020000000a000100020000000100000008000500"
    "0700000050010c80050001000000000006000200200000000800030002000000"
    "0500040001000000050005000000000005000600000000000500070000000000"
    "05001c00000000000500080001000000050009000100000005001b0001000000"
    "05001e000100000005000a000000000005000c00000000000c000d0080000200"
    "000001010c000e00800002000000010106000f00018000000600100000000000"
    "0600110001800000060012000100000005001300000000000500140000000000"
    "05001d000000000006001f000000000005002000000000000500230000000000"
    "0500240000000000050021000100000005002700000000000500280000000000"
    "05002b00000000000c00150000000000000000000c0016000000000000000000"
    "0c00170000000000000000000500190001000000080025000002000008002600"
    "00000000080029000000000008002a0000000000"
)


def test_kernel_reply_of_a_bridge():
    message = BridgeLinkMessage.decode(bytes.fromhex(BRIDGE))

    assert (message.family, message.index) == (AF_BRIDGE, 6)
    assert message.attrs == {
        "ifname": "br1",
        "master": 6,
        "mtu": 1500,
        "operstate": 2,
        "address": "02:00:00:00:01:01",
    }
    assert vlans_of(message) == []


def test_kernel_reply_of_a_port():
    message = BridgeLinkMessage.decode(bytes.fromhex(PORT))
    port = message["protinfo"]

    assert (message.index, message["ifname"], message["master"]) == (
        8,
        "p0",
        6,
    )
    # The port was down: spanning-tree state 0, disabled.
    assert (port["state"], port["mode"], port["isolated"]) == (0, 1, 1)
    assert (port["learning"], port["unicast_flood"], port["cost"]) == (
        1,
        1,
        2,
    )
    assert port["bridge_id"] == {
        "priority": 0x8000,
        "address": "02:00:00:00:01:01",
    }


@pytest.mark.parametrize("body", [BRIDGE, PORT])
def test_kernel_replies_encode_back(body):
    raw = bytes.fromhex(body)

    assert BridgeLinkMessage.decode(raw).encode() == raw


@pytest.mark.parametrize("body", [BRIDGE, PORT])
def test_truncated_replies_only_raise_decode_error(body):
    for cut in checks.truncations(bytes.fromhex(body)):
        checks.decodes_or_refuses(BridgeLinkMessage, cut)


def test_protinfo_and_af_spec_differ_from_a_plain_link_message():
    # IFLA_PROTINFO and IFLA_AF_SPEC are bridge nests here; everything
    # else is decoded as in any link message.
    assert BridgeLinkMessage.ATTRS.by_type[IFLA.IFLA_PROTINFO][0] == (
        "protinfo"
    )
    assert AF_SPEC.by_name["vlan_info"][0] == IFLA_BRIDGE.IFLA_BRIDGE_VLAN_INFO
    assert AF_SPEC.by_name["flags"][0] == 0


BRIDGE_SENDS = {
    # bridge link set dev v0 hairpin on learning off   (v0: index 4)
    "hairpin": "0700000004000000000000000000000014000c80"
    "05000400010000000500080000000000",
    # bridge vlan add vid 10-12 dev v0 untagged; iproute2 sends the
    # IFLA_AF_SPEC nest without NLA_F_NESTED, netkit with it.
    "vlan": "070000000400000000000000000000001400"
    "1a00080002000c000a000800020014000c00",
}


def test_set_port_is_what_bridge_sends():
    request = set_port(4, mode=1, learning=0)

    assert (request.type, request.flags) == (RTM_SETLINK, 0)
    assert request.body.encode().hex() == BRIDGE_SENDS["hairpin"]


def test_add_vlan_is_what_bridge_sends_but_the_nested_flag():
    request = add_vlan(4, range(10, 13), untagged=True)
    expected = bytearray(bytes.fromhex(BRIDGE_SENDS["vlan"]))
    struct.pack_into("=H", expected, 18, IFLA.IFLA_AF_SPEC | NLA_F_NESTED)

    assert (request.type, request.flags) == (RTM_SETLINK, 0)
    assert request.body.encode() == bytes(expected)


def test_vlan_requests():
    request = add_vlan(3, 1, pvid=True, untagged=True, self=True)
    spec = request.body["af_spec"]
    assert spec == {
        "flags": BRIDGE_FLAGS.BRIDGE_FLAGS_SELF,
        "vlan_info": [{"flags": PVID | UNTAGGED, "vid": 1}],
    }

    request = del_vlan(3, range(5, 6))
    assert request.type == RTM_DELLINK
    assert request.body["af_spec"] == {"vlan_info": [{"flags": 0, "vid": 5}]}


def test_dump_asks_for_compressed_vlans():
    request = dump_bridge_links()

    assert (request.type, request.flags) == (RTM_GETLINK, NLM_F_DUMP)
    assert request.body.family == AF_BRIDGE
    assert request.body.index == 0
    assert request.body["ext_mask"] == RTEXT_FILTER_BRVLAN_COMPRESSED
    assert "ext_mask" not in dump_bridge_links(vlans=False).body


def vlan_reply(*entries):
    """An AF_BRIDGE reply with IFLA_AF_SPEC holding these (flags, vid)."""
    infos = b"".join(
        pack_attr(IFLA_BRIDGE.IFLA_BRIDGE_VLAN_INFO, struct.pack("=HH", *e))
        for e in entries
    )
    header = struct.pack("=BxHiII", AF_BRIDGE, 1, 4, 0, 0)
    return header + pack_attr(IFLA.IFLA_AF_SPEC | NLA_F_NESTED, infos)


def test_vlans_of_spreads_ranges():
    raw = vlan_reply((PVID | UNTAGGED, 1), (BEGIN, 10), (END, 12), (0, 20))
    message = BridgeLinkMessage.decode(raw)

    assert vlans_of(message) == [
        (1, PVID | UNTAGGED),
        (10, 0),
        (11, 0),
        (12, 0),
        (20, 0),
    ]
    assert message.encode() == raw


@given(
    st.lists(
        st.tuples(st.integers(1, 4094), st.integers(0, 30), st.booleans()),
        max_size=6,
    )
)
def test_vlan_entries_round_trip_through_a_reply(spans):
    wanted, entries = [], []
    for first, extra, untagged in spans:
        last = min(first + extra, 4094)
        vid = range(first, last + 1) if extra else first
        flags = UNTAGGED if untagged else 0
        entries += vlan_entries(vid, untagged=untagged)
        wanted += [(v, flags) for v in range(first, last + 1)]
    message = BridgeLinkMessage(
        family=AF_BRIDGE, index=4, af_spec={"vlan_info": entries}
    )

    decoded = BridgeLinkMessage.decode(message.encode())

    assert vlans_of(decoded) == wanted


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: vlan_entries(0), "1 to 4094"),
        (lambda: vlan_entries(4095), "1 to 4094"),
        (lambda: vlan_entries(True), "int"),
        (lambda: vlan_entries(range(1, 10, 2)), "consecutive"),
        (lambda: vlan_entries(range(5, 5)), "consecutive"),
        (lambda: vlan_entries(range(4090, 4096)), "1 to 4094"),
        (lambda: vlan_entries(range(1, 3), pvid=True), "single VLAN"),
        (lambda: add_vlan(0, 10), "interface index"),
        (lambda: set_port(4), "at least one"),
        (lambda: set_port(4, colour=1), "colour"),
        (lambda: set_port(4, mode=256), "fit"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call().body.encode()

"""netkit.rtnl.neigh: ndmsg both ways, NUD names, and the request builders.

Golden replies come from Linux 6.18.44 (see rtnl_checks.KERNEL); the
golden request is what iproute2 6.1 sent for the same command.
"""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit.netlink.header import (
    NLM_F_CREATE,
    NLM_F_DUMP,
    NLM_F_EXCL,
    NLM_F_REPLACE,
)
from netkit.rtnl.neigh import (
    NDA,
    NTF,
    NUD,
    STATES,
    NeighMessage,
    del_neigh,
    dump_neighs,
    flag_names,
    get_neigh,
    new_neigh,
    set_neigh,
    state_names,
    state_value,
)
from netkit.rtnl.rtm import RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH
from tests.unit import rtnl_checks as checks

V4, V6 = ipaddress.IPv4Address, ipaddress.IPv6Address
ZERO_CACHEINFO = {"confirmed": 0, "used": 0, "updated": 0, "refcnt": 0}


def fields(family, ifindex, state, flags, type):
    return dict(
        family=family,
        pad1=0,
        pad2=0,
        ifindex=ifindex,
        state=state,
        flags=flags,
        type=type,
    )


GOLDEN = [
    pytest.param(
        "02000000030000008000000108000100c00002070a0002000200000000070000"
        "08000400000000001400030000000000000000000000000000000000",
        fields(2, 3, NUD.NUD_PERMANENT, 0, 1),
        {
            "dst": V4("192.0.2.7"),
            "lladdr": "02:00:00:00:00:07",
            "probes": 0,
            "cacheinfo": ZERO_CACHEINFO,
        },
        id="ipv4-permanent",
    ),
    pytest.param(
        "0a00000003000000800080011400010020010db8000000000000000000000007"
        "0a000200020000000008000008000400000000001400030000000000000000"
        "000000000000000000",
        fields(10, 3, NUD.NUD_PERMANENT, NTF.NTF_ROUTER, 1),
        {
            "dst": V6("2001:db8::7"),
            "lladdr": "02:00:00:00:00:08",
            "probes": 0,
            "cacheinfo": ZERO_CACHEINFO,
        },
        id="ipv6-permanent-router",
    ),
    pytest.param(
        "0a000000030000004000000514000100ff020000000000000000000000000016"
        "0a000200333300000016000008000400000000001400030070170000000000"
        "000000000000000000",
        fields(10, 3, NUD.NUD_NOARP, 0, 5),
        {
            "dst": V6("ff02::16"),
            "lladdr": "33:33:00:00:00:16",
            "probes": 0,
            "cacheinfo": {**ZERO_CACHEINFO, "confirmed": 6000},
        },
        id="ipv6-multicast-noarp",
    ),
    pytest.param(
        "02000000030000000000080108000100c0000209",
        fields(2, 3, NUD.NUD_NONE, NTF.NTF_PROXY, 1),
        {"dst": V4("192.0.2.9")},
        id="ipv4-proxy",
    ),
]


@pytest.mark.parametrize(("body", "header", "attrs"), GOLDEN)
def test_kernel_reply_decodes(body, header, attrs):
    message = NeighMessage.decode(bytes.fromhex(body))

    assert message.fields() == header
    assert message.attrs == attrs


@pytest.mark.parametrize(("body", "header", "attrs"), GOLDEN)
def test_kernel_reply_encodes_back(body, header, attrs):
    raw = bytes.fromhex(body)

    assert NeighMessage.decode(raw).encode() == raw
    assert NeighMessage(attrs, **header).encode() == raw


def test_states_by_name_both_ways():
    assert state_names(0x80) == ("PERMANENT",)
    assert state_names(0x02) == ("REACHABLE",)
    assert state_names(0x00) == ("NONE",)
    assert state_names(0x06) == ("REACHABLE", "STALE")
    assert state_value("PERMANENT") == 0x80
    assert state_value("stale") == 0x04
    assert state_value("noarp") == 0x40
    assert STATES.name(0x20) == "FAILED"
    assert {STATES.value(name) for name in STATES.by_value.values()} == {
        0x00,
        0x01,
        0x02,
        0x04,
        0x08,
        0x10,
        0x20,
        0x40,
        0x80,
    }


def test_flags_by_name():
    assert flag_names(0x88) == ("proxy", "router")
    assert flag_names(0x12) == ("self", "ext_learned")


def test_nda_numbers_are_the_kernels():
    assert NDA.NDA_FLAGS_EXT == 15
    assert NDA.NDA_NDM_FLAGS_MASK == 17


IP_SENDS = {
    "ip neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent": (
        "02000000030000008000000008000100c00002070a0002000200000000070000"
    ),
}


def test_new_is_what_ip_sends():
    request = new_neigh("192.0.2.7", 3, lladdr="02:00:00:00:00:07")

    assert request.type == RTM_NEWNEIGH
    assert request.flags == NLM_F_CREATE | NLM_F_EXCL
    command = (
        "ip neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent"
    )
    assert request.body.encode().hex() == IP_SENDS[command]


def test_new_with_options():
    body = new_neigh(
        "2001:db8::7",
        3,
        lladdr="02:00:00:00:00:0A",
        state="reachable",
        flags=["router"],
        protocol=4,
    ).body

    assert (body.family, body.state, body.flags) == (10, 0x02, 0x80)
    assert body.attrs == {
        "dst": V6("2001:db8::7"),
        "lladdr": "02:00:00:00:00:0a",
        "protocol": 4,
    }


def test_raw_link_layer_address_of_another_length():
    body = new_neigh("192.0.2.7", 3, lladdr=b"\xc0\x00\x02\x01").body

    assert body["lladdr"] == "c0:00:02:01"


def test_replace_set_delete_get_dump():
    assert new_neigh(
        "192.0.2.7", 3, lladdr="02:00:00:00:00:07", replace=True
    ).flags == (NLM_F_CREATE | NLM_F_REPLACE)
    assert set_neigh("192.0.2.7", 3, state="stale").flags == NLM_F_REPLACE

    request = del_neigh("192.0.2.7", 3)
    assert request.type == RTM_DELNEIGH
    assert request.body.attrs == {"dst": V4("192.0.2.7")}
    assert request.body.ifindex == 3

    request = get_neigh("192.0.2.9", 3, proxy=True)
    assert request.type == RTM_GETNEIGH
    assert request.body.flags == NTF.NTF_PROXY

    request = dump_neighs(4, index=3, master=5)
    assert request.flags == NLM_F_DUMP
    assert request.body.ifindex == 0
    assert request.body.attrs == {"ifindex": 3, "master": 5}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: new_neigh("192.0.2.300", 3), "not an IP address"),
        (lambda: new_neigh("192.0.2.7/32", 3), "not an IP address"),
        (lambda: new_neigh("192.0.2.7", 0), "interface index"),
        (
            lambda: new_neigh("192.0.2.7", 3, lladdr="02:00:00:00:00"),
            "six octets",
        ),
        (
            lambda: new_neigh("192.0.2.7", 3, lladdr="02:00:00:00:00:00:01"),
            "six",
        ),
        (
            lambda: new_neigh("192.0.2.7", 3, lladdr="zz:00:00:00:00:00"),
            "hardware",
        ),
        (lambda: new_neigh("192.0.2.7", 3, lladdr=b""), "empty"),
        (lambda: new_neigh("192.0.2.7", 3, state="forever"), "unknown"),
        (lambda: new_neigh("192.0.2.7", 3, flags="loud"), "unknown"),
        (lambda: new_neigh("192.0.2.7", 3, protocol=256), "8 bits"),
        (lambda: dump_neighs(3), "family"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


attributes = st.tuples(
    checks.optional_attrs(
        dst=checks.ip,
        lladdr=checks.lladdr,
        cacheinfo=st.fixed_dictionaries(
            {
                "confirmed": checks.u32,
                "used": checks.u32,
                "updated": checks.u32,
                "refcnt": checks.u32,
            }
        ),
        probes=checks.u32,
        vlan=checks.u16,
        port=checks.u16,
        vni=checks.u32,
        ifindex=checks.u32,
        master=checks.u32,
        link_netnsid=checks.s32,
        src_vni=checks.u32,
        protocol=checks.u8,
        nh_id=checks.u32,
        fdb_ext_attrs=checks.optional_attrs(
            activity_notify=checks.u8, dont_refresh=st.just(True)
        ),
        flags_ext=checks.u32,
        ndm_state_mask=checks.u16,
        ndm_flags_mask=checks.u8,
    ),
    checks.unknown_attrs(len(NDA)),
).map(lambda both: {**both[0], **both[1]})
messages = st.builds(
    NeighMessage,
    attributes,
    family=st.sampled_from([2, 7, 10]) | checks.u8,
    pad1=checks.u8,
    pad2=checks.u16,
    ifindex=checks.s32,
    state=checks.u16,
    flags=checks.u8,
    type=checks.u8,
)


@given(messages)
def test_round_trip(message):
    assert NeighMessage.decode(message.encode()) == message


@given(messages)
def test_every_attribute_is_aligned(message):
    checks.walk_aligned(message.encode()[NeighMessage.HEADER.size :])


@given(st.binary(max_size=200))
def test_junk_raises_only_decode_error(data):
    checks.decodes_or_refuses(NeighMessage, data)


@given(messages)
def test_truncated_raises_only_decode_error(message):
    for cut in checks.truncations(message.encode()):
        checks.decodes_or_refuses(NeighMessage, cut)


@given(messages, st.integers(0, 1 << 16), checks.u8)
def test_corrupted_raises_only_decode_error(message, position, value):
    raw = message.encode()

    checks.decodes_or_refuses(
        NeighMessage, checks.corrupt(raw, position, value)
    )

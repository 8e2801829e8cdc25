"""netkit.rtnl.addr: ifaddrmsg both ways, and the request builders.

Golden replies come from Linux 6.18.44 (see rtnl_checks.KERNEL); golden
requests are what iproute2 6.1 sent for the same command (captured with
``strace -e write=``), so netkit asks the kernel what `ip` asks.
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
from netkit.netlink.parse import Reply, split
from netkit.rtnl.addr import (
    IFA,
    IFA_F,
    AddrMessage,
    del_addr,
    dump_addrs,
    flag_names,
    flags_of,
    get_addr,
    interface_of,
    new_addr,
    set_addr,
)
from netkit.rtnl.rtm import RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR
from tests.unit import rtnl_checks as checks

FOREVER = 0xFFFFFFFF
V4, V6 = ipaddress.IPv4Address, ipaddress.IPv6Address

# (body as the kernel sent it, header fields, attributes)
GOLDEN = [
    pytest.param(
        "020880fe01000000080001007f000001080002007f000001070003006c6f0000"
        "080008008000000014000600ffffffffffffffffd09f0100d09f0100",
        dict(family=2, prefixlen=8, flags=0x80, scope=254, index=1),
        {
            "address": V4("127.0.0.1"),
            "local": V4("127.0.0.1"),
            "label": "lo",
            "flags": IFA_F.IFA_F_PERMANENT,
            "cacheinfo": {
                "preferred": FOREVER,
                "valid": FOREVER,
                "created": 106448,
                "updated": 106448,
            },
        },
        id="ipv4-loopback",
    ),
    pytest.param(
        "021880000300000008000100c000020108000200c000020108000400c00002ff"
        "0900030076303a61000000000800080080000000080009004d00000014000600"
        "ffffffffffffffffd19f0100d19f0100",
        dict(family=2, prefixlen=24, flags=0x80, scope=0, index=3),
        {
            "address": V4("192.0.2.1"),
            "local": V4("192.0.2.1"),
            "broadcast": V4("192.0.2.255"),
            "label": "v0:a",
            "flags": 0x80,
            "rt_priority": 77,
            "cacheinfo": {
                "preferred": FOREVER,
                "valid": FOREVER,
                "created": 106449,
                "updated": 106449,
            },
        },
        id="ipv4-label-broadcast-metric",
    ),
    pytest.param(
        "021800000300000008000100c633640108000200c63364010700030076300000"
        "080008000000000014000600f4010000e8030000d29f0100d29f0100",
        dict(family=2, prefixlen=24, flags=0, scope=0, index=3),
        {
            "address": V4("198.51.100.1"),
            "local": V4("198.51.100.1"),
            "label": "v0",
            "flags": 0,
            "cacheinfo": {
                "preferred": 500,
                "valid": 1000,
                "created": 106450,
                "updated": 106450,
            },
        },
        id="ipv4-lifetimes",
    ),
    pytest.param(
        "0a408200030000001400010020010db800000000000000000000000114000600"
        "ffffffffffffffffd29f0100d29f01000800080082000000",
        dict(family=10, prefixlen=64, flags=0x82, scope=0, index=3),
        {
            "address": V6("2001:db8::1"),
            "cacheinfo": {
                "preferred": FOREVER,
                "valid": FOREVER,
                "created": 106450,
                "updated": 106450,
            },
            "flags": 0x82,
        },
        id="ipv6-nodad",
    ),
    pytest.param(
        "0a40c0fd0300000014000100fe80000000000000000000fffe00000114000600"
        "ffffffffffffffffd19f0100d19f010008000800c000000005000b0003000000",
        dict(family=10, prefixlen=64, flags=0xC0, scope=253, index=3),
        {
            "address": V6("fe80::ff:fe00:1"),
            "cacheinfo": {
                "preferred": FOREVER,
                "valid": FOREVER,
                "created": 106449,
                "updated": 106449,
            },
            "flags": 0xC0,
            "proto": 3,
        },
        id="ipv6-link-local-tentative",
    ),
]

# One datagram of an IPv4 address dump (three messages, seq 7, port
# 21218), then the datagram holding NLMSG_DONE.
DUMP_DATAGRAMS = [
    "4c0000001400020007000000e2520000020880fe01000000080001007f000001"
    "080002007f000001070003006c6f0000080008008000000014000600ffffffff"
    "ffffffffd09f0100d09f0100600000001400020007000000e252000002188000"
    "0300000008000100c000020108000200c000020108000400c00002ff09000300"
    "76303a61000000000800080080000000080009004d00000014000600ffffffff"
    "ffffffffd19f0100d19f01004c0000001400020007000000e252000002180000"
    "0300000008000100c633640108000200c6336401070003007630000008000800"
    "0000000014000600f4010000e8030000d29f0100d29f0100",
    "140000000300020007000000e252000000000000",
]


@pytest.mark.parametrize(("body", "fields", "attrs"), GOLDEN)
def test_kernel_reply_decodes(body, fields, attrs):
    message = AddrMessage.decode(bytes.fromhex(body))

    assert message.fields() == fields
    assert message.attrs == attrs


@pytest.mark.parametrize(("body", "fields", "attrs"), GOLDEN)
def test_kernel_reply_encodes_back(body, fields, attrs):
    raw = bytes.fromhex(body)

    assert AddrMessage.decode(raw).encode() == raw
    assert AddrMessage(attrs, **fields).encode() == raw


def test_dump_datagram_holds_several_messages():
    datagrams = [bytes.fromhex(hexed) for hexed in DUMP_DATAGRAMS]
    reply = Reply(7, 21218, AddrMessage.decode, dump=True)

    messages = reply.feed(datagrams[0])
    assert not reply.done
    assert reply.feed(datagrams[1]) == []

    assert reply.done
    assert len(list(split(datagrams[0]))) == 3
    assert [str(interface_of(m)) for m in messages] == [
        "127.0.0.1/8",
        "192.0.2.1/24",
        "198.51.100.1/24",
    ]


def test_flags_have_names():
    assert flag_names(0x82) == ("nodad", "permanent")
    assert flag_names(0xC0) == ("tentative", "permanent")
    assert flag_names(0x1000) == ("0x1000",)
    assert flag_names(0) == ()


def test_ifa_flags_win_over_the_header():
    message = AddrMessage(flags=0x80)
    assert flags_of(message) == 0x80

    message["flags"] = 0x280

    assert flags_of(message) == 0x280


def test_ifa_numbers_are_the_kernels():
    assert IFA.IFA_CACHEINFO == 6
    assert IFA.IFA_PROTO == 11
    assert IFA_F.IFA_F_STABLE_PRIVACY == 0x800


# What iproute2 6.1 sends (the body after nlmsghdr), for the command.
IP_SENDS = {
    "ip addr add 192.0.2.1/24 dev v0": (
        "021800000300000008000200c000020108000100c0000201"
    ),
    "ip addr add 2001:db8::1/64 dev v0 nodad": (
        "0a400200030000001400020020010db8000000000000000000000001"
        "1400010020010db8000000000000000000000001"
    ),
    "ip addr add 192.0.2.5 dev v0 label v0:x brd +": (
        "022000000300000008000200c00002050900030076303a78000000000800"
        "0100c0000205"
    ),
    "ip addr del 192.0.2.5 dev v0": "022000000300000008000200c0000205",
}


def test_new_is_what_ip_sends():
    request = new_addr("192.0.2.1/24", 3)

    assert request.type == RTM_NEWADDR
    assert request.flags == NLM_F_CREATE | NLM_F_EXCL
    expected = IP_SENDS["ip addr add 192.0.2.1/24 dev v0"]
    assert request.body.encode().hex() == expected


def test_new_ipv6_with_flags_is_what_ip_sends():
    request = new_addr("2001:db8::1/64", 3, flags=["nodad"])

    expected = IP_SENDS["ip addr add 2001:db8::1/64 dev v0 nodad"]
    assert request.body.encode().hex() == expected


def test_bare_address_with_label_is_what_ip_sends():
    request = new_addr("192.0.2.5", 3, label="v0:x", broadcast=True)

    ip_sends = IP_SENDS["ip addr add 192.0.2.5 dev v0 label v0:x brd +"]
    assert request.body == AddrMessage.decode(bytes.fromhex(ip_sends))


def test_bare_ipv4_delete_is_ips_wildcard_delete():
    request = del_addr("192.0.2.5", 3)

    assert request.type == RTM_DELADDR
    assert (
        request.body.encode().hex() == IP_SENDS["ip addr del 192.0.2.5 dev v0"]
    )


def test_delete_with_prefix_matches_it():
    request = del_addr("192.0.2.5/24", 3)

    assert request.body.prefixlen == 24
    assert request.body["address"] == V4("192.0.2.5")


def test_broadcast_computed_on_request():
    assert "broadcast" not in new_addr("192.0.2.1/24", 3).body

    body = new_addr("192.0.2.1/24", 3, broadcast=True).body
    assert body["broadcast"] == V4("192.0.2.255")
    body = new_addr("192.0.2.1/24", 3, broadcast="192.0.2.127").body
    assert body["broadcast"] == V4("192.0.2.127")


def test_bare_ipv6_address_is_128():
    assert new_addr("2001:db8::1", 3).body.prefixlen == 128


def test_loopback_gets_host_scope_as_with_ip():
    assert new_addr("127.0.0.2/8", 1).body.scope == 254
    assert new_addr("192.0.2.1/24", 3, scope="link").body.scope == 253


def test_wide_flags_go_in_ifa_flags():
    body = new_addr("2001:db8::1/64", 3, flags=("nodad", "noprefixroute"))

    assert body.body.flags == 0x02
    assert body.body["flags"] == 0x202


def test_lifetimes_and_metric():
    body = new_addr(
        "2001:db8::1/64", 3, valid=100, preferred=50, metric=7, proto=3
    ).body

    assert body["cacheinfo"] == {
        "preferred": 50,
        "valid": 100,
        "created": 0,
        "updated": 0,
    }
    assert body["rt_priority"] == 7
    assert body["proto"] == 3


def test_replace_and_set_flags():
    assert new_addr("192.0.2.1/24", 3, replace=True).flags == (
        NLM_F_CREATE | NLM_F_REPLACE
    )
    assert set_addr("192.0.2.1/24", 3).flags == NLM_F_REPLACE


def test_get_and_dump():
    request = get_addr("2001:db8::1", 3)
    assert request.type == RTM_GETADDR
    assert request.body.prefixlen == 0
    assert request.body["address"] == V6("2001:db8::1")

    request = dump_addrs(6, index=3)

    assert request.flags == NLM_F_DUMP
    assert request.body.fields() == dict(
        family=10, prefixlen=0, flags=0, scope=0, index=3
    )
    assert request.body.attrs == {}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: new_addr("192.0.2.300/24", 3), "not an address"),
        (lambda: new_addr("192.0.2.1/33", 3), "not an address"),
        (lambda: new_addr("2001:db8::1/129", 3), "not an address"),
        (lambda: new_addr("eth0", 3), "not an address"),
        (lambda: new_addr("192.0.2.1/24", 0), "interface index"),
        (lambda: new_addr("192.0.2.1/24", "v0"), "interface index"),
        (lambda: new_addr("2001:db8::1/64", 3, label="x"), "only IPv4"),
        (lambda: new_addr("192.0.2.1/24", 3, label="x" * 16), "15 bytes"),
        (lambda: new_addr("2001:db8::1/64", 3, broadcast=True), "broadcast"),
        (lambda: new_addr("192.0.2.1/24", 3, flags="fast"), "unknown"),
        (lambda: new_addr("192.0.2.1/24", 3, scope=300), "8 bits"),
        (lambda: new_addr("192.0.2.1/24", 3, valid=5, preferred=9), "exceeds"),
        (lambda: new_addr("192.0.2.1/24", 3, metric=-1), "32 bits"),
        (lambda: get_addr("192.0.2.1", 3), "IPv6"),
        (lambda: dump_addrs(5), "family"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


cacheinfo = st.fixed_dictionaries(
    {
        "preferred": checks.u32,
        "valid": checks.u32,
        "created": checks.u32,
        "updated": checks.u32,
    }
)
attributes = st.tuples(
    checks.optional_attrs(
        address=checks.ip,
        local=checks.ip,
        label=checks.text,
        broadcast=checks.ip,
        anycast=checks.ip,
        cacheinfo=cacheinfo,
        multicast=checks.ip,
        flags=checks.u32,
        rt_priority=checks.u32,
        target_netnsid=checks.s32,
        proto=checks.u8,
    ),
    checks.unknown_attrs(len(IFA)),
).map(lambda both: {**both[0], **both[1]})
messages = st.builds(
    AddrMessage,
    attributes,
    family=st.sampled_from([2, 10]) | checks.u8,
    prefixlen=checks.u8,
    flags=checks.u8,
    scope=checks.u8,
    index=checks.u32,
)


@given(messages)
def test_round_trip(message):
    assert AddrMessage.decode(message.encode()) == message


@given(messages)
def test_every_attribute_is_aligned(message):
    checks.walk_aligned(message.encode()[AddrMessage.HEADER.size :])


@given(st.binary(max_size=200))
def test_junk_raises_only_decode_error(data):
    checks.decodes_or_refuses(AddrMessage, data)


@given(messages)
def test_truncated_raises_only_decode_error(message):
    for cut in checks.truncations(message.encode()):
        checks.decodes_or_refuses(AddrMessage, cut)


@given(messages, st.integers(0, 1 << 16), checks.u8)
def test_corrupted_raises_only_decode_error(message, position, value):
    raw = message.encode()

    checks.decodes_or_refuses(
        AddrMessage, checks.corrupt(raw, position, value)
    )

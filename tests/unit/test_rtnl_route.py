"""netkit.rtnl.route: rtmsg both ways, multipath, and the request builders.

Golden replies come from Linux 6.18.44 (see rtnl_checks.KERNEL); golden
requests are what iproute2 6.1 sent for the same command.
"""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit.netlink.attrs import NLA_F_NESTED, NLA_HDR
from netkit.netlink.header import (
    NLM_F_CREATE,
    NLM_F_DUMP,
    NLM_F_EXCL,
    NLM_F_REPLACE,
)
from netkit.rtnl.route import (
    NEXTHOP_FLAGS,
    PREFERENCES,
    PROTOCOLS,
    ROUTE_FLAGS,
    RTA,
    RTAX,
    RTN,
    SCOPES,
    TABLES,
    TYPES,
    RouteMessage,
    del_route,
    destination_of,
    dump_routes,
    get_route,
    new_route,
    set_route,
    table_of,
)
from netkit.rtnl.rtm import RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE
from tests.unit import rtnl_checks as checks

V4, V6 = ipaddress.IPv4Address, ipaddress.IPv6Address
ZERO_CACHEINFO = dict.fromkeys(
    ("clntref", "lastuse", "expires", "error", "used", "id", "ts", "tsage"), 0
)


def fields(family, dst_len, table, protocol, scope, type, flags=0):
    return dict(
        family=family,
        dst_len=dst_len,
        src_len=0,
        tos=0,
        table=table,
        protocol=protocol,
        scope=scope,
        type=type,
        flags=flags,
    )


GOLDEN = [
    pytest.param(
        "021800006403fd010000000008000f006400000008000100cb0071000c000800"
        "08000200780500000800040003000000",
        fields(2, 24, 100, 3, 253, 1),
        {
            "table": 100,
            "dst": V4("203.0.113.0"),
            "metrics": {"mtu": 1400},
            "oif": 3,
        },
        id="table-100-mtu",
    ),
    pytest.param(
        "02000000fc0300010000000008000f00e803000008000500c00002fe08000400"
        "03000000",
        fields(2, 0, 252, 3, 0, 1),
        {"table": 1000, "gateway": V4("192.0.2.254"), "oif": 3},
        id="default-table-1000",
    ),
    pytest.param(
        "02180000fe02fd010000000008000f00fe00000008000100c000020008000600"
        "4d00000008000700c00002010800040003000000",
        fields(2, 24, 254, 2, 253, 1),
        {
            "table": 254,
            "dst": V4("192.0.2.0"),
            "priority": 77,
            "prefsrc": V4("192.0.2.1"),
            "oif": 3,
        },
        id="connected",
    ),
    pytest.param(
        "02100000fe0300010000000008000f00fe00000008000100c612000024000900"
        "100000010300000008000500c000020a100000000300000008000500c000020b",
        fields(2, 16, 254, 3, 0, 1),
        {
            "table": 254,
            "dst": V4("198.18.0.0"),
            "multipath": [
                {
                    "flags": 0,
                    "hops": 1,
                    "ifindex": 3,
                    "attrs": {"gateway": V4("192.0.2.10")},
                },
                {
                    "flags": 0,
                    "hops": 0,
                    "ifindex": 3,
                    "attrs": {"gateway": V4("192.0.2.11")},
                },
            ],
        },
        id="multipath-ipv4",
    ),
    pytest.param(
        "02180000fe0300060000000008000f00fe00000008000100c6120600",
        fields(2, 24, 254, 3, 0, 6),
        {"table": 254, "dst": V4("198.18.6.0")},
        id="blackhole",
    ),
    pytest.param(
        "02190000fe0300010000000008000f00fe00000008000100c633640008000600"
        "3200000008000700c000020108000500c00002fe0800040003000000",
        fields(2, 25, 254, 3, 0, 1),
        {
            "table": 254,
            "dst": V4("198.51.100.0"),
            "priority": 50,
            "prefsrc": V4("192.0.2.1"),
            "gateway": V4("192.0.2.254"),
            "oif": 3,
        },
        id="gateway-metric-src",
    ),
    pytest.param(
        "02180000fe0300010000000008000f00fe00000008000100c633660020000800"
        "080001000400000008000200780500000900100072656e6f0000000008000500"
        "c00002fe0800040003000000",
        fields(2, 24, 254, 3, 0, 1),
        {
            "table": 254,
            "dst": V4("198.51.102.0"),
            "metrics": {
                "lock": 1 << RTAX.RTAX_MTU,
                "mtu": 1400,
                "cc_algo": "reno",
            },
            "gateway": V4("192.0.2.254"),
            "oif": 3,
        },
        id="mtu-lock-congctl",
    ),
    pytest.param(
        "02180000fe0300010400000008000f00fe00000008000100c633670008000500"
        "cb0071090800040003000000",
        fields(2, 24, 254, 3, 0, 1, flags=4),
        {
            "table": 254,
            "dst": V4("198.51.103.0"),
            "gateway": V4("203.0.113.9"),
            "oif": 3,
        },
        id="onlink",
    ),
    pytest.param(
        "0a300000fe0300010000000008000f00fe0000001400010020010db800010000"
        "000000000000000008000600140000001400050020010db80000000000000000"
        "000000ff080004000300000024000c0000000000000000000000000000000000"
        "000000000000000000000000000000000500140001000000",
        fields(10, 48, 254, 3, 0, 1),
        {
            "table": 254,
            "dst": V6("2001:db8:1::"),
            "priority": 20,
            "gateway": V6("2001:db8::ff"),
            "oif": 3,
            "cacheinfo": ZERO_CACHEINFO,
            "pref": 1,
        },
        id="ipv6-gateway-pref-high",
    ),
    pytest.param(
        "0a300000fe0300010000000008000f00fe0000001400010020010db800070000"
        "000000000000000008000600000400003c0009001c0000020300000014000500"
        "20010db800000000000000000000000a1c000000030000001400050020010db8"
        "00000000000000000000000b24000c0000000000000000000000000000000000"
        "000000000000000000000000000000000500140000000000",
        fields(10, 48, 254, 3, 0, 1),
        {
            "table": 254,
            "dst": V6("2001:db8:7::"),
            "priority": 1024,
            "multipath": [
                {
                    "flags": 0,
                    "hops": 2,
                    "ifindex": 3,
                    "attrs": {"gateway": V6("2001:db8::a")},
                },
                {
                    "flags": 0,
                    "hops": 0,
                    "ifindex": 3,
                    "attrs": {"gateway": V6("2001:db8::b")},
                },
            ],
            "cacheinfo": ZERO_CACHEINFO,
            "pref": 0,
        },
        id="multipath-ipv6",
    ),
    pytest.param(
        "0a080000ff0200050000000008000f00ff00000014000100ff00000000000000"
        "00000000000000000800060000010000080004000200000024000c0000000000"
        "0000000000000000000000000000000000000000000000000000000005001400"
        "00000000",
        fields(10, 8, 255, 2, 0, 5),
        {
            "table": 255,
            "dst": V6("ff00::"),
            "priority": 256,
            "oif": 2,
            "cacheinfo": ZERO_CACHEINFO,
            "pref": 0,
        },
        id="ipv6-multicast-local",
    ),
    pytest.param(
        "02200000fe0000010002000008000f00fe00000008000100c633660708000400"
        "0300000008000700c000020108000500c00002fe200008000800010004000000"
        "08000200780500000900100072656e6f00000000080019000000000024000c00"
        "0200000000000000000000000000000000000000000000000000000000000000",
        fields(2, 32, 254, 0, 0, 1, flags=0x200),
        {
            "table": 254,
            "dst": V4("198.51.102.7"),
            "oif": 3,
            "prefsrc": V4("192.0.2.1"),
            "gateway": V4("192.0.2.254"),
            "metrics": {"lock": 4, "mtu": 1400, "cc_algo": "reno"},
            "uid": 0,
            "cacheinfo": {**ZERO_CACHEINFO, "clntref": 2},
        },
        id="route-get-reply",
    ),
]


@pytest.mark.parametrize(("body", "header", "attrs"), GOLDEN)
def test_kernel_reply_decodes(body, header, attrs):
    message = RouteMessage.decode(bytes.fromhex(body))

    assert message.fields() == header
    assert message.attrs == attrs


@pytest.mark.parametrize(("body", "header", "attrs"), GOLDEN)
def test_kernel_reply_encodes_back(body, header, attrs):
    raw = bytes.fromhex(body)

    assert RouteMessage.decode(raw).encode() == raw
    assert RouteMessage(attrs, **header).encode() == raw


def test_metrics_go_without_the_nested_flag_like_the_kernel():
    raw = RouteMessage(metrics={"mtu": 1400}).encode()

    length, attr_type = NLA_HDR.unpack_from(raw, RouteMessage.HEADER.size)
    assert attr_type == RTA.RTA_METRICS
    assert not attr_type & NLA_F_NESTED


def test_big_table_and_default_destination():
    message = RouteMessage.decode(bytes.fromhex(GOLDEN[1].values[0]))

    assert message.table == 252
    assert table_of(message) == 1000
    assert str(destination_of(message)) == "0.0.0.0/0"
    assert str(destination_of(RouteMessage(family=10))) == "::/0"


def test_names():
    assert TYPES.name(RTN.RTN_BLACKHOLE) == "blackhole"
    assert TYPES.value("unreachable") == 7
    assert PROTOCOLS.name(2) == "kernel"
    assert PROTOCOLS.name(3) == "boot"
    assert PROTOCOLS.value("dhcp") == 16
    assert TABLES.name(254) == "main"
    assert TABLES.name(100) == "100"
    assert TABLES.value("local") == 255
    assert SCOPES.name(0) == "global"
    assert SCOPES.value("universe") == 0
    assert SCOPES.value("link") == 253
    assert ROUTE_FLAGS.names(0x200) == ("cloned",)
    assert NEXTHOP_FLAGS.names(0x14) == ("onlink", "linkdown")
    assert PREFERENCES.name(1) == "high"


def test_rta_numbers_reach_6_18():
    assert RTA.RTA_NH_ID == 30
    assert RTA.RTA_FLOWLABEL == 31
    assert RTAX.RTAX_FASTOPEN_NO_COOKIE == 17


# What iproute2 6.1 sends (the body after nlmsghdr), for the command.
IP_SENDS = {
    "ip route add 198.51.100.0/24 via 192.0.2.254 dev v0 metric 50": (
        "02180000fe0300010000000008000100c633640008000500c00002fe0800"
        "0600320000000800040003000000"
    ),
    "ip -6 route add 2001:db8:1::/48 via 2001:db8::ff metric 20": (
        "0a300000fe030001000000001400010020010db8000100000000000000000000"
        "1400050020010db80000000000000000000000ff0800060014000000"
    ),
    "ip route add default via 192.0.2.254 table 1000": (
        "02000000000300010000000008000500c00002fe08000f00e8030000"
    ),
    "ip route del 198.51.100.0/24": "02180000fe00ff000000000008000100c6336400",
}


def ip_sends(command):
    return RouteMessage.decode(bytes.fromhex(IP_SENDS[command]))


def test_new_is_what_ip_sends():
    request = new_route(
        "198.51.100.0/24", gateway="192.0.2.254", oif=3, metric=50
    )

    assert request.type == RTM_NEWROUTE
    assert request.flags == NLM_F_CREATE | NLM_F_EXCL
    assert request.body == ip_sends(
        "ip route add 198.51.100.0/24 via 192.0.2.254 dev v0 metric 50"
    )


def test_new_ipv6_is_what_ip_sends():
    request = new_route("2001:db8:1::/48", gateway="2001:db8::ff", metric=20)

    assert request.body == ip_sends(
        "ip -6 route add 2001:db8:1::/48 via 2001:db8::ff metric 20"
    )


def test_default_in_a_big_table_is_what_ip_sends():
    request = new_route("default", gateway="192.0.2.254", table=1000)

    assert request.body == ip_sends(
        "ip route add default via 192.0.2.254 table 1000"
    )


def test_delete_is_what_ip_sends():
    request = del_route("198.51.100.0/24")

    assert request.type == RTM_DELROUTE
    assert (
        request.body.encode().hex() == IP_SENDS["ip route del 198.51.100.0/24"]
    )


def test_default_takes_the_family_of_the_gateway():
    body = new_route("default", gateway="2001:db8::1").body
    assert body.family == 10
    assert body.dst_len == 0
    assert "dst" not in body

    body = new_route("default", oif=3, family=6).body
    assert body.family == 10


def test_bare_destination_is_a_host_route():
    assert new_route("192.0.2.9", oif=3).body.dst_len == 32
    assert new_route("2001:db8::9", oif=3).body.dst_len == 128


def test_scope_defaults_as_with_ip():
    assert new_route("198.51.100.0/24", oif=3).body.scope == 253
    assert new_route("198.51.100.0/24", gateway="192.0.2.1").body.scope == 0
    assert new_route("198.51.100.0/24", type="blackhole").body.scope == 0
    assert new_route("192.0.2.1", type="local", oif=3).body.scope == 254
    assert new_route("198.51.100.0/24", oif=3, scope="host").body.scope == 254


def test_multipath_request():
    body = new_route(
        "198.18.0.0/16",
        nexthops=[
            {"gateway": "192.0.2.10", "weight": 2},
            {"gateway": "192.0.2.11", "oif": 3, "onlink": True},
        ],
    ).body

    assert body["multipath"] == [
        {
            "flags": 0,
            "hops": 1,
            "ifindex": 0,
            "attrs": {"gateway": V4("192.0.2.10")},
        },
        {
            "flags": 4,
            "hops": 0,
            "ifindex": 3,
            "attrs": {"gateway": V4("192.0.2.11")},
        },
    ]
    assert body.scope == 0
    assert RouteMessage.decode(body.encode()) == body


def test_onlink_metrics_and_options():
    body = new_route(
        "198.51.100.0/24",
        gateway="203.0.113.1",
        oif=3,
        onlink=True,
        metrics={"mtu": 1400, "cc_algo": "reno"},
        prefsrc="192.0.2.1",
        protocol="static",
        table="local",
    ).body

    assert body.flags == 4
    assert body["metrics"] == {"mtu": 1400, "cc_algo": "reno"}
    assert body["prefsrc"] == V4("192.0.2.1")
    assert (body.protocol, body.table) == (4, 255)


def test_replace_set_get_dump():
    assert new_route("default", oif=3, replace=True).flags == (
        NLM_F_CREATE | NLM_F_REPLACE
    )
    assert set_route("default", oif=3).flags == NLM_F_REPLACE

    request = get_route("198.51.100.7", oif=3, fib_match=True)
    assert request.type == RTM_GETROUTE
    assert request.flags == 0
    assert (request.body.dst_len, request.body.flags) == (32, 0x2000)
    assert request.body.attrs == {"dst": V4("198.51.100.7"), "oif": 3}

    request = dump_routes(4, table=1000, protocol="kernel", oif=3)
    assert request.flags == NLM_F_DUMP
    assert (request.body.table, request.body.protocol) == (0, 2)
    assert request.body.attrs == {"table": 1000, "oif": 3}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: new_route("198.51.100.0/33", oif=3), "not a destination"),
        (lambda: new_route("198.51.100.1/24", oif=3), "host bits"),
        (lambda: new_route("somewhere", oif=3), "not a destination"),
        (lambda: new_route("198.51.100.0/24", gateway="2001:db8::1"), "IPv4"),
        (lambda: new_route("2001:db8::/32", gateway="192.0.2.1"), "IPv6"),
        (lambda: new_route("default", gateway="192.0.2.1", family=6), "IPv6"),
        (lambda: new_route("198.51.100.0/24", gateway="192.0.2"), "gateway"),
        (lambda: new_route("198.51.100.0/24"), "needs a gateway"),
        (lambda: new_route("198.51.100.0/24", oif=-1), "interface index"),
        (lambda: new_route("198.51.100.0/24", oif=3, onlink=True), "onlink"),
        (lambda: new_route("198.51.100.0/24", oif=3, table="nope"), "unknown"),
        (
            lambda: new_route("198.51.100.0/24", oif=3, table=1 << 32),
            "32 bits",
        ),
        (lambda: new_route("198.51.100.0/24", oif=3, metric=-5), "32 bits"),
        (lambda: new_route("198.51.100.0/24", oif=3, type="fast"), "unknown"),
        (
            lambda: new_route("198.51.100.0/24", oif=3, metrics={"x": 1}),
            "metric",
        ),
        (lambda: new_route("198.51.100.0/24", nexthops=[]), "empty"),
        (
            lambda: new_route(
                "198.51.100.0/24",
                nexthops=[{"gateway": "192.0.2.1", "weight": 0}],
            ),
            "weight",
        ),
        (
            lambda: new_route(
                "198.51.100.0/24", gateway="192.0.2.1", nexthops=[{"oif": 3}]
            ),
            "either",
        ),
        (lambda: get_route("198.51.100.0/24"), "not an IP address"),
        (lambda: dump_routes("ipx"), "family"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def nexthop_attrs(address):
    return checks.optional_attrs(
        gateway=address,
        flow=checks.u32,
        via=via,
        encap_type=checks.u16,
        encap=st.binary(max_size=8),
    )


via = st.one_of(
    st.builds(lambda a: {"family": 2, "address": a}, checks.ipv4),
    st.builds(lambda a: {"family": 10, "address": a}, checks.ipv6),
    st.builds(
        lambda f, a: {"family": f, "address": a},
        st.sampled_from([0, 17, 28]),
        st.binary(max_size=16),
    ),
)
hops = st.lists(
    st.fixed_dictionaries(
        {
            "flags": checks.u8,
            "hops": checks.u8,
            "ifindex": checks.s32,
            "attrs": nexthop_attrs(checks.ip),
        }
    ),
    max_size=3,
)
metric_values = {
    name: checks.u32
    for name in (m.name.removeprefix("RTAX_").lower() for m in RTAX)
}
metric_values.pop("unspec")
metric_values["cc_algo"] = checks.text
cacheinfo = st.fixed_dictionaries(
    {
        "clntref": checks.u32,
        "lastuse": checks.u32,
        "expires": checks.s32,
        "error": checks.u32,
        "used": checks.u32,
        "id": checks.u32,
        "ts": checks.u32,
        "tsage": checks.u32,
    }
)
attributes = st.tuples(
    checks.optional_attrs(
        dst=checks.ip,
        src=checks.ip,
        iif=checks.u32,
        oif=checks.u32,
        gateway=checks.ip,
        priority=checks.u32,
        prefsrc=checks.ip,
        metrics=checks.optional_attrs(**metric_values),
        multipath=hops,
        flow=checks.u32,
        cacheinfo=cacheinfo,
        table=checks.u32,
        mark=checks.u32,
        mfc_stats=st.fixed_dictionaries(
            {
                "packets": checks.u64,
                "bytes": checks.u64,
                "wrong_if": checks.u64,
            }
        ),
        via=via,
        pref=checks.u8,
        encap_type=checks.u16,
        encap=st.binary(max_size=8),
        expires=checks.u64,
        uid=checks.u32,
        ttl_propagate=checks.u8,
        ip_proto=checks.u8,
        sport=checks.u16,
        dport=checks.u16,
        nh_id=checks.u32,
        flowlabel=checks.u32,
    ),
    checks.unknown_attrs(len(RTA)),
).map(lambda both: {**both[0], **both[1]})
messages = st.builds(
    RouteMessage,
    attributes,
    family=st.sampled_from([2, 10]) | checks.u8,
    dst_len=checks.u8,
    src_len=checks.u8,
    tos=checks.u8,
    table=checks.u8,
    protocol=checks.u8,
    scope=checks.u8,
    type=checks.u8,
    flags=checks.u32,
)


@given(messages)
def test_round_trip(message):
    assert RouteMessage.decode(message.encode()) == message


@given(messages)
def test_every_attribute_is_aligned(message):
    body = message.encode()[RouteMessage.HEADER.size :]

    for offset, attr_type in checks.walk_aligned(body):
        if attr_type == RTA.RTA_METRICS:
            length = NLA_HDR.unpack_from(body, offset)[0]
            checks.walk_aligned(body[offset + 4 : offset + length], "metrics")


@given(hops.filter(bool))
def test_every_next_hop_is_aligned(multipath):
    raw = RouteMessage(multipath=multipath).encode()[
        RouteMessage.HEADER.size + 4 :
    ]

    offset = 0
    for _ in multipath:
        assert offset % 4 == 0
        length = int.from_bytes(raw[offset : offset + 2], "little")
        checks.walk_aligned(raw[offset + 8 : offset + length], "next hop")
        offset += length
    assert offset == len(raw)


@given(st.binary(max_size=200))
def test_junk_raises_only_decode_error(data):
    checks.decodes_or_refuses(RouteMessage, data)


@given(st.binary(max_size=120))
def test_junk_multipath_raises_only_decode_error(data):
    header = RouteMessage().encode()
    attr = NLA_HDR.pack(4 + len(data), RTA.RTA_MULTIPATH) + data

    checks.decodes_or_refuses(
        RouteMessage, header + attr + b"\0" * (-len(data) % 4)
    )


@given(messages)
def test_truncated_raises_only_decode_error(message):
    for cut in checks.truncations(message.encode()):
        checks.decodes_or_refuses(RouteMessage, cut)


@given(messages, st.integers(0, 1 << 16), checks.u8)
def test_corrupted_raises_only_decode_error(message, position, value):
    raw = message.encode()

    checks.decodes_or_refuses(
        RouteMessage, checks.corrupt(raw, position, value)
    )

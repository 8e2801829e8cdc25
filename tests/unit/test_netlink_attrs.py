"""netkit.netlink.attrs: every codec both ways, alignment, junk input.

The attribute space here is a throwaway one that holds one attribute of
each codec, so these tests do not lean on the rtnetlink families.
"""

import contextlib
import enum
import ipaddress
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit.errors import DecodeError
from netkit.netlink.attrs import (
    BE16,
    BE32,
    BINARY,
    FLAG,
    IPADDR,
    IPV4,
    IPV6,
    LLADDR,
    NLA_F_NESTED,
    NLA_F_NET_BYTEORDER,
    NLA_HDR,
    S8,
    S32,
    STRING,
    U8,
    U16,
    U32,
    U64,
    AttrTable,
    ByKey,
    Multi,
    Nested,
    StructCodec,
    iter_attrs,
    pack_attr,
)
from netkit.netlink.header import align


class INNER(enum.IntEnum):
    INNER_UNSPEC = 0
    INNER_U32 = 1
    INNER_NAME = 2
    INNER_DEEP = 3


class PROBE(enum.IntEnum):
    PROBE_UNSPEC = 0
    PROBE_U8 = 1
    PROBE_U16 = 2
    PROBE_U32 = 3
    PROBE_U64 = 4
    PROBE_S32 = 5
    PROBE_BE16 = 6
    PROBE_BE32 = 7
    PROBE_NAME = 8
    PROBE_BLOB = 9
    PROBE_FLAG = 10
    PROBE_IPV4 = 11
    PROBE_IPV6 = 12
    PROBE_ADDR = 13
    PROBE_LLADDR = 14
    PROBE_STATS = 15
    PROBE_NEST = 16
    PROBE_MULTI = 17
    PROBE_KIND = 18
    PROBE_DATA = 19
    PROBE_PAIR = 20


# INNER_DEEP refers back to the table itself, as VETH_INFO_PEER does.
INNER_TABLE = AttrTable(
    INNER,
    {
        INNER.INNER_U32: U32,
        INNER.INNER_NAME: STRING,
        INNER.INNER_DEEP: Nested(lambda: INNER_TABLE),
    },
)

STATS = StructCodec("=QQQQ", ("rx", "tx", "drops", "errors"))
PAIR = StructCodec("=HxxI", ("port", "mark"))

PROBE_TABLE = AttrTable(
    PROBE,
    {
        PROBE.PROBE_U8: U8,
        PROBE.PROBE_U16: U16,
        PROBE.PROBE_U32: U32,
        PROBE.PROBE_U64: U64,
        PROBE.PROBE_S32: S32,
        PROBE.PROBE_BE16: BE16,
        PROBE.PROBE_BE32: BE32,
        PROBE.PROBE_NAME: STRING,
        PROBE.PROBE_BLOB: BINARY,
        PROBE.PROBE_FLAG: FLAG,
        PROBE.PROBE_IPV4: IPV4,
        PROBE.PROBE_IPV6: IPV6,
        PROBE.PROBE_ADDR: IPADDR,
        PROBE.PROBE_LLADDR: LLADDR,
        PROBE.PROBE_STATS: STATS,
        PROBE.PROBE_NEST: Nested(INNER_TABLE),
        PROBE.PROBE_MULTI: Multi(U32),
        PROBE.PROBE_KIND: STRING,
        PROBE.PROBE_DATA: ByKey(
            "kind", {"nest": Nested(INNER_TABLE), "number": U32}
        ),
        PROBE.PROBE_PAIR: PAIR,
    },
)

SCALARS = [
    (U8, "=B", 0, 0xFF),
    (U16, "=H", 0, 0xFFFF),
    (U32, "=I", 0, 0xFFFFFFFF),
    (U64, "=Q", 0, 0xFFFFFFFFFFFFFFFF),
    (S8, "=b", -0x80, 0x7F),
    (S32, "=i", -0x80000000, 0x7FFFFFFF),
    (BE16, ">H", 0, 0xFFFF),
    (BE32, ">I", 0, 0xFFFFFFFF),
]
SCALAR_IDS = ["U8", "U16", "U32", "U64", "S8", "S32", "BE16", "BE32"]

no_nul_text = st.text().filter(lambda s: "\0" not in s)
no_nul_bytes = st.binary().filter(lambda b: b"\0" not in b)
u32 = st.integers(0, 0xFFFFFFFF)
u64 = st.integers(0, 0xFFFFFFFFFFFFFFFF)

inner_values = st.fixed_dictionaries(
    {},
    optional={
        "u32": u32,
        "name": no_nul_text,
        "deep": st.fixed_dictionaries({}, optional={"u32": u32}),
    },
)

# The ByKey pair: the kind decides what the data is.
kind_and_data = st.one_of(
    st.fixed_dictionaries({"kind": st.just("nest"), "data": inner_values}),
    st.fixed_dictionaries({"kind": st.just("number"), "data": u32}),
    st.fixed_dictionaries({"kind": st.just("other"), "data": st.binary()}),
)

probe_values = st.builds(
    lambda base, kind: {**base, **kind},
    st.fixed_dictionaries(
        {},
        optional={
            "u8": st.integers(0, 0xFF),
            "u16": st.integers(0, 0xFFFF),
            "u32": u32,
            "u64": u64,
            "s32": st.integers(-0x80000000, 0x7FFFFFFF),
            "be16": st.integers(0, 0xFFFF),
            "be32": u32,
            "name": no_nul_text,
            "blob": st.binary(max_size=300),
            "flag": st.just(True),
            "ipv4": st.ip_addresses(v=4),
            "ipv6": st.ip_addresses(v=6),
            "addr": st.ip_addresses(),
            "lladdr": st.binary(max_size=20).map(lambda b: b.hex(":")),
            "stats": st.fixed_dictionaries(
                {"rx": u64, "tx": u64, "drops": u64, "errors": u64}
            ),
            "nest": inner_values,
            "multi": st.lists(u32, min_size=1, max_size=5),
            "pair": st.fixed_dictionaries(
                {"port": st.integers(0, 0xFFFF), "mark": u32}
            ),
        },
    ),
    st.one_of(st.just({}), kind_and_data),
)


def walk(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, length, type) of each attribute, checking the framing."""
    found, offset = [], 0
    while offset < len(data):
        length, attr_type = NLA_HDR.unpack_from(data, offset)
        found.append((offset, length, attr_type))
        padding = data[offset + length : offset + align(length)]
        assert padding == b"\0" * len(padding)
        offset += align(length)
    assert offset == len(data)
    return found


def raw_attr(attr_type: int, payload: bytes) -> bytes:
    """An attribute framed by hand, independent of pack_attr."""
    length = 4 + len(payload)
    pad = b"\0" * (align(length) - length)
    return struct.pack("=HH", length, attr_type) + payload + pad


# Scalars.


@pytest.mark.parametrize("codec, fmt, low, high", SCALARS, ids=SCALAR_IDS)
@given(data=st.data())
def test_scalar_round_trip(data, codec, fmt, low, high):
    value = data.draw(st.integers(low, high))

    encoded = codec.encode(value, {})

    assert encoded == struct.pack(fmt, value)
    assert codec.decode(memoryview(encoded), {}) == value


@pytest.mark.parametrize("codec, fmt, low, high", SCALARS, ids=SCALAR_IDS)
@given(data=st.data())
def test_scalar_bytes_round_trip(data, codec, fmt, low, high):
    raw = data.draw(
        st.binary(min_size=struct.calcsize(fmt)).map(
            lambda b: b[: struct.calcsize(fmt)]
        )
    )

    assert codec.encode(codec.decode(memoryview(raw), {}), {}) == raw


@pytest.mark.parametrize("codec, fmt, low, high", SCALARS, ids=SCALAR_IDS)
def test_scalar_out_of_range_is_value_error(codec, fmt, low, high):
    for value in (low - 1, high + 1):
        with pytest.raises(ValueError):
            codec.encode(value, {})


@pytest.mark.parametrize("codec, fmt, low, high", SCALARS, ids=SCALAR_IDS)
def test_scalar_wrong_length_is_decode_error(codec, fmt, low, high):
    size = struct.calcsize(fmt)
    for length in (0, size - 1, size + 1):
        with pytest.raises(DecodeError):
            codec.decode(memoryview(bytes(length)), {})


def test_big_endian_codecs_write_network_order():
    assert BE16.encode(0x1234, {}) == b"\x12\x34"
    assert BE32.encode(0x12345678, {}) == b"\x12\x34\x56\x78"


# Strings, bytes and flags.


@given(no_nul_text)
def test_string_round_trip(text):
    encoded = STRING.encode(text, {})

    assert encoded.endswith(b"\0")
    assert STRING.decode(memoryview(encoded), {}) == text


@given(no_nul_bytes)
def test_string_keeps_bytes_that_are_not_utf8(raw):
    """Non-UTF-8 names decode with surrogateescape and encode back."""
    text = STRING.decode(memoryview(raw + b"\0"), {})

    assert STRING.encode(text, {}) == raw + b"\0"


def test_string_stops_at_the_first_nul_or_the_end():
    assert STRING.decode(memoryview(b"eth0\0junk"), {}) == "eth0"
    assert STRING.decode(memoryview(b"eth0"), {}) == "eth0"
    assert STRING.decode(memoryview(b""), {}) == ""


def test_string_with_nul_is_value_error():
    with pytest.raises(ValueError, match="NUL"):
        STRING.encode("a\0b", {})


@given(st.binary())
def test_binary_round_trip(raw):
    assert BINARY.decode(memoryview(BINARY.encode(raw, {})), {}) == raw


def test_flag_is_an_empty_attribute():
    assert FLAG.encode(True, {}) == b""
    assert FLAG.decode(memoryview(b""), {}) is True
    assert PROBE_TABLE.encode({"flag": True}) == raw_attr(10, b"")
    assert PROBE_TABLE.decode(raw_attr(10, b"")) == {"flag": True}


def test_flag_with_payload_is_decode_error():
    with pytest.raises(DecodeError) as caught:
        PROBE_TABLE.decode(raw_attr(10, b"\1"))

    assert caught.value.path == ["flag"]


# Addresses.


@pytest.mark.parametrize(
    "codec, version", [(IPV4, 4), (IPV6, 6), (IPADDR, None)]
)
@given(data=st.data())
def test_ip_round_trip(data, codec, version):
    address = data.draw(st.ip_addresses(v=version))

    encoded = codec.encode(address, {})

    assert encoded == address.packed
    assert codec.decode(memoryview(encoded), {}) == address
    assert codec.encode(str(address), {}) == encoded


def test_ip_of_the_wrong_family_is_value_error():
    with pytest.raises(ValueError):
        IPV4.encode(ipaddress.ip_address("2001:db8::1"), {})
    with pytest.raises(ValueError):
        IPV6.encode("192.0.2.1", {})
    with pytest.raises(ValueError):
        IPADDR.encode("not an address", {})


@pytest.mark.parametrize("length", [0, 3, 5, 6, 15, 17])
@pytest.mark.parametrize("codec", [IPV4, IPV6, IPADDR])
def test_ip_of_a_bad_length_is_decode_error(codec, length):
    if length in codec._lengths:
        return
    with pytest.raises(DecodeError):
        codec.decode(memoryview(bytes(length)), {})


@given(st.binary(max_size=32))
def test_lladdr_of_any_length_round_trips(raw):
    """IFLA_ADDRESS is 6 bytes on Ethernet, 0 on tun, 20 on InfiniBand."""
    text = LLADDR.decode(memoryview(raw), {})

    assert text == text.lower()
    assert LLADDR.encode(text, {}) == raw


def test_lladdr_format():
    mac = b"\x02\x00\x5e\x10\xab\xcd"

    assert LLADDR.decode(memoryview(mac), {}) == "02:00:5e:10:ab:cd"
    assert LLADDR.encode("02:00:5E:10:AB:CD", {}) == mac
    assert LLADDR.encode("2:0:5e:10:ab:cd", {}) == mac


@pytest.mark.parametrize(
    "text", ["02:00:00:00:00:0g", "02::00", "020:00", ":", "02-00-00", 6]
)
def test_malformed_lladdr_is_value_error(text):
    with pytest.raises(ValueError):
        LLADDR.encode(text, {})


# Structs.


@given(st.lists(u64, min_size=4, max_size=4))
def test_struct_round_trip(values):
    fields = dict(zip(("rx", "tx", "drops", "errors"), values, strict=True))

    encoded = STATS.encode(fields, {})

    assert encoded == struct.pack("=QQQQ", *values)
    assert STATS.decode(memoryview(encoded), {}) == fields


@given(st.binary(min_size=33, max_size=80))
def test_struct_longer_than_known_keeps_its_tail(raw):
    """A newer kernel's grown struct: the extra bytes survive."""
    fields = STATS.decode(memoryview(raw), {})

    assert fields["_tail"] == raw[32:]
    assert STATS.encode(fields, {}) == raw


@given(
    st.integers(0, 3).flatmap(
        lambda n: st.binary(min_size=8 * n, max_size=8 * n)
    )
)
def test_uniform_struct_shorter_than_known_keeps_what_it_has(raw):
    """An older kernel's shorter struct of one field type decodes too."""
    fields = STATS.decode(memoryview(raw), {})

    assert list(fields) == ["rx", "tx", "drops", "errors"][: len(raw) // 8]
    assert STATS.encode(fields, {}) == raw


@pytest.mark.parametrize("length", [1, 7, 9, 31])
def test_uniform_struct_of_a_ragged_length_is_decode_error(length):
    with pytest.raises(DecodeError):
        STATS.decode(memoryview(bytes(length)), {})


def test_mixed_struct_short_is_decode_error_long_keeps_tail():
    with pytest.raises(DecodeError):
        PAIR.decode(memoryview(bytes(4)), {})

    fields = PAIR.decode(memoryview(bytes(8) + b"\1\2"), {})

    assert fields == {"port": 0, "mark": 0, "_tail": b"\1\2"}


def test_struct_bad_input_is_value_error():
    with pytest.raises(ValueError, match="missing"):
        STATS.encode({"tx": 1}, {})
    with pytest.raises(ValueError, match="missing"):
        PAIR.encode({"port": 1}, {})
    with pytest.raises(ValueError):
        PAIR.encode({"port": 0x10000, "mark": 0}, {})
    with pytest.raises(ValueError):
        STATS.encode({"rx": -1, "tx": 0, "drops": 0, "errors": 0}, {})


# Nests, repeated attributes, payloads chosen by key.


def test_nests_are_encoded_with_nla_f_nested():
    encoded = PROBE_TABLE.encode({"nest": {"u32": 7, "deep": {"u32": 8}}})

    inner = raw_attr(1, struct.pack("=I", 7)) + raw_attr(
        3 | NLA_F_NESTED, raw_attr(1, struct.pack("=I", 8))
    )
    assert encoded == raw_attr(16 | NLA_F_NESTED, inner)


@given(inner_values, st.booleans(), st.booleans())
def test_nests_decode_with_or_without_the_flag(values, outer_flag, inner_flag):
    """Kernels send some nests flagged and some not (KERNEL-FACTS 4)."""
    payload = b""
    for key, number in (("u32", 1), ("name", 2)):
        if key in values:
            codec = INNER_TABLE.by_name[key][1]
            payload += raw_attr(number, codec.encode(values[key], {}))
    if "deep" in values:
        deep = values["deep"]
        deep_payload = (
            raw_attr(1, struct.pack("=I", deep["u32"])) if deep else b""
        )
        payload += raw_attr(3 | (NLA_F_NESTED * inner_flag), deep_payload)
    data = raw_attr(16 | (NLA_F_NESTED * outer_flag), payload)

    assert PROBE_TABLE.decode(data) == {"nest": values}


def test_net_byteorder_flag_is_masked_when_decoding():
    data = raw_attr(6 | NLA_F_NET_BYTEORDER, b"\x12\x34")

    assert PROBE_TABLE.decode(data) == {"be16": 0x1234}


@given(st.lists(u32, min_size=1, max_size=8))
def test_multi_is_a_list_of_repeated_attributes(values):
    encoded = PROBE_TABLE.encode({"multi": values})

    assert [t for _, _, t in walk(encoded)] == [17] * len(values)
    assert PROBE_TABLE.decode(encoded) == {"multi": values}


@given(kind_and_data)
def test_by_key_round_trip(values):
    encoded = PROBE_TABLE.encode(values)

    assert PROBE_TABLE.decode(encoded) == values


def test_by_key_flags_follow_the_chosen_codec():
    nest = PROBE_TABLE.encode({"kind": "nest", "data": {"u32": 1}})
    number = PROBE_TABLE.encode({"kind": "number", "data": 1})
    other = PROBE_TABLE.encode({"kind": "other", "data": b"\1\2"})

    assert walk(nest)[1][2] == 19 | NLA_F_NESTED
    assert walk(number)[1][2] == 19
    assert walk(other)[1][2] == 19
    assert PROBE_TABLE.decode(other)["data"] == b"\1\2"


def test_by_key_payload_may_come_before_its_key():
    """Order on the wire is free; the decoded dict keeps it."""
    data = raw_attr(19, struct.pack("=I", 5)) + raw_attr(18, b"number\0")

    values = PROBE_TABLE.decode(data)

    assert values == {"data": 5, "kind": "number"}
    assert list(values) == ["data", "kind"]
    assert PROBE_TABLE.encode(values) == data


def test_by_key_choices_may_grow_later():
    codec = ByKey("kind", {})
    codec.choices["number"] = U32

    assert codec.decode(memoryview(b"\1\0\0\0"), {"kind": "number"}) == 1
    assert codec.decode(memoryview(b"\1\0\0\0"), {"kind": "x"}) == b"\1\0\0\0"


# Tables: names, whole round trips, alignment, unknown attributes.


def test_python_names_strip_the_prefix():
    assert PROBE_TABLE.name == "PROBE"
    assert PROBE_TABLE.by_type[8][0] == "name"
    assert PROBE_TABLE.by_name["lladdr"][0] == 14


def test_explicit_prefix():
    class ODD(enum.IntEnum):
        NOTHING = 0
        ODD_THING = 1

    table = AttrTable(ODD, {ODD.ODD_THING: U8}, prefix="ODD_")

    assert table.decode(raw_attr(1, b"\5")) == {"thing": 5}


def test_unknown_name_is_value_error_and_none_is_left_out():
    with pytest.raises(ValueError, match="no attribute 'bogus'"):
        PROBE_TABLE.encode({"bogus": 1})

    assert PROBE_TABLE.encode({"u32": None, "u8": 1}) == raw_attr(1, b"\1")


def test_too_long_attribute_is_value_error():
    with pytest.raises(ValueError, match="too long"):
        pack_attr(9, bytes(0xFFFC))

    assert len(pack_attr(9, bytes(0xFFFB))) == align(0xFFFF)


@given(probe_values)
def test_table_round_trip(values):
    encoded = PROBE_TABLE.encode(values)

    assert PROBE_TABLE.decode(encoded) == values


@given(probe_values)
def test_table_bytes_round_trip(values):
    """Bytes netkit wrote decode and encode back to the same bytes."""
    encoded = PROBE_TABLE.encode(values)

    assert PROBE_TABLE.encode(PROBE_TABLE.decode(encoded)) == encoded


@given(probe_values)
def test_every_encoded_attribute_is_aligned(values):
    encoded = PROBE_TABLE.encode(values)

    for offset, length, attr_type in walk(encoded):
        assert offset % 4 == 0
        if attr_type & NLA_F_NESTED:
            payload = encoded[offset + 4 : offset + length]
            for inner_offset, _, _ in walk(payload):
                assert inner_offset % 4 == 0
    assert len(encoded) % 4 == 0


unknown_types = st.integers(21, 0x3FFF).flatmap(
    lambda number: st.sampled_from(
        [number, number | NLA_F_NESTED, number | NLA_F_NET_BYTEORDER]
    )
)


@given(
    st.lists(
        st.tuples(unknown_types, st.binary(max_size=40)),
        max_size=8,
        unique_by=lambda pair: pair[0],
    ),
    probe_values,
)
def test_unknown_attributes_are_kept_raw_and_encode_back(unknown, known):
    """A newer kernel's attributes survive decode then encode."""
    raw = b"".join(raw_attr(t, payload) for t, payload in unknown)
    data = PROBE_TABLE.encode(known) + raw

    values = PROBE_TABLE.decode(data)

    for attr_type, payload in unknown:
        assert values[attr_type] == payload
    assert PROBE_TABLE.encode(values) == data


def test_repeated_unknown_attributes_become_a_list():
    data = raw_attr(99, b"a") + raw_attr(99, b"b") + raw_attr(99, b"c")

    values = PROBE_TABLE.decode(data)

    assert values == {99: [b"a", b"b", b"c"]}
    assert PROBE_TABLE.encode(values) == data


def test_unknown_attributes_inside_a_nest_survive():
    data = raw_attr(
        16 | NLA_F_NESTED, raw_attr(1, bytes(4)) + raw_attr(9, b"x")
    )

    values = PROBE_TABLE.decode(data)

    assert values == {"nest": {"u32": 0, 9: b"x"}}
    assert PROBE_TABLE.encode(values) == data


# Junk.


@given(st.binary(max_size=600))
def test_random_bytes_raise_only_decode_error(data):
    with contextlib.suppress(DecodeError):
        PROBE_TABLE.decode(data)


@given(probe_values, st.data())
def test_truncated_attributes_raise_only_decode_error(values, data):
    encoded = PROBE_TABLE.encode(values)
    cut = data.draw(st.integers(0, len(encoded)))

    with contextlib.suppress(DecodeError):
        PROBE_TABLE.decode(encoded[:cut])


@given(probe_values, st.data())
def test_corrupted_attributes_raise_only_decode_error(values, data):
    encoded = bytearray(PROBE_TABLE.encode(values) or b"\0\0\0\0")
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(encoded) - 1))
        encoded[where] = data.draw(st.integers(0, 255))

    with contextlib.suppress(DecodeError):
        PROBE_TABLE.decode(bytes(encoded))


GOOD = raw_attr(3, bytes(4))


@pytest.mark.parametrize(
    "data",
    [
        GOOD[:3],
        struct.pack("=HH", 12, 3) + bytes(4),
        struct.pack("=HH", 2, 3) + bytes(4),
        GOOD + b"\0\0",
    ],
    ids=["short header", "past the end", "below the header", "stray bytes"],
)
def test_lengths_that_lie_are_decode_errors(data):
    with pytest.raises(DecodeError):
        PROBE_TABLE.decode(data)
    with pytest.raises(DecodeError):
        list(iter_attrs(data))


def test_decode_error_names_the_path():
    bad = raw_attr(
        16 | NLA_F_NESTED,
        raw_attr(3 | NLA_F_NESTED, raw_attr(1, b"\1\2")),
    )

    with pytest.raises(DecodeError) as caught:
        PROBE_TABLE.decode(bad)

    assert caught.value.path == ["nest", "deep", "u32"]
    assert str(caught.value).startswith("nest > deep > u32: ")


def test_bad_framing_inside_a_nest_names_the_nest():
    bad = raw_attr(16, struct.pack("=HH", 40, 1))

    with pytest.raises(DecodeError) as caught:
        PROBE_TABLE.decode(bad)

    assert caught.value.path == ["nest"]
    assert caught.value.offset == 0


def test_nests_too_deep_for_python_are_a_decode_error():
    """A self-referring nest as deep as 64 KiB allows: not RecursionError."""
    data = b""
    for _ in range(0xFFFF // 4 - 1):
        data = struct.pack("=HH", 4 + len(data), 3 | NLA_F_NESTED) + data

    with pytest.raises(DecodeError) as caught:
        INNER_TABLE.decode(data)

    assert caught.value.reason == "attributes nested too deeply"
    assert set(caught.value.path) == {"deep"}

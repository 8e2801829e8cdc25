"""netkit.netlink.message: a struct and attributes, both ways.

`Probe` is a throwaway family shaped like ifinfomsg, `Tiny` one with a
one-byte struct like rtgenmsg, so these tests need no rtnetlink module.
"""

import contextlib
import enum
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit.errors import DecodeError
from netkit.netlink.attrs import (
    LLADDR,
    NLA_F_NESTED,
    STRING,
    U8,
    U32,
    AttrTable,
    ByKey,
    Multi,
    Nested,
)
from netkit.netlink.header import align
from netkit.netlink.message import Message


class PROBEINFO(enum.IntEnum):
    PROBEINFO_UNSPEC = 0
    PROBEINFO_KIND = 1
    PROBEINFO_DATA = 2


class PROBEDATA(enum.IntEnum):
    PROBEDATA_UNSPEC = 0
    PROBEDATA_ID = 1
    PROBEDATA_NAME = 2


class PROBE(enum.IntEnum):
    PROBE_UNSPEC = 0
    PROBE_NAME = 1
    PROBE_MTU = 2
    PROBE_ADDRESS = 3
    PROBE_INFO = 4
    PROBE_GROUP = 5


DATA_TABLE = AttrTable(
    PROBEDATA, {PROBEDATA.PROBEDATA_ID: U32, PROBEDATA.PROBEDATA_NAME: STRING}
)
INFO_TABLE = AttrTable(
    PROBEINFO,
    {
        PROBEINFO.PROBEINFO_KIND: STRING,
        PROBEINFO.PROBEINFO_DATA: ByKey("kind", {"probe": Nested(DATA_TABLE)}),
    },
)
PROBE_TABLE = AttrTable(
    PROBE,
    {
        PROBE.PROBE_NAME: STRING,
        PROBE.PROBE_MTU: U32,
        PROBE.PROBE_ADDRESS: LLADDR,
        PROBE.PROBE_INFO: Nested(INFO_TABLE),
        PROBE.PROBE_GROUP: Multi(U8),
    },
)


class Probe(Message):
    HEADER = struct.Struct("=BxHiII")
    FIELDS = ("family", "type", "index", "flags", "change")
    ATTRS = PROBE_TABLE
    SUBJECT = "link"


class TINY(enum.IntEnum):
    TINY_UNSPEC = 0
    TINY_ID = 1


class Tiny(Message):
    """A one-byte struct: attributes start at the next 4-byte boundary."""

    HEADER = struct.Struct("=B")
    FIELDS = ("family",)
    ATTRS = AttrTable(TINY, {TINY.TINY_ID: U32})


def raw_attr(attr_type: int, payload: bytes) -> bytes:
    length = 4 + len(payload)
    pad = b"\0" * (align(length) - length)
    return struct.pack("=HH", length, attr_type) + payload + pad


text = st.text().filter(lambda s: "\0" not in s)
info = st.one_of(
    st.fixed_dictionaries({}, optional={"kind": text}),
    st.fixed_dictionaries(
        {"kind": st.just("probe")},
        optional={
            "data": st.fixed_dictionaries(
                {},
                optional={"id": st.integers(0, 0xFFFFFFFF), "name": text},
            )
        },
    ),
)
probes = st.builds(
    Probe,
    family=st.integers(0, 0xFF),
    type=st.integers(0, 0xFFFF),
    index=st.integers(-0x80000000, 0x7FFFFFFF),
    flags=st.integers(0, 0xFFFFFFFF),
    change=st.integers(0, 0xFFFFFFFF),
    name=st.none() | text,
    mtu=st.none() | st.integers(0, 0xFFFFFFFF),
    address=st.none() | st.binary(max_size=8).map(lambda b: b.hex(":")),
    info=st.none() | info,
    group=st.none() | st.lists(st.integers(0, 0xFF), min_size=1),
)


@given(probes)
def test_decode_of_encode_is_the_message(message):
    assert Probe.decode(message.encode()) == message


@given(probes)
def test_encode_of_decode_is_the_bytes(message):
    encoded = message.encode()

    assert Probe.decode(encoded).encode() == encoded
    assert Probe.decode(memoryview(encoded)).encode() == encoded


@given(probes)
def test_body_is_the_struct_then_aligned_attributes(message):
    encoded = message.encode()

    assert encoded[:16] == Probe.HEADER.pack(
        *(getattr(message, name) for name in Probe.FIELDS)
    )
    assert len(encoded) % 4 == 0
    assert PROBE_TABLE.decode(encoded[16:]) == message.attrs


def test_fields_default_to_zero_and_none_attributes_are_left_out():
    message = Probe(index=3, name="eth0", mtu=None)

    assert message.fields() == {
        "family": 0,
        "type": 0,
        "index": 3,
        "flags": 0,
        "change": 0,
    }
    assert message.attrs == {"name": "eth0"}
    assert message.encode() == Probe.HEADER.pack(0, 0, 3, 0, 0) + raw_attr(
        1, b"eth0\0"
    )


def test_attribute_access():
    message = Probe(name="eth0")
    message["mtu"] = 1500
    message[99] = b"raw"

    assert message["name"] == "eth0"
    assert message.get("mtu") == 1500
    assert message.get("address") is None
    assert message.get("address", "none") == "none"
    assert "mtu" in message
    assert "address" not in message
    assert list(message) == ["name", "mtu", 99]
    with pytest.raises(KeyError):
        message["bogus"] = 1
    with pytest.raises(KeyError):
        message["address"]


def test_unknown_keyword_is_type_error():
    with pytest.raises(TypeError, match="bogus"):
        Probe(bogus=1)


def test_header_field_out_of_range_is_value_error():
    with pytest.raises(ValueError, match="Probe"):
        Probe(family=256).encode()


def test_equality_and_repr():
    one = Probe(index=1, name="a")

    assert one == Probe(index=1, name="a")
    assert one != Probe(index=2, name="a")
    assert one != Probe(index=1, name="b")
    assert one != Tiny(family=0)
    assert repr(one) == (
        "Probe(family=0, type=0, index=1, flags=0, change=0, name='a')"
    )


def test_attrs_may_be_given_as_a_dict():
    message = Probe({"mtu": 9000, 7: b"\1\2"}, index=2)

    assert Probe.decode(message.encode()) == message


def test_unknown_attributes_survive_a_message_round_trip():
    body = (
        Probe.HEADER.pack(1, 2, 3, 4, 5)
        + raw_attr(1, b"eth0\0")
        + raw_attr(0x7FF | NLA_F_NESTED, raw_attr(1, b"\1\2\3"))
        + raw_attr(
            4 | NLA_F_NESTED, raw_attr(1, b"probe\0") + raw_attr(9, b"")
        )
    )

    message = Probe.decode(body)

    assert message.attrs == {
        "name": "eth0",
        0x7FF | NLA_F_NESTED: raw_attr(1, b"\1\2\3"),
        "info": {"kind": "probe", 9: b""},
    }
    assert message.encode() == body


def test_one_byte_struct_is_padded_before_attributes():
    """As the kernel reads it: attributes at NLMSG_ALIGN(sizeof(hdr))."""
    message = Tiny(family=2, id=7)

    encoded = message.encode()

    assert encoded == b"\2\0\0\0" + raw_attr(1, struct.pack("=I", 7))
    assert Tiny.decode(encoded) == message
    assert Tiny.decode(b"\2") == Tiny(family=2)
    assert Tiny.decode(b"\2\0\0\0") == Tiny(family=2)


@pytest.mark.parametrize("length", [0, 1, 15])
def test_short_body_is_decode_error_naming_the_message(length):
    with pytest.raises(DecodeError) as caught:
        Probe.decode(bytes(length))

    assert caught.value.path == ["Probe"]


def test_decode_error_names_message_attribute_and_nest():
    body = Probe.HEADER.pack(0, 0, 0, 0, 0) + raw_attr(
        4 | NLA_F_NESTED,
        raw_attr(1, b"probe\0")
        + raw_attr(2 | NLA_F_NESTED, raw_attr(1, b"\1\2")),
    )

    with pytest.raises(DecodeError) as caught:
        Probe.decode(body)

    assert caught.value.path == ["Probe", "info", "data", "id"]
    assert str(caught.value).startswith("Probe > info > data > id: ")


@given(st.binary(max_size=400))
def test_random_bytes_raise_only_decode_error(data):
    with contextlib.suppress(DecodeError):
        Probe.decode(data)
    with contextlib.suppress(DecodeError):
        Tiny.decode(data)


@given(probes, st.data())
def test_truncated_messages_raise_only_decode_error(message, data):
    encoded = message.encode()
    cut = data.draw(st.integers(0, len(encoded)))

    with contextlib.suppress(DecodeError):
        Probe.decode(encoded[:cut])


@given(probes, st.data())
def test_corrupted_messages_raise_only_decode_error(message, data):
    encoded = bytearray(message.encode())
    for _ in range(data.draw(st.integers(1, 6))):
        where = data.draw(st.integers(0, len(encoded) - 1))
        encoded[where] = data.draw(st.integers(0, 255))

    with contextlib.suppress(DecodeError):
        Probe.decode(bytes(encoded))

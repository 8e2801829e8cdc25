"""Strategies and checks shared by the address, route and neighbour tests.

The golden bytes in those tests were captured from Linux 6.18.44
(`uname -r`: 6.18.44-fc-v1147) in a throwaway namespace made with
``unshare -n``, by dumping with netkit and printing each reply's body.
"""

import contextlib
import ipaddress
import struct

from hypothesis import strategies as st

from netkit.errors import DecodeError
from netkit.netlink.attrs import NLA_F_NESTED, NLA_HDR

KERNEL = "6.18.44-fc-v1147"

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
u64 = st.integers(0, (1 << 64) - 1)
s32 = st.integers(-(1 << 31), (1 << 31) - 1)

ipv4 = st.builds(ipaddress.IPv4Address, u32)
ipv6 = st.builds(ipaddress.IPv6Address, st.integers(0, (1 << 128) - 1))
ip = ipv4 | ipv6

# Text that survives a NUL-terminated string: no NUL, no lone surrogate.
text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
    max_size=20,
)
lladdr = st.binary(min_size=0, max_size=20).map(lambda raw: raw.hex(":"))


def unknown_attrs(first_unknown: int) -> st.SearchStrategy[dict]:
    """Attributes a newer kernel might send: raw, under their number.

    Some carry NLA_F_NESTED, which a raw attribute keeps in its key.
    """
    number = st.integers(first_unknown, 0x3FFF)
    key = st.tuples(number, st.booleans()).map(
        lambda pair: pair[0] | (NLA_F_NESTED if pair[1] else 0)
    )
    return st.dictionaries(key, st.binary(max_size=12), max_size=3)


def optional_attrs(**strategies: st.SearchStrategy) -> st.SearchStrategy:
    """A dict holding any subset of the given attributes."""
    return st.fixed_dictionaries({}, optional=strategies)


def walk_aligned(data: bytes, where: str = "body") -> list[tuple[int, int]]:
    """Check that every attribute in `data` starts 4-byte aligned.

    Returns (offset, type) pairs; raises AssertionError naming the offset.
    """
    assert len(data) % 4 == 0, f"{where}: {len(data)} bytes, not aligned"
    seen, offset = [], 0
    while offset < len(data):
        length, attr_type = NLA_HDR.unpack_from(data, offset)
        assert length >= NLA_HDR.size, f"{where}: bad length at {offset}"
        seen.append((offset, attr_type))
        offset += (length + 3) & ~3
    assert offset == len(data), f"{where}: attributes overrun the end"
    return seen


def decodes_or_refuses(cls: type, data: bytes) -> None:
    """Decode `data`; anything but success or DecodeError fails the test."""
    with contextlib.suppress(DecodeError):
        cls.decode(data)


def truncations(data: bytes) -> list[bytes]:
    """Every prefix of `data`."""
    return [data[:cut] for cut in range(len(data))]


def corrupt(data: bytes, position: int, value: int) -> bytes:
    """`data` with one byte replaced."""
    position %= len(data)
    return data[:position] + bytes([value]) + data[position + 1 :]


def lie_about_length(data: bytes, offset: int, length: int) -> bytes:
    """`data` with the attribute at `offset` claiming `length` bytes."""
    patched = bytearray(data)
    struct.pack_into("=H", patched, offset, length)
    return bytes(patched)

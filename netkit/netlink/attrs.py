"""Netlink attributes: type-length-value records and their codecs.

An attribute is a 4-byte header and a payload, padded to 4 bytes::

    0       2       4
    +-------+-------+-------------------------+---------+
    | len   | type  | payload (len - 4 bytes) | padding |
    +-------+-------+-------------------------+---------+

The top two bits of `type` are flags: NLA_F_NESTED says the payload is
itself a list of attributes; NLA_F_NET_BYTEORDER says it is big-endian.
Some kernels set NLA_F_NESTED on nests and some do not, so decoding masks
both bits off; encoding always sets NLA_F_NESTED on nests.

An `AttrTable` maps the kernel's numbers (an `IntEnum` spelled as in the
uapi headers) to codecs.  Decoding gives a dict keyed by Python names (the
kernel name with its prefix stripped, lower case: IFLA_IFNAME -> "ifname");
attributes the table does not know are kept raw under their full type
number, so a message decoded and encoded again gives back the same bytes.
"""

from __future__ import annotations

import enum
import ipaddress
import socket
import struct
from collections.abc import Callable, Iterator, Mapping

from netkit.errors import DecodeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

NLA_HDR = struct.Struct("=HH")
NLA_HDRLEN = NLA_HDR.size
NLA_F_NESTED = 0x8000
NLA_F_NET_BYTEORDER = 0x4000
NLA_TYPE_MASK = 0x3FFF
NLA_MAX_LEN = 0xFFFF

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_PADDING = (b"", b"\0\0\0", b"\0\0", b"\0")
_ADDRESS_TYPES = (ipaddress.IPv4Address, ipaddress.IPv6Address)


def pack_attr(attr_type: int, payload: bytes) -> bytes:
    """One attribute: header, payload and padding."""
    length = NLA_HDRLEN + len(payload)
    if length > NLA_MAX_LEN:
        raise ValueError(f"attribute {attr_type} is too long ({length} bytes)")
    return NLA_HDR.pack(length, attr_type) + payload + _PADDING[length & 3]


def iter_attrs(data: memoryview | bytes) -> Iterator[tuple[int, memoryview]]:
    """Yield (type with flags, payload) for each attribute in `data`."""
    view = memoryview(data)
    offset, end = 0, len(view)
    while offset < end:
        _check_header(view, offset)
        length, attr_type = NLA_HDR.unpack_from(view, offset)
        yield attr_type, view[offset + NLA_HDRLEN : offset + length]
        offset += (length + 3) & ~3


def _check_header(view: memoryview, offset: int, start: int = 0) -> None:
    # Raise DecodeError unless a whole attribute starts at `offset`; the
    # error's offset counts from `start`, where the attributes begin.
    left = len(view) - offset
    if left < NLA_HDRLEN:
        raise DecodeError(
            f"{left} stray bytes after the last attribute",
            offset=offset - start,
        )
    length, attr_type = NLA_HDR.unpack_from(view, offset)
    if length < NLA_HDRLEN or length > left:
        raise DecodeError(
            f"attribute {attr_type & NLA_TYPE_MASK} claims {length} "
            f"bytes, {left} left",
            offset=offset - start,
        )


class Codec:
    """Turns one attribute's payload into a Python value and back.

    `context` is the dict of the attribute set being decoded or encoded, so
    that a payload's meaning can depend on an attribute before it (the
    data of a link depends on its kind).
    """

    nested = False

    def type_flags(self, context: Mapping) -> int:
        """The flags to set on the attribute's type when encoding."""
        return NLA_F_NESTED if self.nested else 0

    def encode(self, value: Any, context: Mapping) -> bytes:
        raise NotImplementedError

    def decode(self, data: memoryview, context: Mapping) -> Any:
        raise NotImplementedError

    def encode_attr(self, number: int, value: Any, context: Mapping) -> bytes:
        """The whole attribute: header, payload and padding."""
        payload = self.encode(value, context)
        return pack_attr(number | self.type_flags(context), payload)


class Scalar(Codec):
    """A fixed-size integer in a `struct` format."""

    def __init__(self, fmt: str) -> None:
        self._struct = struct.Struct(fmt)
        # Header, value and padding in one precompiled format.
        size = self._struct.size
        pad = -size & 3
        self._attr = struct.Struct(f"{fmt[0]}HH{fmt[1:]}{pad}x")
        self._attr_len = NLA_HDRLEN + size
        if fmt[0] == ">":
            # The header stays in host order whatever the payload's.
            self._attr = None
        bits = size * 8
        signed = fmt[-1].islower()
        self.range = (
            (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
            if signed
            else (0, (1 << bits) - 1)
        )

    def encode(self, value: int, context: Mapping) -> bytes:
        try:
            return self._struct.pack(value)
        except struct.error:
            raise self._unfit(value) from None

    def encode_attr(self, number: int, value: int, context: Mapping) -> bytes:
        if self._attr is None:
            return super().encode_attr(number, value, context)
        try:
            return self._attr.pack(self._attr_len, number, value)
        except struct.error:
            raise self._unfit(value) from None

    def _unfit(self, value: object) -> ValueError:
        # In our words, not struct's ("'I' format requires ...").
        if not isinstance(value, int):
            return ValueError(f"{value!r} is not a number")
        low, high = self.range
        return ValueError(f"{value!r} does not fit ({low} to {high})")

    def decode(self, data: memoryview, context: Mapping) -> int:
        if len(data) != self._struct.size:
            raise DecodeError(
                f"expected {self._struct.size} bytes, got {len(data)}"
            )
        return self._struct.unpack(data)[0]


class String(Codec):
    """A NUL-terminated string; bytes that are not UTF-8 survive."""

    def encode(self, value: str, context: Mapping) -> bytes:
        if "\0" in value:
            raise ValueError(f"{value!r} holds a NUL character")
        return value.encode("utf-8", "surrogateescape") + b"\0"

    def decode(self, data: memoryview, context: Mapping) -> str:
        raw = bytes(data)
        end = raw.find(b"\0")
        if end >= 0:
            raw = raw[:end]
        return raw.decode("utf-8", "surrogateescape")


class Binary(Codec):
    """Raw bytes, as they are."""

    def encode(self, value: bytes, context: Mapping) -> bytes:
        return bytes(value)

    def decode(self, data: memoryview, context: Mapping) -> bytes:
        return bytes(data)


class Flag(Codec):
    """An attribute whose presence is the value (NLA_FLAG)."""

    def encode(self, value: bool, context: Mapping) -> bytes:
        return b""

    def decode(self, data: memoryview, context: Mapping) -> bool:
        if len(data):
            raise DecodeError(f"a flag carries {len(data)} bytes")
        return True


class IPAddr(Codec):
    """An IPv4 or IPv6 address, told apart by its length."""

    def __init__(self, *lengths: int) -> None:
        self._lengths = lengths or (4, 16)

    def encode(self, value: IPAddress | str, context: Mapping) -> bytes:
        packed = pack_address(value)
        if len(packed) not in self._lengths:
            raise ValueError(f"{value} is not an address of this family")
        return packed

    def decode(self, data: memoryview, context: Mapping) -> IPAddress:
        if len(data) == 4 and 4 in self._lengths:
            return ipaddress.IPv4Address(bytes(data))
        if len(data) == 16 and 16 in self._lengths:
            return ipaddress.IPv6Address(bytes(data))
        raise DecodeError(f"an address of {len(data)} bytes")


def pack_address(value: IPAddress | str) -> bytes:
    """The 4 or 16 bytes of an IP address given as text or an object.

    Text goes through inet_pton first (a tenth of the time `ipaddress`
    takes); what it refuses goes to `ipaddress`, which raises the usual
    ValueError.  An IPv6 zone ("fe80::1%eth0") is a ValueError too:
    netlink has no room for it, and dropping it would say something else.
    """
    if type(value) is str:
        family = socket.AF_INET6 if ":" in value else socket.AF_INET
        try:
            return socket.inet_pton(family, value)
        except OSError:
            pass
    elif (
        type(value) in _ADDRESS_TYPES
        and getattr(value, "scope_id", None) is None
    ):
        return value.packed
    address = ipaddress.ip_address(value)
    if getattr(address, "scope_id", None) is not None:
        raise ValueError(
            f"address {address} has a zone (%{address.scope_id}): netlink "
            "carries the address without it"
        )
    return address.packed


class LinkLayerAddress(Codec):
    """A hardware address of any length, written "02:00:00:00:00:01"."""

    def encode(self, value: str, context: Mapping) -> bytes:
        # Devices without a hardware address (tun, ipip) send an empty one.
        return parse_lladdr(value) if value != "" else b""

    def decode(self, data: memoryview, context: Mapping) -> str:
        return bytes(data).hex(":")


def parse_lladdr(text: str) -> bytes:
    """Parse colon-separated hex octets, raising ValueError when malformed."""
    parts = text.split(":") if isinstance(text, str) else []
    if not parts or not all(
        1 <= len(p) <= 2 and all(c in "0123456789abcdefABCDEF" for c in p)
        for p in parts
    ):
        raise ValueError(f"{text!r} is not a hardware address")
    return bytes(int(p, 16) for p in parts)


class StructCodec(Codec):
    """A C struct as a dict of its fields; longer payloads keep their tail.

    Kernels grow some structs (link statistics gained counters over time),
    so extra bytes are kept raw under "_tail", and a struct of one field
    type that arrives short decodes only the fields it holds.
    """

    def __init__(self, fmt: str, names: tuple[str, ...]) -> None:
        self._struct = struct.Struct(fmt)
        self._names = names
        order, types = fmt[0], fmt[1:]
        self._uniform = (order, types[0]) if len(set(types)) == 1 else None

    def encode(self, value: Mapping[str, Any], context: Mapping) -> bytes:
        present = [name for name in self._names if name in value]
        if len(present) == len(self._names):
            packer = self._struct
        elif self._uniform and present == list(self._names[: len(present)]):
            order, kind = self._uniform
            packer = struct.Struct(order + kind * len(present))
        else:
            raise ValueError(f"missing fields of {self._names}")

        try:
            raw = packer.pack(*(value[name] for name in present))
        except struct.error as exc:
            raise ValueError(f"{value!r} does not fit: {exc}") from None
        return raw + value.get("_tail", b"")

    def decode(self, data: memoryview, context: Mapping) -> dict[str, Any]:
        size = self._struct.size
        if len(data) >= size:
            unpacked = self._struct.unpack_from(data)
            values = dict(zip(self._names, unpacked, strict=True))
            if len(data) > size:
                values["_tail"] = bytes(data[size:])
            return values
        if self._uniform is None:
            raise DecodeError(f"expected {size} bytes, got {len(data)}")
        order, kind = self._uniform
        count, rest = divmod(len(data), struct.calcsize(order + kind))
        if rest:
            raise DecodeError(f"expected {size} bytes, got {len(data)}")
        values = struct.unpack(order + kind * count, data)
        return dict(zip(self._names, values, strict=False))


class Nested(Codec):
    """A payload that is itself a set of attributes."""

    nested = True

    def __init__(self, table: AttrTable | Callable[[], AttrTable]) -> None:
        self._table = table

    @property
    def table(self) -> AttrTable:
        if not isinstance(self._table, AttrTable):
            self._table = self._table()
        return self._table

    def encode(self, value: Mapping, context: Mapping) -> bytes:
        return self.table.encode(value)

    def decode(self, data: memoryview, context: Mapping) -> dict:
        return self.table.decode(data)


class Multi:
    """Marks an attribute that may repeat: its value is a list."""

    def __init__(self, codec: Codec) -> None:
        self.codec = codec


class ByKey(Codec):
    """A payload whose codec depends on an earlier attribute of the set.

    `choices` maps that attribute's value to a codec; it may grow later (a
    new link kind registers its data table), and values without a codec
    stay raw bytes.
    """

    def __init__(self, key: str, choices: dict[Any, Codec]) -> None:
        self._key = key
        self.choices = choices

    def _codec(self, context: Mapping) -> Codec:
        return self.choices.get(context.get(self._key), BINARY)

    def encode(self, value: Any, context: Mapping) -> bytes:
        return self._codec(context).encode(value, context)

    def decode(self, data: memoryview, context: Mapping) -> Any:
        return self._codec(context).decode(data, context)

    def type_flags(self, context: Mapping) -> int:
        return self._codec(context).type_flags(context)


U8 = Scalar("=B")
U16 = Scalar("=H")
U32 = Scalar("=I")
U64 = Scalar("=Q")
S8 = Scalar("=b")
S32 = Scalar("=i")
BE16 = Scalar(">H")
BE32 = Scalar(">I")
STRING = String()
BINARY = Binary()
FLAG = Flag()
IPV4 = IPAddr(4)
IPV6 = IPAddr(16)
IPADDR = IPAddr(4, 16)
LLADDR = LinkLayerAddress()


class AttrTable:
    """The attributes of one attribute space, by number and by name."""

    def __init__(
        self,
        numbers: type[enum.IntEnum],
        codecs: Mapping[int, Codec | Multi],
        *,
        prefix: str | None = None,
    ) -> None:
        if prefix is None:
            prefix = numbers(0).name.removesuffix("UNSPEC")
        self.name = prefix.rstrip("_")
        self.by_type: dict[int, tuple[str, Codec, bool]] = {}
        self.by_name: dict[str, tuple[int, Codec, bool]] = {}
        for number, spec in codecs.items():
            multi = isinstance(spec, Multi)
            codec = spec.codec if isinstance(spec, Multi) else spec
            name = numbers(number).name.removeprefix(prefix).lower()
            self.by_type[int(number)] = (name, codec, multi)
            self.by_name[name] = (int(number), codec, multi)
        # Integers and addresses are read in place by `decode`, without a
        # slice: keyed by type and length, so a wrong length goes the
        # long way and gets its DecodeError.
        self._fixed: dict[int, tuple[str, Callable, Callable | None]] = {}
        for number, (name, codec, multi) in self.by_type.items():
            if not multi:
                for size, reader in _readers(codec):
                    key = number << 16 | (NLA_HDRLEN + size)
                    self._fixed[key] = (name, *reader)

    def __repr__(self) -> str:
        return f"<AttrTable {self.name}>"

    def decode(self, data: memoryview | bytes) -> dict[str | int, Any]:
        """Decode a run of attributes into a dict.

        Payloads chosen by key (`ByKey`) are decoded last, so that their
        key may come before or after them; the dict keeps the wire order.
        The loop is `iter_attrs` and `_store` written out: this is the
        inner loop of every dump.
        """
        view = data if type(data) is memoryview else memoryview(data)
        return self.decode_from(view, 0)

    def decode_from(self, view: memoryview, offset: int) -> dict:
        """`decode` of the attributes from `offset` to the end of `view`."""
        values: dict[str | int, Any] = {}
        later = None
        by_type, fixed = self.by_type, self._fixed
        start, end = offset, len(view)
        while offset < end:
            if end - offset < NLA_HDRLEN:
                _check_header(view, offset, start)
            length, attr_type = _unpack_header(view, offset)
            if length < NLA_HDRLEN or length > end - offset:
                _check_header(view, offset, start)
            number = attr_type & NLA_TYPE_MASK
            reader = fixed.get(number << 16 | length)
            if reader is not None:
                name, unpack_from, wrap = reader
                value = unpack_from(view, offset + NLA_HDRLEN)[0]
                values[name] = value if wrap is None else wrap(value)
                offset += (length + 3) & ~3
                continue
            payload = view[offset + NLA_HDRLEN : offset + length]
            offset += (length + 3) & ~3
            entry = by_type.get(number)
            if entry is None:
                _keep_raw(values, attr_type, payload)
                continue
            name, codec, multi = entry
            if type(codec) is ByKey:
                values.setdefault(name, [] if multi else None)
                later = later or []
                later.append((entry, payload))
                continue
            try:
                value = codec.decode(payload, values)
            except _DECODE_FAULTS as exc:
                _reraise(exc, name)
            if multi:
                values.setdefault(name, []).append(value)
            else:
                values[name] = value

        for entry, payload in later or ():
            _store(values, entry, payload)
        return values

    def encode(self, values: Mapping[str | int, Any]) -> bytes:
        """Encode a dict of attributes; None values are left out."""
        parts = []
        by_name = self.by_name
        for key, value in values.items():
            if value is None:
                continue
            entry = by_name.get(key)
            if entry is not None:
                number, codec, multi = entry
                try:
                    if not multi:
                        parts.append(codec.encode_attr(number, value, values))
                        continue
                    for item in value:
                        parts.append(codec.encode_attr(number, item, values))
                except ValueError as exc:
                    if type(codec) is not Scalar:
                        raise
                    raise ValueError(f"{key}: {exc}") from None
            elif isinstance(key, int):
                raws = value if isinstance(value, list) else [value]
                parts.extend(pack_attr(key, bytes(raw)) for raw in raws)
            else:
                raise ValueError(f"{self.name} has no attribute {key!r}")
        return b"".join(parts)


_unpack_header = NLA_HDR.unpack_from
_IPV4_NUMBER = struct.Struct("!I")
_IPV6_BYTES = struct.Struct("16s")


def _readers(codec: Codec) -> list[tuple[int, tuple[Callable, Any]]]:
    # (payload size, (unpack_from, wrap)) for codecs of fixed sizes that
    # `AttrTable.decode` reads in place; the value is wrap(field 0).
    if type(codec) is Scalar:
        return [(codec._struct.size, (codec._struct.unpack_from, None))]
    if type(codec) is IPAddr:
        readers = {
            4: (_IPV4_NUMBER.unpack_from, ipaddress.IPv4Address),
            16: (_IPV6_BYTES.unpack_from, ipaddress.IPv6Address),
        }
        return [(n, readers[n]) for n in codec._lengths if n in readers]
    return []


# What a codec may raise on bad bytes; `_reraise` says it again with the
# attribute's path.
_DECODE_FAULTS = (
    DecodeError,
    ValueError,
    struct.error,
    IndexError,
    KeyError,
    RecursionError,
)


def _keep_raw(
    values: dict[str | int, Any], attr_type: int, payload: memoryview
) -> None:
    raw = bytes(payload)
    if attr_type not in values:
        values[attr_type] = raw
    elif isinstance(values[attr_type], list):
        values[attr_type].append(raw)
    else:
        values[attr_type] = [values[attr_type], raw]


def _store(
    values: dict[str | int, Any],
    entry: tuple[str, Codec, bool],
    payload: memoryview,
) -> None:
    name, codec, multi = entry
    value = _decode_one(codec, payload, values, name)
    if multi:
        values.setdefault(name, []).append(value)
    else:
        values[name] = value


def _decode_one(
    codec: Codec, payload: memoryview, context: Mapping, name: str
) -> Any:
    try:
        return codec.decode(payload, context)
    except _DECODE_FAULTS as exc:
        _reraise(exc, name)


def _reraise(exc: BaseException, name: str) -> NoReturn:
    # Every fault of a codec comes out as a DecodeError naming its path.
    if isinstance(exc, DecodeError):
        exc.path.insert(0, name)
        raise exc
    if isinstance(exc, RecursionError):
        # A nest that may hold itself (a veth peer) can go deeper than
        # Python's stack in 64 KiB of hostile bytes.
        raise DecodeError(
            "attributes nested too deeply", path=[name]
        ) from None
    raise DecodeError(str(exc), path=[name]) from exc

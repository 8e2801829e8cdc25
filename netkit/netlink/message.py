"""Typed message bodies: a fixed C struct followed by attributes.

A family declares its struct once (`HEADER`, `FIELDS`) and its attribute
table (`ATTRS`); `encode()` and `decode()` are written here for all of
them.  Header fields are attributes of the object; netlink attributes live
in the `attrs` dict, keyed by their Python names.
"""

from __future__ import annotations

import operator
import struct
from collections.abc import Callable, Iterator

from netkit.errors import DecodeError
from netkit.netlink.attrs import AttrTable
from netkit.netlink.header import align

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    M = TypeVar("M", bound="Message")


class Message:
    """A netlink message body of one family."""

    HEADER: ClassVar[struct.Struct]
    FIELDS: ClassVar[tuple[str, ...]]
    ATTRS: ClassVar[AttrTable]
    # What the message is about ("link", "address"...): refines errors.
    SUBJECT: ClassVar[str | None] = None

    # Filled in for each subclass: header fields all 0, a setter and a
    # getter of them in order, their names as a set, the padding after
    # them and where attributes start.
    _ZEROS: ClassVar[tuple[int, ...]]
    _SET_FIELDS: ClassVar[Callable[[Message, tuple], None]]
    _FIELD_SET: ClassVar[frozenset[str]]
    _FIELD_VALUES: ClassVar[Callable[[Message], tuple]]
    _PADDING: ClassVar[bytes]
    _START: ClassVar[int]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = getattr(cls, "FIELDS", None)
        if fields is None or not hasattr(cls, "HEADER"):
            return
        cls._ZEROS = (0,) * len(fields)
        cls._SET_FIELDS = staticmethod(_setter(fields))
        cls._FIELD_SET = frozenset(fields)
        cls._FIELD_VALUES = staticmethod(_getter(fields))
        # Attributes start at the next 4-byte boundary (struct rtgenmsg
        # is one byte).
        cls._PADDING = b"\0" * (align(cls.HEADER.size) - cls.HEADER.size)
        cls._START = align(cls.HEADER.size)

    def __init__(
        self, attrs: dict[str | int, Any] | None = None, **values: Any
    ) -> None:
        self._SET_FIELDS(self, self._ZEROS)
        self.attrs: dict[str | int, Any] = dict(attrs) if attrs else {}
        fields, known = self._FIELD_SET, self.ATTRS.by_name
        for name, value in values.items():
            if name in fields:
                setattr(self, name, value)
            elif name not in known:
                raise TypeError(
                    f"{type(self).__name__} has no field or attribute {name!r}"
                )
            elif value is not None:
                self.attrs[name] = value

    @classmethod
    def decode(cls: type[M], data: memoryview | bytes) -> M:
        """Decode a message body (without the netlink header)."""
        size = cls.HEADER.size
        if len(data) < size:
            raise DecodeError(
                f"{len(data)} bytes, the header needs {size}",
                path=[cls.__name__],
            )
        message = cls.__new__(cls)
        cls._SET_FIELDS(message, cls.HEADER.unpack_from(data))
        view = data if type(data) is memoryview else memoryview(data)
        try:
            message.attrs = cls.ATTRS.decode_from(view, cls._START)
        except DecodeError as exc:
            exc.path.insert(0, cls.__name__)
            raise
        return message

    def encode(self) -> bytes:
        """The message body as the kernel expects it."""
        try:
            header = self.HEADER.pack(*self._FIELD_VALUES(self))
        except struct.error as exc:
            raise ValueError(f"{type(self).__name__}: {exc}") from None
        return header + self._PADDING + self.ATTRS.encode(self.attrs)

    def get(self, name: str | int, default: Any = None) -> Any:
        """An attribute's value, or `default` when the kernel sent none."""
        return self.attrs.get(name, default)

    def __getitem__(self, name: str | int) -> Any:
        return self.attrs[name]

    def __setitem__(self, name: str | int, value: Any) -> None:
        if isinstance(name, str) and name not in self.ATTRS.by_name:
            raise KeyError(f"{self.ATTRS.name} has no attribute {name!r}")
        self.attrs[name] = value

    def __contains__(self, name: object) -> bool:
        return name in self.attrs

    def __iter__(self) -> Iterator[str | int]:
        return iter(self.attrs)

    def fields(self) -> dict[str, Any]:
        """The header's fields as a dict."""
        return {name: getattr(self, name) for name in self.FIELDS}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.fields() == other.fields() and self.attrs == other.attrs

    def __repr__(self) -> str:
        parts = [f"{k}={v!r}" for k, v in self.fields().items()]
        parts += [f"{k}={v!r}" for k, v in self.attrs.items()]
        return f"{type(self).__name__}({', '.join(parts)})"


def _setter(fields: tuple[str, ...]) -> Callable[[Message, tuple], None]:
    # `m.a, m.b, ... = values`, written once per class as dataclasses
    # write their __init__: attribute stores are four times quicker than
    # filling the instance's __dict__.
    if not all(name.isidentifier() for name in fields):
        raise ValueError(f"header field names must be identifiers: {fields}")
    if not fields:
        return lambda message, values: None
    targets = ", ".join(f"m.{name}" for name in fields)
    scope: dict[str, Any] = {}
    exec(f"def set_fields(m, v):\n    {targets}, = v\n", scope)
    return scope["set_fields"]


def _getter(fields: tuple[str, ...]) -> Callable[[Message], tuple]:
    # attrgetter gives a bare value for one name; pack() wants a tuple.
    if not fields:
        return lambda message: ()
    get = operator.attrgetter(*fields)
    if len(fields) == 1:
        return lambda message: (get(message),)
    return get

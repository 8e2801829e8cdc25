"""Typed message bodies: a fixed C struct followed by attributes.

A family declares its struct once (`HEADER`, `FIELDS`) and its attribute
table (`ATTRS`); `encode()` and `decode()` are written here for all of
them.  Header fields are attributes of the object; netlink attributes live
in the `attrs` dict, keyed by their Python names.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any, ClassVar, TypeVar

from netkit.errors import DecodeError
from netkit.netlink.attrs import AttrTable
from netkit.netlink.header import align

M = TypeVar("M", bound="Message")


class Message:
    """A netlink message body of one family."""

    HEADER: ClassVar[struct.Struct]
    FIELDS: ClassVar[tuple[str, ...]]
    ATTRS: ClassVar[AttrTable]
    # What the message is about ("link", "address"...): refines errors.
    SUBJECT: ClassVar[str | None] = None

    def __init__(
        self, attrs: dict[str | int, Any] | None = None, **values: Any
    ) -> None:
        for name in self.FIELDS:
            setattr(self, name, values.pop(name, 0))
        self.attrs: dict[str | int, Any] = dict(attrs or {})
        for name, value in values.items():
            if name not in self.ATTRS.by_name:
                raise TypeError(
                    f"{type(self).__name__} has no field or attribute {name!r}"
                )
            if value is not None:
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
        for name, value in zip(
            cls.FIELDS, cls.HEADER.unpack_from(data), strict=True
        ):
            setattr(message, name, value)
        try:
            message.attrs = cls.ATTRS.decode(memoryview(data)[align(size) :])
        except DecodeError as exc:
            exc.path.insert(0, cls.__name__)
            raise
        return message

    def encode(self) -> bytes:
        """The message body as the kernel expects it."""
        try:
            header = self.HEADER.pack(*(getattr(self, f) for f in self.FIELDS))
        except struct.error as exc:
            raise ValueError(f"{type(self).__name__}: {exc}") from None
        # Attributes start at the next 4-byte boundary (struct rtgenmsg
        # is one byte).
        padding = b"\0" * (align(len(header)) - len(header))
        return header + padding + self.ATTRS.encode(self.attrs)

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

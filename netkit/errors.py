"""The errors netkit raises.

Kernel refusals are `NetlinkError`, an `OSError` carrying the errno, the
text of the kernel's extended ACK and the request that failed.  Common
cases have subclasses; each also derives from the matching built-in
`OSError` subclass where one exists, so `except FileExistsError` works too.
Malformed bytes from the kernel are `DecodeError`; bad input from the
caller is a plain `ValueError`, raised before anything is sent.
"""

from __future__ import annotations

import errno as _errno
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class DecodeError(ValueError):
    """Bytes that do not form a valid netlink message.

    `path` names where decoding failed, outermost first (message type,
    attribute, nested attribute), and `offset` is the byte position in the
    buffer that was being decoded, when known.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: list[str] | None = None,
        offset: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = list(path or [])
        self.offset = offset

    def __str__(self) -> str:
        where = " > ".join(self.path)
        text = f"{where}: {self.reason}" if where else self.reason
        if self.offset is not None:
            text += f" (at byte {self.offset})"
        return text


class NetlinkError(OSError):
    """The kernel refused a request.

    `errno` is positive, `message` is the extended-ACK text ("" when the
    kernel gave none), `offset` points into the request at the attribute
    the kernel blamed, and `request` describes what was asked.
    """

    def __init__(
        self,
        code: int,
        message: str = "",
        *,
        offset: int | None = None,
        request: Any = None,
    ) -> None:
        strerror = _strerror(code)
        if message:
            strerror = f"{strerror}: {message}"
        super().__init__(code, strerror)
        self.message = message
        self.offset = offset
        self.request = request

    def __reduce__(self) -> tuple:
        # Pickled across ns.run() threads and processes: keep the fields.
        state = {"offset": self.offset, "request": self.request}
        return (_rebuild, (type(self), self.errno, self.message, state))


def _strerror(code: int) -> str:
    # A corrupt error message may carry any 32-bit number.
    try:
        return os.strerror(code)
    except (OverflowError, ValueError):
        return f"Unknown error {code}"


def _rebuild(
    cls: type[NetlinkError], code: int, message: str, state: dict
) -> NetlinkError:
    error = cls(code, message)
    error.__dict__.update(state)
    return error


class Exists(NetlinkError, FileExistsError):
    """EEXIST: the object to create is already there."""


class NotFound(NetlinkError):
    """ENOENT, ESRCH or ENODEV: the object named is not there."""


class PermissionDenied(NetlinkError, PermissionError):
    """EPERM or EACCES: netkit needs CAP_NET_ADMIN (or CAP_SYS_ADMIN)."""


class Busy(NetlinkError):
    """EBUSY: the object is in use."""


class InvalidArgument(NetlinkError):
    """EINVAL: the kernel rejected a value; `message` usually says which."""


class NotSupported(NetlinkError):
    """EOPNOTSUPP: this kernel or driver cannot do what was asked."""


class NetworkUnreachable(NetlinkError):
    """ENETUNREACH: no route, or a gateway outside every connected prefix."""


class AddressNotAvailable(NetlinkError):
    """EADDRNOTAVAIL: an address (IP or MAC) that cannot be used here."""


class DumpInterrupted(NetlinkError):
    """A dump changed while it was read (NLM_F_DUMP_INTR); retry it."""

    def __init__(
        self, code: int = _errno.EINTR, message: str = "", **kwargs: Any
    ) -> None:
        text = message or "the dump changed while it was read; dump again"
        super().__init__(code, text, **kwargs)


class BufferOverrun(NetlinkError):
    """ENOBUFS on receive: the kernel dropped messages; dump again."""

    def __init__(
        self, code: int = _errno.ENOBUFS, message: str = "", **kwargs: Any
    ) -> None:
        text = message or (
            "the socket's receive buffer overflowed and the kernel dropped "
            "messages; the state must be dumped again"
        )
        super().__init__(code, text, **kwargs)


class EventsLost(BufferOverrun):
    """A monitor fell behind and the kernel dropped events (ENOBUFS).

    What the monitor knew is stale: dump again (`monitor.resync()`, or
    `ns.monitor(resync=True)` to have it done each time).
    """

    def __init__(
        self, code: int = _errno.ENOBUFS, message: str = "", **kwargs: Any
    ) -> None:
        text = message or (
            "the monitor fell behind and the kernel dropped events; what "
            "it knew is stale: dump again (monitor.resync())"
        )
        super().__init__(code, text, **kwargs)


class LinkExists(Exists):
    """A link of that name exists."""


class LinkNotFound(NotFound):
    """No such link."""


class AddressExists(Exists):
    """The address is already on the link."""


class AddressNotFound(NotFound):
    """No such address on the link."""


class RouteExists(Exists):
    """A route to that destination exists in the table."""


class RouteNotFound(NotFound):
    """No such route."""


class NeighbourExists(Exists):
    """A neighbour entry for that address exists on the link."""


class NeighbourNotFound(NotFound):
    """No such neighbour entry."""


class NamespaceExists(Exists):
    """A network namespace of that name exists."""


class NamespaceNotFound(NotFound):
    """No network namespace of that name."""


_BY_ERRNO: dict[int, type[NetlinkError]] = {
    _errno.EEXIST: Exists,
    _errno.ENOENT: NotFound,
    _errno.ESRCH: NotFound,
    _errno.ENODEV: NotFound,
    _errno.EPERM: PermissionDenied,
    _errno.EACCES: PermissionDenied,
    _errno.EBUSY: Busy,
    _errno.EINVAL: InvalidArgument,
    _errno.EOPNOTSUPP: NotSupported,
    _errno.ENETUNREACH: NetworkUnreachable,
    _errno.EADDRNOTAVAIL: AddressNotAvailable,
}

# What a request is about ("link", "address", ...) refines the class: a
# message class names its subject in `error_subject`.
_BY_SUBJECT: dict[tuple[str, type[NetlinkError]], type[NetlinkError]] = {
    ("link", Exists): LinkExists,
    ("link", NotFound): LinkNotFound,
    ("address", Exists): AddressExists,
    ("address", NotFound): AddressNotFound,
    ("route", Exists): RouteExists,
    ("route", NotFound): RouteNotFound,
    ("neighbour", Exists): NeighbourExists,
    ("neighbour", NotFound): NeighbourNotFound,
}


def error_class(code: int, subject: str | None = None) -> type[NetlinkError]:
    """Return the most specific class for an errno and a request subject."""
    cls = _BY_ERRNO.get(code, NetlinkError)
    return _BY_SUBJECT.get((subject or "", cls), cls)


def kernel_error(
    code: int,
    message: str = "",
    *,
    offset: int | None = None,
    request: Any = None,
    subject: str | None = None,
) -> NetlinkError:
    """Build the exception for a kernel error (`code` positive)."""
    cls = error_class(code, subject)
    return cls(code, message, offset=offset, request=request)

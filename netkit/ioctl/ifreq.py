"""`struct ifreq`, the socket an interface ioctl goes through, its errors.

An interface ioctl (SIOCGIFFLAGS, SIOCETHTOOL...) names a device by
`ifr_name` and acts in the network namespace of the socket it is sent on.
So each call opens an AF_INET datagram socket inside the namespace — the
calling thread enters it for that moment only, and not at all when it is
there already — and closes it after the call.  A socket is not kept for
later: it would keep its namespace alive after `ip netns del`.

Errors name the request and the device: `LinkNotFound` for a device that
is not there (ENODEV), `NotSupported` for a request its driver does not
have (EOPNOTSUPP), and so on by errno (`netkit.errors.kernel_error`).
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netkit import _libc
from netkit.errors import NetlinkError, kernel_error
from netkit.ns import nsfs
from netkit.rtnl.link import check_ifname

if TYPE_CHECKING:
    from netkit.namespace import Namespace

log = logging.getLogger(__name__)

ffi = _libc.ffi


def ifreq(name: str) -> Any:
    """A zeroed `struct ifreq` for device `name`; ValueError for a bad name."""
    check_ifname(name)

    request = ffi.new("struct ifreq *")
    request.ifr_name = name.encode("utf-8", "surrogateescape")
    return request


def as_short(flags: int) -> int:
    """16 bits of flags as the C `short` of `ifr_flags` holds them."""
    return flags - 0x10000 if flags & 0x8000 else flags


def ifr_name(request: Any) -> str:
    """The device name in an ifreq, as the kernel may have rewritten it."""
    return ffi.string(request.ifr_name).decode("utf-8", "surrogateescape")


@contextlib.contextmanager
def inside(ns: Namespace | None) -> Iterator[None]:
    """Have the calling thread in `ns` for the block; None means here.

    The thread does not move when it is in `ns` already, so a caller
    without CAP_SYS_ADMIN can still ask about its own namespace.
    """
    if ns is None or _is_current(ns):
        yield
        return

    with ns:
        yield


def _is_current(ns: Namespace) -> bool:
    here = nsfs.identity_of(nsfs.THREAD_NET)
    return here == nsfs.identity(ns.fileno())


@contextlib.contextmanager
def interface_socket(ns: Namespace | None) -> Iterator[socket.socket]:
    """A datagram socket in `ns` for interface ioctls, closed after."""
    with inside(ns):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    with sock:
        yield sock


def call(
    fd: int,
    request: int,
    arg: Any,
    *,
    what: str,
    device: str | int,
    ns: Namespace | None = None,
) -> int:
    """ioctl(fd, request, arg), its failure raised as `ioctl_error`.

    `what` names the request in the error ("SIOCGIFFLAGS"), `device` the
    device it was about, by name or index.
    """
    log.debug("ioctl %s on %r", what, device)
    try:
        return _libc.ioctl(fd, request, arg)
    except OSError as exc:
        raise ioctl_error(exc.errno, what, device, ns) from exc


def ioctl_error(
    code: int,
    what: str,
    device: str | int,
    ns: Namespace | None = None,
    reason: str = "",
) -> NetlinkError:
    """The netkit error for request `what` on `device` failing with `code`.

    Its `request` attribute is `what`; `reason` is added to the message.
    """
    where = f" in {ns!r}" if ns is not None else ""
    name = f"index {device}" if isinstance(device, int) else repr(device)
    message = f"{what} on {name}{where}"
    if reason:
        message += f": {reason}"
    return kernel_error(code, message, request=what, subject="link")


def device_ioctl(
    ns: Namespace | None, request: int, arg: Any, *, what: str
) -> int:
    """An ifreq-carrying request `arg` sent on a socket inside `ns`."""
    device = ifr_name(arg)
    with interface_socket(ns) as sock:
        return call(
            sock.fileno(), request, arg, what=what, device=device, ns=ns
        )

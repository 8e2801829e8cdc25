"""TUN and TAP devices: links whose other end is a file descriptor.

A TAP device carries Ethernet frames, a TUN device IP packets: what the
kernel sends out of the link can be read from the descriptor, and what is
written to the descriptor arrives on the link as if from a wire.  They are
made by opening /dev/net/tun and asking TUNSETIFF for a device (rtnetlink
can list them, not create them).  The kernel puts the device in the
network namespace of the thread that opened /dev/net/tun, so the file is
opened inside the namespace asked for.

A device lives while a descriptor is attached to it, unless it is made
persistent (TUNSETPERSIST): then it stays after the descriptor is closed,
an ordinary link until deleted, and `open()` attaches to it again.
"""

from __future__ import annotations

import errno
import grp
import logging
import os
import pwd
import select
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, Literal, overload

from netkit import _libc
from netkit.errors import Busy, LinkExists
from netkit.ioctl.ifreq import as_short, call, ifr_name, ifreq, inside

# Link dumps decode a tun device's data once its kind is registered.
from netkit.rtnl.kinds import tun as _tun_kind  # noqa: F401

if TYPE_CHECKING:
    from typing import Self

    from netkit.links import Link
    from netkit.namespace import Namespace

log = logging.getLogger(__name__)

TUN_PATH = "/dev/net/tun"

# The most a read can return: the largest MTU a TAP takes (65521), an
# Ethernet header, and the packet information header if asked for.
MAX_FRAME = 65536 + 4


class TunTap:
    """An open TUN or TAP device: read, write, `fileno()`, `close()`.

    Made by `create()` or `open()` of `Tun` or `Tap`.  Closing the last
    descriptor of a device that is not persistent removes the device.
    """

    MODE: ClassVar[int] = 0
    KIND: ClassVar[str] = ""

    def __init__(self, fd: int, name: str, namespace: Namespace) -> None:
        self._fd = fd
        self.name = name
        self.namespace = namespace

    @overload
    @classmethod
    def create(
        cls,
        name: str,
        *,
        ns: Namespace | None = ...,
        persist: Literal[True] = ...,
        owner: int | str | None = ...,
        group: int | str | None = ...,
        multi_queue: bool = ...,
        packet_info: bool = ...,
    ) -> Link: ...

    @overload
    @classmethod
    def create(
        cls,
        name: str,
        *,
        ns: Namespace | None = ...,
        persist: Literal[False],
        owner: int | str | None = ...,
        group: int | str | None = ...,
        multi_queue: bool = ...,
        packet_info: bool = ...,
    ) -> Self: ...

    @classmethod
    def create(
        cls,
        name: str,
        *,
        ns: Namespace | None = None,
        persist: bool = True,
        owner: int | str | None = None,
        group: int | str | None = None,
        multi_queue: bool = False,
        packet_info: bool = False,
    ) -> Link | Self:
        """Make a device, like `ip tuntap add NAME mode tap`.

        Persistent (the default): returns the `Link`, and the device
        stays until deleted.  `persist=False`: returns the open device,
        removed again by `close()`.  `owner` and `group` (ids or names)
        may then open it without CAP_NET_ADMIN; `multi_queue` lets several
        descriptors share it; `packet_info` keeps the 4-byte header the
        kernel puts before each packet (flags, protocol).  A name may hold
        "%d" for the kernel to number ("tap%d").  LinkExists when the
        name is taken.
        """
        uid, gid = _user_id(owner), _group_id(group)
        flags = cls._flags(multi_queue, packet_info) | _libc.IFF_TUN_EXCL
        device = cls._attach(name, flags, ns)
        try:
            if uid is not None:
                device._ioctl(_libc.TUNSETOWNER, uid, "TUNSETOWNER")
            if gid is not None:
                device._ioctl(_libc.TUNSETGROUP, gid, "TUNSETGROUP")
            if persist:
                device._ioctl(_libc.TUNSETPERSIST, 1, "TUNSETPERSIST")
        except BaseException:
            device.close()
            raise

        if not persist:
            return device
        with device:
            return device.link()

    @classmethod
    def open(
        cls,
        name: str,
        *,
        ns: Namespace | None = None,
        multi_queue: bool = False,
        packet_info: bool = False,
    ) -> Self:
        """Attach to a persistent device made before, to read and write.

        `multi_queue` must be as the device was made; each `open()` of a
        multi-queue device is one more queue.  LinkNotFound when there is
        no such device, ValueError when it is not a TUN/TAP device; the
        kernel's InvalidArgument when it is of the other mode, Busy when
        another descriptor holds a single-queue device.
        """
        namespace = _namespace(ns)
        link = namespace.link(name)
        if link.kind != "tun":
            raise ValueError(f"{link!r} is not a TUN/TAP device")

        return cls._attach(name, cls._flags(multi_queue, packet_info), ns)

    @classmethod
    def _flags(cls, multi_queue: bool, packet_info: bool) -> int:
        flags = cls.MODE
        if multi_queue:
            flags |= _libc.IFF_MULTI_QUEUE
        if not packet_info:
            flags |= _libc.IFF_NO_PI
        return flags

    @classmethod
    def _attach(cls, name: str, flags: int, ns: Namespace | None) -> Self:
        request = ifreq(name)
        request.ifr_flags = as_short(flags)
        fd = _open_tun(ns)
        try:
            call(
                fd,
                _libc.TUNSETIFF,
                request,
                what="TUNSETIFF",
                device=name,
                ns=ns,
            )
        except Busy as exc:
            os.close(fd)
            if not flags & _libc.IFF_TUN_EXCL:
                raise
            where = f" in {ns!r}" if ns is not None else ""
            raise LinkExists(
                errno.EEXIST,
                f"TUNSETIFF: a link named {name!r} exists{where}",
                request="TUNSETIFF",
            ) from exc
        except BaseException:
            os.close(fd)
            raise

        device = cls(fd, ifr_name(request), _namespace(ns))
        log.debug("attached to %s %r", cls.KIND, device.name)
        return device

    def _ioctl(self, request: int, value: int, what: str) -> None:
        call(
            self.fileno(),
            request,
            value,
            what=what,
            device=self.name,
            ns=self.namespace,
        )

    # Using it.

    def fileno(self) -> int:
        """The descriptor, for selectors; ValueError once closed."""
        if self._fd < 0:
            raise ValueError(f"{self!r} is closed")
        return self._fd

    @property
    def closed(self) -> bool:
        return self._fd < 0

    def read(
        self, size: int = MAX_FRAME, timeout: float | None = None
    ) -> bytes:
        """One frame (TAP) or packet (TUN) the kernel sent out the device.

        Waits for one; `timeout` in seconds makes it give up with
        TimeoutError.
        """
        fd = self.fileno()
        if timeout is not None:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            if not poller.poll(max(0, int(timeout * 1000))):
                raise TimeoutError(f"nothing to read from {self!r}")

        return os.read(fd, size)

    def write(self, data: bytes) -> int:
        """Hand the kernel one frame (TAP) or packet (TUN), as if received.

        The device must be up (EIO otherwise).
        """
        try:
            return os.write(self.fileno(), data)
        except OSError as exc:
            exc.add_note(f"writing {len(data)} bytes to {self!r}")
            if exc.errno == errno.EIO:
                exc.add_note("is the device up? (device.link().up())")
            raise

    def link(self) -> Link:
        """The device as a `Link`: up(), add_address(), a bridge port..."""
        return self.namespace.link(self.name)

    def close(self) -> None:
        """Close the descriptor; a device that is not persistent goes."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_fd", -1) >= 0:
            os.close(self._fd)

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<{type(self).__name__} {self.name!r}{state}>"


class Tap(TunTap):
    """A TAP device: Ethernet frames in and out (`ip tuntap ... mode tap`)."""

    MODE = _libc.IFF_TAP
    KIND = "tap"


class Tun(TunTap):
    """A TUN device: IP packets in and out (`ip tuntap ... mode tun`)."""

    MODE = _libc.IFF_TUN
    KIND = "tun"


def _open_tun(ns: Namespace | None) -> int:
    """Open /dev/net/tun inside `ns`, where the device will be made."""
    try:
        with inside(ns):
            return os.open(TUN_PATH, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError as exc:
        exc.add_note(
            f"{TUN_PATH} is missing: load the tun module, or make the node "
            "(mknod /dev/net/tun c 10 200)"
        )
        raise


def _namespace(ns: Namespace | None) -> Namespace:
    if ns is not None:
        return ns
    from netkit.namespace import Namespace

    return Namespace.current()


def _user_id(owner: int | str | None) -> int | None:
    if owner is None or isinstance(owner, int) and not isinstance(owner, bool):
        return _check_id(owner, "owner")
    try:
        return pwd.getpwnam(owner).pw_uid
    except (KeyError, TypeError):
        raise ValueError(f"no user {owner!r}") from None


def _group_id(group: int | str | None) -> int | None:
    if group is None or isinstance(group, int) and not isinstance(group, bool):
        return _check_id(group, "group")
    try:
        return grp.getgrnam(group).gr_gid
    except (KeyError, TypeError):
        raise ValueError(f"no group {group!r}") from None


def _check_id(value: int | None, what: str) -> int | None:
    if value is not None and not 0 <= value < 0xFFFFFFFF:
        raise ValueError(f"{what} must be a user or group id, not {value}")
    return value

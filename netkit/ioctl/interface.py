"""Interface flags, index and name through the old socket ioctls.

The netlink objects never need these: `Link.flags`, `Link.index` and
`Link.up()` say and do the same.  They are the fallback that minimal tools
use (and that `ifconfig` used), kept for code that wants no netlink at
all.  The flags are those of `ip link` (IFF_UP, IFF_BROADCAST...) cut to
the 16 bits of `ifr_flags`: IFF_LOWER_UP and above are netlink's alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netkit import _libc
from netkit.ioctl.ifreq import (
    as_short,
    call,
    device_ioctl,
    ifr_name,
    ifreq,
    interface_socket,
)
from netkit.rtnl.common import check_index
from netkit.rtnl.link import IFF_UP

if TYPE_CHECKING:
    from netkit.namespace import Namespace

FLAGS_MASK = 0xFFFF


def get_flags(name: str, ns: Namespace | None = None) -> int:
    """The IFF_* flags of device `name` (SIOCGIFFLAGS), as in `ip link`.

    LinkNotFound when there is no such device in `ns` (default: the
    calling thread's namespace).
    """
    request = ifreq(name)
    device_ioctl(ns, _libc.SIOCGIFFLAGS, request, what="SIOCGIFFLAGS")
    return request.ifr_flags & FLAGS_MASK


def set_flags(name: str, flags: int, ns: Namespace | None = None) -> None:
    """Set all 16 IFF_* flags of `name` at once (SIOCSIFFLAGS).

    The kernel changes only those a user may change (IFF_UP, IFF_PROMISC,
    IFF_ALLMULTI...) and ignores the rest; read, change, write back.
    """
    if isinstance(flags, bool) or not 0 <= flags <= FLAGS_MASK:
        raise ValueError(f"interface flags are 16 bits, not {flags!r}")

    request = ifreq(name)
    request.ifr_flags = as_short(flags)
    device_ioctl(ns, _libc.SIOCSIFFLAGS, request, what="SIOCSIFFLAGS")


def set_up(name: str, up: bool = True, ns: Namespace | None = None) -> int:
    """Bring `name` up or down by ioctl (like `ifconfig NAME up`).

    Returns the flags as they were set.
    """
    flags = get_flags(name, ns)
    flags = flags | IFF_UP if up else flags & ~IFF_UP
    set_flags(name, flags, ns)
    return flags


def get_index(name: str, ns: Namespace | None = None) -> int:
    """The ifindex of device `name` (SIOCGIFINDEX)."""
    request = ifreq(name)
    device_ioctl(ns, _libc.SIOCGIFINDEX, request, what="SIOCGIFINDEX")
    return request.ifr_ifindex


def get_name(index: int, ns: Namespace | None = None) -> str:
    """The name of the device with ifindex `index` (SIOCGIFNAME)."""
    check_index(index)

    request = _libc.ffi.new("struct ifreq *")
    request.ifr_ifindex = index
    with interface_socket(ns) as sock:
        call(
            sock.fileno(),
            _libc.SIOCGIFNAME,
            request,
            what="SIOCGIFNAME",
            device=index,
            ns=ns,
        )
    return ifr_name(request)

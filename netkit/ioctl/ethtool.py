"""ethtool queries over SIOCETHTOOL: a link's driver and its counters.

Like `ethtool -i X` and `ethtool -S X`.  Netlink names a link's kind but
not its driver, and the per-driver counters (a veth's `peer_ifindex`,
per-queue XDP counts) are ethtool's alone.  A SIOCETHTOOL request is an
ifreq whose `ifr_data` points to an ethtool command structure; the
structure's first field, `cmd`, says which command it is::

    struct ifreq           struct ethtool_stats
    +----------+-------+   +-----+---------+-------------------+
    | ifr_name | data -+-->| cmd | n_stats | u64 data[n_stats] |
    +----------+-------+   +-----+---------+-------------------+

Counters take three commands: ETHTOOL_GSSET_INFO for how many there are,
ETHTOOL_GSTRINGS for their names, ETHTOOL_GSTATS for their values.  The
kernel writes as many as the driver has at each call, so the buffers leave
room for the count to grow in between (a veth given more queues), and a
changed count is asked again.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netkit import _libc
from netkit.ioctl.ifreq import device_ioctl, ifreq, ioctl_error

if TYPE_CHECKING:
    from netkit.namespace import Namespace

ffi = _libc.ffi

# Spare room in the counter buffers, and how often to ask again when the
# number of counters changed between two commands.
_SPARE = 64
_ATTEMPTS = 3


@dataclass(frozen=True)
class DriverInfo:
    """What `ethtool -i X` says; `str()` of it is the driver's name."""

    driver: str
    version: str
    firmware: str
    bus_info: str

    def __str__(self) -> str:
        return self.driver


def driver_info(name: str, ns: Namespace | None = None) -> DriverInfo:
    """The driver of device `name` (ETHTOOL_GDRVINFO), like `ethtool -i`.

    NotSupported for a device whose driver does not say (lo, for one).
    """
    info = ffi.new("struct ethtool_drvinfo *")
    info.cmd = _libc.ETHTOOL_GDRVINFO
    _ethtool(ns, name, info, "ETHTOOL_GDRVINFO")

    return DriverInfo(
        driver=_text(info.driver),
        version=_text(info.version),
        firmware=_text(info.fw_version),
        bus_info=_text(info.bus_info),
    )


def stats(name: str, ns: Namespace | None = None) -> dict[str, int]:
    """The driver's named counters of `name`, like `ethtool -S NAME`.

    In the driver's order.  NotSupported for a driver that keeps none (a
    bridge, lo).
    """
    for _ in range(_ATTEMPTS):
        count = _stats_count(ns, name)
        names = _stats_names(ns, name, count)
        values = _stats_values(ns, name, count)
        if len(names) == len(values) == count:
            return dict(zip(names, values, strict=True))

    raise ioctl_error(
        errno.EAGAIN,
        "ETHTOOL_GSTATS",
        name,
        ns,
        reason="the number of counters kept changing",
    )


def peer_ifindex(name: str, ns: Namespace | None = None) -> int:
    """The ifindex of a veth's peer, in the peer's own namespace.

    ValueError when `name` has no such counter (not a veth).
    """
    counters = stats(name, ns)
    if "peer_ifindex" not in counters:
        raise ValueError(f"{name!r} has no peer_ifindex counter (no veth)")
    return counters["peer_ifindex"]


def _ethtool(ns: Namespace | None, name: str, command: Any, what: str) -> None:
    request = ifreq(name)
    request.ifr_data = ffi.cast("char *", command)
    device_ioctl(ns, _libc.SIOCETHTOOL, request, what=what)


def _stats_count(ns: Namespace | None, name: str) -> int:
    info = ffi.new("struct ethtool_sset_info *", {"data": 1})
    info.cmd = _libc.ETHTOOL_GSSET_INFO
    info.sset_mask = 1 << _libc.ETH_SS_STATS
    _ethtool(ns, name, info, "ETHTOOL_GSSET_INFO")

    if not info.sset_mask & (1 << _libc.ETH_SS_STATS):
        raise ioctl_error(
            errno.EOPNOTSUPP,
            "ETHTOOL_GSTATS",
            name,
            ns,
            reason="the driver keeps no counters",
        )
    return info.data[0]


def _stats_names(ns: Namespace | None, name: str, count: int) -> list[str]:
    room = count + _SPARE
    size = _libc.ETH_GSTRING_LEN
    strings = ffi.new("struct ethtool_gstrings *", {"data": room * size})
    strings.cmd = _libc.ETHTOOL_GSTRINGS
    strings.string_set = _libc.ETH_SS_STATS
    strings.len = count
    _ethtool(ns, name, strings, "ETHTOOL_GSTRINGS")

    got = min(strings.len, room)
    raw = ffi.buffer(strings.data, got * size)
    return [_text(raw[i * size : (i + 1) * size]) for i in range(got)]


def _stats_values(ns: Namespace | None, name: str, count: int) -> list[int]:
    room = count + _SPARE
    values = ffi.new("struct ethtool_stats *", {"data": room})
    values.cmd = _libc.ETHTOOL_GSTATS
    values.n_stats = count
    _ethtool(ns, name, values, "ETHTOOL_GSTATS")

    return ffi.unpack(values.data, min(values.n_stats, room))


def _text(field: Any) -> str:
    """A NUL-padded C string field as text."""
    raw = field if isinstance(field, bytes) else ffi.string(field)
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")

"""The mount namespace a command inside a network namespace gets.

What `ip netns exec` sets up, on a thread that is about to start the
command and then end:

- a mount namespace of its own, with every mount made a slave, so that
  mounts made here never reach the caller while new mounts of the host
  (a namespace added later, say) still show up;
- a fresh sysfs on /sys: sysfs shows the network namespace of whoever
  mounted it, so /sys/class/net lists the namespace's links.  The old
  /sys goes first (with what is mounted under it, as with iproute2); when
  it cannot, the new one is laid over it, read-only if the old one was;
- each file or directory in /etc/netns/NAME bound over the same name in
  /etc (resolv.conf, hosts...).  iproute2 only warns when one of these
  binds fails; here the command does not start, since it would run with
  the wrong configuration.
"""

from __future__ import annotations

import errno
import os

from netkit import _libc
from netkit.ns.names import ETC_DIR


def isolate() -> None:
    """Give the calling thread a mount namespace whose mounts stay put."""
    _libc.unshare(_libc.CLONE_NEWNS)
    _libc.mount("", "/", "none", _libc.MS_SLAVE | _libc.MS_REC)


def netns_view(name: str | None) -> None:
    """Mount the network namespace's /sys and /etc/netns/NAME files.

    The calling thread must be in the network namespace already, and in a
    mount namespace of its own (`isolate`).  An unnamed namespace has no
    /etc/netns directory.
    """
    _remount_sysfs(name or "sysfs")
    if name is not None:
        _bind_etc(name)


def _remount_sysfs(source: str) -> None:
    flags = 0
    try:
        _libc.umount2("/sys", _libc.MNT_DETACH)
    except OSError as exc:
        # EINVAL: /sys is no mount point here; lay the new sysfs over it.
        if exc.errno != errno.EINVAL:
            raise
        if os.statvfs("/sys").f_flag & os.ST_RDONLY:
            flags = _libc.MS_RDONLY

    _libc.mount(source, "/sys", "sysfs", flags)


def _bind_etc(name: str) -> None:
    directory = os.path.join(ETC_DIR, name)
    try:
        entries = sorted(os.listdir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return

    for entry in entries:
        source = os.path.join(directory, entry)
        target = os.path.join("/etc", entry)
        try:
            _libc.mount(source, target, "none", _libc.MS_BIND)
        except OSError as exc:
            exc.add_note(f"binding {source} over {target}")
            raise

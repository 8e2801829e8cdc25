"""Namespace files: opening one, checking its type, telling two apart.

A namespace is reached through a file of the kernel's nsfs: the magic
link /proc/PID/ns/net, or a bind mount of one such as /run/netns/NAME.
An open descriptor keeps the namespace alive and always refers to the
same one, whatever happens to the path later.  Two files stand for the
same namespace when their device and inode agree; a name deleted and
added again is another namespace with another inode (KERNEL-FACTS 12).
"""

from __future__ import annotations

import errno
import fcntl
import os

from netkit import _libc
from netkit.errors import NamespaceNotFound
from netkit.ns.privilege import admin_needed

# The calling thread's network namespace; /proc/self is the main thread's.
THREAD_NET = "/proc/thread-self/ns/net"

# ioctl(2) on a namespace file: which CLONE_NEW* kind it is (linux/nsfs.h,
# _IO(0xb7, 0x3)).  Any other file answers ENOTTY.
NS_GET_NSTYPE = 0xB703

Identity = tuple[int, int]


def open_netns(path: str, what: str | None = None) -> int:
    """Open a network namespace file and return the descriptor.

    Raises `NamespaceNotFound` when `path` is missing or is not a network
    namespace (a plain file, a namespace of another type); `what` names
    the namespace in that message.
    """
    what = what or f"at {path}"
    try:
        with admin_needed(f"opening the network namespace {what}"):
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except (FileNotFoundError, ProcessLookupError):
        raise NamespaceNotFound(
            errno.ENOENT, f"no network namespace {what}"
        ) from None

    try:
        check_netns(fd, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_netns(fd: int, path: str) -> None:
    """Raise `NamespaceNotFound` (EINVAL) unless `fd` is a network ns."""
    try:
        kind = fcntl.ioctl(fd, NS_GET_NSTYPE)
    except OSError as exc:
        if exc.errno != errno.ENOTTY:
            raise
        kind = None

    if kind != _libc.CLONE_NEWNET:
        raise NamespaceNotFound(
            errno.EINVAL, f"{path} is not a network namespace"
        )


def identity(fd: int) -> Identity:
    """The (device, inode) pair that names an open namespace."""
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def identity_of(path: str) -> Identity | None:
    """The identity of the namespace at `path`; None when it is gone."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, ProcessLookupError):
        return None
    return st.st_dev, st.st_ino


def new_netns() -> int:
    """Make a network namespace; return a descriptor that holds it.

    Runs `unshare(CLONE_NEWNET)` on the calling thread, which then stays
    inside: call it on a thread that is about to end (`enter.on_thread`).
    """
    with admin_needed("creating a network namespace"):
        _libc.unshare(_libc.CLONE_NEWNET)
    return os.open(THREAD_NET, os.O_RDONLY | os.O_CLOEXEC)


def new_netns_many(count: int) -> list[int]:
    """`new_netns` `count` times on the calling thread: one each.

    Each unshare(CLONE_NEWNET) gives the thread a fresh namespace, and the
    descriptor opened after it holds that one; so one short-lived thread
    makes any number (a thread per namespace costs more than the
    namespace).  On error the ones made so far are let go.
    """
    fds: list[int] = []
    try:
        for _ in range(count):
            fds.append(new_netns())
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return fds


def pids_in(target: Identity) -> list[int]:
    """Host PIDs of the processes whose network namespace is `target`.

    Like `ip netns pids`: compares /proc/PID/ns/net of every process, and
    passes over those that end meanwhile or that this process may not
    inspect (a PID 1 that made itself undumpable refuses even root).
    """
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            found = identity_of(f"/proc/{entry.name}/ns/net")
        except PermissionError:
            continue
        if found == target:
            pids.append(int(entry.name))
    return sorted(pids)

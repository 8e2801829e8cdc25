"""Named network namespaces in /run/netns, kept the way `ip netns` keeps them.

A name is an empty file /run/netns/NAME with the namespace bind mounted on
it.  /run/netns itself is made a mount point, bound on itself and marked
shared (recursively), so that a namespace added or deleted in one mount
namespace is added or deleted in the others that share it: a process
that unshared its mounts before the name was added still sees it, and an
unmount anywhere lets the namespace go (KERNEL-FACTS 11).

The setup of /run/netns happens under an exclusive flock(2) of the
directory, as iproute2 takes it, so that `ip netns add` and netkit racing
on a fresh machine do not stack two bind mounts.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator

from netkit import _libc
from netkit.errors import NamespaceExists, NamespaceNotFound
from netkit.ns.enter import on_thread
from netkit.ns.nsfs import Identity, identity_of, new_netns, new_netns_many
from netkit.ns.privilege import admin_needed

RUN_DIR = "/run/netns"
ETC_DIR = "/etc/netns"
NAME_MAX = 255


def name_problem(name: str) -> str | None:
    """Why `name` cannot name a namespace, or None when it can."""
    if not name:
        return "it is empty"
    if "\0" in name:
        return "it holds a NUL character"
    if "/" in name:
        return "it holds '/'"
    if ".." in name:
        return "it holds '..'"
    if name.startswith("."):
        return "it starts with '.'"
    try:
        size = len(os.fsencode(name))
    except UnicodeEncodeError:
        return "it cannot be encoded as a file name"
    if size > NAME_MAX:
        return f"it is {size} bytes long, more than {NAME_MAX}"
    return None


def validate_name(name: str) -> str:
    """Return `name`, or raise ValueError (TypeError) if it is no name."""
    if not isinstance(name, str):
        raise TypeError(
            f"a namespace name is a str, not {type(name).__name__}"
        )

    problem = name_problem(name)
    if problem:
        raise ValueError(f"bad network namespace name {name!r}: {problem}")
    return name


def path_for(name: str) -> str:
    """/run/netns/NAME, for a valid name."""
    return os.path.join(RUN_DIR, validate_name(name))


def list_names() -> list[str]:
    """The names in /run/netns, sorted (like `ip netns list`)."""
    try:
        return sorted(os.listdir(RUN_DIR))
    except FileNotFoundError:
        return []


def names_of(target: Identity) -> list[str]:
    """The names bound to the namespace `target` (`ip netns identify`)."""
    return [
        name
        for name in list_names()
        if identity_of(os.path.join(RUN_DIR, name)) == target
    ]


def prepare_run_dir() -> None:
    """Make /run/netns a shared mount point bound on itself, once."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(RUN_DIR, 0o755)

    with _locked(RUN_DIR):
        try:
            _make_shared(RUN_DIR)
        except OSError as exc:
            # EINVAL: not a mount point yet.  Bind it on itself, then share.
            if exc.errno != errno.EINVAL:
                raise
            _libc.mount(RUN_DIR, RUN_DIR, "none", _libc.MS_BIND | _libc.MS_REC)
            _make_shared(RUN_DIR)


def create(name: str) -> int:
    """Add a named namespace (`ip netns add NAME`); return a descriptor.

    Raises `NamespaceExists` when the name is taken, and leaves that one
    alone.  When a later step fails, the file made for the name goes.
    """
    path = path_for(name)
    with admin_needed("creating a network namespace"):
        prepare_run_dir()
        _make_file(path, name)

    try:
        fd = on_thread(new_netns)
        try:
            with admin_needed("creating a network namespace"):
                _bind(fd, path)
        except BaseException:
            os.close(fd)
            raise
    except BaseException:
        _unbind_and_unlink(path, name)
        raise
    return fd


def create_many(names: list[str]) -> list[int]:
    """`create` for each of `names`, their namespaces made on one thread.

    All or nothing: when one name is taken or a step fails, the names
    made here go again and the error is raised.
    """
    paths = [path_for(name) for name in names]
    if len(set(paths)) != len(paths):
        raise ValueError(f"a name is given twice in {names!r}")
    made: list[tuple[str, str]] = []
    fds: list[int] = []
    try:
        with admin_needed("creating a network namespace"):
            prepare_run_dir()
            for path, name in zip(paths, names, strict=True):
                _make_file(path, name)
                made.append((path, name))
        fds = on_thread(new_netns_many, len(names))
        with admin_needed("creating a network namespace"):
            for fd, path in zip(fds, paths, strict=True):
                _bind(fd, path)
    except BaseException:
        for fd in fds:
            os.close(fd)
        for path, name in made:
            _unbind_and_unlink(path, name)
        raise
    return fds


def delete(name: str) -> None:
    """Remove a name (`ip netns del NAME`).

    The namespace itself lives on while a process or a descriptor still
    holds it.  Raises `NamespaceNotFound` when there is no such name.
    """
    path = path_for(name)
    with admin_needed("deleting a network namespace"):
        _unbind_and_unlink(path, name)


@contextlib.contextmanager
def _locked(path: str) -> Iterator[None]:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _make_shared(path: str) -> None:
    _libc.mount("", path, "none", _libc.MS_SHARED | _libc.MS_REC)


def _make_file(path: str, name: str) -> None:
    # Mode 0 like iproute2: nobody but root opens the name.
    flags = os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        os.close(os.open(path, flags, 0))
    except FileExistsError:
        raise NamespaceExists(
            errno.EEXIST, f"network namespace {name!r} exists"
        ) from None


def _bind(fd: int, path: str) -> None:
    # The descriptor's /proc/self/fd link names the namespace, whatever
    # thread made it.
    _libc.mount(f"/proc/self/fd/{fd}", path, "none", _libc.MS_BIND)


def _unbind_and_unlink(path: str, name: str) -> None:
    missing = NamespaceNotFound(
        errno.ENOENT, f"no network namespace named {name!r}"
    )
    try:
        _libc.umount2(path, _libc.MNT_DETACH | _libc.UMOUNT_NOFOLLOW)
    except FileNotFoundError:
        raise missing from None
    except OSError as exc:
        # EINVAL: nothing mounted there (a half-made name); remove it.
        if exc.errno != errno.EINVAL:
            raise

    try:
        os.unlink(path)
    except FileNotFoundError:
        raise missing from None

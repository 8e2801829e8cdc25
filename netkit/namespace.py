"""`Namespace`: a network namespace, a room with its own links and routes.

A `Namespace` holds an open descriptor of its namespace for its whole
life, so it always refers to the namespace it opened: when its name is
deleted and added again, the new name is another namespace, and this
object still refers to the old one (KERNEL-FACTS 12).  The descriptor
is closed by `close()`, `delete()`, or when the object is collected.

The work is done by `netkit.ns`; this class ties it to one namespace.
What is inside a namespace (links, addresses, routes...) is reached
through the methods it inherits from `netkit.contents.NamespaceContents`.
"""

from __future__ import annotations

import errno
import os
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence

from netkit import _lazy
from netkit.contents import NamespaceContents
from netkit.errors import NamespaceNotFound
from netkit.netlink.socket import NetlinkSocket
from netkit.ns import enter, names, nsfs

# Loaded when first used: `import netkit` and a socket stay cheap (W5).
command = _lazy.module("netkit.ns.command")

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from types import TracebackType
    from typing import Any, TypeVar

    from netkit.ns import command

    T = TypeVar("T")


class Namespace(NamespaceContents):
    """A network namespace, named (/run/netns/NAME) or anonymous.

    `Namespace(name)` opens an existing named one (`NamespaceNotFound` if
    there is none); `create`, `new`, `current`, `from_pid` and `from_path`
    make or open others.  Two objects for the same namespace compare
    equal.  `with ns:` moves the calling thread in, and back on exit.
    """

    def __init__(self, name: str) -> None:
        path = names.path_for(name)
        self._adopt(nsfs.open_netns(path, f"named {name!r}"), name)

    @classmethod
    def _wrap(cls, fd: int, name: str | None) -> Namespace:
        ns = cls.__new__(cls)
        ns._adopt(fd, name)
        return ns

    def _adopt(self, fd: int, name: str | None) -> None:
        self._fd = fd
        self._closer = weakref.finalize(self, os.close, fd)
        self._name = name
        self._id = nsfs.identity(fd)
        self._rtnl: NetlinkSocket | None = None
        self._rtnl_lock = threading.Lock()

    # Making and finding namespaces.

    @classmethod
    def create(cls, name: str) -> Namespace:
        """Add a named namespace, like `ip netns add NAME`.

        Raises ValueError for a bad name, `NamespaceExists` when it is
        taken, `PermissionError` without CAP_SYS_ADMIN.
        """
        return cls._wrap(names.create(name), name)

    @classmethod
    def create_many(cls, wanted: Sequence[str]) -> list[Namespace]:
        """`create` for many names at once, like `ip netns add` for each.

        The namespaces are made on one thread, not one each: for rooms by
        the hundred.  All or nothing: on error none of the names is left.
        """
        wanted = list(wanted)
        fds = names.create_many(wanted)
        return [
            cls._wrap(fd, name) for fd, name in zip(fds, wanted, strict=True)
        ]

    @classmethod
    def new(cls) -> Namespace:
        """An anonymous namespace that lives while something holds it."""
        return cls._wrap(enter.on_thread(nsfs.new_netns), None)

    @classmethod
    def current(cls) -> Namespace:
        """The namespace of the calling thread, now."""
        return cls._wrap(nsfs.open_netns(nsfs.THREAD_NET), None)

    @classmethod
    def from_pid(cls, pid: int) -> Namespace:
        """The namespace of process `pid` (a container's, say)."""
        if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
            raise ValueError(f"a process id is a positive int, not {pid!r}")

        fd = nsfs.open_netns(f"/proc/{pid}/ns/net", f"of process {pid}")
        return cls._wrap(fd, None)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Namespace:
        """The namespace a file names: /proc/PID/ns/net, a bind mount..."""
        path = os.fspath(path)
        folder, base = os.path.split(os.path.abspath(path))
        name = base if folder == names.RUN_DIR else None
        return cls._wrap(nsfs.open_netns(path), name)

    @classmethod
    def list(cls) -> list[str]:
        """The names of the named namespaces, like `ip netns list`."""
        return names.list_names()

    @classmethod
    def identify(cls, pid: int | None = None) -> list[str]:
        """The names of process `pid`'s namespace, like `ip netns identify`.

        `pid` defaults to this process; an empty list means no name.
        """
        pid = os.getpid() if pid is None else pid
        target = nsfs.identity_of(f"/proc/{pid}/ns/net")
        if target is None:
            raise NamespaceNotFound(errno.ESRCH, f"no process {pid}")
        return names.names_of(target)

    # What it is.

    @property
    def name(self) -> str | None:
        """The name in /run/netns, None for an anonymous namespace."""
        return self._name

    @property
    def inode(self) -> int:
        """The namespace's inode number, as in `ls -L -i /proc/PID/ns/net`."""
        return self._id[1]

    @property
    def path(self) -> str:
        """A path that opens this namespace (for `nsenter --net=PATH`)."""
        if self._name is not None:
            return os.path.join(names.RUN_DIR, self._name)
        return f"/proc/{os.getpid()}/fd/{self.fileno()}"

    @property
    def closed(self) -> bool:
        return not self._closer.alive

    def fileno(self) -> int:
        """The descriptor that holds the namespace (for `setns`)."""
        if self.closed:
            raise ValueError(f"{self!r} is closed")
        return self._fd

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Namespace):
            return NotImplemented
        return self._id == other._id

    def __hash__(self) -> int:
        return hash(self._id)

    def __repr__(self) -> str:
        label = repr(self._name) if self._name is not None else "anonymous"
        state = " closed" if self.closed else ""
        return f"<Namespace {label} inode={self.inode}{state}>"

    # Being inside.

    def __enter__(self) -> Namespace:
        enter.enter(self.fileno())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        enter.leave()

    def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call `func(*args, **kwargs)` inside, on a thread of its own.

        Returns what `func` returned, or raises what it raised.
        """
        return enter.run_inside(self.fileno(), func, args, kwargs)

    def socket(self, **options: Any) -> NetlinkSocket:
        """A netlink socket bound to this namespace, for use anywhere.

        `options` go to `NetlinkSocket` (protocol, groups, rcvbuf...).
        """
        with self:
            return NetlinkSocket(**options)

    @property
    def rtnl(self) -> NetlinkSocket:
        """This namespace's own rtnetlink socket, opened on first use.

        The objects bound to the namespace (links, addresses...) send their
        requests through it; it is closed with the namespace.  ValueError
        once the namespace object is closed (or deleted).
        """
        if self.closed:
            raise ValueError(f"{self!r} is closed")
        if self._rtnl is None:
            with self._rtnl_lock:
                if self._rtnl is None:
                    self._rtnl = self.socket()
        return self._rtnl

    def exec(
        self,
        argv: Sequence[command.Arg],
        *,
        check: bool = False,
        capture_output: bool = False,
        timeout: float | None = None,
        input: str | bytes | None = None,
        env: Mapping[str, str] | None = None,
        cwd: command.Arg | None = None,
        text: bool = False,
        stdin: command.File = None,
        stdout: command.File = None,
        stderr: command.File = None,
    ) -> subprocess.CompletedProcess[Any]:
        """Run a command inside, like `ip netns exec NAME ARGV...`.

        The command sees the namespace's /sys and, for a named namespace,
        /etc/netns/NAME over /etc; the caller's mounts do not change.  No
        shell runs it (a string argv is a TypeError), and it inherits no
        descriptor but 0, 1 and 2.  Arguments and result as for
        `subprocess.run`.
        """
        return command.run(
            self.fileno(),
            self._name,
            argv,
            check=check,
            capture_output=capture_output,
            timeout=timeout,
            input=input,
            env=env,
            cwd=cwd,
            text=text,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
        )

    def pids(self) -> list[int]:
        """Host PIDs of the processes inside, like `ip netns pids NAME`."""
        return nsfs.pids_in(self._id)

    # Ending.

    def delete(self) -> None:
        """Remove the name and close this object, like `ip netns del NAME`.

        The namespace lives on while a process (or another `Namespace`)
        is inside it.  Raises `NamespaceNotFound` when the name is gone,
        or now names another namespace.  An anonymous namespace is only
        closed.
        """
        if self._name is not None:
            current = nsfs.identity_of(self.path)
            if current is not None and current != self._id:
                raise NamespaceNotFound(
                    errno.ENOENT,
                    f"the name {self._name!r} no longer names this namespace",
                )
            names.delete(self._name)
        self.close()

    def close(self) -> None:
        """Let go of the namespace (it ends when nothing else holds it)."""
        if self._rtnl is not None:
            self._rtnl.close()
        self._closer()

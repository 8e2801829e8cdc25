"""A process in new namespaces, like `unshare --fork --pid --mount-proc`.

The namespaces are made the way `command` makes them: a thread made for
the one process enters the network namespace, unshares the PID, mount
and UTS namespaces it was asked for, sets the host name, and starts the
process with `subprocess.Popen`.  `unshare(CLONE_NEWPID)` does not move
the thread itself, only the children it forks: the process it starts is
PID 1 of the new PID namespace, and an ordinary PID on the host.

A fresh /proc, the one part that cannot be done from the thread: procfs
shows the PID namespace of the process that mounts it, so the mount must
happen in the new process.  When one is asked for, the process starts
as a small launcher (`netkit.ns._launch`, a separate interpreter) that
mounts /proc and then execs the command, which keeps PID 1.  Its setup
errors come back through a pipe closed on exec and are raised here.

PID 1 of a PID namespace gets only the signals it has a handler for,
from the host too, except SIGKILL and SIGSTOP: `terminate()` does
nothing to a command that ignores SIGTERM; `kill()` always works.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from netkit import _libc
from netkit.ns import _launch, mounts
from netkit.ns.command import Arg, File, check_argv
from netkit.ns.enter import on_thread
from netkit.ns.privilege import admin_needed

HOST_NAME_MAX = 64


class NetnsHandle(Protocol):
    """What `spawn(net=...)` takes: a `netkit.Namespace`, typically."""

    @property
    def name(self) -> str | None: ...

    def fileno(self) -> int: ...


class Process(subprocess.Popen):  # type: ignore[type-arg]
    """A process started by `spawn`: a `subprocess.Popen` plus `ns_pid`.

    `pid` is its PID on the host (in the caller's PID namespace), `ns_pid`
    its PID in its own PID namespace: 1 when `spawn(pid=True)`.
    """

    ns_pid: int

    def __repr__(self) -> str:
        return (
            f"<netkit.Process pid={self.pid} ns_pid={self.ns_pid} "
            f"returncode={self.returncode}>"
        )


def spawn(
    argv: Sequence[Arg],
    *,
    pid: bool = True,
    mount: bool = True,
    uts: bool = False,
    net: NetnsHandle | None = None,
    hostname: str | None = None,
    stdin: File = None,
    stdout: File = None,
    stderr: File = None,
    env: Mapping[str, str] | None = None,
    cwd: Arg | None = None,
    text: bool = False,
) -> Process:
    """Start `argv` in new namespaces and return at once.

    - `pid`: a new PID namespace; the process is PID 1 in it.
    - `mount`: a new mount namespace, its mounts slaves of the caller's;
      with `pid`, a fresh /proc showing only the namespace's processes;
      with `net`, the /sys and /etc/netns files of `ip netns exec`.
    - `uts`: a new UTS namespace, named `hostname` if given.
    - `net`: the network namespace to run in (default: the caller's).

    Raises ValueError for a host name without `uts` or of a bad length,
    `PermissionError` when not root, `OSError` when the command cannot
    start.
    """
    args = check_argv(argv)
    if hostname is not None:
        _check_hostname(hostname, uts)

    setup = _Setup(pid, mount, uts, net, hostname)
    options = dict(
        stdin=stdin, stdout=stdout, stderr=stderr, env=env, cwd=cwd, text=text
    )
    process = on_thread(setup.start, args, options)
    process.ns_pid = 1 if pid else process.pid
    return process


def _check_hostname(hostname: str, uts: bool) -> None:
    if not uts:
        raise ValueError(
            "hostname= needs uts=True: it would rename the host otherwise"
        )

    size = len(os.fsencode(hostname))
    if not 0 < size <= HOST_NAME_MAX:
        raise ValueError(
            f"a host name is 1 to {HOST_NAME_MAX} bytes, not {size}"
        )


class _Setup:
    """The namespaces of one spawn, made on the thread that starts it."""

    def __init__(
        self,
        pid: bool,
        mount: bool,
        uts: bool,
        net: NetnsHandle | None,
        hostname: str | None,
    ) -> None:
        self.pid = pid
        self.mount = mount
        self.uts = uts
        self.net_fd = None if net is None else net.fileno()
        self.net_name = None if net is None else net.name
        self.hostname = hostname

    def start(self, args: list[Arg], options: dict[str, Any]) -> Process:
        with admin_needed("starting a process in new namespaces"):
            self._enter()

        if self.pid and self.mount:
            return _start_launcher(args, options)
        return Process(args, close_fds=True, **options)

    def _enter(self) -> None:
        if self.net_fd is not None:
            _libc.setns(self.net_fd, _libc.CLONE_NEWNET)

        flags = 0
        if self.pid:
            flags |= _libc.CLONE_NEWPID
        if self.uts:
            flags |= _libc.CLONE_NEWUTS
        if flags:
            _libc.unshare(flags)
        if self.hostname is not None:
            _libc.sethostname(self.hostname)

        if self.mount:
            mounts.isolate()
            if self.net_fd is not None:
                mounts.netns_view(self.net_name)


def _start_launcher(args: list[Arg], options: dict[str, Any]) -> Process:
    """Start the launcher that mounts /proc and execs `args` (as PID 1)."""
    env = options["env"] if options["env"] is not None else os.environ
    read_end, write_end = os.pipe()
    try:
        launch = _launch.command(sys.executable, write_end, env, args)
        process = Process(
            launch, close_fds=True, pass_fds=[write_end], **options
        )
        os.close(write_end)
        write_end = -1
        report = _read_all(read_end)
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)

    process.args = args
    if report:
        _discard(process)
        raise _launch.decode_error(report)
    return process


def _discard(process: Process) -> None:
    """Close the pipes of a process that failed to start, and reap it."""
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
    process.wait()


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    return b"".join(chunks)

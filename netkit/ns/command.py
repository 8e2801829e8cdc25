"""Running a command inside a network namespace, like `ip netns exec`.

How the command gets there.  A child process inherits the namespaces of
the thread that forks it, not of the process.  So a thread made for the
one command does the setup on itself, then starts the command with plain
`subprocess.Popen`, and ends:

1. `setns` into the network namespace;
2. a mount namespace of its own, its mounts made slaves (`mounts`);
3. a sysfs of the network namespace on /sys, /etc/netns/NAME over /etc;
4. `Popen(argv)`: fork (vfork where CPython can) and exec, with no Python
   code run in the child, every descriptor but 0, 1 and 2 closed.

The calling thread then feeds input, reads output and waits, as
`subprocess.run` does.  The alternatives are worse: a `preexec_fn`
doing the setup runs Python code in a child forked from a process whose
other threads may hold locks (the import lock, a logging handler), which
CPython documents as unsafe with threads and which rules out vfork; a
helper interpreter that sets up and then execs is safe but costs an
interpreter start (10-30 ms) per command.  Here the cost is one thread
and a few system calls, and the caller's own thread, mounts and
namespaces never change.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from typing import IO, Any

from netkit import _libc
from netkit.ns import mounts
from netkit.ns.enter import on_thread
from netkit.ns.privilege import admin_needed

Arg = str | bytes | os.PathLike[str] | os.PathLike[bytes]
File = int | IO[Any] | None


def check_argv(argv: Sequence[Arg]) -> list[Arg]:
    """argv as a list; a string is refused, since no shell runs it."""
    if isinstance(argv, str | bytes):
        raise TypeError(
            "argv is a list such as ['ip', 'link'], not a string: "
            "netkit runs no shell"
        )

    args = list(argv)
    if not args:
        raise ValueError("argv is empty")
    for arg in args:
        if not isinstance(arg, str | bytes | os.PathLike):
            raise TypeError(f"argv holds {arg!r}, not a str or bytes")
    return args


def run(
    fd: int,
    name: str | None,
    argv: Sequence[Arg],
    *,
    input: str | bytes | None = None,
    capture_output: bool = False,
    timeout: float | None = None,
    check: bool = False,
    stdin: File = None,
    stdout: File = None,
    stderr: File = None,
    env: Mapping[str, str] | None = None,
    cwd: Arg | None = None,
    text: bool = False,
) -> subprocess.CompletedProcess[Any]:
    """Run `argv` inside the namespace `fd` holds and wait for it.

    Arguments and result as for `subprocess.run`; `name`, when given,
    picks /etc/netns/NAME.  Raises `CalledProcessError` (check),
    `TimeoutExpired` (the command is killed first), `OSError` when the
    command cannot start.
    """
    args = check_argv(argv)
    if capture_output:
        if stdout is not None or stderr is not None:
            raise ValueError("capture_output with stdout or stderr given")
        stdout = stderr = subprocess.PIPE
    if input is not None:
        if stdin is not None:
            raise ValueError("input with stdin given")
        stdin = subprocess.PIPE

    options = dict(
        stdin=stdin, stdout=stdout, stderr=stderr, env=env, cwd=cwd, text=text
    )
    process = on_thread(_start, fd, name, args, options)
    return _finish(process, input, timeout, check)


def _start(
    fd: int, name: str | None, args: list[Arg], options: dict[str, Any]
) -> subprocess.Popen[Any]:
    # On a thread of its own, which ends after this (see the docstring).
    with admin_needed("running a command in a network namespace"):
        _libc.setns(fd, _libc.CLONE_NEWNET)
        mounts.isolate()
        mounts.netns_view(name)

    return subprocess.Popen(args, close_fds=True, **options)


def _finish(
    process: subprocess.Popen[Any],
    input: str | bytes | None,
    timeout: float | None,
    check: bool,
) -> subprocess.CompletedProcess[Any]:
    with process:
        try:
            out, err = process.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            # communicate() kept what came so far on the exception.
            process.kill()
            process.wait()
            raise
        except BaseException:
            process.kill()
            raise

    code = process.returncode
    if check and code:
        raise subprocess.CalledProcessError(code, process.args, out, err)
    return subprocess.CompletedProcess(process.args, code, out, err)

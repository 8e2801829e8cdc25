"""The launcher of `spawn`: mount a fresh /proc, then exec the command.

It runs as PID 1 of a new PID namespace, in a mount namespace made for
it, as `python -I -S _launch.py PATH ERRFD LC_CTYPE -- ARGV...`:

- PATH: netkit's directory and the parent's sys.path (os.pathsep between
  entries), since -I -S start without site-packages or PYTHONPATH; it
  finds netkit and cffi.
- ERRFD: the write end of a pipe.  It is closed on exec, so the parent
  reads nothing when all went well, or "errno NUL filename NUL step".
- LC_CTYPE: "-" when the command's environment has none, else "=VALUE".
  The interpreter may add LC_CTYPE to its environment at start (PEP 538
  locale coercion); the command gets the environment it was given.

The parent side (`command`, `decode_error`) imports nothing heavy, since
`spawn` imports this module too.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn


def command(
    executable: str, errfd: int, env: Mapping[Any, Any], argv: Sequence[Any]
) -> list[Any]:
    """The argv that starts the launcher for `argv`."""
    if not executable:
        raise RuntimeError("spawn needs sys.executable to mount /proc")

    # netkit's own directory first: an editable install is not on sys.path.
    here = os.path.abspath(__file__)
    root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    path = [os.path.abspath(p) for p in (root, *sys.path) if p]
    path = [p for p in path if os.pathsep not in p]
    return [
        executable,
        "-I",
        "-S",
        here,
        os.pathsep.join(path),
        str(errfd),
        _lc_ctype(env),
        "--",
        *argv,
    ]


def decode_error(report: bytes) -> Exception:
    """The exception the launcher reported through its pipe."""
    code, filename, step = report.split(b"\0", 2)
    text = os.fsdecode(step)
    if not int(code):
        return RuntimeError(f"spawn's launcher failed {text}")

    error = OSError(
        int(code), os.strerror(int(code)), os.fsdecode(filename) or None
    )
    error.add_note(f"while {text} inside the new namespaces")
    return error


def _lc_ctype(env: Mapping[Any, Any]) -> str:
    # Keys may be str or bytes, as subprocess allows.
    values = [v for k, v in env.items() if os.fsencode(k) == b"LC_CTYPE"]
    return "=" + os.fsdecode(values[-1]) if values else "-"


def _report(fd: int, code: int, filename: Any, step: str) -> None:
    name = os.fsencode(filename) if filename else b""
    os.write(fd, b"%d\0%s\0%s" % (code, name, os.fsencode(step)))


def main(argv: list[str]) -> NoReturn:
    path, errfd, lc_ctype, _, *args = argv
    fd = int(errfd)
    os.set_inheritable(fd, False)

    step = "loading netkit"
    try:
        sys.path[:0] = path.split(os.pathsep)
        from netkit import _libc

        step = "mounting /proc"
        flags = _libc.MS_NOSUID | _libc.MS_NODEV | _libc.MS_NOEXEC
        _libc.mount("proc", "/proc", "proc", flags)

        if lc_ctype == "-":
            os.environ.pop("LC_CTYPE", None)
        else:
            os.environ["LC_CTYPE"] = lc_ctype[1:]
        # The interpreter ignores these; the command starts with defaults.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)

        step = f"starting {args[0]}"
        os.execvp(args[0], args)
    except OSError as exc:
        _report(fd, exc.errno or 0, exc.filename, step)
    except BaseException as exc:  # reported to the parent, which raises
        _report(fd, 0, None, f"{step}: {exc!r}")
    os._exit(127)


if __name__ == "__main__":
    main(sys.argv[1:])

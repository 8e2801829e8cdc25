"""Kernel settings of a network namespace (the `net.*` sysctls).

`/proc/sys/net` shows the settings of the namespace of the thread that
opens a file there, so the file is opened on a thread inside the
namespace.  Only `net.*` keys are per namespace; others (`kernel.*`,
`vm.*`) belong to the whole machine and are refused.
"""

from __future__ import annotations

from pathlib import Path


def path_of(key: str) -> Path:
    """The /proc/sys file of a `net.*` key, in dotted or slashed form.

    In the dotted form a dot separates levels, so an interface whose name
    holds a dot must be given in the slashed form ("net/ipv4/conf/a.1/...").
    """
    parts = []
    if isinstance(key, str) and not any(c.isspace() or c == "\0" for c in key):
        parts = key.split("/") if "/" in key else key.split(".")
    if (
        len(parts) < 2
        or parts[0] != "net"
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ValueError(f"{key!r} is not a net.* sysctl key")
    return Path("/proc/sys", *parts)


def read(key: str) -> int | str:
    """Read a setting of the calling thread's namespace.

    An integer comes back as an int, anything else as the kernel's text.
    """
    path = path_of(key)
    try:
        text = path.read_text().strip()
    except OSError as exc:
        raise _named(exc, key, None, path) from None
    try:
        return int(text)
    except ValueError:
        return text


def text_of(value: int | str) -> str:
    """The text to write for `value` (True is "1").

    ValueError for text with a line break or NUL, or a value that is
    neither an int nor a str.
    """
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str) or any(c in value for c in "\n\r\0"):
        raise ValueError(f"{value!r} is not a sysctl value")
    return value


def write(key: str, value: int | str) -> None:
    """Change a setting of the calling thread's namespace.

    The kernel's OSError (EINVAL) when it refuses the value, with the
    key and value in its text; FileNotFoundError for a missing key.
    """
    path = path_of(key)
    text = text_of(value)
    try:
        path.write_text(text + "\n")
    except OSError as exc:
        raise _named(exc, key, text, path) from None


def _named(exc: OSError, key: str, value: str | None, path: Path) -> OSError:
    # The same kind of OSError, saying which setting (and value) it was.
    if isinstance(exc, FileNotFoundError):
        message = f"this kernel has no sysctl {key}"
    elif value is None:
        message = f"reading sysctl {key}: {exc.strerror}"
    else:
        message = f"the kernel refused {key} = {value!r}: {exc.strerror}"
    return type(exc)(exc.errno, message, str(path))

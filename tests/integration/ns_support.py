"""Helpers for the namespace tests: `ip` as the oracle, mount tables."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from typing import Any

from netkit.testing import unique_name

__all__ = [
    "etc_netns",
    "ip",
    "ip_netns_names",
    "mount_points",
    "mountinfo",
    "on_thread",
    "stable_mounts",
    "thread_inode",
    "unique_name",
    "veth",
]


def ip(*args: str) -> str:
    """Run `ip ARGS` and return its output; a failure fails the test."""
    done = subprocess.run(
        ["ip", *args], check=True, capture_output=True, text=True
    )
    return done.stdout


def ip_netns_names() -> list[str]:
    """The names `ip netns list` shows (it adds "(id: N)" to some)."""
    return sorted(line.split()[0] for line in ip("netns", "list").splitlines())


def mountinfo(pid: int | str = "self") -> list[list[str]]:
    """/proc/PID/mountinfo, each line split into its fields."""
    with open(f"/proc/{pid}/mountinfo") as table:
        return [line.split() for line in table]


def mount_points(pid: int | str = "self") -> dict[str, list[str]]:
    """Mount point -> fields of the topmost mount there."""
    return {fields[4]: fields for fields in mountinfo(pid)}


def stable_mounts() -> list[str]:
    """This process's mount table, less the names under /run/netns.

    Other tests (and other tools) add and delete names at any time, and
    /run/netns is shared, so those lines come and go on their own.
    """
    with open("/proc/self/mountinfo") as table:
        lines = table.read().splitlines()
    return [ln for ln in lines if not ln.split()[4].startswith("/run/netns/")]


def thread_inode() -> int:
    """The inode of the calling thread's network namespace."""
    return os.stat("/proc/thread-self/ns/net").st_ino


def on_thread(func: Callable[..., Any], *args: Any) -> Any:
    """Call func on a throwaway thread; return or raise what it did."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = func(*args)
        except BaseException as exc:  # handed back below
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def veth(ns_name: str, a: str, b: str) -> None:
    """A veth pair with both ends inside the namespace `ns_name`."""
    ip("-n", ns_name, "link", "add", a, "type", "veth", "peer", "name", b)


@contextlib.contextmanager
def etc_netns(name: str, files: dict[str, str]) -> Iterator[str]:
    """/etc/netns/NAME holding `files` for the block, removed after."""
    directory = f"/etc/netns/{name}"
    made_parent = not os.path.exists("/etc/netns")
    os.makedirs(directory)
    try:
        for file, text in files.items():
            with open(os.path.join(directory, file), "w") as out:
                out.write(text)
        yield directory
    finally:
        shutil.rmtree(directory)
        if made_parent:
            try:
                os.rmdir("/etc/netns")
            except OSError as exc:
                # Another test run put its own directory there meanwhile.
                if exc.errno != errno.ENOTEMPTY:
                    raise

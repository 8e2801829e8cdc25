"""Fixtures for kernel tests: throwaway network namespaces.

Each `netns` is made with `ip netns add` under a unique `nktest-` name and
removed after the test, whatever happened; a failed removal fails the
test.  Sockets for it are opened on a short-lived thread that enters the
namespace, so the test process itself never changes namespace.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from netkit.netlink.socket import NetlinkSocket

PREFIX = "nktest-"


class TestNetns:
    """A named network namespace for one test, with `ip` as the oracle."""

    __test__ = False

    def __init__(self) -> None:
        self.name = PREFIX + uuid.uuid4().hex[:10]
        self.path = f"/run/netns/{self.name}"
        subprocess.run(["ip", "netns", "add", self.name], check=True)

    def run(self, func: Callable[..., Any], *args: Any) -> Any:
        """Call `func` on a thread inside the namespace; return its value."""
        from netkit import _libc

        result: dict[str, Any] = {}

        def inside() -> None:
            try:
                fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    _libc.setns(fd, _libc.CLONE_NEWNET)
                finally:
                    os.close(fd)
                result["value"] = func(*args)
            except BaseException as exc:  # handed back to the caller
                result["error"] = exc

        thread = threading.Thread(target=inside)
        thread.start()
        thread.join()
        if "error" in result:
            raise result["error"]
        return result["value"]

    def socket(self, **options: Any) -> NetlinkSocket:
        """A netlink socket bound to this namespace."""
        return self.run(lambda: NetlinkSocket(**options))

    def ip(self, *args: str) -> Any:
        """Run `ip -j -d ARGS` inside the namespace and parse its JSON."""
        out = self.sh("ip", "-j", "-d", *args)
        return json.loads(out) if out.strip() else []

    def sh(self, *argv: str) -> str:
        """Run a command inside the namespace; its stdout, or raise."""
        done = subprocess.run(
            ["ip", "netns", "exec", self.name, *argv],
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def remove(self) -> None:
        subprocess.run(["ip", "netns", "del", self.name], check=True)


@pytest.fixture
def netns() -> Iterator[TestNetns]:
    """A fresh, empty network namespace, removed after the test."""
    ns = TestNetns()
    try:
        yield ns
    finally:
        ns.remove()


@pytest.fixture
def netns2() -> Iterator[TestNetns]:
    """A second namespace, for tests that cross between two."""
    ns = TestNetns()
    try:
        yield ns
    finally:
        ns.remove()

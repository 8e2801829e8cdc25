"""Shared pieces of the `netkit` command's kernel tests.

`netkit(...)` runs the command in a child process, as a user would, with
the netkit under test.  `prefix` is a unique `nktest-...-` prefix for the
names a test creates (`--prefix` of demo, up and down); whatever still
carries it after the test is removed, so a failing test leaves nothing.
`ip_json` asks iproute2, the oracle, what the kernel holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from netkit import Namespace
from tests.helpers import NETKIT_ROOT

RUN_NETNS = "/run/netns"


def netkit(
    *argv: str, wrap: list[str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m netkit ARGV...` (after `wrap`, e.g. nsenter)."""
    env = dict(os.environ, PYTHONPATH=str(NETKIT_ROOT))
    return subprocess.run(
        [*(wrap or []), sys.executable, "-m", "netkit", *argv],
        env=env,
        cwd=NETKIT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    """The output of a run that must succeed."""
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def named(prefix: str) -> list[str]:
    """The namespace files under /run/netns that carry `prefix`."""
    if not os.path.isdir(RUN_NETNS):
        return []
    return sorted(n for n in os.listdir(RUN_NETNS) if n.startswith(prefix))


@pytest.fixture(name="prefix")
def prefix_fixture() -> Iterator[str]:
    """A unique name prefix; what carries it is removed after the test."""
    prefix = f"nktest-{uuid.uuid4().hex[:8]}-"
    yield prefix
    for name in named(prefix):
        subprocess.run(["ip", "netns", "del", name], check=True)


def ip_json(netns: str, *args: str) -> Any:
    """`ip -n NETNS -j ARGS`, parsed ([] for no output)."""
    done = subprocess.run(
        ["ip", "-n", netns, "-j", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout) if done.stdout.strip() else []


def links(netns: str) -> dict[str, dict[str, Any]]:
    """The links of a namespace by name, as `ip -d -j addr` shows them."""
    return {
        link["ifname"]: link for link in ip_json(netns, "-d", "addr", "show")
    }


def addresses(link: dict[str, Any]) -> list[str]:
    return [
        f"{a['local']}/{a['prefixlen']}"
        for a in link.get("addr_info", [])
        if a.get("scope") != "link"
    ]


def pings(netns: str, address: str, count: int = 1) -> bool:
    """Whether `address` answers every echo request sent from `netns`."""
    ns = Namespace(netns)
    try:
        return ns.ping(address, count=count, timeout=2.0).ok
    finally:
        ns.close()

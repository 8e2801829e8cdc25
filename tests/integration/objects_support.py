"""Shared pieces of the object-layer kernel tests: rooms and the oracle.

`rooms` hands out throwaway namespaces (netkit `Namespace` objects made
by `netkit.testing`, named `nktest-...`), all deleted after the test; a
failed deletion fails it.  `ip_json` asks `ip -n NAME -j` what the kernel
holds, so each check compares netkit with iproute2.  `host_unchanged`
makes sure the machine's own namespace looked the same after the tests
as before: they may read it, never change it.

Import the fixtures into a test module (they are named `rooms` and
`host_unchanged` for the tests that take them):

    from tests.integration.objects_support import (  # noqa: F401
        host_unchanged_fixture,
        rooms_fixture,
    )
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from netkit import Namespace
from netkit.testing import temporary_namespace

Rooms = Callable[[], Namespace]


@pytest.fixture(name="rooms")
def rooms_fixture() -> Iterator[Rooms]:
    """A factory of fresh namespaces; all are deleted after the test."""
    with contextlib.ExitStack() as stack:

        def make() -> Namespace:
            return stack.enter_context(temporary_namespace())

        yield make


def host_view() -> dict[str, Any]:
    """What the tests could change in the host's namespace, read by `ip`."""
    links = json.loads(_ip_host("-j", "link", "show"))
    addrs = json.loads(_ip_host("-j", "addr", "show"))
    routes4 = json.loads(_ip_host("-j", "-4", "route", "show", "table", "all"))
    return {
        "links": sorted(
            (
                link["ifindex"],
                link["ifname"],
                link.get("mtu"),
                link.get("address"),
                link.get("master"),
            )
            for link in links
        ),
        "addresses": sorted(
            (link["ifname"], a["local"], a["prefixlen"])
            for link in addrs
            for a in link.get("addr_info", [])
        ),
        "routes": sorted(json.dumps(r, sort_keys=True) for r in routes4),
        "ip_forward": _read("/proc/sys/net/ipv4/ip_forward"),
    }


@pytest.fixture(name="host_unchanged", scope="module")
def host_unchanged_fixture() -> Iterator[None]:
    """Fail the module if the host's links, addresses or routes changed."""
    before = host_view()
    yield
    assert host_view() == before, "the host's own namespace changed"


def _ip_host(*args: str) -> str:
    done = subprocess.run(
        ["ip", *args], check=True, capture_output=True, text=True
    )
    return done.stdout


def _read(path: str) -> str:
    with open(path) as file:
        return file.read().strip()


def ip_json(ns: Namespace, *args: str) -> Any:
    """`ip -n NS -j ARGS`, parsed ([] for no output)."""
    out = ip(ns, "-j", *args)
    return json.loads(out) if out.strip() else []


def ip(ns: Namespace, *args: str) -> str:
    """`ip -n NS ARGS`; its output, or the test fails."""
    done = subprocess.run(
        ["ip", "-n", ns.name, *args], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def ip_error(ns: Namespace, *args: str) -> str:
    """`ip -n NS ARGS`, which must fail; its error text."""
    done = subprocess.run(
        ["ip", "-n", ns.name, *args], capture_output=True, text=True
    )
    assert done.returncode != 0, f"ip {' '.join(args)} succeeded"
    return done.stderr


def link_names(ns: Namespace) -> list[str]:
    """The link names `ip link show` gives, in index order."""
    return [link["ifname"] for link in ip_json(ns, "link", "show")]


def ip_link(ns: Namespace, name: str) -> dict[str, Any]:
    """`ip -d link show dev NAME` as a dict."""
    (found,) = ip_json(ns, "-d", "link", "show", "dev", name)
    return found


def ip_addresses(
    ns: Namespace, name: str | None = None, family: int | None = None
) -> list[str]:
    """Addresses with prefix ("192.0.2.1/24") as `ip addr show` has them.

    `family` 4 or 6 for one family only.
    """
    args = [f"-{family}"] if family else []
    args += ["addr", "show"] + (["dev", name] if name else [])
    return sorted(
        f"{a['local']}/{a['prefixlen']}"
        for link in ip_json(ns, *args)
        for a in link.get("addr_info", [])
    )


def netkit_addresses(ns: Namespace, link: Any = None) -> list[str]:
    """The same list, as netkit reads it."""
    found = link.addresses() if link is not None else ns.addresses()
    return sorted(str(a.address) for a in found)


def sysctl_in(ns: Namespace, key: str) -> str:
    """`ip netns exec NS sysctl -n KEY`: the oracle for settings."""
    done = subprocess.run(
        ["ip", "netns", "exec", ns.name, "sysctl", "-n", key],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def no_link_local(ns: Namespace, *names: str) -> None:
    """Make the kernel give links no IPv6 link-local address.

    The kernel adds one when a link gets its carrier, a moment after it
    comes up; tests that count addresses must not race with it.
    """
    for name in names:
        ns.sysctl(f"net/ipv6/conf/{name}/addr_gen_mode", 1)


def quiet_ipv6(ns: Namespace, *names: str) -> None:
    """Turn IPv6 off on links, so no router solicitation adds traffic."""
    for name in names:
        ns.sysctl(f"net/ipv6/conf/{name}/disable_ipv6", 1)


def wait_for(check: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Poll `check` until it is true or `timeout` seconds pass.

    For what the kernel does a little later (operational state follows
    carrier changes through the link watch, up to a second or so).
    """
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def wait_up(*links: Any, timeout: float = 5.0) -> None:
    """Wait until each link's operational state is "up".

    A veth end that has just come up (or whose peer has) drops what it
    is sent until the kernel's link watch has seen the carrier, a moment
    later; a test that pings at once would lose a packet now and then.
    """
    for link in links:
        assert wait_for(
            lambda link=link: link.refresh().state == "up", timeout
        )

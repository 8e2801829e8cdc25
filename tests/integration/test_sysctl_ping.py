"""Kernel settings per room, and ping without a ping binary.

`ns.sysctl()` reads and writes the `net.*` settings of one room only;
`sysctl` run inside the room by `ip netns exec` is the oracle, and the
host's settings are read (never written) to see that they stay.
`ns.ping()` reports replies, "Network is unreachable" and silence as
results.
"""

from __future__ import annotations

import errno

import pytest

from netkit import VethPair
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip_error,
    rooms_fixture,
    sysctl_in,
    wait_up,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


def host_setting(path: str) -> str:
    with open(path) as file:
        return file.read().strip()


def test_read_and_write_in_one_room_only(rooms):
    a, b = rooms(), rooms()
    host_before = host_setting("/proc/sys/net/ipv4/ip_forward")
    b_before = sysctl_in(b, "net.ipv4.ip_forward")

    a.sysctl("net.ipv4.ip_forward", 1)
    assert a.sysctl("net.ipv4.ip_forward") == 1
    assert sysctl_in(a, "net.ipv4.ip_forward") == "1"

    a.sysctl("net.ipv4.ip_forward", 0)
    assert sysctl_in(a, "net.ipv4.ip_forward") == "0"
    assert sysctl_in(b, "net.ipv4.ip_forward") == b_before
    assert host_setting("/proc/sys/net/ipv4/ip_forward") == host_before


def test_text_values_and_booleans(rooms):
    ns = rooms()

    ns.sysctl("net.ipv4.ping_group_range", "0 0")
    ns.sysctl("net.ipv6.conf.all.forwarding", True)

    assert ns.sysctl("net.ipv4.ping_group_range") == "0\t0"
    assert sysctl_in(ns, "net.ipv4.ping_group_range") == "0\t0"
    assert ns.sysctl("net.ipv6.conf.all.forwarding") == 1


def test_a_link_with_a_dot_in_its_name_needs_the_slashed_form(rooms):
    ns = rooms()
    VethPair.create("v.1", "v.2", ns=ns)

    ns.sysctl("net/ipv6/conf/v.1/disable_ipv6", 1)

    assert ns.sysctl("net/ipv6/conf/v.1/disable_ipv6") == 1
    assert sysctl_in(ns, "net/ipv6/conf/v.1/disable_ipv6") == "1"
    assert ns.sysctl("net/ipv6/conf/v.2/disable_ipv6") == 0


@pytest.mark.parametrize(
    "key",
    [
        "kernel.hostname",
        "vm.swappiness",
        "net",
        "net..ipv4",
        "net/../kernel/hostname",
        "net.ipv4.ip forward",
        "",
    ],
)
def test_keys_outside_net_are_refused(rooms, key):
    with pytest.raises(ValueError):
        rooms().sysctl(key)


def test_a_key_the_kernel_does_not_have(rooms):
    ns = rooms()

    with pytest.raises(FileNotFoundError, match="net.ipv4.no_such_setting"):
        ns.sysctl("net.ipv4.no_such_setting")
    with pytest.raises(FileNotFoundError, match="net.ipv4.no_such_setting"):
        ns.sysctl("net.ipv4.no_such_setting", 1)


def test_values_the_kernel_refuses(rooms):
    ns = rooms()

    with pytest.raises(OSError) as caught:
        ns.sysctl("net.ipv4.ip_forward", "yes")
    assert caught.value.errno == errno.EINVAL
    assert "the kernel refused net.ipv4.ip_forward = 'yes'" in str(
        caught.value
    )
    with pytest.raises(ValueError):
        ns.sysctl("net.ipv4.ip_forward", "1\n0")
    assert sysctl_in(ns, "net.ipv4.ip_forward") in ("0", "1")


@pytest.fixture
def cable(rooms):
    """Rooms red and blue joined by a veth, 192.0.2.1 and .2 /24, up."""
    red, blue = rooms(), rooms()
    pair = VethPair.create("v0", "v0", ns=red, peer_ns=blue)
    for end, number in zip(pair, (1, 2), strict=True):
        end.add_address(f"192.0.2.{number}/24")
        end.add_address(f"2001:db8::{number}/64", nodad=True)
        end.up()
    wait_up(*pair)
    return red, blue


def test_ping_across(cable):
    red, _ = cable

    result = red.ping("192.0.2.2", count=3, interval=0.05)

    assert result.ok and result
    assert (result.sent, result.received) == (3, 3)
    assert all(rtt > 0 for rtt in result.rtts)
    assert result.error is None and result.errno is None
    assert "3 sent, 3 received" in result.summary()


def test_ping_ipv6(cable):
    red, _ = cable

    # Just after a link comes up, the kernel may not have joined the
    # solicited-node group yet and misses the first neighbour
    # solicitation; the next comes a second later.
    assert red.ping("2001:db8::2", count=2, interval=0.05, timeout=3).ok


def test_ping_oneself_needs_lo_up(cable):
    red, _ = cable

    down = red.ping("192.0.2.1", count=1, timeout=0.2)
    assert (down.sent, down.received) == (1, 0)
    red.link("lo").up()

    assert red.ping("192.0.2.1", count=1).ok


def test_ping_without_a_route(cable):
    red, _ = cable

    result = red.ping("198.51.100.1", count=2)

    assert not result
    assert result.sent == 0
    assert (result.error, result.errno) == (
        "Network is unreachable",
        errno.ENETUNREACH,
    )
    assert "Network is unreachable" in ip_error(
        red, "route", "get", "198.51.100.1"
    )


def test_ping_with_no_answer(cable):
    red, blue = cable
    blue.sysctl("net.ipv4.icmp_echo_ignore_all", 1)

    result = red.ping("192.0.2.2", count=2, timeout=0.2, interval=0)

    assert (result.sent, result.received) == (2, 0)
    assert result.error == "no reply within 0.2 s"


def test_ping_a_neighbour_that_is_not_there(cable):
    red, _ = cable
    # The kernel's own "host unreachable" comes back through lo.
    red.link("lo").up()

    result = red.ping("192.0.2.77", count=1, timeout=5)

    assert (result.sent, result.received) == (1, 0)
    assert result.error == "Destination Host Unreachable"


@pytest.mark.parametrize(
    "options",
    [
        {"address": "not-an-ip"},
        {"address": "192.0.2.2", "count": 0},
        {"address": "192.0.2.2", "timeout": 0},
        {"address": "192.0.2.2", "count": True},
        {"address": "192.0.2.2", "count": -3},
        {"address": "192.0.2.2", "interval": -1},
    ],
)
def test_ping_bad_input(rooms, options):
    with pytest.raises(ValueError):
        rooms().ping(**options)


def test_ping_more_than_65535_times(cable):
    red, _ = cable

    # The 16-bit sequence number wraps; replies still match.
    result = red.ping("192.0.2.2", count=70000, interval=0)

    assert (result.sent, result.received) == (70000, 70000)

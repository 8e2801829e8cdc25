"""Waiting helpers: woken by the kernel's events, not by polling.

Another thread makes the change a moment later; the helper must return
within milliseconds of it (a poller with a 50 ms interval would take 25
on average), and fail with TimeoutError or LinkNotFound when it must.
"""

from __future__ import annotations

import threading
import time

import pytest

from netkit import AddressChanged, LinkNotFound
from netkit.rtnl import link as rtlink
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_json,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")

DELAY = 0.3
# Under the interval a poller would use: it would take 25 ms on average.
PROMPT = 0.02


def later(ns, request, delay=DELAY):
    """Send `request` inside `ns` from a thread after `delay` seconds.

    The time of the kernel's ACK is kept: by then it has made the change
    and sent its events (a move between namespaces takes it 20 ms).
    """
    done = {}
    sock = ns.socket()

    def act():
        time.sleep(delay)
        with sock:
            sock.request(*request)
        done["at"] = time.monotonic()

    thread = threading.Thread(target=act)
    thread.start()
    return thread, done


def woken(done, thread):
    """Seconds from the change to the helper's return (may be < 0)."""
    returned = time.monotonic()
    thread.join()
    return returned - done["at"]


def index(ns, name):
    return ip_json(ns, "link", "show", "dev", name)[0]["ifindex"]


def veth(ns, up=False):
    ip(ns, "link", "add", "nk0", "type", "veth", "peer", "nk1")
    if up:
        ip(ns, "link", "set", "nk0", "up")
        ip(ns, "link", "set", "nk1", "up")


def test_wait_link_wakes_when_the_link_is_created(rooms, record_property):
    ns = rooms()
    thread, done = later(ns, rtlink.new_link("nkw", "ifb"))

    link = ns.wait_link("nkw", timeout=5)
    latency = woken(done, thread)

    record_property("wait_link wake-up seconds", round(latency, 4))
    assert link.name == "nkw" and link.namespace == ns
    assert latency < PROMPT


def test_wait_link_returns_at_once_for_a_link_that_is_there(rooms):
    ns = rooms()
    started = time.monotonic()

    assert ns.wait_link("lo", timeout=5).index == 1
    assert time.monotonic() - started < 0.5


def test_wait_link_wakes_for_a_link_moved_in(rooms):
    a, b = rooms(), rooms()
    veth(a)
    move = rtlink.set_link(index(a, "nk1"), net_ns_fd=b.fileno())
    thread, done = later(a, move)

    link = b.wait_link("nk1", timeout=5)
    latency = woken(done, thread)

    assert link.namespace == b and link.kind == "veth"
    assert latency < PROMPT


def test_wait_link_times_out(rooms):
    ns = rooms()
    started = time.monotonic()

    with pytest.raises(TimeoutError, match="no link 'nkw'"):
        ns.wait_link("nkw", timeout=0.3)
    assert 0.3 <= time.monotonic() - started < 1.0


def test_wait_state_wakes_when_the_link_comes_up(rooms, record_property):
    ns = rooms()
    veth(ns)
    ip(ns, "link", "set", "nk0", "up")
    link = ns.link("nk0")
    assert link.state == "lowerlayerdown"
    thread, done = later(ns, rtlink.set_link(index(ns, "nk1"), up=True))

    result = link.wait_state("up", timeout=5)
    latency = woken(done, thread)

    record_property("wait_state wake-up seconds", round(latency, 4))
    assert result is link and link.state == "up"
    assert ip_json(ns, "link", "show", "dev", "nk0")[0]["operstate"] == "UP"
    assert latency < PROMPT


def test_wait_state_takes_several_states_and_returns_at_once(rooms):
    ns = rooms()
    veth(ns)

    assert ns.link("nk0").wait_state(["up", "down"], timeout=1).state == (
        "down"
    )


def test_wait_state_times_out_saying_the_state(rooms):
    ns = rooms()
    veth(ns)

    with pytest.raises(TimeoutError, match="'down', not up"):
        ns.link("nk0").wait_state("up", timeout=0.3)


def test_wait_state_of_a_link_deleted_meanwhile_is_link_not_found(rooms):
    ns = rooms()
    veth(ns)
    link = ns.link("nk0")
    thread, done = later(ns, rtlink.del_link(index(ns, "nk1")))

    with pytest.raises(LinkNotFound):
        link.wait_state("up", timeout=5)
    assert woken(done, thread) < PROMPT


def test_wait_addresses_ready_wakes_when_dad_ends(rooms, record_property):
    """KERNEL-FACTS 13: usable once DAD ends, 1-2 s after the address."""
    ns = rooms()
    veth(ns, up=True)
    link = ns.link("nk0")
    link.wait_addresses_ready(timeout=10)  # the link-local one first
    seen = {}

    def watch(monitor):
        for event in monitor:
            mine = str(event.address.address) == "2001:db8::1/64"
            if mine and isinstance(event, AddressChanged):
                seen["at"] = time.monotonic()
                return

    monitor = ns.monitor(addresses=True, timeout=10)
    watcher = threading.Thread(target=watch, args=(monitor,))
    watcher.start()
    started = time.monotonic()
    ip(ns, "addr", "add", "2001:db8::1/64", "dev", "nk0")

    ready = link.wait_addresses_ready(timeout=10)
    returned = time.monotonic()
    watcher.join()
    monitor.close()

    record_property("DAD seconds", round(returned - started, 3))
    record_property(
        "wait_addresses_ready lag seconds", round(returned - seen["at"], 4)
    )
    assert "2001:db8::1/64" in [str(a.address) for a in ready]
    assert not any(a.tentative for a in ready)
    for info in ip_json(ns, "addr", "show", "dev", "nk0")[0]["addr_info"]:
        assert "tentative" not in info
    assert abs(returned - seen["at"]) < PROMPT


def test_wait_addresses_ready_on_a_link_without_carrier_times_out(rooms):
    ns = rooms()
    veth(ns)
    ip(ns, "link", "set", "nk0", "up")
    ip(ns, "addr", "add", "2001:db8::1/64", "dev", "nk0")

    with pytest.raises(TimeoutError, match="still tentative"):
        ns.link("nk0").wait_addresses_ready(timeout=0.3)

"""The two-rooms walk-through, replayed from examples/walkthrough.py.

The example's own steps run one at a time; after each, the kernel is
asked with `ip -j` and through netkit whether things are as the lesson
says.  The host is a stand-in namespace; the real host is only read, to
see that it never changes.  Everything is removed at the end, also
when a step fails.
"""

from __future__ import annotations

import errno
import importlib.util
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from netkit import LinkNotFound, Namespace
from netkit.testing import unique_name
from tests.helpers import NETKIT_ROOT
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    host_view,
    ip_addresses,
    ip_error,
    ip_json,
    ip_link,
    link_names,
    sysctl_in,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "walkthrough.py"


def load_example():
    spec = importlib.util.spec_from_file_location("walkthrough", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


walkthrough = load_example()


def leftovers(prefix: str) -> list[str]:
    return [name for name in Namespace.list() if name.startswith(prefix)]


@pytest.fixture
def walk() -> Iterator[object]:
    """The example's walk-through under a unique prefix, closed after."""
    prefix = unique_name() + "-"
    walk = walkthrough.Walkthrough(prefix, out=io.StringIO())
    try:
        yield walk
    finally:
        walk.close()
        assert leftovers(prefix) == []


def neighbour_macs(ns: Namespace) -> dict[str, str]:
    """IP -> MAC of the ARP table, by netkit; checked against `ip`."""
    mine = {str(n.ip): n.mac for n in ns.neighbours(family=4)}
    theirs = {
        n["dst"]: n.get("lladdr") for n in ip_json(ns, "-4", "neigh", "show")
    }
    assert mine == theirs
    return mine


def only_lo(ns: Namespace) -> None:
    """What a new room holds: lo, no ARP entries, no routes."""
    assert [link.name for link in ns.links()] == ["lo"] == link_names(ns)
    assert ns.neighbours() == [] == ip_json(ns, "neigh", "show")
    assert ns.routes() == [] == ip_json(ns, "route", "show")
    assert ip_json(ns, "-6", "route", "show") == []


def test_the_walkthrough(walk):
    host_links = host_view()["links"]

    # 1. Rooms red and blue, and the host's stand-in: each sees only lo.
    seen = walk.step1_rooms()
    red, blue = walk.rooms()
    host = walk.the_host()
    for ns in (red, blue, host):
        only_lo(ns)
        assert seen[ns.name] == ["lo"]

    # 2. A cable; addresses without a prefix: no route, so no ping.
    result = walk.step2_cable()
    assert result.error == "Network is unreachable"
    assert (result.errno, result.sent, result.rtts) == (
        errno.ENETUNREACH,
        0,
        [],
    )
    assert ip_addresses(red, "veth-red", 4) == ["192.168.15.1/32"]
    assert ip_addresses(blue, "veth-blue", 4) == ["192.168.15.2/32"]
    assert "Network is unreachable" in ip_error(
        red, "route", "get", "192.168.15.2"
    )
    assert red.routes(family=4) == [] == ip_json(red, "-4", "route", "show")
    assert link_names(red) == ["lo", "veth-red"]
    assert link_names(blue) == ["lo", "veth-blue"]
    assert link_names(host) == ["lo"]
    assert host_view()["links"] == host_links

    # 3. The addresses again as /24: the ping works, and the ARP tables
    # hold each other's MAC; the host's knows neither.
    result = walk.step3_netmask()
    assert result.ok and result.received == 2
    cable = walk.the_cable()
    assert ip_addresses(red, "veth-red", 4) == ["192.168.15.1/24"]
    assert ip_addresses(blue, "veth-blue", 4) == ["192.168.15.2/24"]
    assert neighbour_macs(red) == {"192.168.15.2": cable.b.mac}
    assert neighbour_macs(blue) == {"192.168.15.1": cable.a.mac}
    assert cable.b.mac == ip_link(blue, "veth-blue")["address"]
    assert neighbour_macs(host) == {}

    # 4. Deleting red's end deletes both.
    walk.step4_unplug()
    assert link_names(red) == link_names(blue) == ["lo"]
    assert [link.name for link in blue.links()] == ["lo"]
    for end in cable:
        with pytest.raises(LinkNotFound):
            end.refresh()

    # 5. A bridge on the host and a cable from each room: red pings blue.
    result = walk.step5_switch()
    assert result.ok
    bridge = walk.the_bridge()
    ports = sorted(port.name for port in bridge.ports())
    assert ports == ["veth-blue-br", "veth-red-br"]
    on_bridge = ip_json(host, "link", "show", "master", "v-net-0")
    assert sorted(link["ifname"] for link in on_bridge) == ports
    for name in ["v-net-0", *ports]:
        assert "UP" in ip_link(host, name)["flags"]
        assert host.link(name).is_up
    assert ip_addresses(red, "veth-red", 4) == ["192.168.15.1/24"]
    assert ip_addresses(blue, "veth-blue", 4) == ["192.168.15.2/24"]
    assert link_names(red) == ["lo", "veth-red"]
    assert red.link("veth-red").peer().namespace == host

    # 6. An address on the bridge, a route in blue, forwarding on in the
    # host: blue reaches the third room behind the host.
    result = walk.step6_gateway()
    assert result.ok
    assert ip_addresses(host, "v-net-0", 4) == ["192.168.15.5/24"]
    (route,) = [r for r in blue.routes(family=4) if r.gateway]
    assert (str(route.dst), str(route.gateway)) == (
        "192.168.1.0/24",
        "192.168.15.5",
    )
    shown = ip_json(blue, "-4", "route", "show", "192.168.1.0/24")
    assert shown[0]["gateway"] == "192.168.15.5"
    assert sysctl_in(host, "net.ipv4.ip_forward") == "1"
    assert host.sysctl("net.ipv4.ip_forward") == 1
    assert "192.168.15.2" in neighbour_macs(host)

    host.sysctl("net.ipv4.ip_forward", 0)
    assert not blue.ping("192.168.1.3", count=1, timeout=0.3)
    host.sysctl("net.ipv4.ip_forward", 1)
    assert blue.ping("192.168.1.3", count=1).ok


def test_run_says_every_step_went_as_the_lesson_says(walk):
    assert walk.run() is True

    text = walk.out.getvalue()
    assert "0 sent, 0 received (Network is unreachable)" in text
    assert text.count("2 sent, 2 received") == 3


def test_everything_is_removed_when_a_step_fails(monkeypatch):
    prefix = unique_name() + "-"
    real = walkthrough.Walkthrough.step5_switch

    def broken(self):
        real(self)
        raise RuntimeError("step 5 broke")

    steps = list(walkthrough.Walkthrough.STEPS)
    steps[4] = broken
    monkeypatch.setattr(walkthrough.Walkthrough, "STEPS", tuple(steps))
    monkeypatch.setattr(sys, "stdout", io.StringIO())

    with pytest.raises(RuntimeError, match="step 5 broke"):
        walkthrough.main(["--prefix", prefix])

    assert leftovers(prefix) == []


def test_the_example_runs_as_a_script():
    prefix = unique_name() + "-"

    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--prefix", prefix],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(NETKIT_ROOT), "PATH": "/usr/sbin:/usr/bin"},
    )

    assert done.returncode == 0, done.stderr
    assert "Every step went as the lesson says." in done.stdout
    assert f"ip netns add {prefix}red" in done.stdout
    assert leftovers(prefix) == []

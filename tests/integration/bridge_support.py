"""A switch for bridge tests: bridge br0 and two rooms cabled to it.

The switch room holds br0 with ports p1 and p2; the other ends of the
cables are eth0 in rooms red (192.0.2.1/24) and blue (192.0.2.2/24).
IPv6 is off on every link, so the only frames are those the tests make
(red pinging blue), and the entries the bridge learns are red's and
blue's.  `bridge_json` runs `bridge -j` in the switch room: the oracle.

    from tests.integration.bridge_support import switch_fixture  # noqa
"""

from __future__ import annotations

import json
import subprocess

import pytest

from netkit import Bridge, VethPair
from tests.integration.objects_support import quiet_ipv6


class Switch:
    """br0 in room `ns`, its ports p1 and p2 cabled to red and blue."""

    def __init__(self, rooms):
        self.ns, self.red, self.blue = rooms(), rooms(), rooms()
        quiet_ipv6(self.ns, "default", "all")
        for room in (self.red, self.blue):
            quiet_ipv6(room, "default", "all")
        self.br = Bridge.create("br0", ns=self.ns)
        self.hosts = {}
        for port, room, address in (
            ("p1", self.red, "192.0.2.1/24"),
            ("p2", self.blue, "192.0.2.2/24"),
        ):
            pair = VethPair.create(port, "eth0", ns=self.ns, peer_ns=room)
            self.br.attach(pair.a)
            pair.a.up()
            pair.b.up().add_address(address)
            self.hosts[port] = pair.b
        self.br.up()
        self.p1, self.p2 = self.ns.link("p1"), self.ns.link("p2")

    def mac(self, port):
        return self.hosts[port].mac

    def ping(self):
        """red pings blue: the bridge learns both their MACs."""
        return self.red.ping("192.0.2.2", count=1, timeout=2)

    def bridge_json(self, *args):
        """`bridge -j ARGS` run in the switch room, parsed."""
        done = subprocess.run(
            ["bridge", "-n", self.ns.name, "-j", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout) if done.stdout.strip() else []

    def bridge_error(self, *args):
        done = subprocess.run(
            ["bridge", "-n", self.ns.name, *args],
            capture_output=True,
            text=True,
        )
        assert done.returncode != 0
        return done.stderr


@pytest.fixture(name="switch")
def switch_fixture(rooms):
    """A fresh `Switch` (its rooms go with the test's `rooms`)."""
    return Switch(rooms)

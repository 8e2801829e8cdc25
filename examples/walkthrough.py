"""The two-rooms walk-through of network namespaces, step by step.

The classic lesson, done with netkit and no `ip` binary:

1. rooms red and blue: each sees only its own `lo`, and nothing of the
   other's; their ARP and route tables are empty;
2. a veth cable between them, addresses added without a prefix: the
   ping fails with "Network is unreachable" (a /32 gives no route);
3. the addresses again as /24: the ping works, and each room's ARP table
   holds the other's MAC, which the host never learns;
4. deleting red's end of the cable deletes blue's too;
5. a switch: bridge v-net-0 on the host, a cable from each room to it,
   red pings blue across it;
6. a gateway: an address on the bridge, a route in blue to the network
   behind the host, forwarding on in the host: blue reaches a third room
   on that network.

What the lesson puts on the host goes into a namespace that stands in
for it, so this machine's own network is never touched.  Every name
starts with `--prefix`; everything made is removed at the end, also
when a step fails.  Run it as root:

    python3 examples/walkthrough.py --prefix walk-
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

from netkit import Bridge, Link, Namespace, PingResult, VethPair

SUBNET = "192.168.15"
RED, BLUE, BRIDGE_IP = f"{SUBNET}.1", f"{SUBNET}.2", f"{SUBNET}.5"
BRIDGE = "v-net-0"
LAN = "192.168.1"  # the network behind the host
LAN_HOST, LAN_FAR = f"{LAN}.2", f"{LAN}.3"


class Walkthrough:
    """The rooms of the lesson, built one step at a time, with narration.

    Each `stepN` method does one step and returns what a reader would
    look at (a `PingResult`, the links); `close()` removes everything.
    """

    def __init__(self, prefix: str = "walk-", out: TextIO = sys.stdout):
        self.prefix = prefix
        self.out = out
        self.made: list[Namespace] = []
        self.red: Namespace | None = None
        self.blue: Namespace | None = None
        self.host: Namespace | None = None
        self.far: Namespace | None = None
        self.cable: VethPair | None = None
        self.bridge: Bridge | None = None

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def shell(self, *commands: str) -> None:
        """Show the `ip` commands a step stands for."""
        for command in commands:
            self.say(f"  $ {command}")

    def room(self, base: str) -> Namespace:
        name = self.prefix + base
        self.shell(f"ip netns add {name}")
        ns = Namespace.create(name)
        self.made.append(ns)
        return ns

    def wait_up(self, *links: Link, timeout: float = 5.0) -> None:
        """Wait until each link's operational state is "up".

        A veth end that has just come up drops what it is sent until the
        kernel has noticed the carrier, a moment later; `ping` would
        lose its first packet now and then.
        """
        deadline = time.monotonic() + timeout
        for link in links:
            while link.refresh().state != "up":
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{link.name} is {link.state}, not up")
                time.sleep(0.01)

    def ping(self, ns: Namespace, address: str, count: int = 2) -> PingResult:
        self.shell(f"ip netns exec {ns.name} ping -c {count} {address}")
        result = ns.ping(address, count=count, timeout=2.0, interval=0.1)
        self.say(f"    {result.summary()}")
        return result

    # The six steps.

    def step1_rooms(self) -> dict[str, list[str]]:
        """Rooms red and blue, and the host's stand-in; what each sees."""
        self.say("1. Two rooms, and a stand-in for the host.")
        self.red, self.blue = self.room("red"), self.room("blue")
        self.host = self.room("host")
        seen = {}
        for ns in (self.red, self.blue, self.host):
            seen[ns.name] = [link.name for link in ns.links()]
            self.shell(f"ip -n {ns.name} link")
            self.say(f"    {', '.join(seen[ns.name])}")
        return seen

    def step2_cable(self) -> PingResult:
        """A cable between the rooms; addresses without a prefix."""
        self.say("2. A cable between red and blue; addresses, no netmask.")
        red, blue = self.rooms()
        self.shell(
            f"ip -n {red.name} link add veth-red type veth "
            f"peer name veth-blue netns {blue.name}"
        )
        self.cable = VethPair.create(
            "veth-red", "veth-blue", ns=red, peer_ns=blue
        )
        self.shell(
            f"ip -n {red.name} addr add {RED} dev veth-red",
            f"ip -n {blue.name} addr add {BLUE} dev veth-blue",
            f"ip -n {red.name} link set veth-red up",
            f"ip -n {blue.name} link set veth-blue up",
        )
        self.cable.a.add_address(RED)
        self.cable.b.add_address(BLUE)
        self.cable.a.up()
        self.cable.b.up()
        self.say("   A bare address is a /32: no route reaches blue.")
        return self.ping(red, BLUE)

    def step3_netmask(self) -> PingResult:
        """The addresses again, as /24; the ARP tables fill."""
        self.say("3. The addresses again, with their /24.")
        red, blue = self.rooms()
        pair = self.the_cable()
        self.shell(
            f"ip -n {red.name} addr flush dev veth-red",
            f"ip -n {blue.name} addr flush dev veth-blue",
            f"ip -n {red.name} addr add {RED}/24 dev veth-red",
            f"ip -n {blue.name} addr add {BLUE}/24 dev veth-blue",
        )
        pair.a.flush_addresses()
        pair.b.flush_addresses()
        pair.a.add_address(f"{RED}/24")
        pair.b.add_address(f"{BLUE}/24")
        self.wait_up(*pair)
        result = self.ping(red, BLUE)
        for ns in (red, blue, self.host):
            self.shell(f"ip -n {ns.name} neigh")
            for entry in ns.neighbours():
                self.say(f"    {entry.ip} lladdr {entry.mac} {entry.state}")
        return result

    def step4_unplug(self) -> None:
        """Delete red's end of the cable; blue's goes with it."""
        self.say("4. Deleting red's end deletes the whole cable.")
        red, _ = self.rooms()
        self.shell(f"ip -n {red.name} link del veth-red")
        self.the_cable().a.delete()

    def step5_switch(self) -> PingResult:
        """A bridge on the host, a cable from each room to it."""
        self.say("5. A switch: bridge v-net-0 on the host.")
        host = self.the_host()
        self.shell(
            f"ip -n {host.name} link add {BRIDGE} type bridge",
            f"ip -n {host.name} link set dev {BRIDGE} up",
        )
        self.bridge = Bridge.create(BRIDGE, ns=host)
        self.bridge.up()
        for ns, address in zip(self.rooms(), (RED, BLUE), strict=True):
            self.plug(ns, ns.name.removeprefix(self.prefix), address)
        return self.ping(self.rooms()[0], BLUE)

    def plug(self, ns: Namespace, room: str, address: str) -> None:
        host = self.the_host()
        inner, outer = f"veth-{room}", f"veth-{room}-br"
        self.shell(
            f"ip -n {ns.name} link add {inner} type veth "
            f"peer name {outer} netns {host.name}",
            f"ip -n {host.name} link set {outer} master {BRIDGE} up",
            f"ip -n {ns.name} addr add {address}/24 dev {inner}",
            f"ip -n {ns.name} link set {inner} up",
        )
        pair = VethPair.create(inner, outer, ns=ns, peer_ns=host)
        self.the_bridge().attach(pair.b)
        pair.b.up()
        pair.a.add_address(f"{address}/24")
        pair.a.up()
        self.wait_up(*pair)

    def step6_gateway(self) -> PingResult:
        """The host as a gateway from the rooms to the network behind it."""
        self.say("6. The host as a gateway to the network behind it.")
        host, (_, blue) = self.the_host(), self.rooms()
        self.shell(f"ip -n {host.name} addr add {BRIDGE_IP}/24 dev {BRIDGE}")
        self.the_bridge().add_address(f"{BRIDGE_IP}/24")

        self.say("   The network behind the host: a third room on a cable.")
        self.far = self.room("far")
        self.shell(
            f"ip -n {host.name} link add veth-lan type veth peer name "
            f"veth-far netns {self.far.name}",
            f"ip -n {host.name} addr add {LAN_HOST}/24 dev veth-lan",
            f"ip -n {self.far.name} addr add {LAN_FAR}/24 dev veth-far",
            f"ip -n {host.name} link set veth-lan up",
            f"ip -n {self.far.name} link set veth-far up",
        )
        lan = VethPair.create(
            "veth-lan", "veth-far", ns=host, peer_ns=self.far
        )
        lan.a.add_address(f"{LAN_HOST}/24")
        lan.b.add_address(f"{LAN_FAR}/24")
        lan.a.up()
        lan.b.up()
        self.wait_up(*lan)

        self.shell(
            f"ip -n {blue.name} route add {LAN}.0/24 via {BRIDGE_IP}",
            f"ip -n {self.far.name} route add {SUBNET}.0/24 via {LAN_HOST}",
            f"ip netns exec {host.name} sysctl -w net.ipv4.ip_forward=1",
        )
        blue.add_route(f"{LAN}.0/24", via=BRIDGE_IP)
        self.far.add_route(f"{SUBNET}.0/24", via=LAN_HOST)
        host.sysctl("net.ipv4.ip_forward", 1)
        return self.ping(blue, LAN_FAR)

    STEPS: tuple[Callable[[Walkthrough], object], ...] = (
        step1_rooms,
        step2_cable,
        step3_netmask,
        step4_unplug,
        step5_switch,
        step6_gateway,
    )

    def run(self) -> bool:
        """Every step in order; whether the pings went as the lesson says.

        Step 2's ping must fail with "Network is unreachable", the
        others must get their replies.
        """
        outcomes = [step(self) for step in self.STEPS]
        unreachable = outcomes[1]
        pings = [outcomes[2], outcomes[4], outcomes[5]]
        expected = unreachable.error == "Network is unreachable"
        return expected and all(result.ok for result in pings)

    # The objects of the lesson, once made.

    def rooms(self) -> tuple[Namespace, Namespace]:
        if self.red is None or self.blue is None:
            raise RuntimeError("step 1 has not made the rooms yet")
        return self.red, self.blue

    def the_host(self) -> Namespace:
        if self.host is None:
            raise RuntimeError("step 1 has not made the host's stand-in")
        return self.host

    def the_cable(self) -> VethPair:
        if self.cable is None:
            raise RuntimeError("step 2 has not made the cable yet")
        return self.cable

    def the_bridge(self) -> Bridge:
        if self.bridge is None:
            raise RuntimeError("step 5 has not made the bridge yet")
        return self.bridge

    def close(self) -> None:
        """Delete every room made, newest first; raise the first failure.

        Deleting a namespace deletes its links, so nothing else is left.
        """
        errors: list[BaseException] = []
        while self.made:
            ns = self.made.pop()
            try:
                ns.delete()
            except OSError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--prefix",
        default="walk-",
        help="put this before every namespace name (default: walk-)",
    )
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("walkthrough: needs root (CAP_SYS_ADMIN)", file=sys.stderr)
        return 2

    walk = Walkthrough(args.prefix)
    try:
        ok = walk.run()
    finally:
        walk.say("Removing the rooms.")
        walk.close()
    walk.say("Every step went as the lesson says." if ok else "Surprise!")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`netkit demo`: two rooms and a switch, built step by step.

The walk-through of network namespaces: rooms red and blue, a bridge
v-net-0 as the switch, a veth cable from each room to it, addresses from
192.168.15.0/24.  Each step prints the `ip` command it stands for.  The
bridge belongs to the host; unless `--on-host` is given it goes into a
throwaway namespace that stands in for the host, so the machine's own
network is never touched.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from netkit.cli.tables import print_links, print_neighbours, print_routes

SUBNET = "192.168.15"
ROOMS = {"red": f"{SUBNET}.1", "blue": f"{SUBNET}.2"}
BRIDGE = "v-net-0"
BRIDGE_ADDRESS = f"{SUBNET}.5/24"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="build two rooms and a switch, ping across, tear it down",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--on-host",
        action="store_true",
        help="put the bridge in the host's own namespace, as the lesson "
        "does (changes this machine's network until the demo ends)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave everything up for exploring, and say how to remove it",
    )
    parser.add_argument(
        "--prefix",
        default="",
        metavar="TEXT",
        help="put TEXT before every name the demo creates (namespaces, "
        "bridge), so that it cannot collide with names in use",
    )
    parser.add_argument(
        "--count",
        type=int,
        default=3,
        metavar="N",
        help="echo requests per ping (default: 3)",
    )
    parser.set_defaults(run=run)


class Demo:
    """The network of the walk-through, with its narration."""

    def __init__(self, args: argparse.Namespace, out: TextIO) -> None:
        self.args = args
        self.out = out
        self.prefix = args.prefix
        self.created: list[Any] = []
        self.bridge: Any = None
        self.rooms: dict[str, Any] = {}
        self.host: Any = None

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def step(self, commands: list[str], action: Callable[[], Any]) -> Any:
        """Run one step, showing the `ip` commands it stands for."""
        for command in commands:
            self.say(f"  $ {command}")
        result = action()
        return result

    def name(self, base: str) -> str:
        return self.prefix + base

    def ip_n(self, ns: Any) -> str:
        """`ip` or `ip -n NAME`, for the namespace a command runs in."""
        if ns is None or ns.name is None:
            return "ip"
        return f"ip -n {ns.name}"

    def build(self) -> None:
        import netkit

        self.say("1. Two rooms: a network namespace each.")
        for room in ROOMS:
            name = self.name(room)
            ns = self.step(
                [f"ip netns add {name}"],
                lambda n=name: netkit.Namespace.create(n),
            )
            self.created.append(ns)
            self.rooms[room] = ns
        if self.args.on_host:
            self.host = netkit.Namespace.current()
        else:
            name = self.name("netkit-host")
            self.say(f"   ({name} stands in for the host)")
            self.host = self.step(
                [f"ip netns add {name}"],
                lambda: netkit.Namespace.create(name),
            )
            self.created.append(self.host)
        self.say()

        self._build_switch(netkit)
        self._build_cables(netkit)

    def _build_switch(self, netkit: Any) -> None:
        ip = self.ip_n(self.host)
        bridge = self.name(BRIDGE)
        self.say("2. A switch for the rooms: a bridge on the host.")
        self.bridge = self.step(
            [f"{ip} link add {bridge} type bridge"],
            lambda: netkit.Bridge.create(bridge, ns=self.host),
        )
        if self.args.on_host:
            self.created.append(self.bridge)
        self.step([f"{ip} link set dev {bridge} up"], self.bridge.up)
        self.say()

    def _build_cables(self, netkit: Any) -> None:
        host_ip = self.ip_n(self.host)
        bridge = self.name(BRIDGE)
        self.say("3. A cable from each room to the switch: veth pairs.")
        for room, address in ROOMS.items():
            ns = self.rooms[room]
            inner, outer = f"veth-{room}", f"veth-{room}-br"
            pair = self.step(
                [
                    f"{host_ip} link add {inner} type veth peer name {outer}",
                    f"{host_ip} link set {inner} netns {ns.name}",
                ],
                lambda i=inner, o=outer, n=ns: netkit.VethPair.create(
                    i, o, ns=n, peer_ns=self.host
                ),
            )
            self.step(
                [f"{host_ip} link set {outer} master {bridge}"],
                lambda p=pair: self.bridge.attach(p.b),
            )
            room_ip = self.ip_n(ns)
            self.step(
                [f"{room_ip} addr add {address}/24 dev {inner}"],
                lambda p=pair, a=address: p.a.add_address(f"{a}/24"),
            )
            self.step(
                [
                    f"{room_ip} link set {inner} up",
                    f"{host_ip} link set {outer} up",
                ],
                lambda p=pair: (p.a.up(), p.b.up()),
            )
        self.say()

    def ping_across(self) -> bool:
        self.say("4. The rooms talk across the switch.")
        ok = True
        for src, dst in (("red", "blue"), ("blue", "red")):
            ns = self.rooms[src]
            address = ROOMS[dst]
            count = self.args.count
            self.say(f"  $ ip netns exec {ns.name} ping -c {count} {address}")
            result = ns.ping(address, count=self.args.count, timeout=2.0)
            for seq, rtt in enumerate(result.rtts, 1):
                self.say(
                    f"    reply from {address}: icmp_seq={seq} "
                    f"time={rtt:.3f} ms"
                )
            self.say(f"    {src} -> {dst}: {result.summary()}")
            ok = ok and result.ok
        self.say()
        return ok

    def show_tables(self) -> None:
        self.say("5. What each room sees: only its own links, ARP and routes.")
        places = [(f"room {self.rooms[r].name}", self.rooms[r]) for r in ROOMS]
        host_label = "host" if self.args.on_host else self.host.name
        places.append((f"host ({host_label})", self.host))
        for label, ns in places:
            self.say(f"\n  [{label}]  ({self.ip_n(ns)} link / neigh / route)")
            print_links(ns.links(), self.out, indent="    ")
            self.say("    ARP table:")
            print_neighbours(ns.neighbours(), self.out, indent="      ")
            self.say("    routes:")
            print_routes(ns.routes(family=4), self.out, indent="      ")
        self.say()

    def teardown(self) -> None:
        """Remove what the demo made, newest first; report, never hide."""
        errors = []
        for thing in reversed(self.created):
            try:
                thing.delete()
            except OSError as exc:
                errors.append(f"{thing!r}: {exc}")
        self.created.clear()
        for error in errors:
            print(f"netkit demo: cleanup failed: {error}", file=sys.stderr)

    def removal_hint(self) -> None:
        self.say("Left up for exploring. Remove it with:")
        for thing in reversed(self.created):
            if getattr(thing, "kind", None) == "bridge":
                self.say(f"  ip link del {thing.name}")
            else:
                self.say(f"  ip netns del {thing.name}")


@contextmanager
def _cleanup_on_error(demo: Demo) -> Iterator[None]:
    try:
        yield
    except BaseException:
        demo.teardown()
        raise


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    if args.count < 1:
        raise ValueError("--count must be at least 1")
    if os.geteuid() != 0:
        raise PermissionError(1, "netkit demo creates network namespaces")
    demo = Demo(args, out or sys.stdout)
    with _cleanup_on_error(demo):
        demo.build()
        ok = demo.ping_across()
        demo.show_tables()
    if args.keep:
        demo.removal_hint()
    else:
        demo.say("6. Tearing it all down.")
        for thing in reversed(demo.created):
            command = (
                f"ip link del {thing.name}"
                if getattr(thing, "kind", None) == "bridge"
                else f"ip netns del {thing.name}"
            )
            demo.say(f"  $ {command}")
        demo.teardown()
    demo.say("The pings got their replies." if ok else "Some pings failed.")
    return 0 if ok else 1

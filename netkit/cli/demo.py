"""`netkit demo`: two rooms and a switch, built step by step.

The walk-through of network namespaces: rooms red and blue, a bridge
v-net-0 as the switch, a veth cable from each room to it, addresses from
192.168.15.0/24.  Each step prints the `ip` command it stands for; then
the rooms ping each other, each room's links, ARP table and routes are
shown, and everything is removed.  The bridge belongs to the host;
unless --on-host is given it goes into a throwaway namespace that stands
in for the host, so the machine's own network is never touched.

--keep leaves the network up for exploring; `netkit demo --down` (with
the same --prefix and --on-host) removes it later.  The exit status is 0
only when every ping got its reply.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from netkit.cli import EXIT_FAILED, EXIT_OK, describe
from netkit.cli.tables import print_links, print_neighbours, print_routes

SUBNET = "192.168.15"
ROOMS = {"red": f"{SUBNET}.1", "blue": f"{SUBNET}.2"}
# Echo requests per ping: enough to watch, few enough to finish.
MAX_COUNT = 1000
BRIDGE = "v-net-0"
STAND_IN = "netkit-host"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="build two rooms and a switch, ping across, tear it down",
        description=describe(__doc__),
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
        "--down",
        action="store_true",
        help="remove a demo left up by --keep, and do nothing else",
    )
    parser.add_argument(
        "--prefix",
        default="",
        metavar="TEXT",
        help="put TEXT before the name of every namespace the demo makes "
        "(and, with --on-host, of its links on the host), so that it "
        "cannot collide with names in use",
    )
    parser.add_argument(
        "--count",
        type=_count,
        default=3,
        metavar="N",
        help=f"echo requests per ping, 1..{MAX_COUNT} (default: 3)",
    )
    parser.set_defaults(run=run)


def _count(text: str) -> int:
    """--count N: a whole number of echo requests, 1..MAX_COUNT."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number"
        ) from None
    if not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{value} is not in 1..{MAX_COUNT}")
    return value


# argparse names the type in some messages: "invalid count value".
_count.__name__ = "count"


class Names:
    """The names the demo gives things, after --prefix."""

    def __init__(self, prefix: str, on_host: bool) -> None:
        self.prefix = prefix
        # Links in the demo's own namespaces cannot collide; on the
        # host they can, so there they get the prefix too.
        self.link_prefix = prefix if on_host else ""
        self.on_host = on_host

    def room(self, room: str) -> str:
        return self.prefix + room

    @property
    def stand_in(self) -> str:
        return self.prefix + STAND_IN

    @property
    def bridge(self) -> str:
        return self.link_prefix + BRIDGE

    def outer(self, room: str) -> str:
        """The end of a room's cable that plugs into the switch."""
        return f"{self.link_prefix}veth-{room}-br"

    def namespaces(self) -> list[str]:
        rooms = [self.room(room) for room in ROOMS]
        return rooms if self.on_host else [*rooms, self.stand_in]

    def down_command(self) -> str:
        words = ["netkit demo --down"]
        if self.prefix:
            words.append(f"--prefix {self.prefix}")
        if self.on_host:
            words.append("--on-host")
        return " ".join(words)


class Demo:
    """The network of the walk-through, with its narration."""

    def __init__(self, args: argparse.Namespace, out: TextIO) -> None:
        self.args = args
        self.out = out
        self.names = Names(args.prefix, args.on_host)
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
        return action()

    def ip_n(self, ns: Any) -> str:
        """`ip` or `ip -n NAME`, for the namespace a command runs in."""
        if ns is None or ns.name is None:
            return "ip"
        return f"ip -n {ns.name}"

    def build(self) -> None:
        import netkit

        self.say("1. Two rooms: a network namespace each.")
        for room in ROOMS:
            name = self.names.room(room)
            ns = self.step(
                [f"ip netns add {name}"],
                lambda n=name: netkit.Namespace.create(n),
            )
            self.created.append(ns)
            self.rooms[room] = ns
        if self.args.on_host:
            self.host = netkit.Namespace.current()
        else:
            name = self.names.stand_in
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
        bridge = self.names.bridge
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
        bridge = self.names.bridge
        self.say("3. A cable from each room to the switch: veth pairs.")
        for room, address in ROOMS.items():
            ns = self.rooms[room]
            inner, outer = f"veth-{room}", self.names.outer(room)
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
                # Packets sent before the carrier is up are dropped.
                lambda p=pair: (
                    p.a.up(),
                    p.b.up(),
                    p.a.wait_state("up", timeout=5),
                ),
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
            result = ns.ping(address, count=count, timeout=2.0)
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

    def teardown(self, narrate: bool = False) -> None:
        """Remove what the demo made, newest first; report, never hide."""
        errors = []
        for thing in reversed(self.created):
            if narrate:
                self.say(f"  $ {_removal(thing)}")
            try:
                thing.delete()
            except OSError as exc:
                errors.append(f"{_removal(thing)}: {exc}")
        self.created.clear()
        for error in errors:
            print(f"netkit demo: cleanup failed: {error}", file=sys.stderr)

    def removal_hint(self) -> None:
        self.say("Left up for exploring, for instance:")
        red = self.names.room("red")
        self.say(f"  netkit show {red}")
        self.say(f"  ip netns exec {red} ip neigh")
        self.say("Remove it with:")
        self.say(f"  {self.names.down_command()}")
        self.say("or, with ip:")
        for thing in reversed(self.created):
            self.say(f"  {_removal(thing)}")


def _removal(thing: Any) -> str:
    """The `ip` command that removes a namespace or a host's link."""
    if getattr(thing, "kind", None) == "bridge":
        return f"ip link del {thing.name}"
    return f"ip netns del {thing.name}"


@contextmanager
def _cleanup_on_error(demo: Demo) -> Iterator[None]:
    try:
        yield
    except BaseException:
        demo.teardown()
        raise


def take_down(args: argparse.Namespace, out: TextIO) -> int:
    """Remove a kept demo: its namespaces and, --on-host, its bridge."""
    from netkit.errors import LinkNotFound, NamespaceNotFound
    from netkit.namespace import Namespace

    names = Names(args.prefix, args.on_host)
    removed = 0
    for name in names.namespaces():
        try:
            ns = Namespace(name)
        except NamespaceNotFound:
            continue
        print(f"  $ ip netns del {name}", file=out)
        ns.delete()
        removed += 1
    if args.on_host:
        try:
            bridge = Namespace.current().link(names.bridge)
        except LinkNotFound:
            bridge = None
        if bridge is not None and bridge.kind == "bridge":
            print(f"  $ ip link del {bridge.name}", file=out)
            bridge.delete()
            removed += 1
    if not removed:
        print("Nothing to remove: no demo with these names is up.", file=out)
    return EXIT_OK


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if args.down:
        return take_down(args, out)

    demo = Demo(args, out)
    with _cleanup_on_error(demo):
        demo.build()
        ok = demo.ping_across()
        demo.show_tables()
    if args.keep:
        demo.removal_hint()
    else:
        demo.say("6. Tearing it all down.")
        demo.teardown(narrate=True)
    demo.say("The pings got their replies." if ok else "Some pings failed.")
    return EXIT_OK if ok else EXIT_FAILED

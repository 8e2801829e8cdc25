"""The netkit side of each benchmark phase, one process per phase.

    python -m netkit.bench.worker COMPETITOR WORKLOAD PHASE N PREFIX GROUP

runs one phase in the network namespace it was started in (the harness
starts it with ``nsenter --net=...``) and prints ``{"seconds": S,
"count": C}``: the time of the phase alone, and what a dump counted.
COMPETITOR is "netkit" (plain calls, one request each; dumps as lists
of objects: `ns.routes()`) or "netkit-batch" (`ns.batch()`, bulk removal
by link group; dumps as streams of messages, every attribute decoded:
`ns.rtnl.iter_dump()`).  What is found or listed before the clock
starts is not timed.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

import netkit
from netkit.bench.names import address, room_address

Phase = Callable[[netkit.Namespace, int, str, int], int | None]


# W1: veth pairs PREFIXa<i> / PREFIXb<i>.


def w1_create_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    for i in range(n):
        netkit.VethPair.create(f"{prefix}a{i}", f"{prefix}b{i}", ns=ns)


def w1_create_batch(ns: netkit.Namespace, n: int, prefix: str, group: int):
    with ns.batch() as batch:
        for i in range(n):
            batch.add_veth(f"{prefix}a{i}", f"{prefix}b{i}", group=group)


def w1_delete_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    links = [link for link in ns.links() if link.name.startswith(prefix)]
    ends = [link for link in links if link.name.startswith(f"{prefix}a")]
    return _timed(lambda: [link.delete() for link in ends])


def w1_delete_batch(ns: netkit.Namespace, n: int, prefix: str, group: int):
    ns.delete_links(group=group)


# W2: addresses 198.18.0.0 + i, /32, on veth0.


def w2_add_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    link = ns.link("veth0")
    return _timed(
        lambda: [link.add_address(f"{address(i)}/32") for i in range(n)]
    )


def w2_add_batch(ns: netkit.Namespace, n: int, prefix: str, group: int):
    with ns.batch() as batch:
        for i in range(n):
            batch.add_address("veth0", f"{address(i)}/32")


def w2_dump(ns: netkit.Namespace, n: int, prefix: str, group: int):
    return _counted(lambda: len(ns.addresses(family=4)))


def w2_dump_messages(ns: netkit.Namespace, n: int, prefix: str, group: int):
    from netkit.rtnl import addr

    request = addr.dump_addrs(4)
    return _counted(lambda: sum(1 for _ in ns.rtnl.iter_dump(*request)))


def w2_delete_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    link = ns.link("veth0")
    return _timed(
        lambda: [link.delete_address(f"{address(i)}/32") for i in range(n)]
    )


def w2_delete_batch(ns: netkit.Namespace, n: int, prefix: str, group: int):
    with ns.batch() as batch:
        for i in range(n):
            batch.delete_address("veth0", f"{address(i)}/32")


# W3: routes 198.18.0.0 + i, /32, dev veth0 scope link.


def w3_add_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    link = ns.link("veth0")
    return _timed(
        lambda: [
            ns.add_route(f"{address(i)}/32", dev=link, scope="link")
            for i in range(n)
        ]
    )


def w3_add_batch(ns: netkit.Namespace, n: int, prefix: str, group: int):
    with ns.batch() as batch:
        for i in range(n):
            batch.add_route(f"{address(i)}/32", dev="veth0", scope="link")


def w3_dump_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    return _counted(lambda: len(ns.routes(family=4)))


def w3_dump_messages(ns: netkit.Namespace, n: int, prefix: str, group: int):
    # The route messages streamed, every attribute decoded: what a dump
    # costs below the Route objects (pyroute2 gives messages too).
    from netkit.rtnl import route

    request = route.dump_routes(4, table="main")
    return _counted(lambda: sum(1 for _ in ns.rtnl.iter_dump(*request)))


def w3_delete_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    link = ns.link("veth0")
    return _timed(
        lambda: [
            ns.delete_route(f"{address(i)}/32", dev=link) for i in range(n)
        ]
    )


def w3_delete_batch(ns: netkit.Namespace, n: int, prefix: str, group: int):
    with ns.batch() as batch:
        for i in range(n):
            batch.delete_route(f"{address(i)}/32", dev="veth0")


# W4: rooms PREFIX<i>, bridge nkbr0 here, veth nkb<i> here / eth0 there.


def w4_build_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    bridge = netkit.Bridge.create("nkbr0", ns=ns)
    bridge.up()
    for i in range(n):
        room = netkit.Namespace.create(f"{prefix}{i}")
        pair = netkit.VethPair.create(f"nkb{i}", "eth0", ns=ns, peer_ns=room)
        bridge.attach(pair.a)
        pair.a.up()
        pair.b.add_address(f"{room_address(i)}/16")
        pair.b.up()


def w4_build_batch(ns: netkit.Namespace, n: int, prefix: str, group: int):
    rooms = netkit.Namespace.create_many([f"{prefix}{i}" for i in range(n)])
    with ns.batch() as batch:
        batch.add_link("nkbr0", "bridge", group=group)
        batch.set_link("nkbr0", up=True)
        for i, room in enumerate(rooms):
            batch.add_veth(f"nkb{i}", "eth0", peer_ns=room, group=group)
    bridge = ns.link("nkbr0").index
    with ns.batch() as batch:
        for i in range(n):
            batch.set_link(f"nkb{i}", up=True, master=bridge)
    for i, room in enumerate(rooms):
        with room.batch() as batch:
            batch.add_address("eth0", f"{room_address(i)}/16")
            batch.set_link("eth0", up=True)


def w4_down_plain(ns: netkit.Namespace, n: int, prefix: str, group: int):
    links = [link for link in ns.links() if link.name.startswith("nkb")]
    rooms = [netkit.Namespace(f"{prefix}{i}") for i in range(n)]

    def down() -> None:
        for link in links:
            link.delete()
        for room in rooms:
            room.delete()

    return _timed(down)


def w4_down_batch(ns: netkit.Namespace, n: int, prefix: str, group: int):
    rooms = [netkit.Namespace(f"{prefix}{i}") for i in range(n)]

    def down() -> None:
        ns.delete_links(group=group)
        for room in rooms:
            room.delete()

    return _timed(down)


PHASES: dict[tuple[str, str, str], Phase] = {
    ("netkit", "W1", "create"): w1_create_plain,
    ("netkit-batch", "W1", "create"): w1_create_batch,
    ("netkit", "W1", "delete"): w1_delete_plain,
    ("netkit-batch", "W1", "delete"): w1_delete_batch,
    ("netkit", "W2", "add"): w2_add_plain,
    ("netkit-batch", "W2", "add"): w2_add_batch,
    ("netkit", "W2", "dump"): w2_dump,
    ("netkit-batch", "W2", "dump"): w2_dump_messages,
    ("netkit", "W2", "delete"): w2_delete_plain,
    ("netkit-batch", "W2", "delete"): w2_delete_batch,
    ("netkit", "W3", "add"): w3_add_plain,
    ("netkit-batch", "W3", "add"): w3_add_batch,
    ("netkit", "W3", "dump"): w3_dump_plain,
    ("netkit-batch", "W3", "dump"): w3_dump_messages,
    ("netkit", "W3", "delete"): w3_delete_plain,
    ("netkit-batch", "W3", "delete"): w3_delete_batch,
    ("netkit", "W4", "build"): w4_build_plain,
    ("netkit-batch", "W4", "build"): w4_build_batch,
    ("netkit", "W4", "teardown"): w4_down_plain,
    ("netkit-batch", "W4", "teardown"): w4_down_batch,
}


class _Result:
    """What a phase that times itself returns: seconds, and a count."""

    def __init__(self, seconds: float, count: int | None = None) -> None:
        self.seconds = seconds
        self.count = count


def _timed(action: Callable[[], object]) -> _Result:
    start = time.perf_counter()
    action()
    return _Result(time.perf_counter() - start)


def _counted(action: Callable[[], int]) -> _Result:
    start = time.perf_counter()
    count = action()
    return _Result(time.perf_counter() - start, count)


def run_phase(
    competitor: str, workload: str, phase: str, n: int, prefix: str, group: int
) -> dict[str, float | int | None]:
    """Run one phase here; its seconds (and count, for a dump)."""
    action = PHASES[competitor, workload, phase]
    ns = netkit.Namespace.current()
    _warm_up(ns)
    start = time.perf_counter()
    result = action(ns, n, prefix, group)
    seconds = time.perf_counter() - start
    if isinstance(result, _Result):
        return {"seconds": result.seconds, "count": result.count}
    return {"seconds": seconds, "count": None}


def _warm_up(ns: netkit.Namespace) -> None:
    # What a program does once, before its first phase: import the
    # modules (netkit loads them lazily) and open the namespace's
    # socket.  pyroute2's worker likewise opens its IPRoute untimed.
    import netkit.batch
    import netkit.bulk
    import netkit.links  # noqa: F401

    ns.rtnl.fileno()


def main(argv: list[str]) -> int:
    competitor, workload, phase, n, prefix, group = argv
    result = run_phase(competitor, workload, phase, int(n), prefix, int(group))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

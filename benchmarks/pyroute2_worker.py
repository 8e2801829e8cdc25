"""The pyroute2 side of each benchmark phase (pyroute2 pinned, see
requirements.txt), one process per phase, as `netkit.bench.worker`:

    python benchmarks/pyroute2_worker.py WORKLOAD PHASE N PREFIX GROUP

Synchronous `IPRoute`, one request and its answer at a time: the way
its documentation shows.  Prints {"seconds": S, "count": C}.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Callable

from pyroute2 import IPRoute, netns

from netkit.bench.names import address, room_address

SCOPE_LINK = 253
MAIN = 254


def w1_create(ipr: IPRoute, n: int, prefix: str, group: int) -> None:
    for i in range(n):
        ipr.link(
            "add", ifname=f"{prefix}a{i}", kind="veth", peer=f"{prefix}b{i}"
        )


def w1_delete(ipr: IPRoute, n: int, prefix: str, group: int) -> Callable:
    indexes = [ipr.link_lookup(ifname=f"{prefix}a{i}")[0] for i in range(n)]
    return lambda: [ipr.link("del", index=index) for index in indexes]


def w2_add(ipr: IPRoute, n: int, prefix: str, group: int) -> Callable:
    index = ipr.link_lookup(ifname="veth0")[0]
    return lambda: [
        ipr.addr("add", index=index, address=address(i), prefixlen=32)
        for i in range(n)
    ]


def w2_dump(ipr: IPRoute, n: int, prefix: str, group: int) -> int:
    return len(list(ipr.get_addr(family=socket.AF_INET)))


def w2_delete(ipr: IPRoute, n: int, prefix: str, group: int) -> Callable:
    index = ipr.link_lookup(ifname="veth0")[0]
    return lambda: [
        ipr.addr("del", index=index, address=address(i), prefixlen=32)
        for i in range(n)
    ]


def w3_add(ipr: IPRoute, n: int, prefix: str, group: int) -> Callable:
    index = ipr.link_lookup(ifname="veth0")[0]
    return lambda: [
        ipr.route("add", dst=f"{address(i)}/32", oif=index, scope=SCOPE_LINK)
        for i in range(n)
    ]


def w3_dump(ipr: IPRoute, n: int, prefix: str, group: int) -> int:
    return len(list(ipr.get_routes(family=socket.AF_INET, table=MAIN)))


def w3_delete(ipr: IPRoute, n: int, prefix: str, group: int) -> Callable:
    index = ipr.link_lookup(ifname="veth0")[0]
    return lambda: [
        ipr.route("del", dst=f"{address(i)}/32", oif=index, scope=SCOPE_LINK)
        for i in range(n)
    ]


def w4_build(ipr: IPRoute, n: int, prefix: str, group: int) -> None:
    ipr.link("add", ifname="nkbr0", kind="bridge")
    bridge = ipr.link_lookup(ifname="nkbr0")[0]
    ipr.link("set", index=bridge, state="up")
    for i in range(n):
        room = f"{prefix}{i}"
        netns.create(room)
        peer = {"ifname": "eth0", "net_ns_fd": room}
        ipr.link("add", ifname=f"nkb{i}", kind="veth", peer=peer)
        end = ipr.link_lookup(ifname=f"nkb{i}")[0]
        ipr.link("set", index=end, master=bridge, state="up")
        with IPRoute(netns=room) as inside:
            eth0 = inside.link_lookup(ifname="eth0")[0]
            inside.addr(
                "add", index=eth0, address=room_address(i), prefixlen=16
            )
            inside.link("set", index=eth0, state="up")


def w4_teardown(ipr: IPRoute, n: int, prefix: str, group: int) -> Callable:
    ends = [ipr.link_lookup(ifname=f"nkb{i}")[0] for i in range(n)]
    bridge = ipr.link_lookup(ifname="nkbr0")[0]

    def down() -> None:
        for index in ends:
            ipr.link("del", index=index)
        ipr.link("del", index=bridge)
        for i in range(n):
            netns.remove(f"{prefix}{i}")

    return down


PHASES = {
    ("W1", "create"): w1_create,
    ("W1", "delete"): w1_delete,
    ("W2", "add"): w2_add,
    ("W2", "dump"): w2_dump,
    ("W2", "delete"): w2_delete,
    ("W3", "add"): w3_add,
    ("W3", "dump"): w3_dump,
    ("W3", "delete"): w3_delete,
    ("W4", "build"): w4_build,
    ("W4", "teardown"): w4_teardown,
}


def main(argv: list[str]) -> int:
    workload, phase, n, prefix, group = argv
    with IPRoute() as ipr:
        action = PHASES[workload, phase]
        start = time.perf_counter()
        prepared = action(ipr, int(n), prefix, int(group))
        count = prepared if isinstance(prepared, int) else None
        if callable(prepared):
            # What was looked up before is not timed: only the phase.
            start = time.perf_counter()
            prepared()
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "count": count}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

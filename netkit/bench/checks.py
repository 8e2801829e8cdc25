"""The kernel's state after each phase, read with `ip -j`.

A phase passes when the kernel holds what it should: N veth pairs after
W1's create and none after its delete, N addresses or routes after an
add, none after a delete, the rooms with their cables after W4's build.
A dump must also have counted N.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netkit.bench.harness import Scratch


class StateError(AssertionError):
    """The kernel does not hold what the phase should have left."""


def check(space: Scratch, phase: str, result: dict[str, Any]) -> None:
    """Raise StateError unless the kernel's state fits `phase`."""
    n = space.size
    expected = {
        "W1": {"create": n, "delete": 0},
        "W2": {"add": n, "dump": n, "delete": 0},
        "W3": {"add": n, "dump": n, "delete": 0},
    }
    if space.workload == "W4":
        _rooms(space, phase)
        return
    want = expected[space.workload][phase]
    have = _count(space)
    if have != want:
        raise StateError(
            f"{space.workload} {phase}: the kernel holds {have}, not {want}"
        )
    if phase == "dump" and result.get("count") not in (None, n):
        raise StateError(f"the dump counted {result['count']}, not {n}")


def _count(space: Scratch) -> int:
    if space.workload == "W1":
        veths = space.ip("link", "show", "type", "veth")
        return len(veths) // 2
    if space.workload == "W2":
        links = space.ip("-4", "addr", "show", "dev", "veth0")
        return sum(len(link.get("addr_info", [])) for link in links)
    return len(space.ip("-4", "route", "show", "table", "main"))


def _rooms(space: Scratch, phase: str) -> None:
    n = space.size
    rooms = [f"{space.prefix}{i}" for i in range(n)]
    present = [r for r in rooms if os.path.exists(f"/run/netns/{r}")]
    if phase == "teardown":
        _settled(space)
        if present:
            raise StateError(f"W4 teardown left {len(present)} rooms")
        return

    if len(present) != n:
        raise StateError(f"W4 build made {len(present)} rooms, not {n}")
    ports = space.ip("link", "show", "master", "nkbr0")
    up = [p for p in ports if "UP" in p.get("flags", [])]
    if len(up) != n:
        raise StateError(f"the bridge has {len(up)} ports up, not {n}")
    # Every room for small runs; a sample of ten for large ones.
    step = max(1, n // 10)
    for i in range(0, n, step):
        links = ip_room(rooms[i], "-4", "addr", "show", "dev", "eth0")
        info = links[0] if links else {}
        addresses = [a.get("local") for a in info.get("addr_info", [])]
        if "UP" not in info.get("flags", []) or not addresses:
            raise StateError(f"room {rooms[i]}: eth0 not up with an address")


def _settled(space: Scratch, timeout: float = 10.0) -> None:
    # After teardown the bench namespace holds lo alone; a namespace's
    # links may take a moment to go once its last user is gone.
    deadline = time.monotonic() + timeout
    while True:
        names = [link["ifname"] for link in space.ip("link", "show")]
        if names == ["lo"]:
            return
        if time.monotonic() > deadline:
            raise StateError(f"W4 teardown left links {names}")
        time.sleep(0.05)


def ip_room(room: str, *args: str) -> Any:
    """`ip -j -n ROOM ARGS`, parsed."""
    from netkit.bench.harness import ip_json

    return ip_json("-n", room, *args)

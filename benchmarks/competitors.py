"""The competitors of netkit in the suite: pyroute2, `ip -batch`, C.

Each says, per phase, which command does it inside the run's namespace
(see `netkit.bench.harness.Competitor`).  Requests are the same for all:
the same names, addresses (`netkit.bench.names`) and kernel state.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from netkit.bench.harness import (
    GROUP,
    Competitor,
    Scratch,
    inside,
    python_start,
)
from netkit.bench.names import address, room_address

HERE = os.path.dirname(os.path.abspath(__file__))


def compile_client(build: str) -> str:
    """Compile benchmarks/c/nkbench.c with gcc; the binary's path."""
    binary = os.path.join(build, "nkbench")
    source = os.path.join(HERE, "c", "nkbench.c")
    subprocess.run(
        ["gcc", "-O2", "-Wall", "-o", binary, source],
        check=True,
        capture_output=True,
    )
    return binary


def veth0_index(space: Scratch) -> int:
    """The index of veth0 in the run's namespace (W2, W3)."""
    (link,) = space.ip("link", "show", "veth0")
    return link["ifindex"]


class Pyroute2(Competitor):
    """pyroute2's synchronous IPRoute, pinned in requirements.txt."""

    name = "pyroute2"

    def available(self) -> str | None:
        try:
            import pyroute2
        except ImportError:
            return "pyroute2 is not installed (pip install pyroute2==0.9.7)"
        return None if pyroute2.__version__ == "0.9.7" else "not 0.9.7"

    def command(
        self, workload: str, phase: str, space: Scratch
    ) -> list[str] | None:
        worker = ["-m", "benchmarks.pyroute2_worker"]
        args = [workload, phase, str(space.size), space.prefix, str(GROUP)]
        return inside(space, [sys.executable, *worker, *args])

    def start_command(self) -> list[str]:
        return python_start("from pyroute2 import IPRoute; IPRoute().close()")


class IpBatch(Competitor):
    """iproute2's `ip -batch FILE`: one process, one request at a time.

    The file is written before the clock starts; the C client's `spawn`
    times the `ip` process alone (its output goes to /dev/null).
    """

    name = "ip-batch"

    def __init__(self, spawner: list[str], folder: str) -> None:
        self._spawner = spawner
        self._folder = folder

    def command(
        self, workload: str, phase: str, space: Scratch
    ) -> list[str] | None:
        lines = _ip_lines(workload, phase, space)
        if workload == "W4" and phase == "build":
            return self._rooms(space, lines)
        path = self._write(lines)
        family = ["-4"] if phase == "dump" else []
        return inside(space, [*self._spawner, "ip", *family, "-batch", path])

    def _write(self, lines: list[str]) -> str:
        handle, path = tempfile.mkstemp(dir=self._folder, suffix=".ip")
        with os.fdopen(handle, "w") as out:
            out.write("\n".join(lines) + "\n")
        return path

    def _rooms(self, space: Scratch, lines: list[str]) -> list[str]:
        # The host's half in one batch, then one `ip -n ROOM -batch` per
        # room for its address (a batch line cannot name a namespace).
        script = [f"ip -batch {self._write(lines)}"]
        for i in range(space.size):
            room = f"{space.prefix}{i}"
            inner = self._write(
                [
                    f"addr add {room_address(i)}/16 dev eth0",
                    "link set eth0 up",
                ]
            )
            script.append(f"ip -n {room} -batch {inner}")
        shell = ["sh", "-ec", " && ".join(script)]
        return inside(space, [*self._spawner, *shell])

    def start_command(self) -> list[str]:
        return ["ip", "-batch", "/dev/null"]


def _ip_lines(workload: str, phase: str, space: Scratch) -> list[str]:
    n, p = space.size, space.prefix
    per_item = {
        ("W1", "create"): lambda i: (
            f"link add {p}a{i} type veth peer name {p}b{i}"
        ),
        ("W1", "delete"): lambda i: f"link del {p}a{i}",
        ("W2", "add"): lambda i: f"addr add {address(i)}/32 dev veth0",
        ("W2", "delete"): lambda i: f"addr del {address(i)}/32 dev veth0",
        ("W3", "add"): lambda i: (
            f"route add {address(i)}/32 dev veth0 scope link"
        ),
        ("W3", "delete"): lambda i: f"route del {address(i)}/32 dev veth0",
    }
    if (workload, phase) in per_item:
        return [per_item[workload, phase](i) for i in range(n)]
    if phase == "dump":
        return ["addr show dev veth0" if workload == "W2" else "route show"]
    rooms = [f"{p}{i}" for i in range(n)]
    if phase == "build":
        lines = [f"netns add {room}" for room in rooms]
        lines += ["link add nkbr0 type bridge", "link set nkbr0 up"]
        for i, room in enumerate(rooms):
            lines.append(
                f"link add nkb{i} type veth peer name eth0 netns {room}"
            )
            lines.append(f"link set nkb{i} master nkbr0 up")
        return lines
    lines = [f"link del nkb{i}" for i in range(n)] + ["link del nkbr0"]
    return lines + [f"netns del {room}" for room in rooms]


class CClient(Competitor):
    """benchmarks/c/nkbench.c: requests pipelined, the kernel's limit.

    "c" deletes W1's links one request each (pipelined); "c-group" does
    W1 only, and deletes its links by link group in one request.
    """

    def __init__(self, binary: str, by_group: bool = False) -> None:
        self.name = "c-group" if by_group else "c"
        self._binary = binary
        self._by_group = by_group

    def does(self, workload: str, phase: str) -> bool:
        return workload == "W1" or not self._by_group

    def command(
        self, workload: str, phase: str, space: Scratch
    ) -> list[str] | None:
        n, p, group = str(space.size), space.prefix, str(GROUP)
        if workload == "W1":
            if phase == "create":
                args = ["veth-add", n, p, group]
            elif self._by_group:
                args = ["group-del", group]
            else:
                args = ["link-del", n, p]
        elif workload in ("W2", "W3"):
            op = {"W2": "addr", "W3": "route"}[workload]
            verb = {"add": "add", "dump": "dump", "delete": "del"}[phase]
            args = [f"{op}-{verb}"]
            if phase != "dump":
                args += [n, str(veth0_index(space))]
        else:
            verb = "rooms-build" if phase == "build" else "rooms-down"
            args = [verb, n, p, group]
        return inside(space, [self._binary, *args])

    def start_command(self) -> list[str] | None:
        return None if self._by_group else [self._binary, "start"]

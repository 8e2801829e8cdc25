"""`netkit monitor`, run as a user would: a child process, one line an event.

The command runs against a throwaway namespace; a change is made with
`ip`, the line it prints is read, and the command is stopped.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading

import pytest

from tests.helpers import NETKIT_ROOT
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


class Command:
    """`python -m netkit ARGV...` with its output read line by line."""

    def __init__(self, *argv: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(NETKIT_ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "netkit", *argv],
            env=env,
            cwd=NETKIT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self, timeout: float = 10.0) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            pytest.fail(
                f"no line in {timeout} s; {self.process.stderr.read()}"
            )

    def until(self, text: str) -> str:
        while text not in (line := self.line()):
            pass
        return line

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        return self.process.wait(10)


def test_netkit_monitor_prints_a_change_a_line(rooms):
    ns = rooms()
    command = Command("monitor", ns.name, "--existing")
    try:
        # The replay comes once the monitor is subscribed.
        assert command.line().startswith("[LINK] added 1: lo: <LOOPBACK>")
        ip(ns, "link", "add", "nk0", "type", "veth", "peer", "nk1")
        ip(ns, "addr", "add", "192.0.2.1/24", "dev", "nk0")
        link = command.until("[LINK] added")
        address = command.until("[ADDR] added")
        route = command.until("[ROUTE] added")
    finally:
        command.stop()

    assert ": nk1: <BROADCAST,MULTICAST> mtu 1500 state DOWN veth" in link
    assert address.endswith(": nk0 inet 192.0.2.1/24 scope global")
    assert route == (
        "[ROUTE] added local 192.0.2.1/32 dev nk0 proto kernel scope host "
        "src 192.0.2.1 table local"
    )


def test_netkit_monitor_json_for_one_kind_and_a_count(rooms):
    ns = rooms()
    command = Command(
        "monitor", ns.name, "link", "--json", "--existing", "--count", "2"
    )
    try:
        replayed = json.loads(command.line())
        ip(ns, "link", "add", "nkw", "type", "ifb")
        added = json.loads(command.line())
        status = command.process.wait(10)  # --count 2: it stops itself
    finally:
        command.stop()

    assert status == 0
    assert replayed["event"] == "LinkAdded"
    assert replayed["origin"] == "existing"
    assert replayed["link"]["name"] == "lo"
    assert (added["kind"], added["action"], added["origin"]) == (
        "link",
        "added",
        "kernel",
    )
    assert added["link"]["name"] == "nkw"
    assert added["link"]["kind"] == "ifb"


def test_netkit_monitor_refuses_an_unknown_object():
    done = subprocess.run(
        [sys.executable, "-m", "netkit", "monitor", "lo", "bogus"],
        env=dict(os.environ, PYTHONPATH=str(NETKIT_ROOT)),
        capture_output=True,
        text=True,
    )

    assert done.returncode == 2
    assert "'bogus' is not one of link, address, route, neigh" in done.stderr

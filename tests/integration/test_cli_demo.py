"""`netkit demo`: it builds the walk-through's network, pings, tears down."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from netkit.testing import run_isolated
from tests.helpers import NETKIT_ROOT
from tests.integration.cli_support import (  # noqa: F401
    named,
    netkit,
    ok,
    prefix_fixture,
)
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
)


def sections(out: str) -> dict[str, str]:
    """The per-place tables of step 5, by their "[label]" heading."""
    tables = out.split("5. What each room sees", 1)[1].split("6. ", 1)[0]
    parts = re.split(r"^  \[(.+?)\].*$", tables, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_demo_pings_shows_each_room_and_cleans_up(
    prefix: str, host_unchanged: None
) -> None:
    out = ok(netkit("demo", "--prefix", prefix, "--count", "2"))

    for seq in (1, 2):
        assert f"reply from 192.168.15.2: icmp_seq={seq} time=" in out
        assert f"reply from 192.168.15.1: icmp_seq={seq} time=" in out
    assert "red -> blue: 2 sent, 2 received" in out
    assert "blue -> red: 2 sent, 2 received" in out
    assert f"$ ip -n {prefix}netkit-host link add v-net-0 type bridge" in out
    assert out.rstrip().endswith("The pings got their replies.")

    tables = sections(out)
    red, blue = tables[f"room {prefix}red"], tables[f"room {prefix}blue"]
    host = tables[f"host ({prefix}netkit-host)"]
    assert "veth-red " in red and "veth-blue" not in red
    assert "veth-blue " in blue and "veth-red" not in blue
    assert "192.168.15.0/24 dev veth-red proto kernel scope link" in red
    assert re.search(r"192\.168\.15\.2 +dev +veth-red +lladdr", red)
    assert "ARP table:" in blue and "routes:" in blue
    assert "master v-net-0" in host
    assert named(prefix) == []


def test_demo_keep_then_down(prefix: str, host_unchanged: None) -> None:
    out = ok(netkit("demo", "--keep", "--prefix", prefix, "--count", "1"))

    assert f"netkit demo --down --prefix {prefix}" in out
    assert f"ip netns del {prefix}red" in out
    assert named(prefix) == sorted(
        f"{prefix}{n}" for n in ("red", "blue", "netkit-host")
    )

    out = ok(netkit("demo", "--down", "--prefix", prefix))

    assert f"$ ip netns del {prefix}blue" in out
    assert named(prefix) == []
    again = ok(netkit("demo", "--down", "--prefix", prefix))
    assert "Nothing to remove" in again


def test_demo_on_host_in_a_sandbox(host_unchanged: None) -> None:
    # --on-host builds on the namespace it runs in: here a sandbox's.
    done = run_isolated(
        [sys.executable, "-m", "netkit", "demo", "--on-host", "--count", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=NETKIT_ROOT,
        env=dict(os.environ, PYTHONPATH=str(NETKIT_ROOT)),
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "$ ip link add v-net-0 type bridge" in done.stdout
    assert "$ ip link del v-net-0" in done.stdout
    assert "[host (host)]" in done.stdout


def test_demo_in_use_name_fails_cleanly(prefix: str) -> None:
    subprocess.run(["ip", "netns", "add", f"{prefix}blue"], check=True)

    done = netkit("demo", "--prefix", prefix, "--count", "1")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "netkit: " in done.stderr
    assert named(prefix) == [f"{prefix}blue"]

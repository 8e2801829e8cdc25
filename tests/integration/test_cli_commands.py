"""`netkit show`, `netkit ns`, `-v` and running without root."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.helpers import NETKIT_ROOT
from tests.integration.cli_support import (  # noqa: F401
    addresses,
    links,
    named,
    netkit,
    ok,
    prefix_fixture,
)
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
)

TWO_ROOMS = str(NETKIT_ROOT / "examples" / "two-rooms.toml")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_ns_add_list_exec_del(prefix: str) -> None:
    red, blue = f"{prefix}red", f"{prefix}blue"

    ok(netkit("ns", "add", red, blue))

    assert named(prefix) == [blue, red]
    listed = ok(netkit("ns", "list")).split()
    assert red in listed and blue in listed
    out = ok(netkit("ns", "exec", red, "--", "ip", "-o", "link", "show"))
    assert out.count("\n") == 1 and ": lo:" in out
    assert (
        netkit("ns", "exec", red, "--", "sh", "-c", "exit 7").returncode == 7
    )
    missing = netkit("ns", "exec", red, "--", "no-such-command-here")
    assert missing.returncode == 127
    assert "no-such-command-here: command not found" in missing.stderr

    ok(netkit("ns", "del", red, blue))

    assert named(prefix) == []


def test_ns_errors_exit_1(prefix: str) -> None:
    red = f"{prefix}red"
    ok(netkit("ns", "add", red))

    again = netkit("ns", "add", red)
    gone = netkit("ns", "del", f"{prefix}absent")

    assert again.returncode == 1 and red in again.stderr
    assert gone.returncode == 1 and "absent" in gone.stderr
    assert "Traceback" not in again.stderr + gone.stderr
    ok(netkit("ns", "del", red))


def test_show_one_namespace(prefix: str, host_unchanged: None) -> None:
    ok(netkit("up", "--prefix", prefix, TWO_ROOMS))
    try:
        out = ok(netkit("show", f"{prefix}host"))
        data = json.loads(ok(netkit("show", "--json", f"{prefix}host")))
    finally:
        ok(netkit("down", "--prefix", prefix, TWO_ROOMS))

    lines = out.splitlines()
    assert lines[0] == f"{prefix}host"
    bridge = next(line.split() for line in lines if "v-net-0  " in line)
    assert bridge[:2] == ["v-net-0", "UP"]
    assert "bridge" in bridge and "192.168.15.5/24" in bridge
    port = next(line for line in lines if line.startswith("  veth-red-br"))
    assert "master v-net-0" in port
    assert "    192.168.15.0/24 dev v-net-0 proto kernel scope link" in out

    (place,) = data["namespaces"]
    assert (place["name"], place["current"]) == (f"{prefix}host", False)
    by_name = {link["name"]: link for link in place["links"]}
    assert by_name["v-net-0"]["kind"] == "bridge"
    assert "192.168.15.5/24" in by_name["v-net-0"]["addresses"]
    assert by_name["veth-red-br"]["master"] == "v-net-0"
    assert {"dst": "192.168.1.0/24", "dev": "eth0"}.items() <= next(
        r for r in place["routes"] if r["dst"] == "192.168.1.0/24"
    ).items()


def test_show_json_matches_ip(prefix: str) -> None:
    ok(netkit("up", "--prefix", prefix, TWO_ROOMS))
    try:
        data = json.loads(ok(netkit("show", "--json", f"{prefix}red")))
        oracle = links(f"{prefix}red")
    finally:
        ok(netkit("down", "--prefix", prefix, TWO_ROOMS))

    (place,) = data["namespaces"]
    assert {link["name"] for link in place["links"]} == set(oracle)
    for link in place["links"]:
        ours = [a for a in link["addresses"] if not a.startswith("fe80:")]
        assert ours == addresses(oracle[link["name"]])
        assert link["mtu"] == oracle[link["name"]]["mtu"]


def test_show_everything_lists_current_and_named(prefix: str) -> None:
    ok(netkit("ns", "add", f"{prefix}red"))
    try:
        data = json.loads(ok(netkit("show", "--json")))
        text = ok(netkit("show"))
    finally:
        ok(netkit("ns", "del", f"{prefix}red"))

    first = data["namespaces"][0]
    assert first["current"] is True
    names = [place["name"] for place in data["namespaces"]]
    assert f"{prefix}red" in names
    assert f"\n{prefix}red\n" in text


def test_show_unknown_namespace_fails(prefix: str) -> None:
    done = netkit("show", f"{prefix}absent")

    assert done.returncode == 1
    assert "no network namespace named" in done.stderr
    assert "Traceback" not in done.stderr


def test_verbose_shows_each_request(prefix: str) -> None:
    done = netkit("-v", "ns", "add", f"{prefix}red")
    try:
        shown = ok(netkit("-v", "show", f"{prefix}red"))
        verbose = netkit("-v", "show", f"{prefix}red")
    finally:
        ok(netkit("ns", "del", f"{prefix}red"))

    assert done.returncode == 0
    assert "lo" in shown
    assert "netkit: request type=18" in verbose.stderr  # RTM_GETLINK
    assert "netkit: request type=22" in verbose.stderr  # RTM_GETADDR
    assert "netkit: request type=" not in netkit("show", "--json").stderr


def test_without_root_a_message_not_a_traceback(prefix: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(NETKIT_ROOT))
    for argv in (
        ["ns", "add", f"{prefix}red"],
        ["up", "--prefix", prefix, TWO_ROOMS],
        ["demo", "--prefix", prefix, "--count", "1"],
        ["bench", "--quick", "--only", "W1"],
    ):
        done = subprocess.run(
            [*NOBODY, sys.executable, "-m", "netkit", *argv],
            env=env,
            cwd="/",
            capture_output=True,
            text=True,
            timeout=60,
        )

        assert done.returncode == 1, (argv, done.stderr)
        assert "Traceback" not in done.stderr
        assert "netkit needs root" in done.stderr
        assert done.stderr.count("root") == 1, done.stderr
    assert named(prefix) == []


def test_dry_run_needs_no_root(prefix: str) -> None:
    done = subprocess.run(
        [
            *NOBODY,
            sys.executable,
            "-m",
            "netkit",
            "up",
            "--dry-run",
            TWO_ROOMS,
        ],
        env=dict(os.environ, PYTHONPATH=str(NETKIT_ROOT)),
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert "ip netns add red" in done.stdout


def test_ns_del_removes_a_stale_entry() -> None:
    """Like `ip netns del`: a name with no namespace bound on it goes too."""
    import os

    from netkit.cli import main
    from netkit.testing import unique_name

    name = unique_name()
    os.makedirs("/run/netns", exist_ok=True)
    path = f"/run/netns/{name}"
    open(path, "w").close()
    try:
        assert main(["ns", "del", name]) == 0
        assert not os.path.exists(path)
    finally:
        if os.path.exists(path):
            os.unlink(path)

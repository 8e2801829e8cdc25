"""`netkit up` and `netkit down` on the real kernel, with iproute2 as oracle.

Every test names its namespaces with a unique `--prefix`, so it cannot
collide with anything; the `prefix` fixture removes whatever is left.
Files that use the host (`host = true`) run under nsenter in a throwaway
namespace, which is their "host".
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import NETKIT_ROOT
from tests.integration.cli_support import (  # noqa: F401
    addresses,
    ip_json,
    links,
    named,
    netkit,
    ok,
    pings,
    prefix_fixture,
)
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
)

EXAMPLES = NETKIT_ROOT / "examples"
TWO_ROOMS = str(EXAMPLES / "two-rooms.toml")
ROUTER = str(EXAMPLES / "router.toml")
WEST = {"west-1": "192.0.2.11", "west-2": "192.0.2.12", "west-3": "192.0.2.13"}
EAST = {
    "east-1": "198.51.100.11",
    "east-2": "198.51.100.12",
    "east-3": "198.51.100.13",
}

pytestmark = pytest.mark.usefixtures("host_unchanged")


def up(prefix: str, file: str, *extra: str) -> subprocess.CompletedProcess:
    return netkit("up", "--prefix", prefix, file, *extra)


def down(prefix: str, file: str) -> subprocess.CompletedProcess:
    return netkit("down", "--prefix", prefix, file)


def changes(out: str) -> list[str]:
    """The changes a run printed, without the "  + " in front."""
    return [line[4:] for line in out.splitlines() if line.startswith("  + ")]


def sh(*argv: str) -> str:
    return subprocess.run(
        argv, check=True, capture_output=True, text=True
    ).stdout


def test_two_rooms_up_and_down(prefix: str) -> None:
    out = ok(up(prefix, TWO_ROOMS))

    assert f"ip netns add {prefix}red" in changes(out)
    assert out.rstrip().endswith(f"{TWO_ROOMS} is up: 27 changes.")
    host = links(f"{prefix}host")
    assert host["v-net-0"]["linkinfo"]["info_kind"] == "bridge"
    assert addresses(host["v-net-0"]) == ["192.168.15.5/24"]
    assert host["veth-red-br"]["master"] == "v-net-0"
    assert host["veth-blue-br"]["master"] == "v-net-0"
    red = links(f"{prefix}red")["veth-red"]
    assert addresses(red) == ["192.168.15.1/24"]
    assert "UP" in red["flags"]
    routes = ip_json(f"{prefix}blue", "route", "show")
    assert {"dst": "192.168.1.0/24", "gateway": "192.168.15.5"}.items() <= (
        next(r for r in routes if r["dst"] == "192.168.1.0/24").items()
    )

    assert pings(f"{prefix}red", "192.168.15.2")
    assert pings(f"{prefix}blue", "192.168.15.1")
    assert pings(f"{prefix}red", "192.168.15.5")
    # Blue has the lesson's route to the host's LAN; red has none.
    assert pings(f"{prefix}blue", "192.168.1.2")
    assert not pings(f"{prefix}red", "192.168.1.2")

    out = ok(down(prefix, TWO_ROOMS))

    assert f"  - ip netns del {prefix}red" in out
    assert f"  - ip -n {prefix}host link del dev v-net-0" in out
    assert out.rstrip().endswith("is down: 8 removed.")
    assert named(prefix) == []
    assert "nothing to remove" in ok(down(prefix, TWO_ROOMS))


def test_router_up_and_down(prefix: str) -> None:
    ok(up(prefix, ROUTER))

    forward = sh(
        "ip", "netns", "exec", f"{prefix}router",
        "sysctl", "-n", "net.ipv4.ip_forward",
    )  # fmt: skip
    assert forward.strip() == "1"
    assert links(f"{prefix}east-3")["eth0"]["mtu"] == 1400
    assert links(f"{prefix}switch-east")["east-3"]["mtu"] == 1400
    assert links(f"{prefix}router")["west"]["address"] == "02:00:00:00:02:01"
    ports = links(f"{prefix}switch-west")
    assert [n for n, link in ports.items() if link.get("master")] == [
        "router",
        "west-1",
        "west-2",
        "west-3",
    ]
    (neighbour,) = ip_json(f"{prefix}west-1", "neigh", "show", "192.0.2.1")
    assert neighbour["state"] == ["PERMANENT"]
    assert neighbour["lladdr"] == "02:00:00:00:02:01"

    for west, west_ip in WEST.items():
        for east, east_ip in EAST.items():
            assert pings(f"{prefix}{west}", east_ip), (west, east)
            assert pings(f"{prefix}{east}", west_ip), (east, west)
    assert pings(f"{prefix}west-1", "192.0.2.13")

    ok(down(prefix, ROUTER))

    assert named(prefix) == []


def test_up_twice_changes_nothing_the_second_time(prefix: str) -> None:
    ok(up(prefix, ROUTER))

    out = ok(up(prefix, ROUTER))

    assert changes(out) == []
    assert out.strip() == f"{ROUTER} is up: nothing to change."
    ok(down(prefix, ROUTER))


def test_up_after_manual_changes_converges(prefix: str) -> None:
    ok(up(prefix, ROUTER))
    p = prefix
    for command in [
        f"ip -n {p}east-3 link set eth0 mtu 1500",
        f"ip -n {p}west-2 addr flush dev eth0",
        f"ip -n {p}west-3 link set eth0 down",
        f"ip -n {p}east-1 route del default",
        f"ip netns del {p}east-2",
        f"ip -n {p}switch-west link set west-1 nomaster",
        f"ip -n {p}router addr add 203.0.113.1/24 dev west",
        f"ip -n {p}router link set west address 02:00:00:00:02:99",
        f"ip netns exec {p}router sysctl -q -w net.ipv4.ip_forward=0",
        f"ip -n {p}west-1 neigh del 192.0.2.1 dev eth0",
    ]:
        sh(*command.split())

    out = ok(up(prefix, ROUTER))

    made = changes(out)
    for expected in [
        f"ip -n {p}east-3 link set dev eth0 mtu 1400",
        f"ip -n {p}west-2 addr add 192.0.2.12/24 dev eth0",
        f"ip -n {p}west-3 link set dev eth0 up",
        f"ip -n {p}east-1 route add default via 198.51.100.1",
        f"ip netns add {p}east-2",
        f"ip -n {p}east-2 link add eth0 type veth peer name east-2 "
        f"netns {p}switch-east",
        f"ip -n {p}switch-west link set dev west-1 master br-west",
        f"ip -n {p}router addr del 203.0.113.1/24 dev west",
        f"ip -n {p}router link set dev west address 02:00:00:00:02:01",
        f"ip netns exec {p}router sysctl -w net.ipv4.ip_forward=1",
    ]:
        assert expected in made, made
    assert any("neigh" in c and "192.0.2.1 lladdr 02:00" in c for c in made)
    for west in WEST:
        for east, east_ip in EAST.items():
            assert pings(f"{prefix}{west}", east_ip), (west, east)
    assert changes(ok(up(prefix, ROUTER))) == []
    ok(down(prefix, ROUTER))
    assert named(prefix) == []


BAD = {
    "syntax": "[[namespaces]\n",
    "unknown key": '[[namespaces]]\nname = "red"\ncolor = "red"\n',
    "undeclared namespace": (
        '[[namespaces]]\nname = "red"\n[[bridges]]\nname = "br0"\n'
        'namespace = "blue"\n'
    ),
    "bad address": (
        '[[namespaces]]\nname = "red"\n[[bridges]]\nname = "br0"\n'
        'namespace = "red"\naddress = "192.0.2.1/33"\n'
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_creates_nothing(
    case: str, prefix: str, tmp_path: Path
) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(BAD[case])

    done = up(prefix, str(file))

    assert done.returncode == 2
    assert f"{file}: " in done.stderr
    assert "nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert named(prefix) == []


def test_collision_mid_up_leaves_nothing_behind(prefix: str) -> None:
    # The lan namespace exists already, and a bridge holds the name that
    # the file gives the lan's end of a veth.
    lan = f"{prefix}lan"
    sh("ip", "netns", "add", lan)
    sh("ip", "-n", lan, "link", "add", "eth0", "type", "bridge")

    done = up(prefix, TWO_ROOMS)

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert (
        f"netkit up: step 12 of 29, veths[2] (ip -n {prefix}host link add "
        f"eth0 type veth peer name eth0 netns {lan}): a bridge named "
        f"'eth0' is already in namespace {lan}, not the veth"
    ) in done.stderr
    assert "undone: this run left nothing behind" in done.stderr
    assert f"  - ip netns del {prefix}red" in done.stdout
    assert f"  - ip -n {lan} link set dev lo down" in done.stdout
    assert named(prefix) == [lan]
    left = links(lan)
    assert sorted(left) == ["eth0", "lo"]
    assert "UP" not in left["lo"]["flags"]


def test_veth_with_another_peer_is_a_conflict(prefix: str) -> None:
    lan = f"{prefix}lan"
    sh("ip", "netns", "add", lan)
    sh("ip", "-n", lan, "link", "add", "eth0", "type", "veth", "peer", "x")

    done = up(prefix, TWO_ROOMS)

    assert done.returncode == 1
    assert (
        f"veth 'eth0' is already in namespace {lan}, but its peer is not "
        f"'eth0' in namespace {prefix}host"
    ) in done.stderr
    assert named(prefix) == [lan]
    assert sorted(links(lan)) == ["eth0", "lo", "x"]


KERNEL_FAULT = """
[[namespaces]]
name = "red"
routes = [{ dst = "198.51.100.0/24", via = "203.0.113.1" }]

[[namespaces]]
name = "blue"

[[veths]]
a = { namespace = "red", name = "eth0", address = "192.0.2.1/24" }
b = { namespace = "blue", name = "eth0", address = "192.0.2.2/24" }
"""


def test_kernel_error_names_the_step_and_undoes(
    prefix: str, tmp_path: Path
) -> None:
    file = tmp_path / "unreachable.toml"
    file.write_text(KERNEL_FAULT)

    done = up(prefix, str(file))

    assert done.returncode == 1
    assert (
        f"netkit up: step 10 of 10, namespaces[0].routes[0] (ip -n "
        f"{prefix}red route add 198.51.100.0/24 via 203.0.113.1): "
        "[Errno 101] Network is unreachable"
    ) in done.stderr
    assert "Nexthop has invalid gateway" in done.stderr
    assert f"  - ip -n {prefix}red link del dev eth0" in done.stdout
    assert named(prefix) == []


def test_dry_run_creates_nothing(prefix: str) -> None:
    out = ok(up(prefix, ROUTER, "--dry-run"))

    assert f"ip netns add {prefix}router\n" in out
    assert f"ip -n {prefix}west-1 route add default via 192.0.2.1\n" in out
    assert named(prefix) == []


def test_dry_run_script_builds_what_up_would(prefix: str) -> None:
    # The script, run by a shell with iproute2, builds the very network
    # that `up` builds: `up` afterwards finds nothing to change.
    script = ok(up(prefix, ROUTER, "--dry-run"))

    subprocess.run(["sh", "-e"], input=script, text=True, check=True)

    assert changes(ok(up(prefix, ROUTER))) == []
    ok(down(prefix, ROUTER))
    assert named(prefix) == []


KINDS = """
[[namespaces]]
name = "red"

[[bridges]]
name = "br0"
namespace = "red"
address = "192.0.2.1/24"

[[bridges]]
name = "br1"
namespace = "red"
options = { stp_state = 0 }

[[links]]
kind = "vxlan"
name = "vx42"
namespace = "red"
parent = "br0"
bridge = "br1"
mtu = 1400
options = { id = 42, port = 4789, local = "192.0.2.1", learning = 0 }

[[links]]
kind = "ifb"
name = "ifb0"
namespace = "red"
up = false
"""


def test_links_of_other_kinds(prefix: str, tmp_path: Path) -> None:
    file = tmp_path / "kinds.toml"
    file.write_text(KINDS)

    ok(up(prefix, str(file)))

    found = links(f"{prefix}red")
    vxlan = found["vx42"]
    data = vxlan["linkinfo"]["info_data"]
    assert vxlan["linkinfo"]["info_kind"] == "vxlan"
    assert (data["id"], data["port"], data["link"]) == (42, 4789, "br0")
    assert data["learning"] is False
    assert (vxlan["master"], vxlan["mtu"]) == ("br1", 1400)
    assert found["ifb0"]["linkinfo"]["info_kind"] == "ifb"
    assert "UP" not in found["ifb0"]["flags"]
    assert changes(ok(up(prefix, str(file)))) == []
    ok(down(prefix, str(file)))
    assert named(prefix) == []


HOST = """
[[namespaces]]
name = "room"

[[namespaces]]
name = "me"
host = true
sysctls = { "net.ipv4.ip_forward" = 1 }
routes = [{ dst = "198.51.100.0/24", via = "192.0.2.2" }]

[[bridges]]
name = "br0"
namespace = "me"
address = "192.0.2.1/24"

[[veths]]
a = { namespace = "room", name = "eth0", address = "192.0.2.2/24" }
b = { bridge = "br0", name = "room0" }
"""


def test_host_entry_is_the_namespace_netkit_runs_in(
    prefix: str, tmp_path: Path, netns
) -> None:
    # netkit runs in `netns` (nsenter), so that is the file's host.
    file = tmp_path / "host.toml"
    file.write_text(HOST)
    inside = ["nsenter", f"--net={netns.path}"]

    out = ok(netkit("up", "--prefix", prefix, str(file), wrap=inside))

    assert "  + ip link add br0 type bridge" in out
    assert "  + ip route add 198.51.100.0/24 via 192.0.2.2" in out
    host = links(netns.name)
    assert addresses(host["br0"]) == ["192.0.2.1/24"]
    assert host["room0"]["master"] == "br0"
    assert netns.sh("sysctl", "-n", "net.ipv4.ip_forward").strip() == "1"
    assert pings(f"{prefix}room", "192.0.2.1")

    out = ok(netkit("down", "--prefix", prefix, str(file), wrap=inside))

    assert "  - ip route del 198.51.100.0/24 via 192.0.2.2" in out
    assert "  # left net.ipv4.ip_forward as it is on the host" in out
    assert sorted(links(netns.name)) == ["lo"]
    assert ip_json(netns.name, "route", "show") == []
    assert named(prefix) == []

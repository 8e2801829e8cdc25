"""Plans: the steps of `up` in order, and the ip commands for them."""

from __future__ import annotations

from pathlib import Path

from netkit.topology import build, load, loads

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

TWO_ROOMS_SCRIPT = """\
# netkit up two-rooms.toml, as ip commands
set -e
ip netns add t-red
ip -n t-red link set dev lo up
ip netns add t-blue
ip -n t-blue link set dev lo up
ip netns add t-host
ip -n t-host link set dev lo up
ip netns add t-lan
ip -n t-lan link set dev lo up
ip -n t-host link add v-net-0 type bridge
ip -n t-red link add veth-red type veth peer name veth-red-br netns t-host
ip -n t-blue link add veth-blue type veth peer name veth-blue-br netns t-host
ip -n t-host link add eth0 type veth peer name eth0 netns t-lan
ip -n t-host link set dev veth-red-br master v-net-0
ip -n t-host link set dev veth-blue-br master v-net-0
ip -n t-host addr add 192.168.15.5/24 dev v-net-0
ip -n t-red addr add 192.168.15.1/24 dev veth-red
ip -n t-blue addr add 192.168.15.2/24 dev veth-blue
ip -n t-host addr add 192.168.1.2/24 dev eth0
ip -n t-lan addr add 192.168.1.1/24 dev eth0
ip -n t-host link set dev v-net-0 up
ip -n t-red link set dev veth-red up
ip -n t-host link set dev veth-red-br up
ip -n t-blue link set dev veth-blue up
ip -n t-host link set dev veth-blue-br up
ip -n t-host link set dev eth0 up
ip -n t-lan link set dev eth0 up
ip -n t-blue route add 192.168.1.0/24 via 192.168.15.5
"""


def test_two_rooms_script() -> None:
    text = (EXAMPLES / "two-rooms.toml").read_text()
    topology = loads(text, "two-rooms.toml", prefix="t-")

    assert build(topology).script() == TWO_ROOMS_SCRIPT


def test_steps_are_in_dependency_order() -> None:
    plan = build(load(EXAMPLES / "router.toml"))

    actions = [step.action for step in plan.steps]
    order = [
        "namespace",
        "bridge",
        "veth",
        "port",
        "addresses",
        "state",
        "route",
        "neighbour",
    ]
    firsts = [actions.index(action) for action in order]
    assert firsts == sorted(firsts)
    assert actions.index("sysctl") < actions.index("bridge")


def test_router_plan_has_settings_and_sysctl() -> None:
    commands = build(load(EXAMPLES / "router.toml", prefix="p-")).commands()

    assert "ip netns exec p-router sysctl -w net.ipv4.ip_forward=1" in commands
    assert (
        "ip -n p-east-3 link add eth0 mtu 1400 type veth peer name east-3 "
        "mtu 1400 netns p-switch-east"
    ) in commands
    assert (
        "ip -n p-west-1 neigh add 192.0.2.1 lladdr 02:00:00:00:02:01 "
        "nud permanent dev eth0"
    ) in commands


HOST = """
[[namespaces]]
name = "room"

[[namespaces]]
name = "me"
host = true
sysctls = { "net.ipv4.ip_forward" = true }
routes = [{ dst = "198.51.100.0/24", via = "192.0.2.2", metric = 10 }]

[[veths]]
a = { namespace = "room", name = "eth0", address = "192.0.2.2/24" }
b = { namespace = "me", name = "to-room", address = "192.0.2.1/24" }
"""


def test_host_commands_have_no_netns_and_veths_start_there() -> None:
    commands = build(loads(HOST)).commands()

    assert "ip netns add me" not in commands
    assert "sysctl -w net.ipv4.ip_forward=1" in commands
    # `ip link add ... netns` cannot name the host, so the host's end
    # is made first and the room's end is sent into the room.
    assert "ip link add to-room type veth peer name eth0 netns room" in (
        commands
    )
    assert "ip route add 198.51.100.0/24 via 192.0.2.2 metric 10" in commands


LINKS = """
[[namespaces]]
name = "red"

[[bridges]]
name = "br0"
namespace = "red"
options = { stp_state = 1 }

[[links]]
kind = "vxlan"
name = "vx42"
namespace = "red"
parent = "br0"
bridge = "br0"
options = { id = 42, port = 4789, learning = 0 }

[[links]]
kind = "vlan"
name = "br0.5"
namespace = "red"
parent = "br0"
up = false
options = { id = 5 }
"""


def test_other_kinds_and_their_options() -> None:
    commands = build(loads(LINKS)).commands()

    assert "ip -n red link add br0 type bridge stp_state 1" in commands
    assert (
        "ip -n red link add vx42 type vxlan id 42 dstport 4789 nolearning "
        "dev br0"
    ) in commands
    assert "ip -n red link add br0.5 link br0 type vlan id 5" in commands
    assert "ip -n red link set dev vx42 master br0" in commands
    assert "ip -n red link set dev br0.5 up" not in commands


def test_step_describes_itself_by_path_and_command() -> None:
    plan = build(loads(LINKS))

    step = next(step for step in plan.steps if step.action == "link")

    assert step.describe() == (
        "links[0] (ip -n red link add vx42 type vxlan id 42 dstport 4789 "
        "nolearning dev br0)"
    )

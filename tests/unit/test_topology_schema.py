"""Topology files: parsing, and each kind of bad file refused with its path."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from netkit.topology import TopologyError, load, loads

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TWO_ROOMS = (EXAMPLES / "two-rooms.toml").read_text()

MINIMAL = """
[[namespaces]]
name = "red"

[[namespaces]]
name = "blue"

[[veths]]
a = { namespace = "red", name = "eth0", address = "192.0.2.1/24" }
b = { namespace = "blue", name = "eth0", address = "192.0.2.2/24" }
"""


def red(line: str) -> str:
    """MINIMAL with `line` added to namespace red's entry."""
    return MINIMAL.replace('name = "red"', f'name = "red"\n{line}')


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(TopologyError) as caught:
        loads(text, "bad.toml")
    return caught.value.problems


def only_problem(text: str) -> tuple[str, str]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_two_rooms_example_parses() -> None:
    topology = load(EXAMPLES / "two-rooms.toml")

    names = [ns.name for ns in topology.namespaces]
    assert names == ["red", "blue", "host", "lan"]
    assert [b.name for b in topology.bridges] == ["v-net-0"]
    (bridge,) = topology.bridges
    assert bridge.addresses == (ipaddress.ip_interface("192.168.15.5/24"),)
    red_end = topology.veths[0].b
    assert (red_end.namespace, red_end.master) == ("host", "v-net-0")
    (route,) = topology.namespace("blue").routes
    assert str(route.dst) == "192.168.1.0/24"
    assert str(route.via) == "192.168.15.5"


def test_router_example_parses() -> None:
    topology = load(EXAMPLES / "router.toml")

    assert len(topology.namespaces) == 9
    assert len(topology.veths) == 8
    router = topology.namespace("router")
    assert [(s.key, s.value) for s in router.sysctls] == [
        ("net.ipv4.ip_forward", 1)
    ]
    (neighbour,) = topology.namespace("west-1").neighbours
    assert neighbour.mac == "02:00:00:00:02:01"
    east3 = topology.veths[-1]
    assert (east3.a.mtu, east3.b.mtu) == (1400, 1400)


def test_prefix_renames_namespaces_but_not_links() -> None:
    topology = loads(MINIMAL, prefix="lab1-")

    assert [ns.netns for ns in topology.namespaces] == [
        "lab1-red",
        "lab1-blue",
    ]
    assert [ns.name for ns in topology.namespaces] == ["red", "blue"]
    assert topology.veths[0].a.name == "eth0"


def test_host_entry_has_no_netns_and_keeps_its_name() -> None:
    text = TWO_ROOMS.replace("# host = true", "host = true")

    topology = loads(text, prefix="p-")

    host = topology.namespace("host")
    assert host.host and host.netns is None
    assert topology.namespace("red").netns == "p-red"


def test_a_single_string_address_and_an_array() -> None:
    text = MINIMAL.replace(
        'address = "192.0.2.1/24"',
        'addresses = ["192.0.2.1/24", "2001:db8::1/64"]',
    )

    topology = loads(text)

    assert [str(a) for a in topology.veths[0].a.addresses] == [
        "192.0.2.1/24",
        "2001:db8::1/64",
    ]


def test_default_route_via_ipv6_is_ipv6() -> None:
    text = red('routes = [{ dst = "default", via = "2001:db8::1" }]')

    (route,) = loads(text).namespace("red").routes

    assert str(route.dst) == "::/0"


# Each bad-file kind: how the file is spoiled, the key path, what is said.
BAD = {
    "toml syntax": (
        MINIMAL.replace("[[veths]]", "[[veths]"),
        "",
        "TOML syntax: ",
    ),
    "unknown key": (
        MINIMAL.replace('name = "blue"', 'name = "blue"\nloopbak = true'),
        "namespaces[1].loopbak",
        "unknown key (did you mean 'loopback'?)",
    ),
    "unknown key in an end": (
        MINIMAL.replace('name = "eth0", address', 'name = "eth0", adress', 1),
        "veths[0].a.adress",
        "unknown key (did you mean 'address'?)",
    ),
    "namespace not declared": (
        MINIMAL.replace('namespace = "blue"', 'namespace = "green"'),
        "veths[0].b.namespace",
        "no namespace 'green' is declared in [[namespaces]] "
        "(declared: red, blue)",
    ),
    "bridge not declared": (
        MINIMAL.replace('namespace = "blue"', 'bridge = "br0"'),
        "veths[0].b.bridge",
        "no bridge 'br0' is declared in [[bridges]] (none is)",
    ),
    "duplicate namespace": (
        MINIMAL + '\n[[namespaces]]\nname = "red"\n',
        "namespaces[2].name",
        "duplicate namespace 'red': also declared at namespaces[0]",
    ),
    "address that does not parse": (
        MINIMAL.replace("192.0.2.2/24", "192.0.2.300/24"),
        "veths[0].b.address",
        "'192.0.2.300/24' is not an IP address with a prefix length",
    ),
    "veth end named twice": (
        MINIMAL
        + '\n[[veths]]\na = { namespace = "red", name = "eth0" }\n'
        + 'b = { namespace = "blue", name = "eth1" }\n',
        "veths[1].a.name",
        "veth end 'eth0' in 'red' is named twice: also at veths[0].a",
    ),
    "both ends of one veth named alike": (
        MINIMAL.replace('namespace = "blue"', 'namespace = "red"'),
        "veths[0].b.name",
        "veth end 'eth0' in 'red' is named twice: also at veths[0].a",
    ),
    "duplicate link": (
        MINIMAL + '\n[[bridges]]\nname = "eth0"\nnamespace = "red"\n',
        "veths[0].a.name",
        "duplicate link 'eth0' in 'red': also declared at bridges[0]",
    ),
    "duplicate bridge": (
        MINIMAL
        + '\n[[bridges]]\nname = "br0"\nnamespace = "red"\n'
        + '\n[[bridges]]\nname = "br0"\nnamespace = "blue"\n',
        "bridges[1].name",
        "duplicate bridge 'br0': also declared at bridges[0]",
    ),
    "bridge without a namespace": (
        MINIMAL + '\n[[bridges]]\nname = "br0"\n',
        "bridges[0]",
        "missing `namespace`: every link names where it is (for the "
        "host's own namespace, declare an entry with host = true)",
    ),
    "two host entries": (
        red("host = true").replace(
            'name = "blue"', 'name = "blue"\nhost = true'
        ),
        "namespaces[1].host",
        "only one namespace can be the host; namespaces[0] is",
    ),
    "wrong type": (
        MINIMAL.replace('address = "192.0.2.1/24"', 'mtu = "9k"'),
        "veths[0].a.mtu",
        "'9k' is not an integer",
    ),
    "link name too long": (
        MINIMAL.replace('name = "eth0"', 'name = "much-too-long-name"', 1),
        "veths[0].a.name",
        "link name 'much-too-long-name' is not 1 to 15 bytes long",
    ),
    "bad MAC": (
        MINIMAL.replace(
            'name = "eth0",', 'name = "eth0", mac = "02:00:01",', 1
        ),
        "veths[0].a.mac",
        "'02:00:01' is not a MAC address of six octets",
    ),
    "multicast MAC": (
        MINIMAL.replace(
            'name = "eth0",', 'name = "eth0", mac = "01:00:5e:00:00:01",', 1
        ),
        "veths[0].a.mac",
        "is a multicast MAC; a link needs unicast",
    ),
    "route without via or dev": (
        red('routes = [{ dst = "default" }]'),
        "namespaces[0].routes[0]",
        "a route needs `via` or `dev`",
    ),
    "route on an undeclared link": (
        red('routes = [{ dst = "198.51.100.0/24", dev = "eth9" }]'),
        "namespaces[0].routes[0].dev",
        "no link 'eth9' is declared in namespace 'red'",
    ),
    "gateway of the other family": (
        red('routes = [{ dst = "198.51.100.0/24", via = "2001:db8::1" }]'),
        "namespaces[0].routes[0].via",
        "gateway '2001:db8::1' is IPv6, destination '198.51.100.0/24' is IPv4",
    ),
    "destination with host bits": (
        red('routes = [{ dst = "198.51.100.1/24", via = "192.0.2.2" }]'),
        "namespaces[0].routes[0].dst",
        "has host bits set",
    ),
    "sysctl outside net.*": (
        red('sysctls = { "kernel.panic" = 1 }'),
        'namespaces[0].sysctls."kernel.panic"',
        "'kernel.panic' is not a net.* sysctl key",
    ),
    "neighbour without a MAC": (
        red('neighbours = [{ ip = "192.0.2.2", dev = "eth0" }]'),
        "namespaces[0].neighbours[0].mac",
        "missing",
    ),
    "unknown link kind": (
        MINIMAL
        + '\n[[links]]\nkind = "vxaln"\nname = "vx0"\nnamespace = "red"\n',
        "links[0].kind",
        "netkit knows no link kind 'vxaln'",
    ),
    "bridge in [[links]]": (
        MINIMAL
        + '\n[[links]]\nkind = "bridge"\nname = "br0"\nnamespace = "red"\n',
        "links[0].kind",
        "declare a bridge in [[bridges]], not in [[links]]",
    ),
    "unknown kind option": (
        MINIMAL
        + '\n[[links]]\nkind = "vxlan"\nname = "vx0"\nnamespace = "red"\n'
        + "options = { vni = 42 }\n",
        "links[0].options.vni",
        "a vxlan has no option 'vni' (known: ",
    ),
    "kind option that does not fit": (
        MINIMAL
        + '\n[[links]]\nkind = "vxlan"\nname = "vx0"\nnamespace = "red"\n'
        + "options = { id = 99999999999 }\n",
        "links[0].options.id",
        "99999999999",
    ),
    "parent declared later": (
        MINIMAL
        + '\n[[links]]\nkind = "vlan"\nname = "v1"\nnamespace = "red"\n'
        + 'parent = "v0"\noptions = { id = 5 }\n',
        "links[0].parent",
        "no link 'v0' is declared in namespace 'red' "
        "(declare it before this link)",
    ),
    "bad --prefix": (MINIMAL, "", "--prefix"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_is_refused_with_path_and_reason(case: str) -> None:
    text, path, fragment = BAD[case]
    prefix = "a/" if case == "bad --prefix" else ""

    with pytest.raises(TopologyError) as caught:
        loads(text, "bad.toml", prefix=prefix)

    found = caught.value.problems
    assert any(p == path and fragment in m for p, m in found), found
    first = f"bad.toml: {path}: " if path else "bad.toml: "
    assert str(caught.value).startswith(first)


def test_every_problem_is_reported_at_once() -> None:
    text = MINIMAL.replace("192.0.2.1/24", "nonsense").replace(
        'name = "blue"', 'name = "blue"\ncolour = "blue"'
    )

    found = problems(text)

    assert [path for path, _ in found] == [
        "namespaces[1].colour",
        "veths[0].a.address",
    ]


def test_references_are_checked_only_once_entries_parse() -> None:
    # A broken entry must not also yield confusing follow-up problems.
    text = MINIMAL.replace('name = "red"', "name = 7")

    assert only_problem(text) == ("namespaces[0].name", "7 is not a string")


def test_host_links_may_be_used_without_being_declared() -> None:
    text = """
[[namespaces]]
name = "host"
host = true
routes = [{ dst = "198.51.100.0/24", via = "192.0.2.1", dev = "eth0" }]
"""

    (route,) = loads(text).namespace("host").routes

    assert route.dev == "eth0"


def test_macvlan_mode_word() -> None:
    text = """
[[namespaces]]
name = "red"

[[bridges]]
name = "br0"
namespace = "red"

[[links]]
kind = "macvlan"
name = "mv0"
namespace = "red"
parent = "br0"
options = { mode = "bridge" }
"""

    (link,) = loads(text).links

    assert link.options == {"mode": 4}
    assert link.parent == "br0"


def test_a_port_in_another_namespace_than_its_bridge() -> None:
    text = MINIMAL + (
        '\n[[bridges]]\nname = "br0"\nnamespace = "red"\n'
        '\n[[links]]\nkind = "ifb"\nname = "i0"\nnamespace = "blue"\n'
        'bridge = "br0"\n'
    )

    path, message = only_problem(text)

    assert path == "links[0].namespace"
    assert "a port is in its bridge's namespace" in message


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    file = tmp_path / "latin1.toml"
    file.write_bytes(b'description = "caf\xe9"\n')

    with pytest.raises(TopologyError, match="not UTF-8 text"):
        load(file)


def test_file_that_is_missing_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "absent.toml")


def test_a_file_nested_too_deeply_is_a_syntax_problem() -> None:
    text = "x = " + "[" * 1000 + "]" * 1000

    assert only_problem(text) == ("", "TOML syntax: nested too deeply")


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ('address = "fe80::1%eth0/64"', "veths[0].a.address"),
        ('addresses = ["fe80::1%eth0/64"]', "veths[0].a.addresses[0]"),
        (
            'routes = [{ dst = "default", via = "fe80::1%eth0" }]',
            "namespaces[0].routes[0].via",
        ),
        (
            'routes = [{ dst = "fe80::/64%eth0", dev = "eth0" }]',
            "namespaces[0].routes[0].dst",
        ),
        (
            'routes = [{ dst = "default", dev = "eth0", src = "fe80::1%x" }]',
            "namespaces[0].routes[0].src",
        ),
        (
            'neighbours = [{ ip = "fe80::2%eth0", mac = "02:00:00:00:00:01"'
            ', dev = "eth0" }]',
            "namespaces[0].neighbours[0].ip",
        ),
    ],
)
def test_an_address_with_a_zone_is_refused(line: str, path: str) -> None:
    if line.startswith("address"):
        text = MINIMAL.replace('address = "192.0.2.1/24"', line)
    else:
        text = red(line)

    found_path, message = only_problem(text)

    assert found_path == path
    assert "has a zone" in message


@pytest.mark.parametrize("name", ["", ".", "..", "a/b"])
def test_a_namespace_name_that_cannot_be_one(name: str) -> None:
    text = MINIMAL.replace('name = "red"', f"name = {name!r}")

    found = problems(text)

    assert found[0][0] == "namespaces[0].name", found
    assert "cannot name a namespace" in found[0][1]

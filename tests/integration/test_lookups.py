"""Lookups the kernel answers: `ip route get`, `ip neigh get`, links by name.

Each answer is checked against `ip -j route get` / `ip neigh get` run on
the same room.  The last test shows that finding a link by name asks the
kernel (RTM_GETLINK with IFLA_IFNAME) rather than listing every link:
with 5,000 links it costs about what it costs with 5.
"""

from __future__ import annotations

import errno
import ipaddress
import statistics
import time

import pytest

from netkit import (
    Link,
    NeighbourNotFound,
    NetworkUnreachable,
    NotSupported,
    RouteLookup,
    VethPair,
)
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_error,
    ip_json,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")

V4, V6 = ipaddress.IPv4Address, ipaddress.IPv6Address


@pytest.fixture
def room(rooms):
    """Two cables out of one room, with routes in two tables.

    v0 has 192.0.2.1/24, 192.0.2.11/24 and 2001:db8::1/64; v2 has
    203.0.113.1/24.  198.51.100.0/24 and 2001:db8:1::/64 go via .2 (::2)
    in the main table and via .3 (::3) in table 100, which packets
    marked 7 use.
    """
    ns = rooms()
    ns.link("lo").up()
    for a, b in (("v0", "v1"), ("v2", "v3")):
        pair = VethPair.create(a, b, ns=ns)
        pair.a.up()
        pair.b.up()
    v0, v2 = ns.link("v0"), ns.link("v2")
    v0.add_address("192.0.2.1/24")
    v0.add_address("192.0.2.11/24")
    v0.add_address("2001:db8::1/64", nodad=True)
    v2.add_address("203.0.113.1/24")

    ns.add_route("198.51.100.0/24", via="192.0.2.2")
    ns.add_route("198.51.100.0/24", via="192.0.2.3", table=100)
    ns.add_route("2001:db8:1::/64", via="2001:db8::2")
    ns.add_route("2001:db8:1::/64", via="2001:db8::3", table=100)
    for family in ("-4", "-6"):
        ip(ns, family, "rule", "add", "fwmark", "7", "table", "100")
    return ns


def ip_route_get(ns, *args):
    (found,) = ip_json(ns, "route", "get", *args)
    return found


def same_as_ip(lookup, oracle):
    """The fields `ip -j route get` prints agree with netkit's."""
    assert str(lookup.dst.network_address) == oracle["dst"].split("/")[0]
    assert lookup.dev == oracle["dev"]
    assert str(lookup.gateway) == oracle.get("gateway", "None")
    assert str(lookup.src) == oracle.get("prefsrc", "None")
    # ip prints no table for main, nor for none (0, "unspec").
    assert str(lookup.table) in (
        [oracle["table"]] if "table" in oracle else ["main", "unspec"]
    )


@pytest.mark.parametrize(
    ("dst", "options", "args"),
    [
        ("198.51.100.7", {}, ()),
        ("198.51.100.7", {"mark": 7}, ("mark", "7")),
        ("198.51.100.7", {"dev": "v2"}, ("oif", "v2")),
        ("198.51.100.7", {"src": "192.0.2.11"}, ("from", "192.0.2.11")),
        ("192.0.2.1", {}, ()),
        ("2001:db8:1::7", {}, ()),
        ("2001:db8:1::7", {"mark": 7}, ("mark", "7")),
        ("2001:db8:1::7", {"src": "2001:db8::1"}, ("from", "2001:db8::1")),
    ],
)
def test_route_get_agrees_with_ip(room, dst, options, args):
    lookup = room.route_get(dst, **options)

    assert isinstance(lookup, RouteLookup)
    assert lookup.dst.prefixlen == lookup.dst.max_prefixlen
    same_as_ip(lookup, ip_route_get(room, dst, *args))


def test_route_get_fields(room):
    plain = room.route_get("198.51.100.7")
    marked = room.route_get("198.51.100.7", mark=7)
    sourced = room.route_get("198.51.100.7", src="192.0.2.11")
    other_dev = room.route_get("198.51.100.7", dev="v2")
    local = room.route_get("192.0.2.1")
    ipv6 = room.route_get("2001:db8:1::7")

    assert (plain.gateway, plain.dev, plain.table) == (
        V4("192.0.2.2"),
        "v0",
        "main",
    )
    assert plain.src == plain.source_address == V4("192.0.2.1")
    assert (marked.gateway, marked.table, marked.mark) == (
        V4("192.0.2.3"),
        100,
        7,
    )
    # Asked with a source, the kernel echoes it (RTA_SRC) and sends no
    # preferred source.
    assert (sourced.src, sourced.source) == (None, V4("192.0.2.11"))
    assert sourced.source_address == V4("192.0.2.11")
    # Out of a device with no route through it: "on link" there, a
    # route of no table.
    assert (other_dev.dev, other_dev.gateway) == ("v2", None)
    assert other_dev.table == "unspec"
    assert other_dev.src == V4("203.0.113.1")
    assert (local.type, local.dev, local.table) == ("local", "lo", "local")
    assert (ipv6.gateway, ipv6.src, ipv6.dev) == (
        V6("2001:db8::2"),
        V6("2001:db8::1"),
        "v0",
    )


def test_fib_match_gives_the_table_entry(room):
    entry = room.route_get("198.51.100.7", fib_match=True)

    assert str(entry.dst) == "198.51.100.0/24"
    assert entry.gateway == V4("192.0.2.2")
    assert ip_route_get(room, "198.51.100.7", "fibmatch")["dst"] == (
        "198.51.100.0/24"
    )


@pytest.mark.parametrize(
    ("dst", "options", "args"),
    [
        ("10.1.1.1", {}, ()),
        ("2001:db8:5::1", {}, ()),
        # A source that is no address here: also "unreachable".
        ("198.51.100.7", {"src": "203.0.113.9"}, ("from", "203.0.113.9")),
    ],
)
def test_no_route_is_network_unreachable(room, dst, options, args):
    with pytest.raises(NetworkUnreachable) as caught:
        room.route_get(dst, **options)

    assert caught.value.errno == errno.ENETUNREACH
    assert "Network is unreachable" in str(caught.value)
    assert "Network is unreachable" in ip_error(
        room, "route", "get", dst, *args
    )


@pytest.mark.parametrize(
    ("dst", "options"),
    [
        ("198.51.100.300", {}),
        ("198.51.100.0/24", {}),
        ("example.org", {}),
        ("198.51.100.7", {"src": "2001:db8::1"}),
        ("198.51.100.7", {"mark": -1}),
        ("198.51.100.7", {"mark": 1 << 32}),
    ],
)
def test_malformed_lookups_are_refused_before_sending(room, dst, options):
    with pytest.raises(ValueError):
        room.route_get(dst, **options)


def test_neighbour_get_agrees_with_ip(room):
    room.add_neighbour("192.0.2.7", mac="02:00:00:00:00:07", dev="v0")
    room.add_neighbour("2001:db8::7", mac="02:00:00:00:00:08", dev="v0")

    four = room.neighbour("192.0.2.7", dev="v0")
    six = room.neighbour("2001:db8::7", dev=room.link("v0"))

    assert (four.ip, four.mac, four.dev, four.state) == (
        V4("192.0.2.7"),
        "02:00:00:00:00:07",
        "v0",
        "PERMANENT",
    )
    assert (six.mac, six.dev) == ("02:00:00:00:00:08", "v0")
    text = ip(room, "neigh", "get", "192.0.2.7", "dev", "v0")
    assert text.split()[:5] == ["192.0.2.7", "dev", "v0", "lladdr", four.mac]


def test_neighbour_get_of_a_missing_entry(room):
    with pytest.raises(NeighbourNotFound) as caught:
        room.neighbour("192.0.2.8", dev="v0")

    assert caught.value.errno == errno.ENOENT
    assert caught.value.message == "Neighbour entry not found"
    assert "Neighbour entry not found" in ip_error(
        room, "neigh", "get", "192.0.2.8", "dev", "v0"
    )


def test_neighbour_get_bad_input(room):
    with pytest.raises(ValueError):
        room.neighbour("192.0.2.300", dev="v0")


# Links by name: the kernel's hash lookup, not a dump.

MANY = 5000
FEW = 5
SAMPLES = 200


def light_kind(ns):
    """The cheapest link kind this kernel has: dummy, else ifb."""
    for kind in ("dummy", "ifb"):
        try:
            Link.create("nkprobe", kind, ns=ns).delete()
        except NotSupported:
            continue
        return kind
    pytest.skip("this kernel has neither dummy nor ifb links")


def many_links(ns, count):
    """`count` links named nk0, nk1..., made in one batch."""
    kind = light_kind(ns)
    with ns.batch() as batch:
        for i in range(count):
            batch.add_link(f"nk{i}", kind)


def median_lookup(ns, names):
    """Median seconds for `ns.link(name)`, over SAMPLES lookups."""
    timings = []
    for i in range(SAMPLES):
        name = names[i % len(names)]
        start = time.perf_counter()
        link = ns.link(name)
        timings.append(time.perf_counter() - start)
        assert link.name == name
    return statistics.median(timings)


def median_dump(ns, samples=5):
    timings = []
    for _ in range(samples):
        start = time.perf_counter()
        ns.links()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def test_looking_a_link_up_by_name_does_not_grow_with_the_table(rooms):
    few, many = rooms(), rooms()
    many_links(few, FEW)
    many_links(many, MANY)
    assert len(ip_json(many, "link", "show")) == MANY + 1

    names_few = [f"nk{i}" for i in range(FEW)]
    names_many = [f"nk{i}" for i in range(0, MANY, MANY // 50)]
    median_lookup(few, names_few)  # warm up both sockets and caches
    median_lookup(many, names_many)
    small = median_lookup(few, names_few)
    large = median_lookup(many, names_many)

    # Generous: the same cost within a factor of three (plus 0.5 ms for
    # a noisy machine), where a dump filtered in Python is a thousand
    # times dearer.
    assert large < 3 * small + 0.0005, (small, large)
    # The setup can tell the difference: listing does grow.
    assert median_dump(many) > 20 * large

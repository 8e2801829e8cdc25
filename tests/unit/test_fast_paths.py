"""The fast paths give what the long ways give: same bytes, same values,
same errors.

- `parse_prefix` (inet_pton) against `parse_network` (ipaddress);
- `pack_address` against `ipaddress.ip_address(...).packed`;
- `RouteTemplate` against `new_route` / `del_route`, byte for byte;
- `make` against a frozen dataclass's own __init__;
- `import netkit` and one socket load none of the heavy modules (W5).
"""

from __future__ import annotations

import ipaddress
import subprocess
import sys
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit._values import make
from netkit.netlink.attrs import pack_address
from netkit.rtnl import route as rtroute
from netkit.rtnl.common import parse_network, parse_prefix

ipv4 = st.ip_addresses(v=4)
ipv6 = st.ip_addresses(v=6)


def prefixes(addresses, bits):
    return st.builds(
        lambda a, n: str(ipaddress.ip_network(f"{a}/{n}", strict=False)),
        addresses,
        st.integers(0, bits),
    )


def network_of(text: str):
    try:
        network = parse_network(text)
    except ValueError:
        return "error"
    return network.network_address, network.prefixlen


def prefix_of(text: str):
    try:
        return parse_prefix(text)
    except ValueError:
        return "error"


@given(st.one_of(prefixes(ipv4, 32), prefixes(ipv6, 128)))
def test_parse_prefix_reads_networks_as_ipaddress_does(text):
    assert prefix_of(text) == network_of(text)


@given(
    st.one_of(ipv4, ipv6).map(str),
    st.sampled_from(["", "/", "/0", "/8", "/32", "/33", "/064", "/x", "/ 8"]),
)
def test_parse_prefix_agrees_on_odd_text(address, suffix):
    text = address + suffix
    assert prefix_of(text) == network_of(text)


@given(st.text(max_size=24))
def test_parse_prefix_agrees_on_junk(text):
    assert prefix_of(text) == network_of(text)


@given(st.one_of(ipv4, ipv6, ipv4.map(str), ipv6.map(str)))
def test_pack_address_packs_as_ipaddress_does(value):
    assert pack_address(value) == ipaddress.ip_address(value).packed


@pytest.mark.parametrize(
    "junk", ["", "1.2.3", "1.2.3.256", "01.2.3.4", "::g", "x", "1.2.3.4/8"]
)
def test_pack_address_refuses_what_ipaddress_refuses(junk):
    with pytest.raises(ValueError):
        ipaddress.ip_address(junk)
    with pytest.raises(ValueError):
        pack_address(junk)


OPTIONS = [
    {"oif": 2, "scope": "link"},
    {"gateway": "192.0.2.1"},
    {"gateway": "2001:db8::1", "metric": 10, "table": 1000},
    {"oif": 3, "protocol": "static", "replace": True},
]


@pytest.mark.parametrize("options", OPTIONS)
@given(st.one_of(prefixes(ipv4, 32), prefixes(ipv6, 128)))
def test_a_route_template_encodes_as_new_route(options, dst):
    template = rtroute.RouteTemplate(rtroute.new_route, **options)
    encoded = template.encode(dst)
    try:
        expected = rtroute.new_route(dst, **options)
    except ValueError:
        assert encoded is None
        return
    if encoded is not None:
        assert encoded == (
            expected.type,
            expected.body.encode(),
            expected.flags,
        )


@given(st.one_of(prefixes(ipv4, 32), prefixes(ipv6, 128)))
def test_a_delete_template_encodes_as_del_route(dst):
    template = rtroute.RouteTemplate(rtroute.del_route, oif=2)
    encoded = template.encode(dst)
    expected = rtroute.del_route(dst, oif=2)
    if encoded is not None:
        assert encoded[1] == expected.body.encode()


@pytest.mark.parametrize(
    "dst", ["default", "0.0.0.0/0", "192.0.2.1/24", "fe80::1%eth0", "x"]
)
def test_a_template_leaves_the_odd_cases_to_the_long_way(dst):
    template = rtroute.RouteTemplate(rtroute.new_route, oif=2)
    assert template.encode(dst) is None


def test_a_template_for_the_other_family_defers_the_mistake():
    template = rtroute.RouteTemplate(rtroute.new_route, gateway="192.0.2.1")
    assert template.encode("2001:db8::/64") is None
    with pytest.raises(ValueError):
        template.request("2001:db8::/64")


@dataclass(frozen=True)
class Point:
    x: int
    y: tuple = ()


def test_make_gives_the_dataclass_value():
    made = make(Point, x=1, y=(2,))

    assert made == Point(1, (2,))
    assert hash(made) == hash(Point(1, (2,)))
    assert repr(made) == "Point(x=1, y=(2,))"
    with pytest.raises(AttributeError):
        made.x = 3


def test_import_and_a_socket_load_no_heavy_module():
    # W5: what `import netkit` and a namespace's socket must not load.
    code = (
        "import sys, netkit; netkit.Namespace.current().rtnl; "
        "heavy = {'typing', 'logging', 'subprocess', 'dataclasses', "
        "'pathlib', 'inspect', 'netkit.links', 'netkit.routes'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join(p for p in sys.path if p)},
    ).stdout
    assert out.strip() == "[]"

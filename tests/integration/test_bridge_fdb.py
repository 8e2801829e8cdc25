"""A bridge's forwarding database and a vxlan's, against `bridge -j fdb`.

The `switch` (tests/integration/bridge_support.py) is bridge br0 with
ports p1 and p2 cabled to rooms red and blue; the entries it learns are
those of red and blue.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import subprocess

import pytest

from netkit import (
    NeighbourExists,
    NeighbourNotFound,
    NotSupported,
    VethPair,
    Vxlan,
)
from netkit import fdb as nkfdb
from tests.integration.bridge_support import switch_fixture  # noqa: F401
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")

STATIC = "02:00:00:00:00:aa"


def oracle_entries(switch, dev=None):
    """The bridge's own entries as `bridge fdb show br br0` lists them.

    With `dev` (`... dev P`), bridge leaves the device out of each entry.
    """
    args = ("dev", dev) if dev else ()
    found = switch.bridge_json("fdb", "show", "br", "br0", *args)
    return {
        (
            e["mac"],
            e.get("ifname", dev),
            e["state"] or "reachable",
            e.get("vlan"),
        )
        for e in found
        if e.get("master") == "br0"
    }


def netkit_entries(entries):
    return {(e.mac, e.dev, e.state, e.vlan) for e in entries}


def same(a, b):
    """Two reads of one entry agree (but for its age, which moves on)."""
    return dataclasses.replace(a, updated=None) == dataclasses.replace(
        b, updated=None
    )


# Listing.


def test_traffic_is_learned(switch):
    assert switch.ping()

    entries = {e.mac: e for e in switch.br.fdb()}
    red, blue = entries[switch.mac("p1")], entries[switch.mac("p2")]

    assert (red.dev, red.master, red.state) == ("p1", "br0", "reachable")
    assert (blue.dev, blue.index) == ("p2", switch.p2.index)
    assert red.learned and not red.static
    assert 0 <= red.updated < 10
    assert netkit_entries(switch.br.fdb()) == oracle_entries(switch)


def test_the_ports_own_macs_are_permanent(switch):
    permanent = {e.mac for e in switch.br.fdb() if e.state == "permanent"}

    assert {switch.p1.mac, switch.p2.mac} <= permanent


def test_filtered_by_port(switch):
    assert switch.ping()

    on_p1 = switch.br.fdb("p1")

    assert {e.dev for e in on_p1} == {"p1"}
    assert netkit_entries(on_p1) == oracle_entries(switch, "p1")


def test_self_entries_are_the_devices_address_lists(switch):
    everything = switch.br.fdb(self_entries=True)
    own = [e for e in everything if "self" in e.flags]

    assert own and all(e.master is None for e in own)
    assert all(e.state == "permanent" for e in own)
    oracle = switch.bridge_json("fdb", "show", "br", "br0")
    assert len(everything) == len(oracle)


# Static entries.


def test_add_get_and_delete_a_static_entry(switch):
    added = switch.br.add_fdb(STATIC, "p1")

    assert (added.mac, added.dev, added.state) == (STATIC, "p1", "static")
    assert added.static and not added.learned
    assert same(switch.br.fdb_entry(STATIC), added)
    (got,) = switch.bridge_json("fdb", "get", STATIC, "br", "br0")
    assert (got["ifname"], got["state"]) == ("p1", "static")
    assert (STATIC, "p1", "static", None) in oracle_entries(switch)

    switch.br.delete_fdb(STATIC, "p1")

    with pytest.raises(NeighbourNotFound) as caught:
        switch.br.fdb_entry(STATIC)
    assert caught.value.message == "Fdb entry not found"
    assert STATIC not in {e[0] for e in oracle_entries(switch)}


def test_dynamic_and_sticky_entries(switch):
    dynamic = switch.br.add_fdb("02:00:00:00:00:ab", "p1", static=False)
    sticky = switch.br.add_fdb("02:00:00:00:00:ac", switch.p2, sticky=True)

    assert dynamic.state == "reachable" and not dynamic.static
    assert "sticky" in sticky.flags
    oracle = {
        e["mac"]: e for e in switch.bridge_json("fdb", "show", "br", "br0")
    }
    assert oracle["02:00:00:00:00:ab"]["state"] == ""
    assert "sticky" in oracle["02:00:00:00:00:ac"]["flags"]


def test_adding_twice_and_replacing(switch):
    switch.br.add_fdb(STATIC, "p1")

    with pytest.raises(NeighbourExists):
        switch.br.add_fdb(STATIC, "p1")
    moved = switch.br.add_fdb(STATIC, "p2", replace=True)

    assert moved.dev == "p2"
    (got,) = switch.bridge_json("fdb", "get", STATIC, "br", "br0")
    assert got["ifname"] == "p2"


def test_deleting_a_missing_entry(switch):
    with pytest.raises(NeighbourNotFound):
        switch.br.delete_fdb(STATIC, "p1")


def test_a_static_entry_with_a_vlan(switch):
    # A VLAN must be configured on the port before an entry may use it.
    try:
        switch.br.add_vlan("p1", 10)
    except NotSupported:
        with pytest.raises(OSError) as caught:
            switch.br.add_fdb(STATIC, "p1", vlan=10)
        assert caught.value.errno == errno.EINVAL
        pytest.skip("this kernel has no bridge VLAN filtering")

    added = switch.br.add_fdb(STATIC, "p1", vlan=10)

    assert added.vlan == 10
    assert same(switch.br.fdb_entry(STATIC, vlan=10), added)
    assert [e.mac for e in switch.br.fdb(vlan=10)] == [STATIC]
    assert (STATIC, "p1", "static", 10) in oracle_entries(switch)
    switch.br.delete_fdb(STATIC, "p1", vlan=10)
    assert STATIC not in {e.mac for e in switch.br.fdb()}


@pytest.mark.parametrize(
    ("mac", "options"),
    [
        ("02:00:00:00:00", {}),
        ("02:00:00:00:00:00:01", {}),
        ("zz:00:00:00:00:01", {}),
        ("0200.0000.0001", {}),
        (STATIC, {"vlan": 0}),
        (STATIC, {"vlan": 4095}),
    ],
)
def test_bad_entries_are_refused_before_sending(switch, mac, options):
    with pytest.raises(ValueError):
        switch.br.add_fdb(mac, "p1", **options)

    assert mac not in {e.mac for e in switch.br.fdb()}


def test_an_entry_on_a_link_that_is_not_a_port(switch):
    loose = VethPair.create("x0", "x1", ns=switch.ns).a

    with pytest.raises(ValueError, match="not a port of 'br0'"):
        switch.br.add_fdb(STATIC, loose)

    # Sent anyway, the kernel has no bridge to give it to.
    with pytest.raises(NotSupported) as caught:
        nkfdb.add(switch.ns, STATIC, loose.index)
    assert caught.value.errno == errno.EOPNOTSUPP
    assert "Operation not supported" in switch.bridge_error(
        "fdb", "add", STATIC, "dev", "x0", "master", "static"
    )


# A vxlan's entries: MAC -> remote tunnel end.


@pytest.fixture
def vxlan(rooms):
    ns = rooms()
    return Vxlan.create("vx0", 42, local="192.0.2.1", ns=ns, learning=False)


def oracle_vxlan(vxlan):
    done = subprocess.run(
        ["bridge", "-n", vxlan.namespace.name, "-j"]
        + ["fdb", "show", "dev", "vx0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        (
            e["mac"],
            e["dst"],
            e.get("port"),
            e.get("vni"),
            e["state"] or "reachable",
        )
        for e in json.loads(done.stdout)
    }


def netkit_vxlan(vxlan):
    return {
        (e.mac, str(e.dst), e.dst_port, e.vni, e.state) for e in vxlan.fdb()
    }


ZERO = "00:00:00:00:00:00"


def test_vxlan_remotes(vxlan):
    vxlan.add_fdb(ZERO, dst="192.0.2.9")
    vxlan.add_fdb(ZERO, dst="192.0.2.10", vni=7, port=4790, append=True)
    vxlan.add_fdb("02:00:00:00:00:dd", dst="192.0.2.11", static=False)

    assert netkit_vxlan(vxlan) == {
        (ZERO, "192.0.2.9", None, None, "permanent"),
        (ZERO, "192.0.2.10", 4790, 7, "permanent"),
        ("02:00:00:00:00:dd", "192.0.2.11", None, None, "reachable"),
    }
    assert netkit_vxlan(vxlan) == oracle_vxlan(vxlan)
    assert all("self" in e.flags for e in vxlan.fdb())


def test_vxlan_delete_one_remote_then_the_entry(vxlan):
    vxlan.add_fdb(ZERO, dst="192.0.2.9")
    vxlan.add_fdb(ZERO, dst="192.0.2.10", append=True)

    vxlan.delete_fdb(ZERO, dst="192.0.2.9")

    assert [str(e.dst) for e in vxlan.fdb()] == ["192.0.2.10"]
    assert netkit_vxlan(vxlan) == oracle_vxlan(vxlan)
    vxlan.delete_fdb(ZERO)
    assert vxlan.fdb() == [] and oracle_vxlan(vxlan) == set()


def test_vxlan_entry_twice_and_bad_input(vxlan):
    vxlan.add_fdb(ZERO, dst="192.0.2.9")

    with pytest.raises(NeighbourExists):
        vxlan.add_fdb(ZERO, dst="192.0.2.10")
    with pytest.raises(ValueError):
        vxlan.add_fdb(ZERO, dst="192.0.2.300")
    with pytest.raises(ValueError):
        vxlan.add_fdb("02:00:00:00:00", dst="192.0.2.10")
    with pytest.raises(ValueError):
        vxlan.add_fdb(ZERO, dst="192.0.2.10", vni=1 << 24)
    with pytest.raises(NeighbourNotFound):
        vxlan.delete_fdb("02:00:00:00:00:ee")
    # A remote of the other family than the tunnel's local address.
    with pytest.raises(OSError) as caught:
        vxlan.add_fdb("02:00:00:00:00:dd", dst="2001:db8::11")
    assert caught.value.errno == errno.EAFNOSUPPORT

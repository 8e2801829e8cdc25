"""Address lifetimes, origin and flags, secondaries, and link aliases.

Checked against `ip -j addr show` and /sys/class/net/NAME/ifalias in
throwaway rooms.  The lifetime test waits for the kernel to deprecate
and then remove addresses: a few seconds.
"""

from __future__ import annotations

import errno

import pytest

from netkit import AddressNotAvailable, InvalidArgument, VethPair
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_addresses,
    ip_json,
    no_link_local,
    rooms_fixture,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


@pytest.fixture
def link(rooms):
    """v0, up, its peer v1 up, neither with a link-local address."""
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    no_link_local(ns, "v0", "v1")
    pair.b.up()
    return pair.a.up()


def ip_info(link, address):
    """`ip -j addr show dev X`'s entry for one address, or None."""
    local = address.split("/")[0]
    for found in ip_json(link.namespace, "addr", "show", "dev", link.name):
        for info in found.get("addr_info", []):
            if info["local"] == local:
                return info
    return None


def netkit_info(link, address):
    for found in link.addresses():
        if str(found.address) == address:
            return found
    return None


# Lifetimes.


def test_short_lifetimes_deprecate_then_expire(link):
    added = [
        link.add_address("198.18.0.1/24", valid_lft=3, preferred_lft=1),
        link.add_address(
            "2001:db8::5/64", nodad=True, valid_lft=3, preferred_lft=1
        ),
    ]
    for address in added:
        text = str(address.address)
        info = ip_info(link, text)
        assert 2 <= address.valid_lft <= 3
        assert 0 <= address.preferred_lft <= 1
        assert "permanent" not in address.flags
        assert info["dynamic"] is True
        assert (info["valid_life_time"], info["preferred_life_time"]) == (
            address.valid_lft,
            address.preferred_lft,
        )

    for address in added:
        text = str(address.address)
        assert wait_for(
            lambda t=text: "deprecated" in netkit_info(link, t).flags, 5
        )
        assert netkit_info(link, text).preferred_lft == 0
        assert ip_info(link, text)["deprecated"] is True

    for address in added:
        text = str(address.address)
        assert wait_for(lambda t=text: netkit_info(link, t) is None, 6)
        assert ip_info(link, text) is None


def test_forever_is_none_and_permanent(link):
    added = link.add_address("198.18.1.1/24")

    assert (added.valid_lft, added.preferred_lft) == (None, None)
    assert "permanent" in added.flags
    info = ip_info(link, "198.18.1.1/24")
    assert info["valid_life_time"] == info["preferred_life_time"] == 2**32 - 1


def test_a_lifetime_can_be_changed_with_replace(link):
    link.add_address("198.18.2.1/24")
    changed = link.add_address(
        "198.18.2.1/24", valid_lft=100, preferred_lft=50, replace=True
    )

    assert 99 <= changed.valid_lft <= 100
    assert 49 <= changed.preferred_lft <= 50
    assert ip_info(link, "198.18.2.1/24")["preferred_life_time"] in (49, 50)


def test_preferred_longer_than_valid_is_refused_before_sending(link):
    with pytest.raises(ValueError, match="preferred lifetime"):
        link.add_address("198.18.3.1/24", valid_lft=1, preferred_lft=5)

    assert "198.18.3.1/24" not in ip_addresses(link.namespace, "v0")


@pytest.mark.parametrize(
    ("address", "text"),
    [
        ("198.18.4.1/24", "ipv4: address lifetime invalid"),
        ("2001:db8::4/64", "ipv6: address lifetime invalid"),
    ],
)
def test_a_zero_valid_lifetime_is_the_kernels_error(link, address, text):
    with pytest.raises(InvalidArgument) as caught:
        link.add_address(address, nodad=True, valid_lft=0)

    assert caught.value.errno == errno.EINVAL
    assert caught.value.message == text
    assert address not in ip_addresses(link.namespace, "v0")


# Origin (IFA_PROTO) and flags.


def test_proto_is_kept_and_read_back(link):
    # iproute2 6.1 cannot show IFA_PROTO: the kernel's own addresses
    # are the check, they come marked by the kernel.
    mine = link.add_address("198.18.6.1/24", proto=99)
    named = link.add_address("198.18.7.1/24", proto="kernel_ra")
    lo = link.namespace.link("lo").up()

    assert mine.proto == "99"
    assert named.proto == "kernel_ra"
    assert link.add_address("198.18.8.1/24").proto is None
    loopback = {str(a.address): a.proto for a in lo.addresses()}
    assert loopback["::1/128"] == "kernel_lo"


def test_the_kernels_link_local_address_is_marked_kernel_ll(rooms):
    ns = rooms()
    pair = VethPair.create("v0", "v1", ns=ns)
    pair.b.up()
    pair.a.up()

    assert wait_for(
        lambda: any(a.address.is_link_local for a in pair.a.addresses())
    )
    (local,) = [a for a in pair.a.addresses() if a.address.is_link_local]
    assert local.proto == "kernel_ll"


def test_noprefixroute(link):
    added = link.add_address("198.18.9.1/24", noprefixroute=True)

    assert "noprefixroute" in added.flags
    assert ip_info(link, "198.18.9.1/24")["noprefixroute"] is True
    routes = ip_json(link.namespace, "route", "show", "dev", "v0")
    assert "198.18.9.0/24" not in [r["dst"] for r in routes]


def test_nodad_and_waiting_for_dad_agree_with_ip(link):
    fast = link.add_address("2001:db8::a/64", nodad=True)
    slow = link.add_address("2001:db8::b/64")

    assert "nodad" in fast.flags and not fast.tentative
    assert ip_info(link, "2001:db8::a/64")["nodad"] is True
    assert slow.tentative
    assert ip_info(link, "2001:db8::b/64")["tentative"] is True

    ready = {str(a.address): a for a in link.wait_addresses_ready(10)}
    assert not ready["2001:db8::b/64"].tentative
    assert "tentative" not in ip_info(link, "2001:db8::b/64")


def test_a_duplicate_fails_dad(link):
    peer = link.namespace.link("v1")
    peer.add_address("2001:db8::c/64", nodad=True)
    link.add_address("2001:db8::c/64")

    with pytest.raises(AddressNotAvailable, match="duplicate address"):
        link.wait_addresses_ready(10)

    assert "dadfailed" in netkit_info(link, "2001:db8::c/64").flags
    assert ip_info(link, "2001:db8::c/64")["dadfailed"] is True


# Secondary addresses.


def flags_by_address(link):
    return {str(a.address): "secondary" in a.flags for a in link.addresses(4)}


def ip_secondary(link):
    return {
        f"{info['local']}/{info['prefixlen']}": info.get("secondary", False)
        for found in ip_json(link.namespace, "-4", "addr", "show", "dev", "v0")
        for info in found.get("addr_info", [])
    }


def three_in_one_subnet(link):
    for i in (1, 2, 3):
        link.add_address(f"198.51.100.{i}/24")


def test_the_first_address_of_a_subnet_is_primary(link):
    three_in_one_subnet(link)

    assert flags_by_address(link) == {
        "198.51.100.1/24": False,
        "198.51.100.2/24": True,
        "198.51.100.3/24": True,
    }
    assert flags_by_address(link) == ip_secondary(link)


def test_deleting_the_primary_takes_the_secondaries_along(link):
    three_in_one_subnet(link)
    assert link.namespace.sysctl("net.ipv4.conf.v0.promote_secondaries") == 0

    link.delete_address("198.51.100.1/24")

    assert flags_by_address(link) == {} == ip_secondary(link)


def test_promote_secondaries(link):
    link.namespace.sysctl("net.ipv4.conf.v0.promote_secondaries", 1)
    three_in_one_subnet(link)

    link.delete_address("198.51.100.1/24")

    assert flags_by_address(link) == {
        "198.51.100.2/24": False,
        "198.51.100.3/24": True,
    }
    assert flags_by_address(link) == ip_secondary(link)


# Aliases.


def sys_ifalias(link):
    done = link.namespace.exec(
        ["cat", f"/sys/class/net/{link.name}/ifalias"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.rstrip("\n")


ALIASES = ["uplink to red", "ünïcode ✓", "x" * 254]


@pytest.mark.parametrize("alias", ALIASES)
def test_alias_agrees_with_sys(link, alias):
    changed = link.set(alias=alias)

    assert changed.alias == alias
    assert sys_ifalias(link) == alias
    assert ip_json(link.namespace, "link", "show", "v0")[0]["ifalias"] == (
        alias
    )


def test_an_empty_alias_clears_it(link):
    link.set(alias="temporary")
    cleared = link.set(alias="")

    assert cleared.alias is None
    assert sys_ifalias(link) == ""
    assert "ifalias" not in ip_json(link.namespace, "link", "show", "v0")[0]


def test_alias_set_by_ip_is_read(link):
    ip(link.namespace, "link", "set", "dev", "v0", "alias", "from ip")

    assert link.refresh().alias == "from ip"

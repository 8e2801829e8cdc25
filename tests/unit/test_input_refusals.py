"""Input refused with ValueError before a request is built or sent.

Zones on IPv6 addresses (both the inet_pton fast paths and the
`ipaddress` slow ones), the unspecified address, numbers that do not
fit their attribute (named in the text), unknown link states and
timeouts, the batch's Python names, and BatchError's counting.
"""

from __future__ import annotations

import errno
import ipaddress
from pathlib import Path

import pytest

from netkit import batch as nsbatch
from netkit import sysctl
from netkit.errors import NetlinkError
from netkit.netlink.attrs import pack_address
from netkit.netlink.batch import BatchError, Failure
from netkit.rtnl import addr as rtaddr
from netkit.rtnl import link as rtlink
from netkit.rtnl import route as rtroute
from netkit.rtnl.common import (
    parse_address,
    parse_interface,
    parse_network,
    parse_prefix,
)
from netkit.waits import check_states, check_timeout

ZONED = ["fe80::1%eth0", "fe80::1%1", "fe80::%eth0/64", "fe80::1%eth0/128"]


@pytest.mark.parametrize("text", ZONED)
def test_a_zone_is_refused_by_every_parser(text):
    bare = text.partition("/")[0]
    for parse, value in (
        (parse_interface, text),
        (parse_network, text),
        (parse_prefix, text),
        (parse_address, bare),
        (pack_address, bare),
        (pack_address, ipaddress.ip_address(bare)),
    ):
        with pytest.raises(ValueError, match="zone"):
            parse(value)


def test_a_zone_is_refused_by_the_request_builders():
    with pytest.raises(ValueError, match="zone"):
        rtaddr.new_addr("fe80::1%eth0/64", 2)
    with pytest.raises(ValueError, match="zone"):
        rtroute.new_route("2001:db8::/64", gateway="fe80::1%eth0", oif=2)


def test_addresses_without_a_zone_still_pack():
    assert pack_address("fe80::1") == ipaddress.ip_address("fe80::1").packed
    assert pack_address(ipaddress.ip_address("fe80::1")) == (
        ipaddress.ip_address("fe80::1").packed
    )
    assert str(parse_interface("fe80::1/64")) == "fe80::1/64"


@pytest.mark.parametrize(
    "address", ["0.0.0.0", "0.0.0.0/0", "0.0.0.0/24", "::", "::/0"]
)
def test_the_unspecified_address_is_not_one_to_add(address):
    with pytest.raises(ValueError, match="unspecified"):
        rtaddr.new_addr(address, 2)


@pytest.mark.parametrize(
    ("attrs", "text"),
    [
        ({"mtu": 2**32}, "mtu: 4294967296 does not fit (0 to 4294967295)"),
        ({"mtu": -1}, "mtu: -1 does not fit (0 to"),
        ({"txqlen": "x"}, "txqlen: 'x' is not a number"),
    ],
)
def test_a_number_that_does_not_fit_names_its_attribute(attrs, text):
    with pytest.raises(ValueError) as caught:
        rtlink.set_link(2, **attrs).body.encode()
    assert text in str(caught.value)
    assert "format" not in str(caught.value)


def test_unknown_link_states_and_bad_timeouts():
    assert check_states("up") == {"up"}
    assert check_states(["up", "down"]) == {"up", "down"}
    for states in ("sideways", ["up", "sideways"], []):
        with pytest.raises(ValueError):
            check_states(states)

    check_timeout(None)
    check_timeout(0)
    for timeout in (-0.5, True, "1", float("nan")):
        with pytest.raises(ValueError):
            check_timeout(timeout)


def test_batch_link_names_become_ifla_names():
    assert nsbatch._ifla_names(
        {"mac": "02:00:00:00:00:01", "name": "x", "txqueuelen": 5}
    ) == {"address": "02:00:00:00:00:01", "ifname": "x", "txqlen": 5}
    assert nsbatch._ifla_names({"alias": "a", "mtu": 9}) == {
        "ifalias": "a",
        "mtu": 9,
    }
    with pytest.raises(ValueError, match="same setting"):
        nsbatch._ifla_names({"mac": "02:00:00:00:00:01", "address": "x"})


def test_batch_error_counts_from_zero_like_its_failures():
    error = NetlinkError(errno.EEXIST, "File exists")
    failures = [Failure(0, 16, b"", error), Failure(4, 16, b"", error)]

    caught = BatchError(failures, 6000)

    assert str(caught).endswith(
        "request #0 (of 6000 sent) failed: File exists (and 1 more)"
    )
    assert str(failures[1]).startswith("request #4 ")


def test_sysctl_errors_name_the_key_and_value():
    path = Path("/proc/sys/net/ipv4/ip_forward")
    refused = sysctl._named(
        OSError(errno.EINVAL, "Invalid argument"),
        "net.ipv4.ip_forward",
        "yes",
        path,
    )
    missing = sysctl._named(
        FileNotFoundError(errno.ENOENT, "No such file"),
        "net.ipv4.nope",
        None,
        path,
    )

    assert refused.errno == errno.EINVAL
    assert "the kernel refused net.ipv4.ip_forward = 'yes'" in str(refused)
    assert isinstance(missing, FileNotFoundError)
    assert "net.ipv4.nope" in str(missing)

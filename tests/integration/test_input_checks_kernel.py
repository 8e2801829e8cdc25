"""Input the kernel would take badly is refused before it is sent.

Each case was once sent: a zone-scoped address, the unspecified address
(dropped by the kernel without a word), numbers that do not fit, a bool
for a number, an unknown link state; and a batch's Python names.
"""

from __future__ import annotations

import pytest

from netkit import VethPair
from netkit.netlink.batch import BatchError
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")


@pytest.fixture
def end(rooms):
    """One end of a veth pair in a fresh room, down, without addresses."""
    return VethPair.create("v0", "v1", ns=rooms()).a


@pytest.mark.parametrize(
    "address", ["fe80::1%v0", "fe80::1%v0/64", "fe80::1%1/64"]
)
def test_a_zone_is_refused(end, address):
    with pytest.raises(ValueError, match="zone"):
        end.add_address(address)
    assert end.addresses() == []


@pytest.mark.parametrize("address", ["0.0.0.0/0", "0.0.0.0/24", "::/0"])
def test_the_unspecified_address_is_refused(end, address):
    with pytest.raises(ValueError, match="unspecified"):
        end.add_address(address)


@pytest.mark.parametrize(
    "setting",
    [{"mtu": 2**32}, {"mtu": -1}, {"txqueuelen": 2**40}, {"group": 2**32}],
)
def test_numbers_that_do_not_fit(end, setting):
    (name,) = setting
    with pytest.raises(ValueError, match=name) as caught:
        end.set(**setting)
    assert "format" not in str(caught.value)


@pytest.mark.parametrize("setting", ["mtu", "txqueuelen", "group"])
def test_a_bool_is_not_a_number(end, setting):
    mtu = end.refresh().mtu
    with pytest.raises(ValueError, match=setting):
        end.set(**{setting: True})
    assert end.refresh().mtu == mtu


def test_wait_state_refuses_unknown_states_at_once(end):
    with pytest.raises(ValueError, match="sideways"):
        end.wait_state("sideways", timeout=30)
    with pytest.raises(ValueError, match="timeout"):
        end.wait_state("down", timeout=-1)
    assert end.wait_state(["down"], timeout=1).name == "v0"


def test_batch_takes_the_names_link_set_takes(rooms):
    ns = rooms()
    with ns.batch() as batch:
        batch.add_veth("b0", "b1", mac="02:00:00:00:00:0a", txqueuelen=7)
        batch.set_link("b1", mac="02:00:00:00:00:0b", alias="peer")
        batch.add_link("br0", "bridge", txqlen=9)
        # The kernel takes no alias when it creates a link: set it after.
        batch.set_link("br0", alias="switch")

    b0, b1, br0 = ns.link("b0"), ns.link("b1"), ns.link("br0")
    assert (b0.mac, b0.txqueuelen) == ("02:00:00:00:00:0a", 7)
    assert (b1.mac, b1.alias) == ("02:00:00:00:00:0b", "peer")
    assert (br0.alias, br0.txqueuelen) == ("switch", 9)

    with ns.batch() as batch:
        batch.set_link(b0, name="b2", mtu=1400)
    assert ns.link("b2").mtu == 1400
    with pytest.raises(ValueError, match="rename"), ns.batch() as batch:
        batch.set_link("b1", name="b3")


def test_batch_error_counts_from_zero(rooms):
    ns = rooms()
    with pytest.raises(BatchError) as caught, ns.batch() as batch:
        batch.add_veth("b0", "b1")
        batch.add_veth("b0", "b1")

    assert caught.value.failures[0].index == 1
    assert "request #1 (of 2 sent)" in str(caught.value)

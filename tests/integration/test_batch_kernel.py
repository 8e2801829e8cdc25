"""Batches, bulk removal and streamed dumps against the real kernel.

- 100,000 routes in one batch: no ENOBUFS, all of them there (`ip -j`);
- failures are each reported (index, errno, text) and the rest applied;
- stop_on_error stops;
- deleting a link group deletes exactly the tagged links (and the peers
  of tagged veth ends, in other namespaces too), with a fallback when a
  member cannot be deleted;
- `iter_routes` streams what `routes` lists.
"""

from __future__ import annotations

import errno
import json
import subprocess

import pytest

import netkit
from netkit.netlink.batch import BatchError


@pytest.fixture
def ns(netns):
    room = netkit.Namespace(netns.name)
    yield room
    room.close()


@pytest.fixture
def peer_ns(netns2):
    room = netkit.Namespace(netns2.name)
    yield room
    room.close()


@pytest.fixture
def veth0(ns):
    pair = netkit.VethPair.create("veth0", "veth1", ns=ns)
    pair.a.up()
    pair.b.up()
    return pair.a


def host_route(i: int) -> str:
    n = (198 << 24) + (18 << 16) + i
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}/32"


def ip_count(netns, *args: str) -> int:
    out = subprocess.run(
        ["ip", "-j", "-n", netns.name, *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return len(json.loads(out)) if out.strip() else 0


def test_a_batch_of_100000_routes_arrives_whole(netns, ns, veth0):
    with ns.batch() as batch:
        for i in range(100_000):
            batch.add_route(host_route(i), dev="veth0", scope="link")

    assert ip_count(netns, "-4", "route", "show", "table", "main") == 100_000


def test_each_failure_is_reported_and_the_rest_applied(netns, ns, veth0):
    ns.add_route(host_route(3), dev=veth0, scope="link")

    with pytest.raises(BatchError) as caught, ns.batch() as batch:
        for i in range(10):
            batch.add_route(host_route(i), dev="veth0", scope="link")
        batch.add_route("203.0.113.0/24", via="192.0.2.1")

    failures = caught.value.failures
    assert [(f.index, f.error.errno) for f in failures] == [
        (3, errno.EEXIST),
        (10, errno.ENETUNREACH),
    ]
    assert isinstance(failures[0].error, netkit.RouteExists)
    assert "gateway" in failures[1].error.message.lower()
    assert str(failures[0].body.get("dst")) == "198.18.0.3"
    assert ip_count(netns, "-4", "route", "show", "table", "main") == 10


def test_stop_on_error_sends_nothing_after_the_failing_datagram(
    netns, ns, veth0
):
    ns.add_route(host_route(0), dev=veth0, scope="link")

    batch = ns.batch(stop_on_error=True, per_datagram=5)
    for i in range(20):
        batch.add_route(host_route(i), dev="veth0", scope="link")
    with pytest.raises(BatchError) as caught:
        batch.send()

    assert [f.index for f in caught.value.failures] == [0]
    assert caught.value.sent == 5
    # The rest of the first datagram was done; nothing after it.
    assert ip_count(netns, "-4", "route", "show", "table", "main") == 5


def test_deleting_a_group_deletes_exactly_its_links(netns, ns, peer_ns):
    with ns.batch() as batch:
        for i in range(5):
            batch.add_veth(f"ta{i}", f"tb{i}", group=7)
        batch.add_veth("xa", "xb", peer_ns=peer_ns, group=7)
        batch.add_veth("other0", "other1", group=8)
        batch.add_veth("plain0", "plain1")
    netkit.VethPair.create("va", "vb", ns=ns, group=7)

    ns.delete_links(group=7)

    names = sorted(link.name for link in ns.links())
    assert names == ["lo", "other0", "other1", "plain0", "plain1"]
    assert [link.name for link in peer_ns.links()] == ["lo"]


def test_deleting_an_empty_group(ns):
    with pytest.raises(netkit.LinkNotFound):
        ns.delete_links(group=9)
    ns.delete_links(group=9, missing_ok=True)


def test_a_group_with_an_undeletable_link_goes_one_by_one(netns, ns):
    with ns.batch() as batch:
        batch.add_veth("ga", "gb", group=5)
        batch.add_link("gd", "bridge", group=5)
    ns.link("lo").set(group=5)

    ns.delete_links(group=5)

    assert [link.name for link in ns.links()] == ["lo"]


def test_iter_routes_streams_what_routes_lists(ns, veth0):
    with ns.batch() as batch:
        for i in range(3000):
            batch.add_route(host_route(i), dev=veth0, scope="link")

    streamed = list(ns.iter_routes(family=4))
    assert streamed == ns.routes(family=4)
    assert len(streamed) == 3000
    assert streamed[0].dev == "veth0"


def test_a_batch_deletes_routes_through_templates(netns, ns, veth0):
    with ns.batch() as batch:
        for i in range(2000):
            batch.add_route(host_route(i), dev="veth0", scope="link")
    with ns.batch() as batch:
        for i in range(2000):
            batch.delete_route(host_route(i), dev="veth0")

    assert ip_count(netns, "-4", "route", "show", "table", "main") == 0

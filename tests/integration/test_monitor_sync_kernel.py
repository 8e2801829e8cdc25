"""Monitors that must stay in step with the kernel: replay and overruns.

`existing=True` subscribes, dumps and reconciles: started while another
thread adds links, it must report each link exactly once as added.  A
monitor that falls behind (a small buffer, KERNEL-FACTS 2) gets
`EventsLost`, or with `resync=True` dumps again; either way what it
reports must end up as `ip -j addr` says.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from netkit import AddressAdded, AddressRemoved, EventsLost, LinkAdded
from netkit.rtnl import link as rtlink
from tests.integration.objects_support import (  # noqa: F401
    host_unchanged_fixture,
    ip,
    ip_json,
    rooms_fixture,
)

pytestmark = pytest.mark.usefixtures("host_unchanged")

LINKS, ROUNDS = 150, 3
ADDED, DELETED = 600, 400  # 1,000 address changes, 200 left at the end
SMALL_RCVBUF = 4096


def drain(monitor, quiet=0.5):
    """Every event until none comes for `quiet` seconds."""
    events = []
    while batch := monitor.poll(quiet):
        events += batch
    return events


# Replay while the namespace changes.


def add_links(sock, names, started):
    for number, name in enumerate(names):
        sock.request(*rtlink.new_link(name, "ifb"))
        if number == len(names) // 10:
            started.set()
        time.sleep(0.0005)  # leave the dumps a chance between changes


def start_while_adding(ns, names):
    """A monitor with `existing=True`, started while `names` come."""
    started = threading.Event()
    with ns.socket() as sock:
        adder = threading.Thread(target=add_links, args=(sock, names, started))
        adder.start()
        try:
            assert started.wait(10)
            monitor = ns.monitor(links=True, existing=True)
        finally:
            adder.join()
    with monitor:
        return drain(monitor)


def test_existing_reports_each_link_added_once_while_links_come(
    rooms, record_property
):
    ns = rooms()
    origins = []
    for round in range(ROUNDS):
        names = [f"nki{round}x{n}" for n in range(LINKS)]
        events = start_while_adding(ns, names)

        added = Counter(
            e.link.name for e in events if isinstance(e, LinkAdded)
        )
        present = {link["ifname"] for link in ip_json(ns, "link", "show")}
        assert set(added) == present
        assert set(added.values()) == {1}
        assert not [e for e in events if e.action == "removed"]
        origins.append(
            Counter(e.origin for e in events if isinstance(e, LinkAdded))
        )

    record_property("links replayed / announced, by round", origins)
    assert all(o["existing"] > LINKS // 10 for o in origins)
    assert any(o["kernel"] for o in origins)  # some started mid-way


# Overruns.


def flood(ns, tmp_path):
    """1,000 address changes on nk0 in one `ip -batch` run."""
    hosts = [f"198.18.{n // 250}.{n % 250 + 1}" for n in range(ADDED)]
    lines = [f"address add {h}/32 dev nk0" for h in hosts]
    lines += [f"address del {h}/32 dev nk0" for h in hosts[:DELETED]]
    script = tmp_path / "flood.batch"
    script.write_text("\n".join(lines) + "\n")
    ip(ns, "-batch", str(script))


def oracle_addresses(ns):
    return {
        (link["ifname"], f"{a['local']}/{a['prefixlen']}")
        for link in ip_json(ns, "addr", "show")
        for a in link.get("addr_info", [])
    }


def follow(view, events):
    """What a reader of `events` believes is there."""
    for event in events:
        key = (event.address.dev, str(event.address.address))
        if isinstance(event, AddressAdded):
            view.add(key)
        elif isinstance(event, AddressRemoved):
            view.discard(key)
    return view


def quiet_veth(ns):
    # Down links get no IPv6 link-local address to race with the checks.
    ip(ns, "link", "add", "nk0", "type", "veth", "peer", "nk1")


def test_a_monitor_that_falls_behind_raises_events_lost(
    rooms, tmp_path, record_property
):
    ns = rooms()
    quiet_veth(ns)
    with ns.monitor(addresses=True, existing=True, rcvbuf=SMALL_RCVBUF) as m:
        view = follow(set(), m.poll())
        flood(ns, tmp_path)

        with pytest.raises(EventsLost, match="dump again"):
            while True:
                view = follow(view, m.poll(2.0))
        kept = drain(m)
        view = follow(view, kept)
        lost_view = set(view)
        m.resync()
        differences = drain(m)
        view = follow(view, differences)

    record_property("events kept of 1000", len(kept))
    record_property("resync differences", len(differences))
    assert m.overruns == 1
    assert len(kept) < ADDED + DELETED
    assert lost_view != oracle_addresses(ns)
    assert {e.origin for e in differences} == {"resync"}
    assert view == oracle_addresses(ns)


def test_resync_dumps_again_and_yields_the_differences(
    rooms, tmp_path, record_property
):
    ns = rooms()
    quiet_veth(ns)
    options = {"existing": True, "resync": True, "rcvbuf": SMALL_RCVBUF}
    with ns.monitor(addresses=True, **options) as m:
        view = follow(set(), m.poll())
        flood(ns, tmp_path)
        started = time.monotonic()
        events = drain(m)
        took = time.monotonic() - started - 0.5
        view = follow(view, events)
        known = {(a.dev, str(a.address)) for a in m.state.addresses.values()}

    record_property("overruns", m.overruns)
    record_property("events after the flood", len(events))
    record_property("resync seconds", round(took, 3))
    assert m.overruns >= 1 and m.resyncs >= 1
    assert any(e.origin == "resync" for e in events)
    assert len(events) < ADDED + DELETED
    assert view == known == oracle_addresses(ns)
    assert len([a for a in view if a[1].startswith("198.18.")]) == (
        ADDED - DELETED
    )

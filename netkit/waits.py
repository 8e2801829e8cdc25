"""Waiting for a namespace to reach a state, woken by events.

Each helper opens a `Monitor`, looks at the state it starts from (a dump
made after subscribing, so nothing slips between looking and waiting),
and then looks again after each batch of events, until the state is
right or the time is up.  Nothing polls: a thread waiting here sleeps
in epoll until the kernel says something changed.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from netkit.errors import AddressNotAvailable, LinkNotFound
from netkit.monitor import Monitor
from netkit.rtnl.link import OPERSTATE_NAMES, check_ifname

if TYPE_CHECKING:
    from netkit.addresses import Address
    from netkit.links import Link
    from netkit.namespace import Namespace
    from netkit.state import Tables

T = TypeVar("T")


def until(
    monitor: Monitor,
    probe: Callable[[Tables], T | None],
    timeout: float | None,
    failure: Callable[[Tables], str],
) -> T:
    """Return `probe(state)` once it is not None; wake on events.

    TimeoutError, with `failure(state)` as its text, after `timeout` s.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        found = probe(monitor.state)
        if found is not None:
            return found

        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise TimeoutError(failure(monitor.state))
        monitor.poll(left)


def check_timeout(timeout: float | None) -> None:
    """ValueError unless `timeout` is None or a number of seconds >= 0."""
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ValueError(f"timeout must be seconds or None, not {timeout!r}")
    if not timeout >= 0:
        raise ValueError(f"timeout must be >= 0, not {timeout!r}")


def check_states(states: str | Iterable[str]) -> set[str]:
    """The operational state names asked for; ValueError for others."""
    wanted = {states} if isinstance(states, str) else set(states)
    known = set(OPERSTATE_NAMES.values())
    unknown = sorted(map(repr, wanted - known))
    if not wanted or unknown:
        raise ValueError(
            f"unknown link state {', '.join(unknown) or '(none given)'}: "
            f"one of {', '.join(sorted(known))}"
        )
    return wanted


def wait_link(ns: Namespace, name: str, timeout: float | None) -> Link:
    """The link `name` once it is in `ns` (see `Namespace.wait_link`)."""
    check_ifname(name)
    check_timeout(timeout)

    def probe(state: Tables) -> Link | None:
        return next((x for x in state.links.values() if x.name == name), None)

    with Monitor(ns, {"link"}, resync=True) as monitor:
        return until(
            monitor,
            probe,
            timeout,
            lambda state: f"no link {name!r} in {ns!r} after {timeout:g} s",
        )


def wait_state(
    link: Link, states: str | Iterable[str], timeout: float | None
) -> Link:
    """`link`, refreshed, once its state is one of `states`."""
    wanted = check_states(states)
    check_timeout(timeout)
    link._check_usable()

    def probe(state: Tables) -> Link | None:
        now = _current(state, link)
        return now if now.state in wanted else None

    def failure(state: Tables) -> str:
        now = _current(state, link).state
        return (
            f"link {link.name!r} is {now!r}, not {' or '.join(sorted(wanted))}"
            f", after {timeout:g} s"
        )

    with Monitor(link.namespace, {"link"}, resync=True) as monitor:
        now = until(monitor, probe, timeout, failure)
    link._update(now.message)
    link.master = now.master
    return link


def wait_addresses_ready(link: Link, timeout: float | None) -> list[Address]:
    """`link`'s addresses once none is tentative (see `Link`'s method)."""
    check_timeout(timeout)
    link._check_usable()

    def mine(state: Tables) -> list[Address]:
        _current(state, link)
        found = [a for a in state.addresses.values() if a.index == link.index]
        return sorted(found, key=lambda a: (a.family, a.address))

    def probe(state: Tables) -> list[Address] | None:
        found = mine(state)
        for address in found:
            if "dadfailed" in address.flags:
                raise AddressNotAvailable(
                    errno.EADDRNOTAVAIL,
                    f"duplicate address detection failed for {address} on "
                    f"{link.name!r}: another host on the link has it",
                )
        return None if any(a.tentative for a in found) else found

    def failure(state: Tables) -> str:
        waiting = ", ".join(str(a) for a in mine(state) if a.tentative)
        return (
            f"{waiting} on {link.name!r} still tentative after {timeout:g} s "
            "(duplicate-address detection runs only while the link is up "
            "with a carrier)"
        )

    with Monitor(link.namespace, {"address"}, resync=True) as monitor:
        return until(monitor, probe, timeout, failure)


def _current(state: Tables, link: Link) -> Link:
    now = state.links.get(link.index)
    if now is None:
        raise LinkNotFound(
            errno.ENODEV, f"link {link.name!r} (index {link.index}) is gone"
        )
    return now

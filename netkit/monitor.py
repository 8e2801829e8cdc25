"""`Monitor`: a namespace's changes as they happen, like `ip monitor`.

A monitor joins the rtnetlink multicast groups of what it watches, then
dumps those tables on a second socket, then reads whatever the groups
sent meanwhile and applies it to the dump.  Each notification carries
the whole object, so the dump overridden by the last notification of
each object is the state at the end of the reading: nothing that changed
while the monitor started is lost, and nothing is announced twice.  The
result is `monitor.state`, the `Tables` that classify later messages
(RTM_NEWLINK for a known index is a change, for an unknown one a new
link).  `existing=True` replays it first, as "added" events.

When the kernel drops notifications because the receive buffer is full
(ENOBUFS, KERNEL-FACTS 2), what was queued before the drop is stale:
`resync()` throws the queue away and starts again from a dump, yielding
the differences.  Without `resync=True` the monitor raises `EventsLost`
and leaves that choice to the caller.

`fileno()` is an epoll descriptor that is readable when there is
something to read: a notification, an event already decoded, an error
to raise, or a `close()` from another thread.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from netkit import notifications
from netkit.errors import BufferOverrun, EventsLost
from netkit.events import EXISTING, KINDS, RESYNC, Event
from netkit.netlink.parse import split
from netkit.netlink.socket import NetlinkSocket
from netkit.state import Change, Tables

if TYPE_CHECKING:
    from netkit.namespace import Namespace

log = logging.getLogger(__name__)

# Datagrams read before queued events are handed out, so that a busy
# namespace does not keep next() from returning.
PUMP_DATAGRAMS = 64
# Dumps in a row that may be spoilt by another overrun before giving up.
SNAPSHOT_ATTEMPTS = 5
# Attempts at each dump while the kernel says it changed meanwhile
# (NLM_F_DUMP_INTR): a monitor starts when things happen, so more than
# the socket's default.
DUMP_ATTEMPTS = 50


def select_kinds(
    links: bool | None = None,
    addresses: bool | None = None,
    routes: bool | None = None,
    neighbours: bool | None = None,
) -> frozenset[str]:
    """What a monitor watches: the kinds set True, or when none is, all
    but those set False (`monitor(links=True)` is `ip monitor link`)."""
    wanted = dict(
        zip(KINDS, (links, addresses, routes, neighbours), strict=True)
    )
    chosen = {kind for kind, on in wanted.items() if on}
    if not chosen:
        chosen = {kind for kind, on in wanted.items() if on is None}
    if not chosen:
        raise ValueError("a monitor has to watch at least one kind")
    return frozenset(chosen)


class Monitor:
    """An iterator of events from one namespace; see `Namespace.monitor`.

    Any thread may read it, one at a time; `close()` from another thread
    ends a blocked read.  `next()` waits up to `timeout` seconds (None:
    for ever) and raises TimeoutError when nothing came, rather than end
    the loop, which only `close()` does.  `poll()` returns what is there
    without waiting.  `state` is what the monitor knows now; read it from
    the thread that reads the events.
    """

    def __init__(
        self,
        namespace: Namespace,
        kinds: Iterable[str] = KINDS,
        *,
        existing: bool = False,
        resync: bool = False,
        rcvbuf: int | None = None,
        timeout: float | None = None,
    ) -> None:
        self.kinds = frozenset(kinds)
        if not self.kinds or not self.kinds <= set(KINDS):
            raise ValueError(f"kinds are some of {KINDS}, not {kinds!r}")
        if timeout is not None and timeout < 0:
            raise ValueError(f"timeout must be >= 0, not {timeout!r}")
        self.namespace = namespace
        self.timeout = timeout
        self.overruns = 0
        self.resyncs = 0
        self._auto_resync = resync
        self._queue: deque[Event] = deque()
        self._lost = False
        self._closing = False
        self._flagged = False
        self._lock = threading.Lock()
        self._fd_lock = threading.Lock()

        resources = _open(namespace, self.kinds, rcvbuf)
        self._sock, self._dumper, self._poller, self._wake = resources
        self._closer = weakref.finalize(self, _close, *resources)
        try:
            self.state = self._snapshot()
        except BaseException:
            self._closer()
            raise
        if existing:
            self._push(Tables().differences(self.state, EXISTING))

    # Reading.

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        event = self._next(self.timeout)
        if event is None:
            raise StopIteration
        return event

    def poll(self, timeout: float | None = 0.0) -> list[Event]:
        """The events there are, waiting up to `timeout` s for the first.

        Returns [] when none came in time or the monitor is closed; for a
        selector loop, call it when `fileno()` is readable.
        """
        deadline = _deadline(timeout)
        with self._reading():
            if self._closing:
                return []
            self._pump()
            while not (self._queue or self._lost or self._closing):
                if not self._wait(deadline):
                    break
                self._pump()

            events = list(self._queue)
            self._queue.clear()
            self._signal()
            if not events:
                self._raise_if_lost()
            return events

    def resync(self) -> None:
        """Dump again, and queue the differences from what was known.

        What to do after `EventsLost`; `monitor(resync=True)` does it by
        itself.
        """
        with self._reading():
            self._lost = False
            self._push(self._resync())

    def fileno(self) -> int:
        """A descriptor that is readable when `poll()` has something."""
        return self._poller.fileno()

    # Ending.

    @property
    def closed(self) -> bool:
        return self._closing

    def close(self) -> None:
        """Stop watching; a thread blocked in `next()` gets StopIteration."""
        self._closing = True
        self._signal()
        if self._lock.acquire(blocking=False):
            try:
                self._release()
            finally:
                self._lock.release()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        kinds = ",".join(k for k in KINDS if k in self.kinds)
        state = " closed" if self._closing else ""
        return f"<Monitor {kinds} of {self.namespace!r}{state}>"

    # Inside.

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._lock:
            try:
                yield
            finally:
                if self._closing:
                    self._release()

    def _release(self) -> None:
        with self._fd_lock:
            self._closer()

    def _next(self, timeout: float | None) -> Event | None:
        deadline = _deadline(timeout)
        with self._reading():
            while not self._closing:
                if self._queue:
                    event = self._queue.popleft()
                    self._signal()
                    return event
                self._raise_if_lost()
                if not self._wait(deadline):
                    raise TimeoutError(f"no event within {timeout:g} s")
                self._pump()
            return None

    def _wait(self, deadline: float | None) -> bool:
        """Wait for the socket or a wake-up; False when time is up."""
        if deadline is None:
            return bool(self._poller.poll(-1))
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        return bool(self._poller.poll(left)) or time.monotonic() < deadline

    def _pump(self) -> None:
        """Read what has arrived, a bounded number of datagrams."""
        for _ in range(PUMP_DATAGRAMS):
            try:
                data = self._sock.receive()
            except BlockingIOError:
                break
            except BufferOverrun:
                self._overrun()
                break
            self._push(self._apply(data, self.state))
        self._signal()

    def _apply(self, data: memoryview, tables: Tables) -> list[Event]:
        events = []
        for header, body in split(data):
            change = notifications.change_of(
                header.type, header.flags, body, self.namespace, tables.names
            )
            if change is not None:
                events += tables.apply(change)
        return events

    def _push(self, events: Iterable[Event]) -> None:
        self._queue.extend(e for e in events if e.kind in self.kinds)
        self._signal()

    def _signal(self) -> None:
        # Keep the wake-up descriptor readable exactly while there is
        # something for poll() to return or raise, or the monitor closes.
        with self._fd_lock:
            if not self._closer.alive:
                return
            wanted = bool(self._queue or self._lost or self._closing)
            if wanted and not self._flagged:
                os.eventfd_write(self._wake, 1)
            elif self._flagged and not wanted:
                os.eventfd_read(self._wake)
            self._flagged = wanted

    def _raise_if_lost(self) -> None:
        if self._lost:
            self._lost = False
            self._signal()
            raise EventsLost()

    def _overrun(self) -> None:
        self.overruns += 1
        log.debug("monitor of %r lost events", self.namespace)
        if self._auto_resync:
            self._push(self._resync())
        else:
            self._lost = True

    def _resync(self) -> list[Event]:
        fresh = self._snapshot()
        events = self.state.differences(fresh, RESYNC)
        self.state = fresh
        self.resyncs += 1
        return events

    def _snapshot(self) -> Tables:
        """Dump what is watched, then apply what came in meanwhile."""
        for _ in range(SNAPSHOT_ATTEMPTS):
            self._drain()
            tables = self._dump()
            try:
                while True:
                    self._apply(self._sock.receive(), tables)
            except BlockingIOError:
                return tables
            except BufferOverrun:
                self.overruns += 1
        raise EventsLost(
            message=f"{self.namespace!r} kept changing faster than the "
            f"monitor could read it (dumped {SNAPSHOT_ATTEMPTS} times); "
            "a larger rcvbuf may help"
        )

    def _drain(self) -> None:
        # What is queued now is older than the dump about to be made.
        while True:
            try:
                self._sock.receive()
            except BlockingIOError:
                return
            except BufferOverrun:
                continue

    def _dump(self) -> Tables:
        tables = Tables()
        for kind in KINDS:
            if kind != "link" and kind not in self.kinds:
                continue
            request = notifications.DUMPS[kind]()
            for message in self._dumper.dump(*request, retries=DUMP_ATTEMPTS):
                value = notifications.dumped(
                    kind, message, self.namespace, tables.names
                )
                if value is not None:
                    tables.apply(Change(kind, value))
        return tables


def _deadline(timeout: float | None) -> float | None:
    if timeout is None:
        return None
    if timeout < 0:
        raise ValueError(f"timeout must be >= 0, not {timeout!r}")
    return time.monotonic() + timeout


def _open(
    namespace: Namespace, kinds: frozenset[str], rcvbuf: int | None
) -> tuple[NetlinkSocket, NetlinkSocket, select.epoll, int]:
    """The listening socket, the dumping one, the epoll and a wake-up fd.

    Links are always listened to: they name the links of the others.
    """
    options = {} if rcvbuf is None else {"rcvbuf": rcvbuf}
    opened: list[Any] = []
    try:
        sock = namespace.socket(**options)
        opened.append(sock)
        for kind in {"link", *kinds}:
            for group in notifications.GROUPS[kind]:
                sock.add_membership(group)
        sock.settimeout(0)
        opened.append(namespace.socket())
        opened.append(select.epoll())
        opened.append(os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC))
        for fd in (sock.fileno(), opened[3]):
            opened[2].register(fd, select.EPOLLIN)
    except BaseException:
        _close(*opened)
        raise
    return opened[0], opened[1], opened[2], opened[3]


def _close(*resources: Any) -> None:
    for resource in resources:
        if isinstance(resource, int):
            os.close(resource)
        else:
            resource.close()

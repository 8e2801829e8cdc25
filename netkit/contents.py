"""What is inside a namespace: links, addresses, routes, neighbours.

`NamespaceContents` holds the methods of `Namespace` that look at or
change a room's network; each is a thin call into the module of its
subject (`netkit.links`, `netkit.routes`...), sent through the
namespace's own socket (`self.rtnl`).  It is a part of `Namespace`, kept
in a file of its own so that each file has one concern.
"""

from __future__ import annotations

from netkit import _lazy

# Loaded when first used: `import netkit` and a socket stay cheap (W5).
addresses = _lazy.module("netkit.addresses")
icmp = _lazy.module("netkit.icmp")
links = _lazy.module("netkit.links")
neighbours = _lazy.module("netkit.neighbours")
routes = _lazy.module("netkit.routes")
sysctl = _lazy.module("netkit.sysctl")

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from netkit.addresses import Address
    from netkit.batch import NamespaceBatch
    from netkit.icmp import PingResult
    from netkit.links import Link
    from netkit.lookups import RouteLookup
    from netkit.monitor import Monitor
    from netkit.neighbours import Neighbour
    from netkit.routes import Route


class NamespaceContents:
    """The network inside a `Namespace`: its part that talks rtnetlink."""

    def links(self, **filters: Any) -> list[Link]:
        """The links, like `ip link show`.

        `filters` are done by the kernel: master= (an index) for a
        bridge's ports, kind= ("veth", "bridge") for one kind.  Each link
        comes as the class of its kind (`Bridge`, `Veth`...).
        """
        return links.list_links(self, **filters)

    def delete_links(self, *, group: int, missing_ok: bool = False) -> None:
        """Delete every link of a link group, like `ip link del group N`.

        One request for all of them, a hundred times quicker than one per
        link; `group=` of `VethPair.create` and of the batch's `add_veth`
        tags the links.  LinkNotFound when the group is empty, unless
        `missing_ok`.  (Deleting the namespace removes its links too.)
        """
        from netkit.bulk import delete_links

        delete_links(self, group=group, missing_ok=missing_ok)

    def link(self, ref: str | int) -> Link:
        """One link by name or index, like `ip link show dev X`.

        `LinkNotFound` when there is none; ValueError for a name the
        kernel could not have (over 15 bytes, "/", ":", white space).
        """
        return links.get(self, ref)

    def addresses(self, family: int | str | None = None) -> list[Address]:
        """Every address of every link, like `ip addr show`.

        `family` 4 or 6 for one family.
        """
        return addresses.list_addresses(self, None, family)

    def routes(
        self,
        table: int | str | None = "main",
        family: int | str | None = None,
        **filters: Any,
    ) -> list[Route]:
        """The routes of a table, like `ip route show [table T]`.

        The main table by default, every table with `table=None`;
        `family` 4 or 6 for one family; `filters` (protocol=, type=,
        oif= a link, name or index) are done by the kernel.  A table
        that never held a route is empty, not an error.
        """
        return routes.list_routes(self, table, family, **filters)

    def iter_routes(
        self,
        table: int | str | None = "main",
        family: int | str | None = None,
        **filters: Any,
    ) -> Iterator[Route]:
        """The routes of a table one at a time, as the kernel sends them.

        Like `routes()`, for tables too large to hold as a list (100,000
        routes need not be alive at once).  A table that changed while it
        was read raises `DumpInterrupted` at the end.  Inside the loop
        `ns.rtnl` is busy: requests need a socket of their own.
        """
        return routes.iter_routes(self, table, family, **filters)

    def add_route(
        self,
        dst: str,
        *,
        via: str | None = None,
        dev: Link | str | int | None = None,
        metric: int | None = None,
        table: int | str = "main",
        src: str | None = None,
        **options: Any,
    ) -> None:
        """Add a route, like `ip route add DST [via GW] [dev X]`.

        `dst` is a prefix, a bare address (a host route) or "default".
        `options`: scope=, protocol=, type=, onlink=, metrics=, nexthops=
        (see `netkit.rtnl.route.new_route`).  ValueError for a prefix or
        gateway that does not parse; RouteExists when it is there;
        NetworkUnreachable ("Nexthop has invalid gateway") when no
        connected prefix reaches `via` (`onlink=True` skips the check);
        LinkNotFound when `dev` is gone.
        """
        routes.add(
            self,
            dst,
            via=via,
            dev=dev,
            src=src,
            metric=metric,
            table=table,
            **options,
        )

    def replace_route(
        self,
        dst: str,
        *,
        via: str | None = None,
        dev: Link | str | int | None = None,
        metric: int | None = None,
        table: int | str = "main",
        src: str | None = None,
        **options: Any,
    ) -> None:
        """Add a route or replace the one there, like `ip route replace`.

        Arguments and errors as for `add_route`, but never RouteExists.
        """
        routes.add(
            self,
            dst,
            via=via,
            dev=dev,
            src=src,
            metric=metric,
            table=table,
            replace=True,
            **options,
        )

    def delete_route(self, dst: str, **options: Any) -> None:
        """Remove a route, like `ip route del DST`.

        `options` (via=, dev=, table=, metric=...) narrow which route;
        what is not given matches anything.  RouteNotFound when no route
        matches; ValueError for a prefix that does not parse.
        """
        routes.delete(self, dst, **options)

    def neighbours(
        self,
        dev: Link | str | int | None = None,
        family: int | str | None = None,
    ) -> list[Neighbour]:
        """The ARP/NDP table, like `ip neigh show [dev X]`.

        Entries the kernel keeps for itself (NOARP) are left out, as `ip`
        does.  `family` 4 or 6 for one family; LinkNotFound when `dev` is
        gone.
        """
        return neighbours.list_neighbours(self, dev, family)

    def add_neighbour(
        self, ip: str, *, mac: str, dev: Link | str | int, **options: Any
    ) -> None:
        """Add a permanent entry, like `ip neigh add IP lladdr MAC dev X`.

        `options`: state= ("reachable"...), replace=True (like `ip neigh
        replace`).  ValueError for an IP or MAC that does not parse;
        NeighbourExists when there is an entry; LinkNotFound when `dev`
        is gone.
        """
        neighbours.add(self, ip, mac=mac, dev=dev, **options)

    def delete_neighbour(self, ip: str, *, dev: Link | str | int) -> None:
        """Remove an entry, like `ip neigh del IP dev X`.

        NeighbourNotFound when there is none; LinkNotFound when `dev` is
        gone.
        """
        neighbours.delete(self, ip, dev=dev)

    def flush_neighbours(
        self,
        dev: Link | str | int | None = None,
        *,
        permanent: bool = False,
    ) -> int:
        """Remove entries, like `ip neigh flush [dev X]`; how many went.

        As with `ip`, entries added by hand (PERMANENT) stay unless
        `permanent` is true.  LinkNotFound when `dev` is gone.
        """
        return neighbours.flush(self, dev, permanent=permanent)

    def neighbour(self, ip: str, *, dev: Link | str | int) -> Neighbour:
        """One entry, looked up by the kernel: `ip neigh get IP dev X`.

        ValueError for an IP that does not parse; NeighbourNotFound
        ("Neighbour entry not found") when there is none.
        """
        from netkit import lookups

        return lookups.neighbour(self, ip, dev)

    def route_get(
        self,
        dst: str,
        *,
        src: str | None = None,
        dev: Link | str | int | None = None,
        iif: Link | str | int | None = None,
        mark: int | None = None,
        fib_match: bool = False,
    ) -> RouteLookup:
        """The route a packet to `dst` would take: `ip route get DST`.

        (`from SRC oif DEV iif DEV mark MARK [fibmatch]`.)  A
        `RouteLookup` (a `Route`) with the destination as a host prefix,
        the gateway, outgoing `dev`, preferred source `src` and table;
        with `fib_match`, the table entry that matched instead.
        ValueError for an address that does not parse;
        NetworkUnreachable (ENETUNREACH, "Network is unreachable") when
        no route matches, and also when `src` is not an address of this
        namespace.
        """
        from netkit import lookups

        return lookups.route_get(
            self,
            dst,
            src=src,
            dev=dev,
            iif=iif,
            mark=mark,
            fib_match=fib_match,
        )

    def monitor(
        self,
        *,
        links: bool | None = None,
        addresses: bool | None = None,
        routes: bool | None = None,
        neighbours: bool | None = None,
        existing: bool = False,
        resync: bool = False,
        rcvbuf: int | None = None,
        timeout: float | None = None,
    ) -> Monitor:
        """Watch changes as they happen, like `ip monitor`: a `Monitor`.

        Iterate it for `LinkAdded`, `AddressRemoved`... events.  It
        watches everything, or only the kinds set True
        (`monitor(links=True)` is `ip monitor link`), or all but those
        set False.  `existing=True` yields what is there first, as
        "added" events; `timeout` bounds each wait (TimeoutError).  When
        the kernel drops events it raises `EventsLost`, or with
        `resync=True` dumps again and yields the differences; `rcvbuf`
        sizes the receive buffer.  Close it (or use `with`) to stop.
        """
        from netkit.monitor import Monitor, select_kinds

        kinds = select_kinds(links, addresses, routes, neighbours)
        return Monitor(
            self,
            kinds,
            existing=existing,
            resync=resync,
            rcvbuf=rcvbuf,
            timeout=timeout,
        )

    def wait_link(self, name: str, timeout: float | None = None) -> Link:
        """The link `name` as soon as it is here (created or moved in).

        Returns at once when it is here already; woken by link events,
        not polling.  TimeoutError after `timeout` seconds.
        """
        from netkit.waits import wait_link

        return wait_link(self, name, timeout)

    def batch(self, **options: Any) -> NamespaceBatch:
        """Queue many changes and send them pipelined when the block ends.

        `with ns.batch() as b: b.add_route(...)`; one `BatchError` at the
        end lists every request that failed.  `stop_on_error=True` stops
        at the first failing datagram.
        """
        from netkit.batch import NamespaceBatch

        return NamespaceBatch(self, **options)

    def sysctl(self, key: str, value: int | str | None = None) -> Any:
        """Read a `net.*` setting, or write it when `value` is given.

        Like `ip netns exec NS sysctl KEY[=VALUE]`; only this namespace's
        settings change.  A number reads back as an int, anything else
        as the kernel's text.  ValueError for keys outside `net.*`;
        FileNotFoundError for a key this kernel does not have; the
        kernel's OSError (EINVAL) for a value it refuses.
        """
        sysctl.path_of(key)
        if value is None:
            return self.run(sysctl.read, key)
        sysctl.text_of(value)
        self.run(sysctl.write, key, value)
        return None

    def ping(
        self,
        address: str,
        *,
        count: int = 3,
        timeout: float = 1.0,
        interval: float = 0.2,
    ) -> PingResult:
        """Send ICMP echo requests from inside, with no ping binary.

        Like `ip netns exec NS ping -c COUNT -W TIMEOUT ADDRESS`.  Returns
        a `PingResult` (round-trip times of the replies, and why some are
        missing: "Network is unreachable", "Destination Host Unreachable",
        no reply in time); those are results, not exceptions.  ValueError
        for an address that is not an IP or bad counts.
        """
        family = icmp.family_of(address)
        with self.run(icmp.open_socket, family) as sock:
            return icmp.ping(
                sock,
                address,
                count=count,
                timeout=timeout,
                interval=interval,
            )

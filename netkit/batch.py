"""`ns.batch()`: bulk changes to one namespace in few round trips.

The calls mirror the namespace's and links' own (add_route, add_address,
...) but only queue requests; the block's end sends them pipelined (see
`netkit.netlink.batch`) and raises one `BatchError` naming every request
that failed.  Links are named by name or index; each name is looked up
once per batch, so a link the batch itself creates is named by the
request that creates it, not looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from netkit.netlink.batch import Batch, BatchError, Encoded
from netkit.routes import route_options
from netkit.rtnl import addr as rtaddr
from netkit.rtnl import link as rtlink
from netkit.rtnl import neigh as rtneigh
from netkit.rtnl import route as rtroute
from netkit.rtnl.common import Request

if TYPE_CHECKING:
    from netkit.links import Link
    from netkit.namespace import Namespace

__all__ = ["BatchError", "NamespaceBatch"]


class NamespaceBatch:
    """Requests for one namespace, queued until the `with` block ends."""

    def __init__(self, ns: Namespace, **options: Any) -> None:
        self.namespace = ns
        self._batch = Batch(ns.rtnl, **options)
        self._indexes: dict[str, int] = {}
        self._templates: dict[tuple, rtroute.RouteTemplate] = {}
        self._last_template: tuple | None = None

    def __len__(self) -> int:
        return len(self._batch)

    def __enter__(self) -> NamespaceBatch:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: Any) -> None:
        if kind is None:
            self.send()

    def send(self) -> int:
        """Send what is queued; the number of requests sent."""
        return self._batch.send()

    def add(self, request: Request) -> int:
        """Queue any request built by `netkit.rtnl`; its index."""
        return self._batch.add(*request)

    def _index(self, link: Link | str | int) -> int:
        index = self._indexes.get(link) if type(link) is str else None
        if index is not None:
            return index
        from netkit.links import Link, resolve_index

        if isinstance(link, str):
            if link not in self._indexes:
                self._indexes[link] = resolve_index(self.namespace, link)
            return self._indexes[link]
        if isinstance(link, Link):
            return resolve_index(self.namespace, link)
        return rtlink.check_index(link)

    # Routes, addresses, neighbours.

    def add_route(
        self,
        dst: str,
        *,
        via: str | None = None,
        dev: Link | str | int | None = None,
        src: str | None = None,
        replace: bool = False,
        **options: Any,
    ) -> int:
        """Queue `ip route add` (options as `Namespace.add_route`)."""
        options = route_options(via, dev, src, options, self._index)
        if replace:
            options["replace"] = True
        return self._add_route(rtroute.new_route, dst, options)

    def delete_route(
        self,
        dst: str,
        *,
        via: str | None = None,
        dev: Link | str | int | None = None,
        **options: Any,
    ) -> int:
        """Queue `ip route del`."""
        options = route_options(via, dev, None, options, self._index)
        return self._add_route(rtroute.del_route, dst, options)

    def _add_route(
        self, build: Callable[..., Request], dst: str, options: dict
    ) -> int:
        # Routes that share their options share a template, which encodes
        # each in a fraction of the time of `build` (see RouteTemplate);
        # a loop of add_route() calls asks for the same one each time.
        last = self._last_template
        if last is not None and last[0] is build and last[1] == options:
            template, describe = last[2], last[3]
        else:
            try:
                key = (build, *options.items())
                template = self._templates.get(key)
            except TypeError:  # an option that is a dict or a list
                return self.add(build(dst, **options))
            if template is None:
                template = rtroute.RouteTemplate(build, **options)
                self._templates[key] = template
            describe = template.message
            self._last_template = (build, options, template, describe)

        encoded = template.encode(dst)
        if encoded is None:
            return self.add(template.request(dst))
        msg_type, data, flags = encoded
        return self._batch.add(msg_type, Encoded(data, describe, dst), flags)

    def add_address(
        self, dev: Link | str | int, address: str, **options: Any
    ) -> int:
        """Queue `ip addr add ADDRESS dev DEV` (options of `new_addr`)."""
        return self.add(rtaddr.new_addr(address, self._index(dev), **options))

    def delete_address(self, dev: Link | str | int, address: str) -> int:
        """Queue `ip addr del ADDRESS dev DEV`."""
        return self.add(rtaddr.del_addr(address, self._index(dev)))

    def add_neighbour(
        self, ip: str, *, mac: str, dev: Link | str | int, **options: Any
    ) -> int:
        """Queue `ip neigh add IP lladdr MAC dev DEV`."""
        index = self._index(dev)
        return self.add(rtneigh.new_neigh(ip, index, lladdr=mac, **options))

    def delete_neighbour(self, ip: str, *, dev: Link | str | int) -> int:
        """Queue `ip neigh del IP dev DEV`."""
        return self.add(rtneigh.del_neigh(ip, self._index(dev)))

    # Links.

    def add_link(
        self, name: str, kind: str, data: Any = None, **attrs: Any
    ) -> int:
        """Queue `ip link add NAME type KIND`.

        attrs: IFLA names (address=, txqlen=) or the names `Link.set`
        takes (mac=, txqueuelen=, alias=).
        """
        attrs = _ifla_names(attrs)
        return self.add(rtlink.new_link(name, kind, data, **attrs))

    def add_veth(
        self,
        name: str,
        peer: str,
        *,
        peer_ns: Namespace | None = None,
        group: int | None = None,
        **attrs: Any,
    ) -> int:
        """Queue a veth pair, its peer born in `peer_ns` if given.

        `group` puts both ends in that link group (see `delete_links`);
        attrs as for `add_link`.
        """
        attrs = _ifla_names(attrs)
        fd = None
        if peer_ns is not None and peer_ns != self.namespace:
            fd = peer_ns.fileno()
        peer_attrs = {"group": group} if group is not None else None
        request = rtlink.veth_pair(
            name,
            peer,
            peer_netns_fd=fd,
            peer_attrs=peer_attrs,
            group=group,
            **attrs,
        )
        return self.add(request)

    def set_link(
        self, link: Link | str | int, *, up: bool | None = None, **attrs: Any
    ) -> int:
        """Queue `ip link set` (up=, mtu=, master=, ...).

        attrs: IFLA names or the names `Link.set` takes (mac=, name=,
        txqueuelen=, alias=).  Renaming needs a link with an index: one
        known only by name (made earlier in this batch) is found by it.
        """
        attrs = _ifla_names(attrs)
        if isinstance(link, str) and link not in self._indexes:
            if attrs.get("ifname", link) != link:
                raise ValueError(
                    f"cannot rename {link!r} in the batch that makes it: "
                    "the kernel finds it by that name"
                )
            attrs["ifname"] = link
            return self.add(rtlink.set_link(0, up=up, **attrs))
        return self.add(rtlink.set_link(self._index(link), up=up, **attrs))

    def delete_link(self, link: Link | str | int) -> int:
        """Queue `ip link del`; a veth end takes its peer along."""
        if isinstance(link, str) and link not in self._indexes:
            return self.add(rtlink.del_link(ifname=link))
        return self.add(rtlink.del_link(self._index(link)))

    def delete_links(self, *, group: int) -> int:
        """Queue `ip link del group N`: every link of the group at once."""
        return self.add(rtlink.del_link_group(group))


# The names `Link.set` takes, and the IFLA attributes they stand for.
_LINK_NAMES = {
    "mac": "address",
    "name": "ifname",
    "txqueuelen": "txqlen",
    "alias": "ifalias",
}


def _ifla_names(attrs: dict[str, Any]) -> dict[str, Any]:
    # Python names to IFLA names; giving both for one attribute is an error.
    out = {}
    for key, value in attrs.items():
        ifla = _LINK_NAMES.get(key, key)
        if ifla in out:
            raise ValueError(f"{key}= and {ifla}= are the same setting")
        out[ifla] = value
    return out

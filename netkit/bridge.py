"""`Bridge`: the switch that joins the rooms' cables.

Ports are attached by making the bridge their master.  A bridge's MTU
follows its ports until it is set by hand, so it is read, never cached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netkit.links import Link, _create, _namespace, list_links
from netkit.rtnl import link as rtlink

if TYPE_CHECKING:
    from netkit.namespace import Namespace


class Bridge(Link):
    """A Linux bridge (a software switch)."""

    kinds = ("bridge",)

    @classmethod
    def create(  # type: ignore[override]
        cls,
        name: str,
        *,
        ns: Namespace | None = None,
        mtu: int | None = None,
        mac: str | None = None,
        stp: bool | None = None,
        **data: Any,
    ) -> Bridge:
        """Make a bridge, like `ip link add NAME type bridge`.

        `stp` turns spanning tree on or off; other keywords are bridge
        data by Python name (forward_delay=, ageing_time=, ...).
        """
        ns = _namespace(ns)
        if stp is not None:
            data["stp_state"] = int(stp)
        request = rtlink.new_link(
            name, "bridge", data or None, mtu=mtu, address=mac
        )
        _create(ns, request, "bridge")
        link = ns.link(name)
        assert isinstance(link, Bridge)
        return link

    def attach(self, link: Link) -> Link:
        """Make `link` a port, like `ip link set X master BRIDGE`.

        ValueError when `link` is in another namespace than the bridge.
        """
        self._check_port(link)
        link._request(rtlink.set_link(link.index, master=self.index))
        return link.refresh()

    def detach(self, link: Link) -> Link:
        """Release a port, like `ip link set X nomaster`."""
        self._check_port(link)
        link._request(rtlink.set_link(link.index, master=0))
        return link.refresh()

    def ports(self) -> list[Link]:
        """The links attached, like `ip link show master BRIDGE`."""
        self._check_usable()
        return list_links(self.namespace, master=self.index)

    def _check_port(self, link: Link) -> None:
        self._check_usable()
        if link.namespace != self.namespace:
            raise ValueError(
                f"{link!r} is in {link.namespace!r}; bridge {self.name!r} "
                f"is in {self.namespace!r}: move the link first"
            )

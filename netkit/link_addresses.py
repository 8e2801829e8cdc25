"""The calls on a link that concern its IP addresses.

`LinkAddresses` is the part of `Link` for `ip addr ... dev X`: adding,
listing, removing addresses and waiting for IPv6 duplicate-address
detection.  Each is a thin call into `netkit.addresses` (or
`netkit.waits`); it lives in a file of its own so that each file has
one concern.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netkit.addresses import Address


class LinkAddresses:
    """The address calls of a `Link`."""

    def add_address(
        self,
        address: str,
        *,
        nodad: bool = False,
        label: str | None = None,
        broadcast: str | bool | None = None,
        scope: str | int | None = None,
        valid_lft: int | None = None,
        preferred_lft: int | None = None,
        metric: int | None = None,
        proto: str | int | None = None,
        noprefixroute: bool = False,
        replace: bool = False,
    ) -> Address:
        """Add an IP address, like `ip addr add ADDRESS dev X`.

        A bare address means /32 (/128), as `ip` does.  `nodad` skips
        IPv6 duplicate-address detection, so the address is usable at
        once instead of tentative (`ip addr add ... nodad`); `broadcast`
        True computes it (`brd +`); lifetimes are seconds, None forever
        (`valid_lft`/`preferred_lft`: the address is deprecated when the
        preferred one ends and removed when the valid one does); `proto`
        records who added it (IFA_PROTO: a number, or "kernel_ll"...);
        `noprefixroute` adds no route to the prefix; `replace` makes it
        `ip addr replace`.  Returns the address as the kernel now lists
        it.  ValueError for an address that does not parse, a prefix out
        of range, or a preferred lifetime longer than the valid one;
        AddressExists when it is there; LinkNotFound when the link is
        gone.
        """
        from netkit import addresses

        return addresses.add(
            self,
            address,
            nodad=nodad,
            label=label,
            broadcast=broadcast,
            scope=scope,
            valid_lft=valid_lft,
            preferred_lft=preferred_lft,
            metric=metric,
            proto=proto,
            flags=("noprefixroute",) if noprefixroute else (),
            replace=replace,
        )

    def addresses(self, family: int | str | None = None) -> list[Address]:
        """The link's addresses, like `ip addr show dev X`.

        `family` 4 or 6 for one family.  LinkNotFound when it is gone.
        """
        from netkit import addresses

        return addresses.list_addresses(self.namespace, self, family)

    def delete_address(self, address: str) -> None:
        """Remove an address, like `ip addr del ADDRESS dev X`.

        A bare IPv4 address removes it whatever its prefix, as `ip` does;
        an IPv6 one needs its prefix.  AddressNotAvailable when the link
        has no such address (the kernel's answer); LinkNotFound when the
        link is gone.
        """
        from netkit import addresses

        addresses.delete(self, address)

    def flush_addresses(self, family: int | str | None = None) -> int:
        """Remove every address, like `ip addr flush dev X`; how many.

        IPv6 link-local addresses go too, as with `ip`.  LinkNotFound when
        the link is gone.
        """
        from netkit import addresses

        return addresses.flush(self, family)

    def wait_addresses_ready(
        self, timeout: float | None = 5.0
    ) -> list[Address]:
        """Wait until no address of the link is tentative; return them.

        New IPv6 addresses are tentative while duplicate-address detection
        runs (1-2 s), and binding to one fails with EADDRNOTAVAIL until it
        ends; DAD runs only while the link is up with a carrier.  Like
        `ip monitor address` until "tentative" goes: woken by the
        kernel's events, not polling.  TimeoutError when some address is
        still tentative after `timeout` seconds (None: no limit);
        AddressNotAvailable when DAD found the address in use elsewhere
        ("dadfailed"); LinkNotFound when the link is gone.
        """
        from netkit.waits import wait_addresses_ready

        return wait_addresses_ready(self, timeout)

"""What the address, route and neighbour families share.

- `Request`: what a request helper returns, laid out the way the socket
  takes it, so ``sock.request(*req)`` (or ``sock.dump(*req)`` for a
  dump) sends it and ``sock.build(*req, seq)`` shows its bytes.
- `Names`: Python names for one set of kernel constants, both ways.  The
  rule is the attribute tables' rule: the kernel name without its prefix,
  lower case (RTN_UNICAST -> "unicast"); neighbour states stay upper case
  because that is how `ip` prints them.
- The route scopes of linux/rtnetlink.h (`enum rt_scope_t`), which
  addresses use too, and the parsing of addresses and prefixes that both
  request builders need: bad input raises ValueError before anything is
  sent.
"""

from __future__ import annotations

import enum
import ipaddress
import socket
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from netkit.netlink.header import (
    NLM_F_CREATE,
    NLM_F_DUMP,
    NLM_F_EXCL,
    NLM_F_REPLACE,
)
from netkit.netlink.message import Message
from netkit.rtnl.rtm import AF_INET, AF_INET6, AF_UNSPEC

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Request(NamedTuple):
    """One request: message type, body and NLM_F_* flags.

    The flags are those of the operation (CREATE, EXCL, REPLACE, DUMP);
    the socket adds NLM_F_REQUEST and NLM_F_ACK itself.  A request whose
    flags hold NLM_F_DUMP goes through ``sock.dump(*req)``.
    """

    type: int
    body: Message
    flags: int


# Flags of the three ways of writing an object.
NEW_FLAGS = NLM_F_CREATE | NLM_F_EXCL  # like `ip ... add`
REPLACE_FLAGS = NLM_F_CREATE | NLM_F_REPLACE  # like `ip ... replace`
SET_FLAGS = NLM_F_REPLACE  # like `ip ... change`
DUMP_FLAGS = NLM_F_DUMP


def new_flags(replace: bool) -> int:
    """CREATE|EXCL, or CREATE|REPLACE when `replace` is true."""
    return REPLACE_FLAGS if replace else NEW_FLAGS


def kernel_names(
    numbers: type[enum.IntEnum] | type[enum.IntFlag], prefix: str
) -> dict[int, str]:
    """Map each constant to its kernel name without `prefix`, lower case.

    Zero-valued flags count (NUD_NONE); of two names for one value, the
    first wins.
    """
    names: dict[int, str] = {}
    for name, member in numbers.__members__.items():
        names.setdefault(int(member), name.removeprefix(prefix).lower())
    return names


class Names:
    """Python names of a set of kernel values, one value per name."""

    def __init__(
        self,
        names: Mapping[int, str],
        aliases: Mapping[str, int] | None = None,
    ) -> None:
        self.by_value = dict(names)
        self.by_name = {name.lower(): value for value, name in names.items()}
        self.by_name.update(aliases or {})

    def name(self, value: int) -> str:
        """The name of `value`, or its decimal digits if it has none."""
        return self.by_value.get(value, str(value))

    def value(self, name: str | int) -> int:
        """The value of a name (any case); numbers pass through."""
        if isinstance(name, int):
            return name
        key = name.lower()
        if key in self.by_name:
            return self.by_name[key]
        if key.isdigit():
            return int(key)
        choices = ", ".join(sorted(self.by_value.values()))
        raise ValueError(f"unknown name {name!r} (known: {choices})")


class FlagNames(Names):
    """Python names of the bits of a flags field."""

    def __init__(
        self,
        names: Mapping[int, str],
        aliases: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(names, aliases)
        self._cache: dict[int, tuple[str, ...]] = {}

    def names(self, value: int) -> tuple[str, ...]:
        """The names of the bits set in `value`, lowest bit first.

        Bits without a name come last as one hex number, so nothing is
        lost.
        """
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        names = []
        rest = value
        for bit, name in sorted(self.by_value.items()):
            if bit and rest & bit == bit:
                names.append(name)
                rest &= ~bit
        if rest:
            names.append(hex(rest))
        # A dump shows few distinct values, again and again.
        if len(self._cache) < 1024:
            self._cache[value] = tuple(names)
        return tuple(names)

    def flags(self, names: int | str | Iterable[str | int]) -> int:
        """Combine flag names (or numbers) into one value."""
        if isinstance(names, int | str):
            names = [names]
        value = 0
        for name in names:
            if isinstance(name, str) and name.startswith("0x"):
                value |= int(name, 16)
            else:
                value |= self.value(name)
        return value


class RT_SCOPE(enum.IntEnum):
    """Scopes of routes and addresses (enum rt_scope_t): how far away."""

    RT_SCOPE_UNIVERSE = 0
    RT_SCOPE_SITE = 200
    RT_SCOPE_LINK = 253
    RT_SCOPE_HOST = 254
    RT_SCOPE_NOWHERE = 255


# `ip` calls the universe "global"; both names are accepted.
SCOPES = Names(
    {
        **kernel_names(RT_SCOPE, "RT_SCOPE_"),
        RT_SCOPE.RT_SCOPE_UNIVERSE: "global",
    },
    aliases={"universe": RT_SCOPE.RT_SCOPE_UNIVERSE},
)

_FAMILIES = {
    4: AF_INET,
    6: AF_INET6,
    AF_INET: AF_INET,
    AF_INET6: AF_INET6,
    "inet": AF_INET,
    "inet6": AF_INET6,
    "ipv4": AF_INET,
    "ipv6": AF_INET6,
}
_VERSIONS = {AF_INET: 4, AF_INET6: 6}


def parse_family(family: int | str | None) -> int:
    """AF_INET or AF_INET6 for 4, 6, AF_*, "inet"...; AF_UNSPEC for None."""
    if family is None or family == AF_UNSPEC:
        return AF_UNSPEC
    key = family.lower() if isinstance(family, str) else family
    if key not in _FAMILIES:
        raise ValueError(f"{family!r} is not an IP family (4 or 6)")
    return _FAMILIES[key]


def family_of(value: IPAddress | IPInterface | IPNetwork) -> int:
    """AF_INET or AF_INET6 for an `ipaddress` object."""
    return AF_INET if value.version == 4 else AF_INET6


def check_family(value: IPAddress | IPNetwork, family: int, what: str) -> None:
    """Raise ValueError unless `value` is of `family` (AF_UNSPEC: any)."""
    if family != AF_UNSPEC and value.version != _VERSIONS[family]:
        version = _VERSIONS[family]
        raise ValueError(f"{what} {value} is not an IPv{version} address")


def refuse_zone(address: IPAddress, what: str = "address") -> None:
    """ValueError for an IPv6 address with a zone ("fe80::1%eth0").

    Netlink carries the 16 bytes only: the zone would be dropped without
    a word, so the link (or `oif=`) has to say where instead.
    """
    zone = getattr(address, "scope_id", None)
    if zone is not None:
        raise ValueError(
            f"{what} {address} has a zone (%{zone}): give the address "
            "without it; the link says where it belongs"
        )


def parse_address(
    value: str | IPAddress, family: int = AF_UNSPEC, what: str = "address"
) -> IPAddress:
    """An IP address without a prefix, of `family` when one is given."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{what} {value!r} is not an IP address") from None
    refuse_zone(address, what)
    check_family(address, family, what)
    return address


def parse_interface(
    value: str | IPAddress | IPInterface, family: int = AF_UNSPEC
) -> IPInterface:
    """An address with its prefix; a bare address is /32 or /128."""
    try:
        interface = ipaddress.ip_interface(value)
    except ValueError as exc:
        raise ValueError(
            f"{value!r} is not an address/prefix: {exc}"
        ) from None
    refuse_zone(interface, "address")
    check_family(interface.ip, family, "address")
    return interface


def parse_network(
    value: str | IPAddress | IPNetwork, family: int = AF_UNSPEC
) -> IPNetwork:
    """A destination prefix; "default" is 0.0.0.0/0 (::/0 for IPv6).

    A bare address is a host route (/32 or /128).  Host bits set below the
    prefix ("192.0.2.1/24") are refused, as the kernel would refuse them.
    """
    if isinstance(value, str) and value.lower() in ("default", "all", "any"):
        return ipaddress.ip_network(
            "::/0" if family == AF_INET6 else "0.0.0.0/0"
        )
    try:
        network = ipaddress.ip_network(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a destination: {exc}") from None
    refuse_zone(network.network_address, "destination")
    check_family(network.network_address, family, "destination")
    return network


def parse_prefix(
    value: str | IPAddress | IPNetwork, family: int = AF_UNSPEC
) -> tuple[IPAddress, int]:
    """(network address, prefix length) of a destination, as
    `parse_network` reads it.

    Plain text ("198.18.0.1/32", "2001:db8::/64") takes a fast path
    through inet_pton, without an `ipaddress` network; anything else, and
    every mistake, goes through `parse_network` and its ValueError.
    """
    fast = _fast_prefix(value, family) if type(value) is str else None
    if fast is not None:
        return fast
    network = parse_network(value, family)
    return network.network_address, network.prefixlen


def _fast_prefix(value: str, family: int) -> tuple[IPAddress, int] | None:
    packed = pack_prefix(value, family)
    if packed is None:
        return None
    kind, address, prefixlen = packed
    if kind == AF_INET:
        return ipaddress.IPv4Address(address), prefixlen
    return ipaddress.IPv6Address(address), prefixlen


def pack_prefix(value: str, family: int) -> tuple[int, bytes, int] | None:
    """(AF_*, packed address, prefix length) of a prefix in plain text.

    None for anything else ("default", a mask, a scope id, host bits set,
    a mistake): `parse_network` reads those, or says what is wrong.
    """
    address, slash, length = value.partition("/")
    kind, bits = _V6 if ":" in address else _V4
    if family and family != kind:
        return None
    try:
        packed = _inet_pton(kind, address)
    except OSError:
        return None
    if not slash:
        return kind, packed, bits

    # Plain decimal only: "/24 ", "/024" and masks go the long way.
    prefixlen = _PREFIX_LENGTHS.get(length, bits + 1)
    if prefixlen > bits:
        return None
    if prefixlen < bits:
        host = int.from_bytes(packed, "big") & ((1 << (bits - prefixlen)) - 1)
        if host:
            return None
    return kind, packed, prefixlen


_V4, _V6 = (AF_INET, 32), (AF_INET6, 128)
_inet_pton = socket.inet_pton
_PREFIX_LENGTHS = {str(n): n for n in range(129)}


def check_index(index: int, what: str = "index") -> int:
    """An interface index: a positive 32-bit number."""
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError(f"{what} must be an interface index, not {index!r}")
    if not 0 < index < 1 << 31:
        raise ValueError(f"{what} {index} is not a valid interface index")
    return index


def check_u32(value: int, what: str) -> int:
    """A number that fits an unsigned 32-bit attribute."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if not 0 <= value < 1 << 32:
        raise ValueError(f"{what} {value} does not fit in 32 bits")
    return value


def check_u8(value: int, what: str) -> int:
    """A number that fits an 8-bit header field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{what} {value} does not fit in 8 bits")
    return value

"""Links as the bridge sees them: AF_BRIDGE port settings and VLANs.

RTM_GETLINK, RTM_SETLINK and RTM_DELLINK with family AF_BRIDGE go to the
bridge code (what `bridge link` and `bridge vlan` use) instead of the
generic link code.  The header is the same `struct ifinfomsg`, but two
attributes mean something else than in a plain link message:

- IFLA_PROTINFO is a nest of IFLA_BRPORT_*: a port's settings, the same
  numbers as its IFLA_INFO_SLAVE_DATA (`netkit.rtnl.kinds.bridge.PORT`).
- IFLA_AF_SPEC is a nest of IFLA_BRIDGE_* instead of one nest per
  address family.  IFLA_BRIDGE_FLAGS (u16) says who acts on a request:
  the bridge the port belongs to (MASTER, the default) or the device
  itself (SELF, for VLANs of the bridge device).  IFLA_BRIDGE_VLAN_INFO
  repeats, one `struct bridge_vlan_info` each::

      0       2       4
      +-------+-------+
      | flags | vid   |
      +-------+-------+

A range of VLANs is two entries, the first flagged RANGE_BEGIN and the
last RANGE_END.  The kernel answers with ranges when a dump asks for
RTEXT_FILTER_BRVLAN_COMPRESSED, one entry per VLAN for
RTEXT_FILTER_BRVLAN; `vlans_of()` gives single VLANs either way.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from netkit.netlink.attrs import (
    U16,
    U32,
    AttrTable,
    Codec,
    Multi,
    Nested,
    StructCodec,
)
from netkit.rtnl.common import (
    DUMP_FLAGS,
    FlagNames,
    Request,
    check_index,
    kernel_names,
)
from netkit.rtnl.kinds.bridge import PORT
from netkit.rtnl.link import (
    ATTRS,
    IFLA,
    RTEXT_FILTER_BRVLAN,
    RTEXT_FILTER_BRVLAN_COMPRESSED,
    LinkMessage,
)
from netkit.rtnl.rtm import AF_BRIDGE, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK


class IFLA_BRIDGE(enum.IntEnum):
    """Attributes of IFLA_AF_SPEC in an AF_BRIDGE link message."""

    IFLA_BRIDGE_FLAGS = 0
    IFLA_BRIDGE_MODE = 1
    IFLA_BRIDGE_VLAN_INFO = 2
    IFLA_BRIDGE_VLAN_TUNNEL_INFO = 3
    IFLA_BRIDGE_MRP = 4
    IFLA_BRIDGE_CFM = 5
    IFLA_BRIDGE_MST = 6


class IFLA_BRIDGE_VLAN_TUNNEL(enum.IntEnum):
    """Attributes of one IFLA_BRIDGE_VLAN_TUNNEL_INFO nest."""

    IFLA_BRIDGE_VLAN_TUNNEL_UNSPEC = 0
    IFLA_BRIDGE_VLAN_TUNNEL_ID = 1
    IFLA_BRIDGE_VLAN_TUNNEL_VID = 2
    IFLA_BRIDGE_VLAN_TUNNEL_FLAGS = 3


class BRIDGE_FLAGS(enum.IntFlag):
    """IFLA_BRIDGE_FLAGS: which device handles the request."""

    BRIDGE_FLAGS_MASTER = 1
    BRIDGE_FLAGS_SELF = 2


class BRIDGE_VLAN_INFO(enum.IntFlag):
    """Flags of `struct bridge_vlan_info`."""

    BRIDGE_VLAN_INFO_MASTER = 1 << 0
    BRIDGE_VLAN_INFO_PVID = 1 << 1
    BRIDGE_VLAN_INFO_UNTAGGED = 1 << 2
    BRIDGE_VLAN_INFO_RANGE_BEGIN = 1 << 3
    BRIDGE_VLAN_INFO_RANGE_END = 1 << 4
    BRIDGE_VLAN_INFO_BRENTRY = 1 << 5
    BRIDGE_VLAN_INFO_ONLY_OPTS = 1 << 6


VLAN_FLAGS = FlagNames(kernel_names(BRIDGE_VLAN_INFO, "BRIDGE_VLAN_INFO_"))
# 0 and 4095 are reserved by 802.1Q.
VLAN_MIN = 1
VLAN_MAX = 4094

VLAN_INFO = StructCodec("=HH", ("flags", "vid"))

TUNNEL_INFO = AttrTable(
    IFLA_BRIDGE_VLAN_TUNNEL,
    {
        IFLA_BRIDGE_VLAN_TUNNEL.IFLA_BRIDGE_VLAN_TUNNEL_ID: U32,
        IFLA_BRIDGE_VLAN_TUNNEL.IFLA_BRIDGE_VLAN_TUNNEL_VID: U16,
        IFLA_BRIDGE_VLAN_TUNNEL.IFLA_BRIDGE_VLAN_TUNNEL_FLAGS: U16,
    },
)

# MRP, CFM and MST stay raw bytes under their numbers.
AF_SPEC = AttrTable(
    IFLA_BRIDGE,
    {
        IFLA_BRIDGE.IFLA_BRIDGE_FLAGS: U16,
        IFLA_BRIDGE.IFLA_BRIDGE_MODE: U16,
        IFLA_BRIDGE.IFLA_BRIDGE_VLAN_INFO: Multi(VLAN_INFO),
        IFLA_BRIDGE.IFLA_BRIDGE_VLAN_TUNNEL_INFO: Multi(Nested(TUNNEL_INFO)),
    },
    prefix="IFLA_BRIDGE_",
)


def _bridge_attrs() -> AttrTable:
    # The link table, with the two attributes AF_BRIDGE gives another
    # meaning.
    codecs: dict[int, Codec | Multi] = {
        number: Multi(codec) if multi else codec
        for number, (_, codec, multi) in ATTRS.by_type.items()
    }
    codecs[IFLA.IFLA_PROTINFO] = Nested(PORT)
    codecs[IFLA.IFLA_AF_SPEC] = Nested(AF_SPEC)
    return AttrTable(IFLA, codecs)


class BridgeLinkMessage(LinkMessage):
    """A link message of family AF_BRIDGE (`bridge link`, `bridge vlan`)."""

    ATTRS = _bridge_attrs()


def vlan_entries(
    vid: int | range, *, pvid: bool = False, untagged: bool = False
) -> list[dict[str, int]]:
    """The IFLA_BRIDGE_VLAN_INFO entries for one VLAN or a range of them.

    A `range` must be contiguous (step 1); a range of one VLAN is sent as
    a single entry.  Only a single VLAN can be the PVID.  ValueError for
    a VLAN outside 1-4094.
    """
    flags = 0
    if untagged:
        flags |= BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_UNTAGGED
    if isinstance(vid, range):
        if vid.step != 1 or not vid:
            raise ValueError(f"{vid!r} is not a run of consecutive VLANs")
        first, last = _check_vid(vid.start), _check_vid(vid[-1])
    else:
        first = last = _check_vid(vid)
    if pvid:
        if first != last:
            raise ValueError("only a single VLAN can be the PVID")
        flags |= BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_PVID
    if first == last:
        return [{"flags": flags, "vid": first}]
    begin = flags | BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_RANGE_BEGIN
    end = flags | BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_RANGE_END
    return [{"flags": begin, "vid": first}, {"flags": end, "vid": last}]


def vlans_of(message: BridgeLinkMessage) -> list[tuple[int, int]]:
    """(vid, flags) for each VLAN of a link, ranges spread out.

    The flags lose RANGE_BEGIN and RANGE_END; they keep PVID, UNTAGGED
    and the rest.
    """
    spec = message.get("af_spec") or {}
    span = (
        BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_RANGE_BEGIN
        | BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_RANGE_END
    )
    found: list[tuple[int, int]] = []
    begin: int | None = None
    for entry in spec.get("vlan_info", ()):
        flags, vid = entry["flags"], entry["vid"]
        if flags & BRIDGE_VLAN_INFO.BRIDGE_VLAN_INFO_RANGE_BEGIN:
            begin = vid
            continue
        first = vid if begin is None else begin
        found.extend((v, flags & ~span) for v in range(first, vid + 1))
        begin = None
    return found


def dump_bridge_links(
    *, vlans: bool = True, compressed: bool = True
) -> Request:
    """List bridge ports and bridges: like ``bridge link show``.

    With `vlans`, each also carries its VLANs (``bridge vlan show``), in
    ranges when `compressed`.  The kernel filters no dump of this family
    by link: its strict checks refuse an index in the header.
    """
    mask = None
    if vlans and compressed:
        mask = RTEXT_FILTER_BRVLAN_COMPRESSED
    elif vlans:
        mask = RTEXT_FILTER_BRVLAN
    body = BridgeLinkMessage(family=AF_BRIDGE, ext_mask=mask)
    return Request(RTM_GETLINK, body, DUMP_FLAGS)


def set_port(index: int, **settings: int) -> Request:
    """Change a bridge port's settings: like ``bridge link set dev X ...``.

    `settings` are IFLA_BRPORT_* values by Python name (mode=1 for
    hairpin, learning=0, unicast_flood=0, isolated=1, cost=...).  The
    kernel answers EOPNOTSUPP when the link is not a bridge port.
    """
    if not settings:
        raise ValueError("set_port() needs at least one setting")
    unknown = sorted(set(settings) - set(PORT.by_name))
    if unknown:
        raise ValueError(f"no bridge port settings {unknown}")

    body = BridgeLinkMessage(
        family=AF_BRIDGE, index=check_index(index), protinfo=settings
    )
    return Request(RTM_SETLINK, body, 0)


def add_vlan(
    index: int,
    vid: int | range,
    *,
    pvid: bool = False,
    untagged: bool = False,
    self: bool = False,
) -> Request:
    """Add a VLAN (or a range) to a port: ``bridge vlan add vid V dev X``.

    `self` adds it to the bridge device itself (``... self``), as the
    bridge's own interface; without it the link must be a bridge port.
    Adding a VLAN that is there changes its flags (PVID, untagged).
    """
    entries = vlan_entries(vid, pvid=pvid, untagged=untagged)
    return Request(RTM_SETLINK, _vlan_body(index, entries, self), 0)


def del_vlan(index: int, vid: int | range, *, self: bool = False) -> Request:
    """Remove a VLAN (or a range): like ``bridge vlan del vid V dev X``."""
    entries = vlan_entries(vid)
    return Request(RTM_DELLINK, _vlan_body(index, entries, self), 0)


def _vlan_body(
    index: int, entries: Iterable[dict[str, int]], self: bool
) -> BridgeLinkMessage:
    spec: dict[str, object] = {}
    if self:
        spec["flags"] = BRIDGE_FLAGS.BRIDGE_FLAGS_SELF
    spec["vlan_info"] = list(entries)
    return BridgeLinkMessage(
        family=AF_BRIDGE, index=check_index(index), af_spec=spec
    )


def _check_vid(vid: int) -> int:
    if isinstance(vid, bool) or not isinstance(vid, int):
        raise ValueError(f"a VLAN id is an int, not {vid!r}")
    if not VLAN_MIN <= vid <= VLAN_MAX:
        raise ValueError(f"VLAN {vid} is not 1 to 4094")
    return vid

"""The veth kind: a pair of links joined like the two ends of a cable.

Its only data attribute, VETH_INFO_PEER, describes the other end, and its
payload is not a plain nest: it is a whole `struct ifinfomsg` followed by
IFLA attributes, the body of a link message::

    +-----------+---------------------------+----------------------------+
    | nlattr    | ifinfomsg (16 bytes)      | IFLA_* attributes          |
    | PEER      | family type index flags.. | IFNAME, NET_NS_FD, MTU ... |
    +-----------+---------------------------+----------------------------+

So it is encoded and decoded as a `LinkMessage`, and sent without
NLA_F_NESTED (the kernel takes it either way; a reader that recursed on
the flag would misread the header as attributes).  IFLA_NET_NS_FD inside
the peer creates that end directly in another namespace.  The kernel
never reports the peer in dumps: a veth end names its peer by IFLA_LINK
(and IFLA_LINK_NETNSID when the peer lives in another namespace).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from netkit.netlink.attrs import AttrTable, Codec, Nested
from netkit.rtnl.kinds import register
from netkit.rtnl.link import LinkMessage


class VETH_INFO(enum.IntEnum):
    """Attributes of veth's IFLA_INFO_DATA (linux/veth.h)."""

    VETH_INFO_UNSPEC = 0
    VETH_INFO_PEER = 1


class PeerCodec(Codec):
    """VETH_INFO_PEER: the peer's link message, header and attributes."""

    def encode(self, value: LinkMessage, context: Mapping) -> bytes:
        if not isinstance(value, LinkMessage):
            raise ValueError(f"a veth peer is a LinkMessage, not {value!r}")
        return value.encode()

    def decode(self, data: memoryview, context: Mapping) -> LinkMessage:
        return LinkMessage.decode(data)


PEER = PeerCodec()

DATA = AttrTable(VETH_INFO, {VETH_INFO.VETH_INFO_PEER: PEER})

register("veth", Nested(DATA))

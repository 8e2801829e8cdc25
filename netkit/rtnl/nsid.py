"""Namespace ids: how one network namespace numbers another.

A veth end whose peer lives elsewhere names the peer's namespace by an id
local to its own namespace (IFLA_LINK_NETNSID).  RTM_GETNSID with an open
namespace fd asks which id that namespace has here.  The body is a bare
`struct rtgenmsg` (one family byte, padded to 4) and NETNSA_* attributes.
"""

from __future__ import annotations

import enum
import struct

from netkit.netlink.attrs import S32, U32, AttrTable
from netkit.netlink.message import Message
from netkit.rtnl.common import Request
from netkit.rtnl.rtm import AF_UNSPEC, RTM_GETNSID

NETNSA_NSID_NOT_ASSIGNED = -1


class NETNSA(enum.IntEnum):
    """Attributes of a namespace-id message (linux/net_namespace.h)."""

    NETNSA_NONE = 0
    NETNSA_NSID = 1
    NETNSA_PID = 2
    NETNSA_FD = 3
    NETNSA_TARGET_NSID = 4
    NETNSA_CURRENT_NSID = 5


ATTRS = AttrTable(
    NETNSA,
    {
        NETNSA.NETNSA_NSID: S32,
        NETNSA.NETNSA_PID: U32,
        NETNSA.NETNSA_FD: U32,
        NETNSA.NETNSA_TARGET_NSID: S32,
        NETNSA.NETNSA_CURRENT_NSID: S32,
    },
    prefix="NETNSA_",
)


class NsidMessage(Message):
    """A namespace-id message: rtgenmsg and NETNSA attributes."""

    HEADER = struct.Struct("=B")
    FIELDS = ("family",)
    ATTRS = ATTRS


def get_nsid(netns_fd: int) -> Request:
    """Ask for the id that the namespace open at `netns_fd` has here."""
    return Request(RTM_GETNSID, NsidMessage(family=AF_UNSPEC, fd=netns_fd), 0)

"""Netlink framing and the netlink socket.

`header`, `attrs`, `message` and `parse` are pure: they turn bytes into
objects and back and never do I/O.  `socket` sends and receives.
"""

from netkit.netlink.attrs import AttrTable, Codec, Multi, Nested
from netkit.netlink.message import Message
from netkit.netlink.parse import Ack, Header, Reply, split
from netkit.netlink.socket import NetlinkSocket

__all__ = [
    "Ack",
    "AttrTable",
    "Codec",
    "Header",
    "Message",
    "Multi",
    "Nested",
    "NetlinkSocket",
    "Reply",
    "split",
]

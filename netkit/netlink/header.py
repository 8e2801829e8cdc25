"""The netlink message header and the constants of linux/netlink.h.

Every netlink message starts with `struct nlmsghdr`, 16 bytes in host
byte order, followed by a family-specific body padded to 4 bytes::

    0               4       6       8               12              16
    +---------------+-------+-------+---------------+---------------+
    | nlmsg_len     | type  | flags | nlmsg_seq     | nlmsg_pid     |
    +---------------+-------+-------+---------------+---------------+

`nlmsg_len` counts the header and the body but not the padding after it.
"""

from __future__ import annotations

import struct

NLMSG_HDR = struct.Struct("=IHHII")
NLMSG_HDRLEN = NLMSG_HDR.size
NLMSG_ALIGNTO = 4

NETLINK_ROUTE = 0

# Message types below NLMSG_MIN_TYPE are netlink's own.
NLMSG_NOOP = 1
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLMSG_OVERRUN = 4
NLMSG_MIN_TYPE = 0x10

# Flags of every request.
NLM_F_REQUEST = 0x01
NLM_F_MULTI = 0x02
NLM_F_ACK = 0x04
NLM_F_ECHO = 0x08
NLM_F_DUMP_INTR = 0x10
NLM_F_DUMP_FILTERED = 0x20

# Flags of GET requests.
NLM_F_ROOT = 0x100
NLM_F_MATCH = 0x200
NLM_F_ATOMIC = 0x400
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH

# Flags of NEW requests.
NLM_F_REPLACE = 0x100
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
NLM_F_APPEND = 0x800

# Flags of DELETE requests.
NLM_F_NONREC = 0x100
NLM_F_BULK = 0x200

# Flags of NLMSG_ERROR messages (ACKs).
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200

# Socket options at level SOL_NETLINK.
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_DROP_MEMBERSHIP = 2
NETLINK_PKTINFO = 3
NETLINK_BROADCAST_ERROR = 4
NETLINK_NO_ENOBUFS = 5
NETLINK_LISTEN_ALL_NSID = 8
NETLINK_LIST_MEMBERSHIPS = 9
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NETLINK_GET_STRICT_CHK = 12

# Attributes of an extended ACK (enum nlmsgerr_attrs).
NLMSGERR_ATTR_UNUSED = 0
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_COOKIE = 3
NLMSGERR_ATTR_POLICY = 4
NLMSGERR_ATTR_MISS_TYPE = 5
NLMSGERR_ATTR_MISS_NEST = 6


def align(length: int) -> int:
    """Round a length up to netlink's 4-byte alignment."""
    return (length + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1)


def pack_message(
    msg_type: int, flags: int, seq: int, port: int, body: bytes
) -> bytes:
    """Frame `body` as one netlink message, padded to the alignment."""
    length = NLMSG_HDRLEN + len(body)
    header = NLMSG_HDR.pack(length, msg_type, flags, seq, port)
    return header + body + b"\0" * (align(length) - length)

"""Reading what the kernel sends: messages, ACKs, errors, dumps.

Everything here is a function of bytes.  The socket only feeds received
datagrams to a `Reply`, so multi-part dumps, ACKs and extended ACKs are
tested without a kernel.

An NLMSG_ERROR body is a negative errno (0 for an ACK), the header of the
request it answers, the rest of that request unless NLM_F_CAPPED is set,
and then extended-ACK attributes if NLM_F_ACK_TLVS is set::

    +-------+------------------+-------------------------+-----------+
    | error | request nlmsghdr | request body (uncapped) | ACK TLVs  |
    +-------+------------------+-------------------------+-----------+
"""

from __future__ import annotations

import enum
import struct
from collections import namedtuple
from collections.abc import Callable, Iterator

from netkit import _lazy
from netkit.errors import DecodeError, DumpInterrupted, kernel_error
from netkit.netlink.attrs import STRING, U32, AttrTable
from netkit.netlink.header import (
    NLM_F_ACK_TLVS,
    NLM_F_CAPPED,
    NLM_F_DUMP_INTR,
    NLMSG_DONE,
    NLMSG_ERROR,
    NLMSG_HDR,
    NLMSG_HDRLEN,
    NLMSG_MIN_TYPE,
    NLMSG_NOOP,
    NLMSG_OVERRUN,
    align,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

log = _lazy.logger(__name__)

_ERRNO = struct.Struct("=i")


class NLMSGERR(enum.IntEnum):
    """Attributes of an extended ACK (linux/netlink.h, enum nlmsgerr_attrs)."""

    NLMSGERR_ATTR_UNUSED = 0
    NLMSGERR_ATTR_MSG = 1
    NLMSGERR_ATTR_OFFS = 2
    NLMSGERR_ATTR_COOKIE = 3
    NLMSGERR_ATTR_POLICY = 4
    NLMSGERR_ATTR_MISS_TYPE = 5
    NLMSGERR_ATTR_MISS_NEST = 6


EXT_ACK = AttrTable(
    NLMSGERR,
    {
        NLMSGERR.NLMSGERR_ATTR_MSG: STRING,
        NLMSGERR.NLMSGERR_ATTR_OFFS: U32,
        NLMSGERR.NLMSGERR_ATTR_MISS_TYPE: U32,
        NLMSGERR.NLMSGERR_ATTR_MISS_NEST: U32,
    },
    prefix="NLMSGERR_ATTR_",
)


class Header(namedtuple("Header", "length type flags seq port")):
    """The fields of a received `nlmsghdr`."""

    __slots__ = ()


def split(data: memoryview | bytes) -> Iterator[tuple[Header, memoryview]]:
    """Yield (header, body) for each message in a received datagram."""
    for fields, body in _split(data):
        yield Header(*fields), body


def _split(data: memoryview | bytes) -> Iterator[tuple[tuple, memoryview]]:
    # `split` with the header as a plain tuple (length, type, flags, seq,
    # port): a dump makes one per message, and a Header costs more.
    view = memoryview(data)
    offset, end = 0, len(view)
    while offset < end:
        _check_message(view, offset)
        fields = _unpack_header(view, offset)
        yield fields, view[offset + NLMSG_HDRLEN : offset + fields[0]]
        offset += (fields[0] + 3) & ~3


_unpack_header = NLMSG_HDR.unpack_from


def _check_message(view: memoryview, offset: int) -> None:
    # Raise DecodeError unless a whole message starts at `offset`.
    left = len(view) - offset
    if left < NLMSG_HDRLEN:
        raise DecodeError(
            f"{left} bytes, a message header needs 16", offset=offset
        )
    length = _unpack_header(view, offset)[0]
    if length < NLMSG_HDRLEN or length > left:
        raise DecodeError(
            f"message claims {length} bytes, {left} left", offset=offset
        )


class Ack(
    namedtuple(
        "Ack",
        "error message offset request missing_type",
        defaults=("", None, None, None),
    )
):
    """An NLMSG_ERROR (or NLMSG_DONE) status: `error` 0 means success.

    `error` is a positive errno; `message` and `offset` come from the
    extended ACK; `request` is the header of the request answered.
    Named tuples, not dataclasses: `dataclasses` alone would double the
    time of `import netkit`.
    """

    __slots__ = ()


def decode_error(header: Header, body: memoryview) -> Ack:
    """Decode an NLMSG_ERROR body."""
    if len(body) < _ERRNO.size + NLMSG_HDRLEN:
        raise DecodeError(f"NLMSG_ERROR of {len(body)} bytes, needs 20")
    (code,) = _ERRNO.unpack_from(body)
    request = Header(*NLMSG_HDR.unpack_from(body, _ERRNO.size))
    tlvs = _ERRNO.size + NLMSG_HDRLEN
    if not header.flags & NLM_F_CAPPED:
        tlvs = _ERRNO.size + align(request.length)
    return _ack(abs(code), header, body, tlvs, request)


def decode_done(header: Header, body: memoryview) -> Ack:
    """Decode an NLMSG_DONE body: the status of the dump that it ends."""
    if len(body) < _ERRNO.size:
        return Ack(0)
    (code,) = _ERRNO.unpack_from(body)
    return _ack(abs(code), header, body, _ERRNO.size, None)


def _ack(
    code: int,
    header: Header,
    body: memoryview,
    tlvs: int,
    request: Header | None,
) -> Ack:
    if not header.flags & NLM_F_ACK_TLVS:
        return Ack(code, request=request)
    if tlvs > len(body):
        raise DecodeError("extended ACK starts past the message")
    try:
        info = EXT_ACK.decode(body[tlvs:])
    except DecodeError as exc:
        exc.path.insert(0, "extended ACK")
        raise
    return Ack(
        code,
        info.get("msg", ""),
        info.get("offs"),
        request,
        info.get("miss_type"),
    )


Decoder = Callable[[memoryview], object]


class Reply:
    """Collects the answer to one request from the datagrams that carry it.

    `feed()` takes each received datagram and returns the decoded messages
    that answer this request; messages for other sequence numbers or ports
    (stale replies, multicast) are skipped.  `done` turns true at the ACK,
    at NLMSG_DONE, or at the first message of a request that asked for
    neither.  A kernel error raises `NetlinkError`; a dump that
    changed while it was read raises `DumpInterrupted` once it is done.
    """

    def __init__(
        self,
        seq: int,
        port: int,
        decode: Decoder | None = None,
        *,
        dump: bool = False,
        ack: bool = True,
        subject: str | None = None,
        request: Any = None,
    ) -> None:
        self.seq = seq
        self.port = port
        self.dump = dump
        self.ack = ack
        self.done = False
        self.interrupted = False
        self._decode = decode or bytes
        self._subject = subject
        self._request = request

    def feed(self, data: memoryview | bytes) -> list[Any]:
        """Take one datagram; return the messages in it for this request."""
        messages = []
        decode, seq, port = self._decode, self.seq, self.port
        single = not (self.dump or self.ack)
        view = memoryview(data)
        offset, end = 0, len(view)
        while offset < end:
            # `_split` written out: this loop runs for every message of
            # every dump.
            if end - offset < NLMSG_HDRLEN:
                _check_message(view, offset)
            fields = _unpack_header(view, offset)
            length, msg_type, flags, msg_seq, msg_port = fields
            if length < NLMSG_HDRLEN or length > end - offset:
                _check_message(view, offset)
            body = view[offset + NLMSG_HDRLEN : offset + length]
            offset += (length + 3) & ~3
            if msg_seq != seq or msg_port != port:
                log.debug("skipped a message for seq %d", msg_seq)
                continue
            if flags & NLM_F_DUMP_INTR:
                self.interrupted = True
            if msg_type >= NLMSG_MIN_TYPE:
                messages.append(decode(body))
                self.done = self.done or single
            elif msg_type == NLMSG_ERROR:
                self._finish(decode_error(Header(*fields), body))
            elif msg_type == NLMSG_DONE:
                self._finish(decode_done(Header(*fields), body))
            elif msg_type not in (NLMSG_NOOP, NLMSG_OVERRUN):
                messages.append(decode(body))
                self.done = self.done or single
        return messages

    def _finish(self, ack: Ack) -> None:
        self.done = True
        if ack.error:
            raise kernel_error(
                ack.error,
                ack.message,
                offset=ack.offset,
                request=self._request,
                subject=self._subject,
            )
        if self.interrupted:
            raise DumpInterrupted(request=self._request)

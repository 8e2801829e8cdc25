"""A netlink socket: requests, ACKs, dumps and multicast groups.

The socket belongs to the network namespace of the thread that opened it,
for its whole life, whichever thread uses it later.  It turns on extended
ACKs and strict checking where the kernel has them, binds with port 0 and
reads back the port id the kernel chose (only the first socket of a
process gets the process id), and matches replies by sequence number and
that port id.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
from collections.abc import Iterator

from netkit import _lazy
from netkit.errors import BufferOverrun, DumpInterrupted
from netkit.netlink.header import (
    NETLINK_ADD_MEMBERSHIP,
    NETLINK_CAP_ACK,
    NETLINK_DROP_MEMBERSHIP,
    NETLINK_EXT_ACK,
    NETLINK_GET_STRICT_CHK,
    NETLINK_ROUTE,
    NLM_F_ACK,
    NLM_F_DUMP,
    NLM_F_REQUEST,
    NLMSG_DONE,
    NLMSG_ERROR,
    SOL_NETLINK,
    pack_message,
)
from netkit.netlink.message import Message
from netkit.netlink.parse import Decoder, Header, Reply, split

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from netkit.netlink.batch import Batch

log = _lazy.logger(__name__)

SO_RCVBUFFORCE = 33
SO_SNDBUFFORCE = 32

DEFAULT_RCVBUF = 4 << 20
DEFAULT_SNDBUF = 1 << 20
# The kernel sizes dump datagrams to at most 32 KiB; room to spare.
RECV_SIZE = 256 << 10
DUMP_RETRIES = 5
_DUMP_END = (NLMSG_DONE, NLMSG_ERROR)


class NetlinkSocket:
    """A netlink socket in the calling thread's network namespace.

    Safe to share between threads: one request is in flight at a time.
    """

    def __init__(
        self,
        protocol: int = NETLINK_ROUTE,
        *,
        groups: int = 0,
        rcvbuf: int = DEFAULT_RCVBUF,
        sndbuf: int = DEFAULT_SNDBUF,
    ) -> None:
        sock = socket.socket(
            socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, protocol
        )
        try:
            _set_buffer(sock, socket.SO_RCVBUF, SO_RCVBUFFORCE, rcvbuf)
            _set_buffer(sock, socket.SO_SNDBUF, SO_SNDBUFFORCE, sndbuf)
            for option in (
                NETLINK_EXT_ACK,
                NETLINK_GET_STRICT_CHK,
                NETLINK_CAP_ACK,
            ):
                _enable(sock, option)
            sock.bind((0, groups))
            self.port: int = sock.getsockname()[0]
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        self._seq = 1
        self._buffer = bytearray(RECV_SIZE)
        self._lock = threading.Lock()
        self._owner: int | None = None

    def fileno(self) -> int:
        return self._sock.fileno()

    @property
    def closed(self) -> bool:
        return self._sock.fileno() < 0

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> NetlinkSocket:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"port={self.port}"
        return f"<NetlinkSocket {state}>"

    def next_seq(self) -> int:
        """A fresh sequence number for a request."""
        return self.reserve_seq(1)

    def reserve_seq(self, count: int) -> int:
        """Reserve `count` consecutive sequence numbers; return the first.

        Numbers wrap at 32 bits; 0 is never handed out.
        """
        first = self._seq
        if first + count > 0xFFFFFFFF:
            first = 1
        self._seq = first + count
        return first

    def batch(self, **options: Any) -> Batch:
        """A `Batch` of pipelined requests on this socket."""
        from netkit.netlink.batch import Batch

        return Batch(self, **options)

    def build(
        self, msg_type: int, body: Message | bytes, flags: int, seq: int
    ) -> bytes:
        """The bytes of one request, framed but not sent (a dry run)."""
        payload = body.encode() if isinstance(body, Message) else body
        return pack_message(msg_type, flags | NLM_F_REQUEST, seq, 0, payload)

    def request(
        self,
        msg_type: int,
        body: Message | bytes,
        flags: int = 0,
        *,
        decode: Decoder | None = None,
    ) -> list[Any]:
        """Send one request, wait for its ACK, and return any replies.

        Replies are decoded with `decode`, by default the class of `body`.
        Raises `NetlinkError` (or a subclass) when the kernel refuses.
        """
        with self._exclusive():
            seq = self.next_seq()
            reply = self._reply(body, seq, decode, dump=False)
            self._send(msg_type, body, flags | NLM_F_ACK, seq)
            return self._collect(reply)

    def dump(
        self,
        msg_type: int,
        body: Message | bytes,
        flags: int = 0,
        *,
        decode: Decoder | None = None,
        retries: int = DUMP_RETRIES,
    ) -> list[Any]:
        """Dump a table whole; an interrupted dump is retried.

        Raises `DumpInterrupted` when the table kept changing for `retries`
        attempts in a row.
        """
        for attempt in range(retries + 1):
            try:
                return list(
                    self.iter_dump(msg_type, body, flags, decode=decode)
                )
            except DumpInterrupted:
                log.debug("dump interrupted (attempt %d)", attempt + 1)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")

    def iter_dump(
        self,
        msg_type: int,
        body: Message | bytes,
        flags: int = 0,
        *,
        decode: Decoder | None = None,
    ) -> Iterator[Any]:
        """Stream a dump; `DumpInterrupted` comes after the last message.

        Leaving the loop early reads the rest of the dump: until then the
        kernel refuses another dump on this socket (EBUSY).
        """
        with self._exclusive():
            seq = self.next_seq()
            reply = self._reply(body, seq, decode, dump=True)
            self._send(msg_type, body, flags | NLM_F_DUMP, seq)
            data = memoryview(b"")
            try:
                while not reply.done:
                    data = self.receive()
                    yield from reply.feed(data)
            finally:
                if not reply.done:
                    self._drain(seq, data)

    def send_raw(self, data: bytes) -> None:
        """Send bytes that are already framed (several messages may go)."""
        self._sock.send(data)

    def receive(self) -> memoryview:
        """Receive one datagram; valid until the next receive.

        Raises `BufferOverrun` when the kernel dropped messages because the
        receive buffer was full; the socket stays usable.
        """
        try:
            size = self._sock.recv_into(self._buffer, 0, socket.MSG_TRUNC)
        except OSError as exc:
            if exc.errno == errno.ENOBUFS:
                raise BufferOverrun() from None
            raise
        if size > len(self._buffer):
            self._buffer = bytearray(size)
            raise BufferOverrun(
                message=f"a datagram of {size} bytes was cut; dump again"
            )
        return memoryview(self._buffer)[:size]

    def messages(self) -> Iterator[tuple[Header, memoryview]]:
        """Receive and split datagrams for ever (for multicast listeners)."""
        while True:
            yield from split(self.receive())

    def add_membership(self, group: int) -> None:
        """Join a multicast group (an RTNLGRP_* number)."""
        self._sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)

    def drop_membership(self, group: int) -> None:
        """Leave a multicast group."""
        self._sock.setsockopt(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group)

    def settimeout(self, timeout: float | None) -> None:
        """Give up receiving after `timeout` seconds (socket.timeout)."""
        self._sock.settimeout(timeout)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        # A request sent while this thread is still reading a dump on the
        # same socket would take the dump's datagrams: refuse it.
        if self._owner == threading.get_ident():
            raise RuntimeError(
                "this socket is still reading a dump; finish it first"
            )
        with self._lock:
            self._owner = threading.get_ident()
            try:
                yield
            finally:
                self._owner = None

    def _reply(
        self,
        body: Message | bytes,
        seq: int,
        decode: Decoder | None,
        *,
        dump: bool,
    ) -> Reply:
        if decode is None and isinstance(body, Message):
            decode = type(body).decode
        subject = body.SUBJECT if isinstance(body, Message) else None
        return Reply(
            seq,
            self.port,
            decode,
            dump=dump,
            subject=subject,
            request=body,
        )

    def _send(
        self, msg_type: int, body: Message | bytes, flags: int, seq: int
    ) -> None:
        data = self.build(msg_type, body, flags, seq)
        log.debug(
            "request type=%d flags=%#x seq=%d %r", msg_type, flags, seq, body
        )
        self._sock.send(data)

    def _drain(self, seq: int, data: memoryview) -> None:
        # The kernel refuses a new dump on this socket (EBUSY) until the
        # one in progress is read to its end: read an abandoned one out,
        # starting with the datagram that was being read.
        log.debug("draining the rest of dump seq=%d", seq)
        while not any(
            header.seq == seq and header.type in _DUMP_END
            for header, _ in split(data)
        ):
            data = self.receive()

    def _collect(self, reply: Reply) -> list[Any]:
        messages = []
        while not reply.done:
            messages.extend(reply.feed(self.receive()))
        return messages


def _set_buffer(
    sock: socket.socket, option: int, force: int, size: int
) -> None:
    # Root may pass the system limit with the FORCE option; others get the
    # limit (net.core.rmem_max), which is enough for plain requests.
    try:
        sock.setsockopt(socket.SOL_SOCKET, force, size)
    except PermissionError:
        sock.setsockopt(socket.SOL_SOCKET, option, size)


def _enable(sock: socket.socket, option: int) -> None:
    try:
        sock.setsockopt(SOL_NETLINK, option, 1)
    except OSError as exc:
        if exc.errno != errno.ENOPROTOOPT:
            raise
        log.debug("kernel lacks netlink option %d", option)

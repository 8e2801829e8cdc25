"""Pipelined requests: many to a datagram, their answers matched later.

The kernel answers a request sent without NLM_F_ACK only when it fails,
with the request's sequence number.  So a batch asks for an ACK on the
last request of each datagram only: one read per datagram tells that the
kernel got that far, and every failure still comes back, matched by
sequence number.  rtnetlink handles a datagram while `send()` runs, so
the answers to one datagram are waiting when the next is sent; reading
them before sending more bounds what waits in the receive buffer, and the
kernel never has to drop an answer (ENOBUFS).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netkit.errors import NetlinkError, kernel_error
from netkit.netlink.header import (
    NLM_F_ACK,
    NLM_F_REQUEST,
    NLMSG_ERROR,
    NLMSG_HDR,
    NLMSG_HDRLEN,
    pack_message,
)
from netkit.netlink.message import Message
from netkit.netlink.parse import decode_error, split

if TYPE_CHECKING:
    from netkit.netlink.socket import NetlinkSocket

log = logging.getLogger(__name__)

PER_DATAGRAM = 1024
DATAGRAM_BYTES = 128 << 10
_pack_header = NLMSG_HDR.pack


@dataclass(frozen=True)
class Failure:
    """One request of a batch that the kernel refused."""

    index: int
    type: int
    body: Message | bytes
    error: NetlinkError

    def __str__(self) -> str:
        return f"request #{self.index} ({self.body!r}): {self.error}"


class Encoded:
    """A request body already encoded, and how to build it as a message.

    Bulk helpers (a `RouteTemplate`) encode bodies without making a
    `Message`; should the kernel refuse one, `message()` builds it so the
    `Failure` shows what it was.
    """

    __slots__ = ("data", "_build", "_arg")

    def __init__(
        self, data: bytes, build: Callable[[Any], Message], arg: Any
    ) -> None:
        self.data = data
        self._build = build
        self._arg = arg

    def encode(self) -> bytes:
        return self.data

    def message(self) -> Message:
        """The body as a `Message`, built again from what made it."""
        return self._build(self._arg)

    def __repr__(self) -> str:
        return repr(self.message())


class BatchError(NetlinkError):
    """Requests of a batch failed; `failures` lists each, in order.

    The errno and message are those of the first failure; its text
    counts requests from 0, as `Failure.index` and `add()` do.
    """

    def __init__(self, failures: list[Failure], sent: int) -> None:
        first = failures[0].error
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        super().__init__(
            first.errno,
            f"request #{failures[0].index} (of {sent} sent) failed: "
            f"{first.message or first.strerror}{more}",
            request=failures[0].body,
        )
        self.failures = failures
        self.sent = sent


class Batch:
    """Requests queued on a socket and sent together by `send()`.

    Used as a context manager, the batch is sent when the block ends
    without an exception, and `BatchError` lists every failed request.
    With `stop_on_error`, sending stops after the datagram holding the
    first failure (later requests of that datagram may have been done).
    """

    def __init__(
        self,
        sock: NetlinkSocket,
        *,
        stop_on_error: bool = False,
        per_datagram: int = PER_DATAGRAM,
    ) -> None:
        if per_datagram < 1:
            raise ValueError("per_datagram must be at least 1")
        self._sock = sock
        self._stop_on_error = stop_on_error
        self._per_datagram = per_datagram
        self._queue: list[tuple[int, Message | bytes, int]] = []

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, msg_type: int, body: Message | bytes, flags: int = 0) -> int:
        """Queue a request (a NEW, SET or DEL); return its index."""
        self._queue.append((msg_type, body, flags))
        return len(self._queue) - 1

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: Any) -> None:
        if kind is None:
            self.send()

    def datagrams(self, first_seq: int = 1) -> list[bytes]:
        """The datagrams `send()` would send, for a dry run."""
        return [data for data, _, _ in self._pack(first_seq)]

    def send(self) -> int:
        """Send everything queued; return how many requests were sent.

        Raises `BatchError` when any failed.
        """
        queue, self._queue = self._queue, []
        failures: list[Failure] = []
        sent = 0
        with self._sock._exclusive():
            first = self._sock.reserve_seq(len(queue))
            for data, start, end in self._pack(first, queue):
                self._sock.send_raw(data)
                self._collect(first, start, end, queue, failures)
                sent = end
                if failures and self._stop_on_error:
                    break
        log.debug("batch: %d sent, %d failed", sent, len(failures))
        if failures:
            raise BatchError(failures, sent)
        return sent

    def _pack(
        self,
        first_seq: int,
        queue: list[tuple[int, Message | bytes, int]] | None = None,
    ) -> Iterator[tuple[bytes, int, int]]:
        # Yields (datagram, first index, end index); the last request of
        # each datagram asks for the ACK.
        queue = self._queue if queue is None else queue
        parts: list[bytes] = []
        size = start = 0
        count, per_datagram = len(queue), self._per_datagram
        for index, (msg_type, body, flags) in enumerate(queue):
            if isinstance(body, Message | Encoded):
                body = body.encode()
            last = (
                index + 1 == count
                or index + 1 - start >= per_datagram
                or size + len(body) >= DATAGRAM_BYTES
            )
            seq = (first_seq + index) & 0xFFFFFFFF
            flags |= NLM_F_REQUEST | NLM_F_ACK if last else NLM_F_REQUEST
            if len(body) & 3:
                message = pack_message(msg_type, flags, seq, 0, body)
            else:
                length = NLMSG_HDRLEN + len(body)
                message = _pack_header(length, msg_type, flags, seq, 0) + body
            parts.append(message)
            size += len(message)
            if last:
                yield b"".join(parts), start, index + 1
                parts, size, start = [], 0, index + 1

    def _collect(
        self,
        first: int,
        start: int,
        end: int,
        queue: list,
        failures: list[Failure],
    ) -> None:
        last_seq = (first + end - 1) & 0xFFFFFFFF
        while True:
            for header, body in split(self._sock.receive()):
                if (
                    header.type != NLMSG_ERROR
                    or header.port != self._sock.port
                ):
                    continue
                ack = decode_error(header, body)
                index = (header.seq - first) & 0xFFFFFFFF
                if ack.error and index < len(queue):
                    msg_type, request, _ = queue[index]
                    if isinstance(request, Encoded):
                        request = request.message()
                    subject = getattr(request, "SUBJECT", None)
                    error = kernel_error(
                        ack.error,
                        ack.message,
                        offset=ack.offset,
                        request=request,
                        subject=subject,
                    )
                    failures.append(Failure(index, msg_type, request, error))
                if header.seq == last_seq:
                    return

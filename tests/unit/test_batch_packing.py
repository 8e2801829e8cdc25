"""Pipelined batches without a kernel: datagrams, ACK flags, sequence
numbers, and failures matched back to their requests.

A fake socket plays the kernel: it answers each datagram the way
rtnetlink does (an error for each failing request, an ACK for the one
that asked), so failure reporting and stop_on_error are tested here too.
"""

from __future__ import annotations

import errno
import struct

import pytest

from netkit.netlink.attrs import NLA_HDR
from netkit.netlink.batch import (
    DATAGRAM_BYTES,
    PER_DATAGRAM,
    Batch,
    BatchError,
    Encoded,
)
from netkit.netlink.header import (
    NLM_F_ACK,
    NLM_F_CREATE,
    NLM_F_EXCL,
    NLM_F_REQUEST,
    NLMSG_ERROR,
    NLMSG_HDR,
    pack_message,
)
from netkit.netlink.parse import split
from netkit.rtnl import route as rtroute

PORT = 4242


def headers(datagram: bytes) -> list:
    return [header for header, _ in split(datagram)]


def route_batch(count: int, **options) -> Batch:
    batch = Batch(FakeKernel(), **options)
    for i in range(count):
        batch.add(*rtroute.new_route(f"198.18.{i // 256}.{i % 256}", oif=2))
    return batch


def test_requests_are_packed_1024_to_a_datagram():
    datagrams = route_batch(2500).datagrams(first_seq=7)

    assert [len(headers(d)) for d in datagrams] == [1024, 1024, 452]
    assert PER_DATAGRAM == 1024


def test_only_the_last_request_of_each_datagram_asks_for_an_ack():
    for datagram in route_batch(2500).datagrams():
        flags = [h.flags for h in headers(datagram)]
        assert all(f & NLM_F_REQUEST for f in flags)
        assert [bool(f & NLM_F_ACK) for f in flags] == [False] * (
            len(flags) - 1
        ) + [True]


def test_sequence_numbers_run_on_across_datagrams():
    datagrams = route_batch(2100).datagrams(first_seq=1000)

    seqs = [h.seq for d in datagrams for h in headers(d)]
    assert seqs == list(range(1000, 3100))


def test_operation_flags_are_kept():
    (datagram,) = route_batch(3).datagrams()

    for header in headers(datagram):
        assert header.flags & (NLM_F_CREATE | NLM_F_EXCL)


def test_a_datagram_ends_before_it_passes_its_byte_limit():
    batch = Batch(FakeKernel())
    body = b"\0" * 4000
    for _ in range(100):
        batch.add(24, body)

    datagrams = batch.datagrams()
    assert len(datagrams) > 1
    assert all(len(d) <= DATAGRAM_BYTES + len(body) + 16 for d in datagrams)
    assert sum(len(headers(d)) for d in datagrams) == 100


def test_per_datagram_one_acks_every_request():
    datagrams = route_batch(5, per_datagram=1).datagrams()

    assert len(datagrams) == 5
    assert all(h.flags & NLM_F_ACK for d in datagrams for h in headers(d))


def test_the_bytes_are_those_of_each_request_framed():
    request = rtroute.new_route("198.18.0.1/32", oif=2)
    batch = Batch(FakeKernel())
    batch.add(*request)

    (datagram,) = batch.datagrams(first_seq=5)
    flags = request.flags | NLM_F_REQUEST | NLM_F_ACK
    body = request.body.encode()
    assert datagram == pack_message(request.type, flags, 5, 0, body)


def test_an_encoded_body_goes_as_it_is_and_is_rebuilt_to_report():
    template = rtroute.RouteTemplate(rtroute.new_route, oif=2)
    msg_type, data, flags = template.encode("198.18.0.9/32")
    encoded = Encoded(data, template.message, "198.18.0.9/32")

    assert encoded.encode() == data
    assert encoded.message() == rtroute.new_route("198.18.0.9/32", oif=2).body


# The fake kernel.


class FakeKernel:
    """Takes datagrams as rtnetlink would, fails the chosen requests."""

    port = PORT

    def __init__(self, failing: dict[int, tuple[int, str]] | None = None):
        self.failing = failing or {}  # request number -> (errno, text)
        self.sent: list[bytes] = []
        self.answers: list[bytes] = []
        self._seq = 1
        self._first: int | None = None

    def reserve_seq(self, count: int) -> int:
        first, self._seq = self._seq, self._seq + count
        self._first = first
        return first

    def _exclusive(self):
        import contextlib

        return contextlib.nullcontext()

    def send_raw(self, data: bytes) -> None:
        self.sent.append(data)
        for header, body in split(data):
            index = header.seq - self._first
            code, text = self.failing.get(index, (0, ""))
            if code or header.flags & NLM_F_ACK:
                self.answers.append(self._answer(header, body, code, text))

    def receive(self) -> memoryview:
        return memoryview(self.answers.pop(0))

    def _answer(self, header, body, code: int, text: str) -> bytes:
        request = NLMSG_HDR.pack(
            header.length, header.type, header.flags, header.seq, 0
        )
        payload = struct.pack("=i", -code) + request
        flags = 0x100  # NLM_F_CAPPED
        if text:
            raw = text.encode() + b"\0"
            pad = b"\0" * (-len(raw) & 3)
            payload += NLA_HDR.pack(4 + len(raw), 1) + raw + pad
            flags |= 0x200  # NLM_F_ACK_TLVS
        return pack_message(NLMSG_ERROR, flags, header.seq, PORT, payload)


def test_every_failure_is_reported_with_index_errno_and_text():
    kernel = FakeKernel(
        {3: (errno.EEXIST, ""), 1500: (errno.ENETUNREACH, "No route")}
    )
    batch = Batch(kernel)
    for i in range(2000):
        batch.add(*rtroute.new_route(f"198.18.{i // 256}.{i % 256}", oif=2))

    with pytest.raises(BatchError) as caught:
        batch.send()

    failures = caught.value.failures
    assert [f.index for f in failures] == [3, 1500]
    assert [f.error.errno for f in failures] == [17, 101]
    assert failures[1].error.message == "No route"
    assert str(failures[0].body.get("dst")) == "198.18.0.3"
    assert caught.value.sent == 2000
    assert caught.value.errno == errno.EEXIST


def test_stop_on_error_sends_no_datagram_after_a_failing_one():
    kernel = FakeKernel({1: (errno.EEXIST, "")})
    batch = Batch(kernel, stop_on_error=True, per_datagram=4)
    for i in range(20):
        batch.add(*rtroute.new_route(f"198.18.0.{i}", oif=2))

    with pytest.raises(BatchError) as caught:
        batch.send()

    assert len(kernel.sent) == 1
    assert caught.value.sent == 4


def test_a_batch_without_failures_returns_how_many_went():
    kernel = FakeKernel()
    batch = route_batch(3000)
    batch._sock = kernel

    assert batch.send() == 3000
    assert len(kernel.sent) == 3

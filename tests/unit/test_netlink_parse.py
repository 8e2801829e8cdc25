"""netkit.netlink.parse: datagrams, ACKs, errors and dumps, from bytes.

Replies are framed here the way the kernel frames them (net/netlink/
af_netlink.c: netlink_ack, netlink_dump_done), so a `Reply` is checked
without a socket.
"""

import contextlib
import errno
import pickle
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit import errors
from netkit.errors import DecodeError, DumpInterrupted, NetlinkError
from netkit.netlink.header import (
    NLM_F_ACK,
    NLM_F_ACK_TLVS,
    NLM_F_CAPPED,
    NLM_F_DUMP,
    NLM_F_DUMP_INTR,
    NLM_F_MULTI,
    NLM_F_REQUEST,
    NLMSG_DONE,
    NLMSG_ERROR,
    NLMSG_NOOP,
    NLMSG_OVERRUN,
    align,
    pack_message,
)
from netkit.netlink.parse import Ack, Header, Reply, decode_error, split

SEQ = 41
PORT = 3021
NEW = 0x10  # a family's message type, as RTM_NEWLINK is 16
GET = 0x12


def datagram(*messages: bytes) -> bytes:
    return b"".join(messages)


def reply_message(body: bytes, flags: int = NLM_F_MULTI, **where) -> bytes:
    """A message of the dump or the reply."""
    seq, port = where.get("seq", SEQ), where.get("port", PORT)
    return pack_message(NEW, flags, seq, port, body)


def request_bytes(body: bytes = b"\0" * 5, flags: int = NLM_F_ACK) -> bytes:
    """The request the replies answer, as the socket sends it."""
    return pack_message(GET, NLM_F_REQUEST | flags, SEQ, 0, body)


def ext_ack(text: str | None, offset: int | None) -> bytes:
    tlvs = b""
    if text is not None:
        tlvs += attr(1, text.encode() + b"\0")
    if offset is not None:
        tlvs += attr(2, struct.pack("=I", offset))
    return tlvs


def attr(attr_type: int, payload: bytes) -> bytes:
    length = 4 + len(payload)
    return (
        struct.pack("=HH", length, attr_type)
        + payload
        + b"\0" * (align(length) - length)
    )


def error_message(
    code: int,
    *,
    capped: bool,
    text: str | None = None,
    offset: int | None = None,
    request: bytes | None = None,
    **where,
) -> bytes:
    """NLMSG_ERROR: -errno, the request (or its header), then the TLVs."""
    request = request or request_bytes()
    tlvs = ext_ack(text, offset)
    flags = (NLM_F_CAPPED if capped else 0) | (NLM_F_ACK_TLVS if tlvs else 0)
    echoed = request[:16] if capped else request
    body = struct.pack("=i", -code) + echoed + tlvs
    seq, port = where.get("seq", SEQ), where.get("port", PORT)
    return pack_message(NLMSG_ERROR, flags, seq, port, body)


def done_message(flags: int = NLM_F_MULTI, code: int = 0, **where) -> bytes:
    seq, port = where.get("seq", SEQ), where.get("port", PORT)
    body = struct.pack("=i", -code)
    return pack_message(NLMSG_DONE, flags, seq, port, body)


def dump_reply(**options) -> Reply:
    return Reply(SEQ, PORT, dump=True, **options)


bodies = st.lists(st.binary(max_size=60), min_size=1, max_size=12)


# Splitting datagrams.


@given(bodies)
def test_a_datagram_of_n_messages_yields_n(payloads):
    """Several messages per read, stepping by aligned length (FACTS 3)."""
    data = datagram(*(reply_message(p) for p in payloads))

    found = list(split(data))

    assert [bytes(body) for _, body in found] == payloads
    for (header, _), payload in zip(found, payloads, strict=True):
        assert header == Header(16 + len(payload), NEW, 2, SEQ, PORT)


def test_the_last_message_may_lack_its_padding():
    data = reply_message(b"\1") + reply_message(b"abc")[:19]

    assert [bytes(body) for _, body in split(data)] == [b"\1", b"abc"]


@given(bodies, st.data())
def test_a_cut_datagram_yields_whole_messages_then_decode_error(
    payloads, data
):
    messages = [reply_message(p) for p in payloads]
    whole = datagram(*messages)
    cut = data.draw(st.integers(0, len(whole)))
    ends, start = [], 0
    for payload, message in zip(payloads, messages, strict=True):
        ends.append((start + 16 + len(payload), start + len(message)))
        start += len(message)
    inside = [aligned for end, aligned in ends if end <= cut]
    last = inside[-1] if inside else 0

    found, failed = [], False
    try:
        for _, body in split(whole[:cut]):
            found.append(bytes(body))
    except DecodeError:
        failed = True

    assert found == payloads[: len(inside)]
    assert failed == (cut > last)


@pytest.mark.parametrize(
    "data",
    [
        bytes(15),
        struct.pack("=IHHII", 15, NEW, 0, SEQ, PORT),
        struct.pack("=IHHII", 40, NEW, 0, SEQ, PORT) + bytes(4),
        reply_message(b"") + b"\0\0",
    ],
    ids=["short header", "below the header", "past the end", "stray bytes"],
)
def test_lengths_that_lie_are_decode_errors(data):
    with pytest.raises(DecodeError):
        list(split(data))


@given(st.binary(max_size=300))
def test_split_of_random_bytes_raises_only_decode_error(data):
    with contextlib.suppress(DecodeError):
        list(split(data))


# ACKs and errors.


def test_ack_finishes_a_request():
    reply = Reply(SEQ, PORT)

    assert reply.feed(error_message(0, capped=True)) == []
    assert reply.done


def test_reply_then_ack():
    reply = Reply(SEQ, PORT)

    data = datagram(
        reply_message(b"one", flags=0), error_message(0, capped=True)
    )

    assert reply.feed(data) == [b"one"]
    assert reply.done


def test_a_request_without_ack_is_done_at_its_first_reply():
    reply = Reply(SEQ, PORT, ack=False)

    assert reply.feed(reply_message(b"one", flags=0)) == [b"one"]
    assert reply.done


@pytest.mark.parametrize("capped", [True, False], ids=["capped", "whole"])
@pytest.mark.parametrize(
    "text, offset",
    [
        ("mtu less than device minimum", 36),
        ("Nexthop has invalid gateway", None),
        (None, 20),
        (None, None),
    ],
    ids=["text+offset", "text", "offset", "no TLVs"],
)
def test_error_with_and_without_extended_ack(capped, text, offset):
    """TLVs follow the echoed request, or its header if capped (FACTS 5)."""
    request = request_bytes(b"\7" * 23)
    data = error_message(
        errno.EINVAL, capped=capped, text=text, offset=offset, request=request
    )
    reply = Reply(SEQ, PORT, request="the request")

    with pytest.raises(errors.InvalidArgument) as caught:
        reply.feed(data)

    error = caught.value
    assert isinstance(error, OSError)
    assert error.errno == errno.EINVAL == 22
    assert error.message == (text or "")
    assert error.offset == offset
    assert error.request == "the request"
    assert error.strerror.startswith("Invalid argument")
    assert (text or "") in str(error)
    assert reply.done


@pytest.mark.parametrize("capped", [True, False], ids=["capped", "whole"])
def test_decode_error_gives_the_ack(capped):
    request = request_bytes(b"\1\2\3")
    data = error_message(
        errno.EEXIST, capped=capped, text="exists", offset=16, request=request
    )
    ((header, body),) = split(data)

    ack = decode_error(header, body)

    assert ack == Ack(
        errno.EEXIST,
        "exists",
        16,
        Header(len(request) - 1, GET, NLM_F_REQUEST | NLM_F_ACK, SEQ, 0),
    )


def test_missing_attribute_type_is_decoded():
    tlvs = attr(1, b"missing\0") + attr(5, struct.pack("=I", 3))
    body = struct.pack("=i", -errno.EINVAL) + request_bytes()[:16] + tlvs
    data = pack_message(
        NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, SEQ, PORT, body
    )
    ((header, body),) = split(data)

    assert decode_error(header, body).missing_type == 3


def test_extended_ack_with_bad_tlvs_is_decode_error_naming_it():
    tlvs = attr(2, b"\1\2")
    body = struct.pack("=i", -errno.EINVAL) + request_bytes()[:16] + tlvs
    data = pack_message(
        NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, SEQ, PORT, body
    )

    with pytest.raises(DecodeError) as caught:
        Reply(SEQ, PORT).feed(data)

    assert caught.value.path == ["extended ACK", "offs"]


def test_short_error_message_is_decode_error():
    data = pack_message(NLMSG_ERROR, 0, SEQ, PORT, struct.pack("=i", -1))

    with pytest.raises(DecodeError):
        Reply(SEQ, PORT).feed(data)


SUBCLASSES = [
    (errno.EEXIST, None, errors.Exists),
    (errno.ENOENT, None, errors.NotFound),
    (errno.ESRCH, None, errors.NotFound),
    (errno.ENODEV, None, errors.NotFound),
    (errno.EPERM, None, errors.PermissionDenied),
    (errno.EACCES, None, errors.PermissionDenied),
    (errno.EBUSY, None, errors.Busy),
    (errno.EINVAL, None, errors.InvalidArgument),
    (errno.EOPNOTSUPP, None, errors.NotSupported),
    (errno.ENETUNREACH, None, errors.NetworkUnreachable),
    (errno.EADDRNOTAVAIL, None, errors.AddressNotAvailable),
    (errno.EMSGSIZE, None, NetlinkError),
    (errno.EEXIST, "link", errors.LinkExists),
    (errno.ENODEV, "link", errors.LinkNotFound),
    (errno.EEXIST, "address", errors.AddressExists),
    (errno.EADDRNOTAVAIL, "address", errors.AddressNotAvailable),
    (errno.ENOENT, "address", errors.AddressNotFound),
    (errno.EEXIST, "route", errors.RouteExists),
    (errno.ESRCH, "route", errors.RouteNotFound),
    (errno.EEXIST, "neighbour", errors.NeighbourExists),
    (errno.ENOENT, "neighbour", errors.NeighbourNotFound),
    (errno.EINVAL, "link", errors.InvalidArgument),
]


@pytest.mark.parametrize("code, subject, cls", SUBCLASSES)
def test_error_class_by_errno_and_subject(code, subject, cls):
    reply = Reply(SEQ, PORT, subject=subject)

    with pytest.raises(NetlinkError) as caught:
        reply.feed(error_message(code, capped=True))

    assert type(caught.value) is cls
    assert caught.value.errno == code


def test_subclasses_are_the_builtin_os_errors_too():
    assert issubclass(errors.LinkExists, FileExistsError)
    assert issubclass(errors.PermissionDenied, PermissionError)
    assert issubclass(DumpInterrupted, NetlinkError)
    assert issubclass(errors.BufferOverrun, NetlinkError)
    assert DumpInterrupted().errno == errno.EINTR
    assert errors.BufferOverrun().errno == errno.ENOBUFS


def test_errors_survive_pickling():
    """ns.run() hands errors back across processes."""
    error = errors.kernel_error(
        errno.EEXIST, "File exists", offset=20, request="r", subject="link"
    )

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is errors.LinkExists
    assert (copy.errno, copy.message, copy.offset, copy.request) == (
        errno.EEXIST,
        "File exists",
        20,
        "r",
    )


@pytest.mark.parametrize("code", [0x7FFFFFFF, 0x80000000, 4095])
def test_errno_of_any_size_makes_an_error(code):
    """A corrupt message may carry any number as its errno."""
    error = errors.kernel_error(code)

    assert error.errno == code
    assert str(code) in error.strerror


# Dumps.


@given(st.lists(bodies, min_size=1, max_size=5))
def test_a_dump_over_several_datagrams_yields_every_message(groups):
    reply = dump_reply()
    datagrams = [datagram(*(reply_message(p) for p in g)) for g in groups]
    datagrams[-1] += done_message()

    found = []
    for data in datagrams:
        assert not reply.done
        found += reply.feed(data)

    assert found == [p for g in groups for p in g]
    assert reply.done
    assert not reply.interrupted


def test_done_in_its_own_datagram():
    reply = dump_reply()

    assert reply.feed(reply_message(b"a")) == [b"a"]
    assert not reply.done
    assert reply.feed(done_message()) == []
    assert reply.done


def test_dump_intr_on_done_only_raises_dump_interrupted():
    """The change may come after the last message (FACTS 1)."""
    reply = dump_reply(request="dump")

    assert reply.feed(reply_message(b"a") + reply_message(b"b")) == [
        b"a",
        b"b",
    ]
    with pytest.raises(DumpInterrupted) as caught:
        reply.feed(done_message(NLM_F_MULTI | NLM_F_DUMP_INTR))

    assert reply.done and reply.interrupted
    assert caught.value.errno == errno.EINTR
    assert caught.value.request == "dump"


def test_dump_intr_on_a_middle_message_raises_at_the_end():
    """Every message is checked; the error waits for NLMSG_DONE."""
    reply = dump_reply()
    flagged = reply_message(b"b", flags=NLM_F_MULTI | NLM_F_DUMP_INTR)

    assert reply.feed(reply_message(b"a") + flagged) == [b"a", b"b"]
    assert reply.interrupted and not reply.done
    assert reply.feed(reply_message(b"c")) == [b"c"]
    with pytest.raises(DumpInterrupted):
        reply.feed(done_message())


def test_done_carrying_an_error_raises_it():
    reply = dump_reply(subject="route")
    body = struct.pack("=i", -errno.EMSGSIZE) + attr(1, b"too big\0")
    data = pack_message(
        NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, SEQ, PORT, body
    )

    with pytest.raises(NetlinkError) as caught:
        reply.feed(data)

    assert caught.value.errno == errno.EMSGSIZE
    assert caught.value.message == "too big"


def test_done_without_a_body_is_success():
    reply = dump_reply()

    reply.feed(pack_message(NLMSG_DONE, NLM_F_MULTI, SEQ, PORT, b""))

    assert reply.done


def test_dump_refused_at_once_raises():
    reply = dump_reply()
    request = request_bytes(flags=NLM_F_DUMP)

    with pytest.raises(errors.InvalidArgument) as caught:
        reply.feed(
            error_message(
                errno.EINVAL,
                capped=False,
                text="Invalid values in header for address dump request",
                request=request,
            )
        )

    assert "header for address dump" in caught.value.message


def test_stale_and_foreign_messages_are_skipped():
    reply = dump_reply()
    intr = NLM_F_MULTI | NLM_F_DUMP_INTR
    data = datagram(
        reply_message(b"stale", seq=SEQ - 1),
        reply_message(b"foreign", port=PORT + 1),
        reply_message(b"event", flags=0, seq=0, port=0),
        reply_message(b"stale intr", flags=intr, seq=SEQ - 1),
        error_message(errno.EINVAL, capped=True, seq=SEQ - 1),
        done_message(seq=SEQ, port=PORT + 1),
        reply_message(b"ours"),
    )

    assert reply.feed(data) == [b"ours"]
    assert not reply.done and not reply.interrupted
    reply.feed(done_message())
    assert reply.done


def test_noop_and_overrun_messages_are_skipped():
    reply = dump_reply()
    data = datagram(
        pack_message(NLMSG_NOOP, 0, SEQ, PORT, b""),
        pack_message(NLMSG_OVERRUN, 0, SEQ, PORT, b""),
        reply_message(b"a"),
        done_message(),
    )

    assert reply.feed(data) == [b"a"]


def test_replies_are_decoded_by_the_given_function():
    reply = dump_reply(decode=lambda body: bytes(body).upper())

    assert reply.feed(reply_message(b"abc") + done_message()) == [b"ABC"]


# Junk fed to a Reply.

message_types = st.sampled_from(
    [NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN, NEW]
)
junk_messages = st.builds(
    lambda kind, flags, body, ours: pack_message(
        kind, flags, SEQ if ours else SEQ + 1, PORT, body
    ),
    message_types,
    st.integers(0, 0xFFFF),
    st.binary(max_size=80),
    st.booleans(),
)


@given(st.lists(junk_messages, max_size=6), st.booleans())
def test_well_framed_junk_raises_only_decode_or_kernel_errors(messages, dump):
    reply = Reply(SEQ, PORT, dump=dump)

    with contextlib.suppress(DecodeError, NetlinkError):
        reply.feed(datagram(*messages))


@given(st.binary(max_size=300))
def test_random_bytes_raise_only_decode_or_kernel_errors(data):
    with contextlib.suppress(DecodeError, NetlinkError):
        Reply(SEQ, PORT, dump=True).feed(data)


@given(st.data())
def test_corrupted_replies_raise_only_decode_or_kernel_errors(data):
    whole = bytearray(
        datagram(
            reply_message(b"abcdef"),
            error_message(errno.EINVAL, capped=False, text="why", offset=20),
            done_message(),
        )
    )
    for _ in range(data.draw(st.integers(1, 6))):
        where = data.draw(st.integers(0, len(whole) - 1))
        whole[where] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(whole)))

    with contextlib.suppress(DecodeError, NetlinkError):
        Reply(SEQ, PORT, dump=True).feed(bytes(whole[:cut]))

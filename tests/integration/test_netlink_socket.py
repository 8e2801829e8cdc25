"""NetlinkSocket against the real kernel: KERNEL-FACTS items 1-5 and 16.

Each test expects what this kernel does, observed from the wire.  The
message bodies are throwaway classes built here (ifinfomsg, ifaddrmsg,
rtmsg with a few attributes) so that the socket is tested apart from
netkit.rtnl.  Every changing request goes to a namespace of the `netns`
fixture; the host is only read, never changed.
"""

import collections
import contextlib
import enum
import errno
import ipaddress
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import time

import pytest

from netkit.errors import BufferOverrun, DumpInterrupted, InvalidArgument
from netkit.netlink.attrs import (
    IPADDR,
    NLA_F_NESTED,
    NLA_TYPE_MASK,
    STRING,
    U32,
    AttrTable,
    Multi,
    Nested,
    iter_attrs,
)
from netkit.netlink.header import (
    NETLINK_CAP_ACK,
    NETLINK_EXT_ACK,
    NETLINK_NO_ENOBUFS,
    NLM_F_ACK,
    NLM_F_ACK_TLVS,
    NLM_F_CAPPED,
    NLM_F_DUMP,
    NLM_F_DUMP_INTR,
    NLM_F_REQUEST,
    NLMSG_DONE,
    SOL_NETLINK,
    pack_message,
)
from netkit.netlink.message import Message
from netkit.netlink.parse import Reply, split
from netkit.netlink.socket import NetlinkSocket
from netkit.rtnl.rtm import (
    AF_INET,
    RTM_GETADDR,
    RTM_GETLINK,
    RTM_GETROUTE,
    RTM_NEWLINK,
    RTM_SETLINK,
    RTNLGRP_IPV4_IFADDR,
)
from tests.helpers import NETKIT_ROOT


class IFLA(enum.IntEnum):
    IFLA_UNSPEC = 0
    IFLA_IFNAME = 3
    IFLA_MTU = 4
    IFLA_LINKINFO = 18
    IFLA_AF_SPEC = 26
    IFLA_XDP = 43
    IFLA_PROP_LIST = 52
    IFLA_ALT_IFNAME = 53


class IFLA_INFO(enum.IntEnum):
    IFLA_INFO_UNSPEC = 0
    IFLA_INFO_KIND = 1
    IFLA_INFO_DATA = 2
    IFLA_INFO_SLAVE_KIND = 4
    IFLA_INFO_SLAVE_DATA = 5


INFO_ATTRS = AttrTable(
    IFLA_INFO,
    {
        IFLA_INFO.IFLA_INFO_KIND: STRING,
        IFLA_INFO.IFLA_INFO_SLAVE_KIND: STRING,
    },
)
LINK_ATTRS = AttrTable(
    IFLA,
    {
        IFLA.IFLA_IFNAME: STRING,
        IFLA.IFLA_MTU: U32,
        IFLA.IFLA_LINKINFO: Nested(INFO_ATTRS),
        IFLA.IFLA_PROP_LIST: Nested(lambda: LINK_ATTRS),
        IFLA.IFLA_ALT_IFNAME: Multi(STRING),
    },
)


class Link(Message):
    """struct ifinfomsg."""

    HEADER = struct.Struct("=BxHiII")
    FIELDS = ("family", "type", "index", "flags", "change")
    ATTRS = LINK_ATTRS
    SUBJECT = "link"


class IFA(enum.IntEnum):
    IFA_UNSPEC = 0
    IFA_ADDRESS = 1
    IFA_LOCAL = 2
    IFA_LABEL = 3


class Addr(Message):
    """struct ifaddrmsg."""

    HEADER = struct.Struct("=BBBBI")
    FIELDS = ("family", "prefixlen", "flags", "scope", "index")
    ATTRS = AttrTable(
        IFA,
        {
            IFA.IFA_ADDRESS: IPADDR,
            IFA.IFA_LOCAL: IPADDR,
            IFA.IFA_LABEL: STRING,
        },
    )
    SUBJECT = "address"


class RTA(enum.IntEnum):
    RTA_UNSPEC = 0
    RTA_DST = 1
    RTA_OIF = 4
    RTA_TABLE = 15


class Route(Message):
    """struct rtmsg."""

    HEADER = struct.Struct("=BBBBBBBBI")
    FIELDS = (
        "family",
        "dst_len",
        "src_len",
        "tos",
        "table",
        "protocol",
        "scope",
        "type",
        "flags",
    )
    ATTRS = AttrTable(
        RTA, {RTA.RTA_DST: IPADDR, RTA.RTA_OIF: U32, RTA.RTA_TABLE: U32}
    )
    SUBJECT = "route"


REQUEST_ACK = NLM_F_REQUEST | NLM_F_ACK

# Adds and removes one address every few milliseconds, inside the
# namespace, as "another process" of KERNEL-FACTS 1.
CHURN = (
    "while :; do ip address add 192.0.2.1/32 dev nk1; sleep 0.002;"
    " ip address del 192.0.2.1/32 dev nk1; sleep 0.002; done"
)


def hosts(count: int, first: str = "198.18.0.1") -> list[str]:
    start = ipaddress.ip_address(first)
    return [str(start + i) for i in range(count)]


def batch(netns, tmp_path, lines: list[str]) -> None:
    """Run `ip -batch` inside the namespace."""
    path = tmp_path / f"batch-{time.monotonic_ns()}"
    path.write_text("\n".join(lines) + "\n")
    netns.sh("ip", "-batch", str(path))


def add_veth(netns, name: str = "nk0", peer: str = "nk1") -> int:
    """A veth pair in the namespace; the ifindex of `name`."""
    netns.sh("ip", "link", "add", name, "type", "veth", "peer", "name", peer)
    return netns.ip("link", "show", name)[0]["ifindex"]


@contextlib.contextmanager
def churning(netns, script: str = CHURN):
    """Run a shell loop inside the namespace while the block runs."""
    process = subprocess.Popen(
        ["ip", "netns", "exec", netns.name, "sh", "-c", script],
        start_new_session=True,
    )
    try:
        time.sleep(0.1)
        yield
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def counting_reads(sock: NetlinkSocket, monkeypatch) -> list[int]:
    """Record how many messages each datagram the socket reads holds."""
    reads = []
    receive = sock.receive

    def counted():
        data = receive()
        reads.append(sum(1 for _ in split(data)))
        return data

    monkeypatch.setattr(sock, "receive", counted)
    return reads


# 1. Interrupted dumps.


def raw_dump_flags(sock: NetlinkSocket, body: bytes) -> str:
    """Dump once by hand; where NLM_F_DUMP_INTR was on the messages.

    On this kernel an address dump's NLMSG_DONE comes in a read of its
    own, yet it has never been flagged alone here (0 in some 5,000
    dumps): "done only" is counted but not expected; the unit tests
    cover it.
    """
    seq = sock.next_seq()
    sock.send_raw(sock.build(RTM_GETADDR, body, NLM_F_DUMP, seq))
    middle = False
    while True:
        for header, _ in split(sock.receive()):
            if header.seq != seq:
                continue
            flagged = bool(header.flags & NLM_F_DUMP_INTR)
            if header.type != NLMSG_DONE:
                middle = middle or flagged
            elif middle:
                return "middle"
            else:
                return "done only" if flagged else "clean"


def streamed_dump(sock: NetlinkSocket) -> str:
    """Dump with iter_dump; "interrupted" when it raised DumpInterrupted."""
    try:
        for _ in sock.iter_dump(RTM_GETADDR, Addr(family=AF_INET)):
            pass
    except DumpInterrupted:
        return "interrupted"
    return "clean"


def until_interrupted(dump_once, *args) -> collections.Counter:
    """Outcomes of dumps, until five were interrupted or 400 were made."""
    outcomes = collections.Counter()
    while outcomes.total() < 400 and outcomes.total() - outcomes["clean"] < 5:
        outcomes[dump_once(*args)] += 1
    return outcomes


def addresses_on(dump: list[Addr], index: int) -> list[str]:
    return sorted(str(m["local"]) for m in dump if m.index == index)


def retried_dumps(sock, monkeypatch, index, addresses) -> dict:
    """dump(retries=1) until both outcomes came three times, or 8 s.

    Each call either returns the whole table from an attempt that was not
    interrupted, or raises DumpInterrupted after exactly two attempts.
    """
    attempts: list[bool] = []
    iter_dump = sock.iter_dump

    def counted_iter_dump(*args, **kwargs):
        attempts.append(False)
        yield from iter_dump(*args, **kwargs)
        attempts[-1] = True

    monkeypatch.setattr(sock, "iter_dump", counted_iter_dump)
    outcomes = collections.Counter(returned=0, raised=0)
    retried = 0
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline and min(outcomes.values()) < 3:
        attempts.clear()
        try:
            dump = sock.dump(RTM_GETADDR, Addr(family=AF_INET), retries=1)
        except DumpInterrupted:
            assert attempts == [False, False]
            outcomes["raised"] += 1
        else:
            assert attempts in ([True], [False, True])
            assert addresses_on(dump, index) == sorted(addresses)
            outcomes["returned"] += 1
            retried += len(attempts) - 1
    monkeypatch.undo()
    return {**outcomes, "returned after a retry": retried}


def test_interrupted_dumps_are_seen_and_retried(
    netns, tmp_path, monkeypatch, record_property
):
    """KERNEL-FACTS 1: NLM_F_DUMP_INTR is seen; never returned as whole."""
    index = add_veth(netns)
    addresses = hosts(1500)
    batch(netns, tmp_path, [f"address add {a}/32 dev nk0" for a in addresses])
    sock = netns.socket()
    raw_body = struct.pack("=BBBBI", AF_INET, 0, 0, 0, 0)

    with churning(netns):
        where = until_interrupted(raw_dump_flags, sock, raw_body)
        streamed = until_interrupted(streamed_dump, sock)
        outcomes = retried_dumps(sock, monkeypatch, index, addresses)

    record_property("raw dumps: DUMP_INTR position", dict(where))
    record_property("iter_dump outcomes", dict(streamed))
    record_property("dump(retries=1)", outcomes)
    assert where["middle"] + where["done only"] > 0
    assert streamed["interrupted"] > 0
    assert outcomes["raised"] + outcomes["returned after a retry"] > 0

    quiet = sock.dump(RTM_GETADDR, Addr(family=AF_INET), retries=0)
    assert addresses_on(quiet, index) == sorted(addresses)


# 2. Receive buffer overruns.


def make_address_events(netns, tmp_path, count: int) -> None:
    """`count` address events: half additions, half removals."""
    addresses = hosts(count // 2)
    batch(
        netns,
        tmp_path,
        [f"address add {a}/32 dev nk0" for a in addresses]
        + [f"address del {a}/32 dev nk0" for a in addresses],
    )


def rcvbuf(sock: NetlinkSocket) -> int:
    """SO_RCVBUF as the kernel set it (twice what was asked)."""
    with socket.socket(fileno=os.dup(sock.fileno())) as same:
        return same.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)


def read_until_quiet(sock: NetlinkSocket) -> tuple[int, int, int]:
    """Messages read before the overrun, overruns, messages after."""
    before = overruns = after = 0
    sock.settimeout(0.5)
    while True:
        try:
            count = sum(1 for _ in split(sock.receive()))
        except BufferOverrun as error:
            assert error.errno == errno.ENOBUFS
            overruns += 1
            continue
        except TimeoutError:
            return before, overruns, after
        if overruns:
            after += count
        else:
            before += count


def test_receive_buffer_overrun_is_reported_and_socket_stays_usable(
    netns, tmp_path, record_property
):
    """KERNEL-FACTS 2: one ENOBUFS, events lost, the socket still works."""
    add_veth(netns)
    sock = netns.socket(rcvbuf=4096)
    sock.add_membership(RTNLGRP_IPV4_IFADDR)

    make_address_events(netns, tmp_path, 1000)
    before, overruns, after = read_until_quiet(sock)

    record_property("rcvbuf", rcvbuf(sock))
    record_property("events kept of 1000", before + after)
    record_property("overruns", overruns)
    assert overruns == 1
    assert 0 < before + after < 1000

    sock.settimeout(5)
    links = sock.dump(RTM_GETLINK, Link())
    assert sorted(link["ifname"] for link in links) == ["lo", "nk0", "nk1"]
    netns.sh("ip", "address", "add", "192.0.2.7/32", "dev", "nk0")
    ((header, body),) = split(sock.receive())
    assert str(Addr.decode(body)["local"]) == "192.0.2.7"


def test_no_enobufs_option_makes_the_loss_silent(
    netns, tmp_path, record_property
):
    """KERNEL-FACTS 2: with NETLINK_NO_ENOBUFS nothing is reported."""
    add_veth(netns)
    sock = netns.socket(rcvbuf=4096)
    sock.add_membership(RTNLGRP_IPV4_IFADDR)
    with socket.socket(fileno=os.dup(sock.fileno())) as same:
        same.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)

    make_address_events(netns, tmp_path, 1000)
    before, overruns, after = read_until_quiet(sock)

    record_property("events kept of 1000", before)
    assert overruns == 0
    assert 0 < before < 1000


# 3. Several messages per datagram.


def test_a_dump_of_81_links_comes_in_fewer_reads(
    netns, tmp_path, monkeypatch, record_property
):
    """KERNEL-FACTS 3: every message of every read, up to NLMSG_DONE."""
    batch(
        netns,
        tmp_path,
        [f"link add nka{i} type veth peer name nkb{i}" for i in range(40)],
    )
    sock = netns.socket()
    reads = counting_reads(sock, monkeypatch)

    links = sock.dump(RTM_GETLINK, Link())

    record_property("messages per read", reads)
    names = sorted(link["ifname"] for link in links)
    assert names == sorted(link["ifname"] for link in netns.ip("link"))
    assert len(links) == 81
    assert len(reads) < len(links)
    assert sum(reads) == 81 + 1
    assert max(reads) > 1


def test_an_abandoned_dump_leaves_the_socket_usable(netns, tmp_path):
    """The kernel says EBUSY to a dump while one is unread: netkit drains."""
    batch(
        netns,
        tmp_path,
        [f"link add nka{i} type veth peer name nkb{i}" for i in range(40)],
    )
    sock = netns.socket()

    for _ in sock.iter_dump(RTM_GETLINK, Link()):
        break
    with pytest.raises(LookupError):
        for _ in sock.iter_dump(RTM_GETLINK, Link()):
            raise LookupError("the caller gave up")

    assert len(sock.dump(RTM_GETLINK, Link())) == 81
    assert len(sock.request(RTM_GETLINK, Link(index=1))) == 1


# 4. NLA_F_NESTED.


def top_level_types(body: bytes) -> dict[int, tuple[int, bytes]]:
    """Attribute number -> (type with flags, payload) of an ifinfomsg."""
    found = {}
    for attr_type, payload in iter_attrs(body[Link.HEADER.size :]):
        found[attr_type & NLA_TYPE_MASK] = (attr_type, bytes(payload))
    return found


def nested_types(payload: bytes) -> list[int]:
    return [attr_type for attr_type, _ in iter_attrs(payload)]


def test_nla_f_nested_is_set_on_some_nests_only(netns, record_property):
    """KERNEL-FACTS 4: the flag on IFLA_PROP_LIST, not on the older nests."""
    netns.sh("ip", "link", "add", "nkbr", "type", "bridge")
    index = add_veth(netns)
    netns.sh("ip", "link", "set", "nk0", "master", "nkbr")
    netns.sh("ip", "link", "property", "add", "dev", "nk0", "altname", "nkalt")
    sock = netns.socket()

    (body,) = sock.request(RTM_GETLINK, Link(index=index), decode=bytes)
    attrs = top_level_types(body)

    record_property(
        "nests", {hex(t): hex(attrs[t][0]) for t in (18, 26, 43, 52)}
    )
    assert attrs[IFLA.IFLA_PROP_LIST][0] == IFLA.IFLA_PROP_LIST | NLA_F_NESTED
    for number in (IFLA.IFLA_LINKINFO, IFLA.IFLA_AF_SPEC, IFLA.IFLA_XDP):
        assert attrs[number][0] == number
    linkinfo = nested_types(attrs[IFLA.IFLA_LINKINFO][1])
    assert linkinfo == [1, 4, 5]  # KIND, SLAVE_KIND, SLAVE_DATA: no flag
    af_spec = nested_types(attrs[IFLA.IFLA_AF_SPEC][1])
    assert af_spec == [socket.AF_INET, socket.AF_INET6]

    link = Link.decode(body)
    assert link["prop_list"] == {"alt_ifname": ["nkalt"]}
    assert link["linkinfo"]["kind"] == "veth"
    assert link["linkinfo"]["slave_kind"] == "bridge"


def test_a_bridge_sends_its_info_data_without_the_flag(netns):
    netns.sh("ip", "link", "add", "nkbr", "type", "bridge")
    index = netns.ip("link", "show", "nkbr")[0]["ifindex"]
    sock = netns.socket()

    (body,) = sock.request(RTM_GETLINK, Link(index=index), decode=bytes)

    linkinfo = top_level_types(body)[IFLA.IFLA_LINKINFO][1]
    assert nested_types(linkinfo) == [1, 2]  # KIND, DATA


# 5. Extended ACK and errno sign.


def raw_socket(netns, *options: int) -> socket.socket:
    """A plain netlink socket in the namespace with only `options` on."""

    def make():
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)
        for option in options:
            sock.setsockopt(SOL_NETLINK, option, 1)
        sock.bind((0, 0))
        return sock

    return netns.run(make)


def test_mtu_67_fails_with_the_kernels_text(netns):
    """KERNEL-FACTS 5: EINVAL, "mtu less than device minimum"."""
    index = add_veth(netns)
    sock = netns.socket()

    for msg_type in (RTM_SETLINK, RTM_NEWLINK):
        with pytest.raises(InvalidArgument) as caught:
            sock.request(msg_type, Link(index=index, mtu=67))

        assert caught.value.errno == errno.EINVAL == 22
        assert caught.value.message == "mtu less than device minimum"
        assert caught.value.request == Link(index=index, mtu=67)

    assert netns.ip("link", "show", "nk0")[0]["mtu"] == 1500


@pytest.mark.parametrize(
    "options, flags, text",
    [
        ((), 0, ""),
        ((NETLINK_EXT_ACK,), NLM_F_ACK_TLVS, "mtu less than device minimum"),
        (
            (NETLINK_EXT_ACK, NETLINK_CAP_ACK),
            NLM_F_ACK_TLVS | NLM_F_CAPPED,
            "mtu less than device minimum",
        ),
    ],
    ids=["plain", "ext-ack", "ext-ack+cap-ack"],
)
def test_the_text_comes_only_with_ext_ack(netns, options, flags, text):
    """Raw sockets: -22 on the wire either way; the TLVs only if asked."""
    index = add_veth(netns)
    request = Link(index=index, mtu=67)
    with raw_socket(netns, *options) as sock:
        port = sock.getsockname()[0]
        sock.send(
            pack_message(
                RTM_SETLINK,
                flags=REQUEST_ACK,
                seq=9,
                port=0,
                body=request.encode(),
            )
        )
        data = sock.recv(65536)

    ((header, body),) = split(data)
    assert header.flags == flags
    assert struct.unpack_from("=i", body)[0] == -22
    with pytest.raises(InvalidArgument) as caught:
        Reply(9, port).feed(data)
    assert caught.value.errno == 22
    assert caught.value.message == text


def test_an_error_points_at_the_attribute_to_blame(netns):
    """The extended ACK's offset: IFLA_IFNAME right after the ifinfomsg."""
    index = add_veth(netns)
    sock = netns.socket()

    with pytest.raises(OSError) as caught:
        sock.request(RTM_SETLINK, Link(index=index, ifname="x" * 20))

    assert caught.value.errno == errno.ERANGE
    assert caught.value.message == "Attribute failed policy validation"
    assert caught.value.offset == 16 + Link.HEADER.size


# 16. Port ids.

PORTS = """
    import json, os, struct
    from netkit.netlink.socket import NetlinkSocket
    from netkit.netlink.parse import split

    first = NetlinkSocket()
    second = NetlinkSocket()
    everything = struct.pack("=BxHiII", 0, 0, 0, 0, 0)
    loopback = struct.pack("=BxHiII", 0, 0, 1, 0, 0)
    links = second.dump(18, everything)
    answered = second.request(18, loopback)
    seq = second.next_seq()
    second.send_raw(second.build(18, everything, 0x300, seq))
    ports = {h.port for h, _ in split(second.receive())}
    print(json.dumps({
        "pid": os.getpid(),
        "first": first.port,
        "second": second.port,
        "links": len(links),
        "answered": len(answered),
        "reply ports": sorted(ports),
    }))
"""


def test_port_ids_are_read_back(netns, record_property):
    """KERNEL-FACTS 16: only the first socket gets the process id."""
    done = subprocess.run(
        ["ip", "netns", "exec", netns.name, sys.executable, "-c"]
        + [textwrap.dedent(PORTS)],
        env=dict(os.environ, PYTHONPATH=str(NETKIT_ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(done.stdout)

    record_property("ports", seen)
    assert seen["first"] == seen["pid"]
    assert seen["second"] not in (seen["pid"], 0)
    assert seen["links"] == 1
    assert seen["answered"] == 1
    assert seen["reply ports"] == [seen["second"]]


# No descriptor leaks; big dumps.


def count_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_ten_thousand_sockets_leak_no_descriptor(netns):
    def churn_sockets():
        before = count_fds()
        for _ in range(10_000):
            NetlinkSocket().close()
        return before, count_fds()

    before, after = netns.run(churn_sockets)

    assert after == before


def test_context_manager_closes(netns):
    sock = netns.socket()
    fd = sock.fileno()

    with sock as same:
        assert same is sock
        assert not sock.closed
        assert os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")

    assert sock.closed
    sock.close()


def test_a_dump_of_100000_routes(netns, tmp_path, record_property):
    """The receive buffer copes with a big table; nothing is lost."""
    index = add_veth(netns)
    netns.sh("ip", "link", "set", "nk0", "up")
    netns.sh("ip", "link", "set", "nk1", "up")
    netns.sh("ip", "address", "add", "192.0.2.1/24", "dev", "nk0")
    routes = hosts(100_000, "198.18.0.0")
    batch(
        netns,
        tmp_path,
        [f"route add {r}/32 dev nk0 scope link" for r in routes],
    )
    sock = netns.socket()

    started = time.monotonic()
    dump = sock.dump(RTM_GETROUTE, Route(family=AF_INET))
    elapsed = time.monotonic() - started

    record_property("dump seconds", round(elapsed, 2))
    net = ipaddress.ip_network("198.18.0.0/15")
    ours = [m for m in dump if m.get("dst") in net and m.dst_len == 32]
    assert len(ours) == 100_000
    assert {m["oif"] for m in ours} == {index}
    expected = netns.ip("-4", "route", "show", "table", "all")
    assert len(dump) == len(expected) > 100_000

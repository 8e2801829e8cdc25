"""TUN and TAP devices in throwaway namespaces: made, used, removed.

The round trips write frames and packets into a device from Python and
read what the kernel answers; no ping binary runs, and nothing leaves the
test's namespaces.
"""

import errno
import grp
import json
import os
import pwd
import shutil
import uuid

import pytest

import netkit
from tests.integration.ioctl.frames import (
    arp_request,
    exchange,
    icmp_echo,
    ip4,
    mac_bytes,
    parse_arp,
    parse_icmp,
)

# The host behind the TAP, as the frames written into it say.
TAP_HOST_MAC = "02:00:00:00:0a:01"
TAP_HOST_IP = "192.0.2.1"
ROOM2_IP = "192.0.2.2"


def user_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def group_name(gid):
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def names(ns):
    return {link.name for link in ns.links()}


def ip_json(ns, name):
    """`ip -j -d link show NAME` inside `ns`, as the oracle."""
    if shutil.which("ip") is None:
        pytest.skip("iproute2 is not installed")
    done = ns.exec(
        ["ip", "-j", "-d", "link", "show", name],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)[0]


def test_tap_on_a_bridge_answers_arp(room, room2):
    bridge = netkit.Bridge.create("nkbr0", ns=room)
    bridge.up()
    tap = netkit.Tap.create("nktap0", ns=room, persist=False)
    with tap:
        port = tap.link()
        bridge.attach(port)
        port.up()
        pair = netkit.VethPair.create("nkv0", "eth0", ns=room, peer_ns=room2)
        bridge.attach(pair.a)
        pair.a.up()
        pair.b.add_address(f"{ROOM2_IP}/24")
        far = pair.b.up()

        def is_reply(frame):
            arp = parse_arp(frame)
            return arp is not None and arp["op"] == 2

        request = arp_request(TAP_HOST_MAC, TAP_HOST_IP, ROOM2_IP)
        reply = parse_arp(exchange(tap, request, is_reply))

    assert reply["dst"] == mac_bytes(TAP_HOST_MAC)
    assert reply["sha"] == mac_bytes(far.mac)
    assert reply["spa"] == ip4(ROOM2_IP)
    assert reply["tha"] == mac_bytes(TAP_HOST_MAC)
    assert reply["tpa"] == ip4(TAP_HOST_IP)
    assert "nktap0" not in names(room)


def test_tun_answers_an_echo_request(room):
    with netkit.Tun.create("nktun0", ns=room, persist=False) as tun:
        link = tun.link()
        link.add_address("198.51.100.1/24")
        link.up()
        request = icmp_echo("198.51.100.2", "198.51.100.1", 0x6B6E, 1, b"nk")

        def is_reply(packet):
            icmp = parse_icmp(packet)
            return icmp is not None and icmp["type"] == 0

        reply = parse_icmp(exchange(tun, request, is_reply))

    assert reply["src"] == ip4("198.51.100.1")
    assert reply["dst"] == ip4("198.51.100.2")
    assert (reply["id"], reply["seq"], reply["data"]) == (0x6B6E, 1, b"nk")


def test_tun_packet_info_header_when_asked(room):
    tun = netkit.Tun.create("nktun0", ns=room, persist=False, packet_info=True)
    with tun:
        link = tun.link()
        link.add_address("198.51.100.1/24")
        link.up()
        request = icmp_echo("198.51.100.2", "198.51.100.1", 7, 1, b"pi")

        def is_reply(packet):
            icmp = parse_icmp(packet[4:])
            return icmp is not None and icmp["type"] == 0

        # flags 0, then the EtherType of the packet
        reply = exchange(tun, b"\0\0\x08\0" + request, is_reply)

    assert reply[:4] == b"\0\0\x08\0"


def test_persistent_tap_is_an_ordinary_link(room):
    link = netkit.Tap.create("nktap0", ns=room)

    assert isinstance(link, netkit.Link)
    assert link.namespace == room
    assert link.kind == "tun"
    assert link.data["type"] == 2 and link.data["persist"] == 1
    assert link.data["pi"] == 0

    link.up()
    link.add_address("203.0.113.1/24")
    assert [str(a.address) for a in link.addresses(family=4)] == [
        "203.0.113.1/24"
    ]

    bridge = netkit.Bridge.create("nkbr0", ns=room)
    bridge.attach(link)
    assert [port.name for port in bridge.ports()] == ["nktap0"]
    assert link.refresh().master == "nkbr0"

    link.delete()
    assert "nktap0" not in names(room)


def test_persistent_tun_seen_by_iproute2(room):
    link = netkit.Tun.create("nktun0", ns=room, owner=1000, group=1000)

    shown = ip_json(room, "nktun0")
    info = shown["linkinfo"]["info_data"]

    assert shown["ifindex"] == link.index
    assert shown["linkinfo"]["info_kind"] == "tun"
    assert info["type"] == "tun"
    assert info["persist"] is True
    # ip shows the user's and the group's names where they have one
    assert str(info["user"]) in ("1000", user_name(1000))
    assert str(info["group"]) in ("1000", group_name(1000))
    assert link.data["owner"] == 1000 and link.data["group"] == 1000


def test_owner_and_group_by_name(room):
    user, group = user_name(0), group_name(0)
    link = netkit.Tap.create("nktap0", ns=room, owner=user, group=group)

    assert (link.data["owner"], link.data["group"]) == (0, 0)


def test_closing_removes_a_device_that_is_not_persistent(room):
    tap = netkit.Tap.create("nktap0", ns=room, persist=False)
    assert isinstance(tap, netkit.Tap)
    assert "nktap0" in names(room)
    assert tap.link().data["persist"] == 0

    tap.close()

    assert tap.closed
    assert "nktap0" not in names(room)
    with pytest.raises(ValueError):
        tap.fileno()
    tap.close()  # twice is harmless


def test_context_manager_closes(room):
    with netkit.Tun.create("nktun0", ns=room, persist=False) as tun:
        assert tun.link().kind == "tun"

    assert "nktun0" not in names(room)


def test_open_attaches_to_a_persistent_device(room):
    netkit.Tap.create("nktap0", ns=room)

    with netkit.Tap.open("nktap0", ns=room) as tap:
        assert tap.link().state in ("unknown", "down")
        tap.link().up()
        tap.write(arp_request(TAP_HOST_MAC, TAP_HOST_IP, ROOM2_IP))

    # Persistent: closing the descriptor leaves the link.
    assert "nktap0" in names(room)
    assert room.link("nktap0").stats.rx_packets == 1


def test_open_of_the_other_mode_is_refused(room):
    netkit.Tap.create("nktap0", ns=room)

    with pytest.raises(netkit.InvalidArgument) as caught:
        netkit.Tun.open("nktap0", ns=room)

    assert "TUNSETIFF" in str(caught.value)
    assert "nktap0" in str(caught.value)


def test_single_queue_device_takes_one_descriptor(room):
    tap = netkit.Tap.create("nktap0", ns=room, persist=False)
    with tap, pytest.raises(netkit.Busy) as caught:
        netkit.Tap.open("nktap0", ns=room)

    assert caught.value.errno == errno.EBUSY
    assert "nktap0" in str(caught.value)


def test_multi_queue_device_takes_more(room):
    first = netkit.Tap.create(
        "nktap0", ns=room, persist=False, multi_queue=True
    )
    with first, netkit.Tap.open("nktap0", ns=room, multi_queue=True):
        data = first.link().data
        assert data["multi_queue"] == 1
        assert data["num_queues"] == 2

    assert "nktap0" not in names(room)


def test_open_needs_an_existing_tun_device(room):
    with pytest.raises(netkit.LinkNotFound):
        netkit.Tap.open("nktap-none", ns=room)
    with pytest.raises(ValueError, match="not a TUN/TAP"):
        netkit.Tap.open("lo", ns=room)

    assert names(room) == {"lo"}


def test_taken_name_raises_link_exists(room):
    netkit.Bridge.create("nkbr0", ns=room)
    netkit.Tap.create("nktap0", ns=room)

    for taken in ("nkbr0", "nktap0"):
        with pytest.raises(netkit.LinkExists) as caught:
            netkit.Tap.create(taken, ns=room, persist=False)
        assert taken in str(caught.value)
        assert caught.value.errno == errno.EEXIST


def test_kernel_numbers_a_pattern_name(room):
    with netkit.Tap.create("nktap%d", ns=room, persist=False) as tap:
        assert tap.name == "nktap0"
        with netkit.Tap.create("nktap%d", ns=room, persist=False) as other:
            assert other.name == "nktap1"


def test_write_to_a_device_that_is_down(room):
    tap = netkit.Tap.create("nktap0", ns=room, persist=False)
    with tap, pytest.raises(OSError) as caught:
        tap.write(arp_request(TAP_HOST_MAC, TAP_HOST_IP, ROOM2_IP))

    assert caught.value.errno == errno.EIO
    assert any("up" in note for note in caught.value.__notes__)


def test_read_gives_up_after_timeout(room):
    tap = netkit.Tap.create("nktap0", ns=room, persist=False)
    with tap, pytest.raises(TimeoutError):
        tap.read(timeout=0.05)


def test_device_is_made_in_its_namespace_only(room, room2):
    name = "nk" + uuid.uuid4().hex[:8]
    with netkit.Tun.create(name, ns=room, persist=False) as tun:
        assert tun.namespace == room
        assert name in names(room)
        assert name not in names(room2)


def test_descriptor_is_not_inherited(room):
    with netkit.Tap.create("nktap0", ns=room, persist=False) as tap:
        assert not os.get_inheritable(tap.fileno())

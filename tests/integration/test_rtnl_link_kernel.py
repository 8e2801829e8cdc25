"""Link messages against the real kernel, with `ip -j -d` as the oracle.

Every test works in throwaway namespaces (the `netns` fixtures); the
sockets are opened inside them, so nothing here touches the host's links.
"""

from __future__ import annotations

import errno
import ipaddress
import os
from collections.abc import Iterator
from typing import Any

import pytest

from netkit.errors import (
    InvalidArgument,
    LinkExists,
    LinkNotFound,
    NotSupported,
)
from netkit.netlink.header import NLM_F_CREATE, NLM_F_REPLACE
from netkit.netlink.socket import NetlinkSocket
from netkit.rtnl.kinds import bridge, macvlan
from netkit.rtnl.link import (
    OPERSTATE_NAMES,
    LinkMessage,
    del_link,
    dump_links,
    flag_names,
    get_link,
    new_link,
    set_link,
    veth_pair,
)
from netkit.rtnl.rtm import RTM_NEWLINK

# Flags ip makes up (NO-CARRIER, M-DOWN) or hides (RUNNING).
IP_ONLY_FLAGS = {"NO-CARRIER", "M-DOWN"}

# Fields that ip -j -d prints under the same name as netkit's attribute.
SAME_NAME = (
    "mtu",
    "txqlen",
    "min_mtu",
    "max_mtu",
    "promiscuity",
    "allmulti",
    "num_tx_queues",
    "num_rx_queues",
    "gso_max_size",
    "gso_max_segs",
    "tso_max_size",
    "tso_max_segs",
    "gro_max_size",
    "qdisc",
    "address",
    "broadcast",
    "ifalias",
)


@pytest.fixture
def sock(netns) -> Iterator[NetlinkSocket]:
    """A netlink socket inside `netns`."""
    with netns.socket() as sock:
        yield sock


def netkit_links(sock: NetlinkSocket) -> dict[str, LinkMessage]:
    return {link["ifname"]: link for link in sock.dump(*dump_links())}


def ip_links(ns) -> dict[str, dict[str, Any]]:
    return {link["ifname"]: link for link in ns.ip("link", "show")}


def index_of(sock: NetlinkSocket, name: str) -> int:
    [link] = sock.request(*get_link(ifname=name))
    return link.index


def build_lab(netns, netns2) -> None:
    """veth, bridge with a veth port, vxlan, macvlan, a cross-ns veth."""
    commands = [
        "link add v0 type veth peer name v1",
        "link add br0 type bridge",
        "link set v0 master br0",
        "link add vx0 type vxlan id 42 dstport 4789 local 192.0.2.1",
        "link add mv0 link v1 type macvlan mode bridge",
        "link set mv0 txqlen 500",
        "link set v1 group 7 alias far-end",
        f"link add x0 type veth peer name x1 netns {netns2.name}",
        "link set br0 up",
        "link set v0 up",
        "link set v1 up",
    ]
    for command in commands:
        netns.sh("ip", *command.split())


def test_dump_matches_ip(netns, netns2, sock) -> None:
    build_lab(netns, netns2)

    ours = netkit_links(sock)
    theirs = ip_links(netns)

    assert set(ours) == set(theirs)
    index = {name: link.index for name, link in ours.items()}
    for name, link in ours.items():
        ip = theirs[name]
        assert link.index == ip["ifindex"], name
        for field in SAME_NAME:
            assert link.get(field) == ip.get(field), (name, field)
        assert OPERSTATE_NAMES[link["operstate"]] == ip["operstate"].lower()
        assert set(flag_names(link.flags)) - {"RUNNING"} == (
            set(ip["flags"]) - IP_ONLY_FLAGS
        )
        group = link["group"]
        assert ip["group"] == ("default" if group == 0 else str(group))
        master = ip.get("master")
        assert link.get("master") == (index[master] if master else None)
        kind = ip.get("linkinfo", {}).get("info_kind")
        assert link.get("linkinfo", {}).get("kind") == kind, name

    assert ours["v0"]["link"] == index["v1"]
    assert ours["mv0"]["link"] == index["v1"]
    assert ours["v1"]["ifalias"] == "far-end"
    assert ours["v0"]["linkinfo"]["slave_kind"] == "bridge"


def test_cross_namespace_veth_matches_ip(netns, netns2, sock) -> None:
    build_lab(netns, netns2)

    x0 = netkit_links(sock)["x0"]
    ip = ip_links(netns)["x0"]
    peer = ip_links(netns2)["x1"]

    assert x0["link_netnsid"] == ip["link_netnsid"]
    assert x0["link"] == ip["link_index"] == peer["ifindex"]


def test_kind_data_matches_ip(netns, netns2, sock) -> None:
    build_lab(netns, netns2)

    ours = netkit_links(sock)
    theirs = ip_links(netns)

    vxlan = ours["vx0"]["linkinfo"]["data"]
    ip_vxlan = theirs["vx0"]["linkinfo"]["info_data"]
    assert vxlan["id"] == ip_vxlan["id"] == 42
    assert vxlan["local"] == ipaddress.ip_address(ip_vxlan["local"])
    assert vxlan["port"] == ip_vxlan["port"] == 4789
    assert vxlan["ttl"] == ip_vxlan["ttl"]
    assert vxlan["ageing"] == ip_vxlan["ageing"]
    assert bool(vxlan["learning"]) == ip_vxlan["learning"]
    assert bool(vxlan["udp_csum"]) == ip_vxlan["udp_csum"]
    assert vxlan["port_range"] == ip_vxlan["port_range"]

    br = ours["br0"]["linkinfo"]["data"]
    ip_br = theirs["br0"]["linkinfo"]["info_data"]
    for field in (
        "forward_delay",
        "hello_time",
        "max_age",
        "ageing_time",
        "stp_state",
        "priority",
        "vlan_filtering",
        "group_addr",
        "mcast_snooping",
        "mcast_hash_max",
        "root_port",
    ):
        assert br[field] == ip_br[field], field
    # iproute2 prints the id's octets without zero padding ("9" for 09).
    bridge_id = br["bridge_id"]
    priority, _, address = ip_br["bridge_id"].partition(".")
    assert int(priority, 16) == bridge_id["priority"]
    assert [int(octet, 16) for octet in address.split(":")] == [
        int(octet, 16) for octet in bridge_id["address"].split(":")
    ]

    port = ours["v0"]["linkinfo"]["slave_data"]
    ip_port = theirs["v0"]["linkinfo"]["info_slave_data"]
    assert bridge.PORT_STATE_NAMES[port["state"]] == ip_port["state"]
    assert (port["priority"], port["cost"]) == (
        ip_port["priority"],
        ip_port["cost"],
    )
    assert bool(port["learning"]) == ip_port["learning"]
    assert bool(port["unicast_flood"]) == ip_port["flood"]
    assert bool(port["mode"]) == ip_port["hairpin"]
    assert port["id"] == int(ip_port["id"], 16)

    mv = ours["mv0"]["linkinfo"]["data"]
    ip_mv = theirs["mv0"]["linkinfo"]["info_data"]
    assert macvlan.MODE_NAMES[mv["mode"]] == ip_mv["mode"] == "bridge"
    assert mv["bc_queue_len"] == ip_mv["bcqueuelen"]


def test_create_and_delete_a_veth_pair(netns, sock) -> None:
    request = veth_pair("nk-a", "nk-b", mtu=1400, address="02:00:00:00:00:01")

    assert sock.request(*request) == []
    links = ip_links(netns)
    assert links["nk-a"]["linkinfo"]["info_kind"] == "veth"
    assert links["nk-b"]["linkinfo"]["info_kind"] == "veth"
    assert links["nk-a"]["link"] == "nk-b"
    assert links["nk-a"]["mtu"] == 1400
    assert links["nk-a"]["address"] == "02:00:00:00:00:01"

    index = index_of(sock, "nk-a")
    assert index == links["nk-a"]["ifindex"]
    assert sock.request(*del_link(index)) == []
    assert {"nk-a", "nk-b"}.isdisjoint(ip_links(netns))


def test_create_a_bridge_attach_and_delete(netns, sock) -> None:
    data = {"stp_state": 1, "forward_delay": 400, "priority": 4096}
    sock.request(*new_link("nk-br", "bridge", data))
    sock.request(*veth_pair("nk-p0", "nk-p1"))
    br, p0 = index_of(sock, "nk-br"), index_of(sock, "nk-p0")

    info = ip_links(netns)["nk-br"]["linkinfo"]
    assert info["info_kind"] == "bridge"
    assert info["info_data"]["stp_state"] == 1
    assert info["info_data"]["forward_delay"] == 400
    assert info["info_data"]["priority"] == 4096

    sock.request(*set_link(p0, master=br, up=True))
    port = ip_links(netns)["nk-p0"]
    assert port["master"] == "nk-br"
    assert "UP" in port["flags"]
    ports = sock.dump(*dump_links(master=br))
    assert [link["ifname"] for link in ports] == ["nk-p0"]
    bridges = sock.dump(*dump_links(kind="bridge"))
    assert [link["ifname"] for link in bridges] == ["nk-br"]

    sock.request(*del_link(br))
    links = ip_links(netns)
    assert "nk-br" not in links
    assert "master" not in links["nk-p0"]


def test_replace_changes_an_existing_link(netns, sock) -> None:
    sock.request(*new_link("nk-br", "bridge", {"stp_state": 1}))

    sock.request(*new_link("nk-br", "bridge", {"stp_state": 0}, replace=True))

    info = ip_links(netns)["nk-br"]["linkinfo"]["info_data"]
    assert info["stp_state"] == 0


def test_the_kernel_refuses_nlm_f_replace_for_links(sock) -> None:
    # Why new_link(replace=True) sends NLM_F_CREATE alone.
    sock.request(*new_link("nk-br", "bridge"))
    _, body, _ = new_link("nk-br", "bridge")

    with pytest.raises(NotSupported) as info:
        sock.request(RTM_NEWLINK, body, NLM_F_CREATE | NLM_F_REPLACE)

    assert info.value.errno == errno.EOPNOTSUPP


def test_adding_a_link_that_exists_raises_link_exists(sock) -> None:
    sock.request(*veth_pair("nk-a", "nk-b"))

    with pytest.raises(LinkExists) as info:
        sock.request(*veth_pair("nk-a", "nk-c"))

    assert info.value.errno == errno.EEXIST
    assert isinstance(info.value, FileExistsError)
    # Linux 6.18 gives no extended-ACK text for this one.
    assert info.value.message == ""
    assert info.value.strerror == os.strerror(errno.EEXIST)


def test_a_veth_peer_born_in_another_namespace(netns, netns2, sock) -> None:
    fd = os.open(netns2.path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        sock.request(*veth_pair("nk0", "nk0", peer_netns_fd=fd))
    finally:
        os.close(fd)

    here, there = ip_links(netns), ip_links(netns2)
    assert set(here) == {"lo", "nk0"}
    assert set(there) == {"lo", "nk0"}
    assert here["nk0"]["link_index"] == there["nk0"]["ifindex"]
    assert "link_netnsid" in here["nk0"]
    with netns2.socket() as far:
        [peer] = far.request(*get_link(ifname="nk0"))
    assert peer["link"] == here["nk0"]["ifindex"]
    assert peer["link_netnsid"] == there["nk0"]["link_netnsid"]


def test_an_mtu_below_the_minimum_is_refused(sock) -> None:
    sock.request(*veth_pair("nk-a", "nk-b"))
    index = index_of(sock, "nk-a")

    with pytest.raises(InvalidArgument) as info:
        sock.request(*set_link(index, mtu=67))
    sock.request(*set_link(index, mtu=68))

    assert info.value.errno == errno.EINVAL
    assert info.value.message == "mtu less than device minimum"
    [link] = sock.request(*get_link(index))
    assert link["mtu"] == 68


def test_deleting_a_veth_end_twice(sock) -> None:
    sock.request(*veth_pair("nk-a", "nk-b"))
    a, b = index_of(sock, "nk-a"), index_of(sock, "nk-b")

    sock.request(*del_link(a))

    with pytest.raises(LinkNotFound) as again:
        sock.request(*del_link(a))
    with pytest.raises(LinkNotFound) as peer:
        sock.request(*del_link(b))
    with pytest.raises(LinkNotFound):
        sock.request(*get_link(ifname="nk-b"))
    assert again.value.errno == peer.value.errno == errno.ENODEV
    # The kernel gives no text; "Cannot find device" is iproute2's own.
    assert again.value.message == ""


def test_vxlan_macvlan_and_macvtap_through_netkit(netns, sock) -> None:
    sock.request(*veth_pair("nk-a", "nk-b"))
    parent = index_of(sock, "nk-a")
    vxlan = {"id": 7, "port": 4789, "local": "192.0.2.1", "ttl_inherit": True}
    vepa = {"mode": macvlan.MACVLAN_MODE_VEPA}

    sock.request(*new_link("nk-vx", "vxlan", vxlan))
    sock.request(*new_link("nk-mv", "macvlan", vepa, link=parent))
    sock.request(*new_link("nk-mt", "macvtap", vepa, link=parent))

    links = ip_links(netns)
    vx = links["nk-vx"]["linkinfo"]["info_data"]
    assert (vx["id"], vx["port"], vx["local"]) == (7, 4789, "192.0.2.1")
    [ours] = sock.request(*get_link(ifname="nk-vx"))
    assert ours["linkinfo"]["data"]["ttl_inherit"] == 1
    for name in ("nk-mv", "nk-mt"):
        assert links[name]["link"] == "nk-a"
        assert links[name]["linkinfo"]["info_data"]["mode"] == "vepa"


def test_moving_a_link_to_another_namespace(netns, netns2, sock) -> None:
    sock.request(*veth_pair("nk-a", "nk-b"))
    index = index_of(sock, "nk-a")
    sock.request(*set_link(index, mtu=1400, ifalias="moved", up=True))

    fd = os.open(netns2.path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        sock.request(*set_link(index, net_ns_fd=fd))
    finally:
        os.close(fd)

    assert "nk-a" not in ip_links(netns)
    moved = ip_links(netns2)["nk-a"]
    assert (moved["mtu"], moved["ifalias"]) == (1400, "moved")
    assert "UP" not in moved["flags"]

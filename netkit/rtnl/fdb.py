"""Forwarding database entries: neighbour messages of family AF_BRIDGE.

A bridge's forwarding database (and a vxlan's table of remote tunnel
ends) is read and written with the neighbour message of
`netkit.rtnl.neigh`, family AF_BRIDGE: NDA_LLADDR is the MAC, `ifindex`
the port (or the vxlan device), NDA_VLAN the VLAN, NDA_MASTER the
bridge.  A vxlan entry adds the remote end: NDA_DST (its IP address),
NDA_PORT (UDP port), NDA_VNI, NDA_IFINDEX (the device to reach it by).

Who handles a request is said by the header's flags: NTF_MASTER for the
bridge the port belongs to (`bridge fdb add ... master`), NTF_SELF for
the device itself (a vxlan, or a port's own address list).  The state
says what kind of entry it is, in the bridge's words:

- NUD_NOARP: "static", never ages out, the port is fixed;
- NUD_PERMANENT: "permanent", a local address, frames to it are for the
  bridge itself; for a vxlan, an entry that does not age out;
- NUD_REACHABLE: a dynamic entry, as if learned, that ages out.

Request builders return a `Request` (type, body, flags): send it with
``sock.request(*req)``, or ``sock.dump(*req)`` for `dump_fdb()`.
"""

from __future__ import annotations

from collections.abc import Iterable

from netkit.netlink.attrs import parse_lladdr
from netkit.netlink.header import NLM_F_APPEND, NLM_F_CREATE
from netkit.rtnl.common import (
    DUMP_FLAGS,
    IPAddress,
    Names,
    Request,
    check_index,
    check_u32,
    new_flags,
    parse_address,
)
from netkit.rtnl.neigh import FLAGS, NTF, NUD, NeighMessage
from netkit.rtnl.rtm import AF_BRIDGE, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH

ETH_ALEN = 6
# VLAN ids the kernel takes for an entry (0 means none; 4095 is
# reserved).
VLAN_MAX = 4094
VNI_MAX = (1 << 24) - 1

# The state names `bridge fdb` prints, and the NUD value of each.
STATES = Names(
    {
        NUD.NUD_PERMANENT: "permanent",
        NUD.NUD_NOARP: "static",
        NUD.NUD_REACHABLE: "dynamic",
    },
    aliases={"local": NUD.NUD_PERMANENT, "reachable": NUD.NUD_REACHABLE},
)


def state_name(state: int) -> str:
    """The word `bridge fdb` uses for an entry's NUD state.

    "permanent", "static", "stale", or "reachable" for a fresh learned
    entry (which `bridge fdb` shows with no word at all).
    """
    if state & NUD.NUD_PERMANENT:
        return "permanent"
    if state & NUD.NUD_NOARP:
        return "static"
    if state & NUD.NUD_STALE:
        return "stale"
    if state & NUD.NUD_REACHABLE:
        return "reachable"
    return hex(state)


def check_mac(mac: str) -> str:
    """A MAC address of six octets, in lower case; ValueError if not."""
    try:
        raw = parse_lladdr(mac)
    except ValueError:
        raise ValueError(f"{mac!r} is not a MAC address") from None
    if len(raw) != ETH_ALEN:
        raise ValueError(f"{mac!r} is not a MAC address (six octets)")
    return raw.hex(":")


def new_fdb(
    mac: str,
    index: int,
    *,
    master: bool = True,
    state: str | int = "static",
    vlan: int | None = None,
    dst: str | IPAddress | None = None,
    dst_port: int | None = None,
    vni: int | None = None,
    src_vni: int | None = None,
    via: int | None = None,
    flags: Iterable[str] = (),
    replace: bool = False,
    append: bool = False,
) -> Request:
    """Add an entry: like ``bridge fdb add MAC dev INDEX [master|self]``.

    `master` sends it to the bridge of port `index`; False to the device
    itself (a vxlan).  `state` is "static", "permanent" or "dynamic" (or
    a NUD value).  `dst`, `dst_port`, `vni`, `src_vni` and `via` (an
    ifindex) describe a vxlan's remote end.  `flags` adds NTF names
    ("sticky", "extern_learn").  `replace` makes it ``bridge fdb
    replace``; `append` adds one more remote for the same MAC (``bridge
    fdb append``, for the all-zero MAC that floods to several ends).
    Raises ValueError on bad input.
    """
    if replace and append:
        raise ValueError("give replace or append, not both")

    body = _entry(mac, index, master, vlan, FLAGS.flags(list(flags)))
    body.state = STATES.value(state)
    if dst is not None:
        body["dst"] = parse_address(dst, what="remote")
    if dst_port is not None:
        body["port"] = _check_port(dst_port)
    if vni is not None:
        body["vni"] = _check_vni(vni, "vni")
    if src_vni is not None:
        body["src_vni"] = _check_vni(src_vni, "src_vni")
    if via is not None:
        body["ifindex"] = check_index(via, "via")
    flags = NLM_F_CREATE | NLM_F_APPEND if append else new_flags(replace)
    return Request(RTM_NEWNEIGH, body, flags)


def del_fdb(
    mac: str,
    index: int,
    *,
    master: bool = True,
    vlan: int | None = None,
    dst: str | IPAddress | None = None,
    dst_port: int | None = None,
    vni: int | None = None,
) -> Request:
    """Remove an entry: like ``bridge fdb del MAC dev INDEX [vlan V]``.

    For a vxlan, `dst` (with `dst_port`, `vni`) removes one remote of the
    MAC and leaves the others; without it the whole entry goes.
    """
    body = _entry(mac, index, master, vlan, 0)
    if dst is not None:
        body["dst"] = parse_address(dst, what="remote")
    if dst_port is not None:
        body["port"] = _check_port(dst_port)
    if vni is not None:
        body["vni"] = _check_vni(vni, "vni")
    return Request(RTM_DELNEIGH, body, 0)


def get_fdb(
    mac: str,
    *,
    index: int = 0,
    bridge: int = 0,
    master: bool = True,
    vlan: int | None = None,
    vni: int | None = None,
) -> Request:
    """Look one entry up: like ``bridge fdb get MAC br BRIDGE [vlan V]``.

    Give the bridge (`bridge`, an ifindex) or a port or vxlan (`index`);
    `master` False asks the device itself (a vxlan).  The reply is one
    neighbour message; NeighbourNotFound when there is no such entry.
    """
    if not index and not bridge:
        raise ValueError("get_fdb needs a bridge or a device index")

    body = NeighMessage(
        family=AF_BRIDGE,
        flags=NTF.NTF_MASTER if master else NTF.NTF_SELF,
        lladdr=check_mac(mac),
    )
    if index:
        body.ifindex = check_index(index)
    if bridge:
        body["master"] = check_index(bridge, "bridge")
    if vlan is not None:
        body["vlan"] = _check_vlan(vlan)
    if vni is not None:
        body["vni"] = _check_vni(vni, "vni")
    return Request(RTM_GETNEIGH, body, 0)


def dump_fdb(*, bridge: int = 0, index: int = 0) -> Request:
    """List entries: like ``bridge fdb show [br BRIDGE] [dev INDEX]``.

    The kernel filters by bridge (NDA_MASTER) and by port or device
    (NDA_IFINDEX).  Besides the forwarding database the dump holds each
    device's own address list (flagged "self", state permanent).
    """
    body = NeighMessage(family=AF_BRIDGE)
    if bridge:
        body["master"] = check_index(bridge, "bridge")
    if index:
        body["ifindex"] = check_index(index)
    return Request(RTM_GETNEIGH, body, DUMP_FLAGS)


def _entry(
    mac: str, index: int, master: bool, vlan: int | None, flags: int
) -> NeighMessage:
    flags |= NTF.NTF_MASTER if master else NTF.NTF_SELF
    body = NeighMessage(
        family=AF_BRIDGE,
        ifindex=check_index(index),
        flags=flags,
        lladdr=check_mac(mac),
    )
    if flags > 0xFF:
        raise ValueError(f"flags {flags:#x} do not fit in 8 bits")
    if vlan is not None:
        body["vlan"] = _check_vlan(vlan)
    return body


def _check_vlan(vlan: int) -> int:
    if isinstance(vlan, bool) or not isinstance(vlan, int):
        raise ValueError(f"a VLAN id is an int, not {vlan!r}")
    if not 1 <= vlan <= VLAN_MAX:
        raise ValueError(f"VLAN {vlan} is not 1 to {VLAN_MAX}")
    return vlan


def _check_vni(vni: int, what: str) -> int:
    check_u32(vni, what)
    if vni > VNI_MAX:
        raise ValueError(f"{what} {vni} does not fit in 24 bits")
    return vni


def _check_port(port: int) -> int:
    if isinstance(port, bool) or not isinstance(port, int):
        raise ValueError(f"a UDP port is an int, not {port!r}")
    if not 0 < port <= 0xFFFF:
        raise ValueError(f"UDP port {port} is not 1 to 65535")
    return port

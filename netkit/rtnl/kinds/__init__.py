"""Link kinds: the codecs for IFLA_INFO_DATA and IFLA_INFO_SLAVE_DATA.

What a link's kind-specific data means depends on IFLA_INFO_KIND ("veth",
"bridge"...), and what a port's data means depends on the kind of its
master (IFLA_INFO_SLAVE_KIND).  Each kind is a small module here that
declares its attribute table and calls `register()`; `netkit.rtnl.link`
imports the built-in ones, so importing it is enough to have them all.
Data of a kind that is not registered stays raw bytes.
"""

from __future__ import annotations

from netkit.netlink.attrs import Codec

# IFLA_INFO_KIND -> codec of IFLA_INFO_DATA.
KIND_DATA: dict[str, Codec] = {}
# IFLA_INFO_SLAVE_KIND (the master's kind) -> codec of IFLA_INFO_SLAVE_DATA.
SLAVE_DATA: dict[str, Codec] = {}
# Every registered kind, including those that carry no data (dummy, ifb).
KINDS: set[str] = set()


def register(
    kind: str,
    data_codec: Codec | None = None,
    slave_codec: Codec | None = None,
) -> None:
    """Declare a link kind, its data codec and its ports' data codec."""
    if kind in KINDS:
        raise ValueError(f"link kind {kind!r} is registered already")

    KINDS.add(kind)
    if data_codec is not None:
        KIND_DATA[kind] = data_codec
    if slave_codec is not None:
        SLAVE_DATA[kind] = slave_codec

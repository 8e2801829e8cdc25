"""A link kind's options: from the file to kind data, and to `ip` words.

The file gives a kind's options by netkit's Python names of its data
attributes (IFLA_VXLAN_ID is `id`, IFLA_BR_STP_STATE is `stp_state`);
they are checked by encoding them, which needs no kernel.  A few values
are friendlier as words (a macvlan's `mode = "bridge"`); `WORDS` turns
them into the kernel's numbers.  `ip_words` writes options the way
`ip link add ... type KIND` takes them, for the dry-run script.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netkit.rtnl import link as rtlink
from netkit.rtnl.kinds import KIND_DATA
from netkit.rtnl.kinds.macvlan import MODE_NAMES
from netkit.topology.reader import Section

# (kind, option) -> {word: kernel value}
WORDS: dict[tuple[str, str], dict[str, int]] = {
    ("macvlan", "mode"): {name: mode for mode, name in MODE_NAMES.items()},
    ("macvtap", "mode"): {name: mode for mode, name in MODE_NAMES.items()},
}

# (kind, option) -> the word `ip link add ... type KIND` uses for it.
IP_NAMES: dict[tuple[str, str], str] = {
    ("vxlan", "port"): "dstport",
    ("vxlan", "link"): "dev",
}

# Options `ip` spells as a bare word, or the word with "no" before it.
IP_SWITCHES = {("vxlan", "learning"), ("vxlan", "udp_csum")}

# Kinds whose lower link goes in their data, not in IFLA_LINK.
PARENT_IN_DATA = {"vxlan": "link"}


def known(kind: str) -> list[str]:
    """The option names a kind takes."""
    return sorted(KIND_DATA[kind].table.by_name)


def parse(table: Section, kind: str, name: str) -> dict[str, Any]:
    """A kind's options, checked; problems go to the table's list."""
    names = set(known(kind))
    found: dict[str, Any] = {}
    for key, value in table.data.items():
        if key not in names:
            table.problems.add(
                table.where(key),
                f"a {kind} has no option {key!r} "
                f"(known: {', '.join(sorted(names))})",
            )
            continue
        words = WORDS.get((kind, key))
        if words is not None and isinstance(value, str):
            if value not in words:
                table.problems.add(
                    table.where(key),
                    f"{value!r} is not one of {', '.join(words)}",
                )
                continue
            value = words[value]
        if table.convert(key, value, lambda v, k=key: _encode(kind, k, v)):
            found[key] = value
    return found


def _encode(kind: str, key: str, value: Any) -> bool:
    rtlink.new_link("x", kind, {key: value}).body.encode()
    return True


def ip_words(kind: str, options: Mapping[str, Any]) -> list[str]:
    """The options as words of `ip link add NAME type KIND ...`."""
    words: list[str] = []
    for key, value in options.items():
        name = IP_NAMES.get((kind, key), key)
        names = WORDS.get((kind, key))
        if names is not None:
            value = {v: k for k, v in names.items()}.get(value, value)
        if (kind, key) in IP_SWITCHES:
            words.append(name if value else f"no{name}")
        elif isinstance(value, bool):
            words += [name, "on" if value else "off"]
        else:
            words += [name, str(value)]
    return words

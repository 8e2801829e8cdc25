"""A directive that lists the attributes netkit decodes, from its tables.

``.. netkit-attrs:: netkit.rtnl.kinds.vxlan.DATA`` renders the
`AttrTable` named there: each attribute's kernel name, its Python name
and how its value is decoded, then the kernel's attributes of the same
space that the table leaves raw (bytes under their number).  The page
is made from the tables themselves, so it cannot fall behind them.
"""

from __future__ import annotations

import enum
from importlib import import_module

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from netkit.netlink import attrs

# The codecs of one attribute each, by class name.
OWN_CODECS = {
    "Uint": "u32, or u64 when it needs",
    "UInt": "u32, or u64 when it needs",
    "BridgeId": "bridge id: priority and MAC",
    "Via": "family and address (struct rtvia)",
    "PeerCodec": "a whole link message: the peer",
    "Nexthops": "next hops, each with its attributes",
    "FlagOrU8": "u8 in dumps, flag in requests",
}


def codec_name(codec) -> str:
    """How a codec decodes its payload, in a few words."""
    for name in ("U8", "U16", "U32", "U64", "S8", "S32", "BE16", "BE32"):
        if codec is getattr(attrs, name):
            return name.lower()
    plain = {
        "STRING": "text",
        "BINARY": "bytes",
        "FLAG": "flag (present: True)",
        "IPV4": "IPv4 address",
        "IPV6": "IPv6 address",
        "IPADDR": "IP address",
        "LLADDR": "MAC address",
    }
    for name, words in plain.items():
        if codec is getattr(attrs, name):
            return words
    if isinstance(codec, attrs.Nested):
        return f"nested: {codec.table.name}_*"
    if isinstance(codec, attrs.ByKey):
        return "by kind"
    if isinstance(codec, attrs.StructCodec):
        return "struct, as a dict of its fields"
    return OWN_CODECS.get(type(codec).__name__, type(codec).__name__)


def table_and_enum(path: str):
    module_name, _, table_name = path.rpartition(".")
    module = import_module(module_name)
    table = getattr(module, table_name)
    numbers = getattr(module, table.name, None)
    if not (isinstance(numbers, type) and issubclass(numbers, enum.IntEnum)):
        numbers = None
    return table, numbers


def code(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def row(*cells: nodes.Node) -> nodes.row:
    line = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", cell)
        line += entry
    return line


class NetkitAttrs(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        table, numbers = table_and_enum(self.arguments[0])
        body = nodes.tbody()
        for number, (name, codec, multi) in sorted(table.by_type.items()):
            kernel = numbers(number).name if numbers else str(number)
            kind = codec_name(codec)
            kind = f"list of {kind}" if multi else kind
            body += row(code(kernel), code(name), nodes.Text(kind))

        group = nodes.tgroup(cols=3)
        for width in (40, 25, 35):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += row(*(nodes.Text(t) for t in ("kernel", "Python", "value")))
        group += head
        group += body
        result: list[nodes.Node] = [nodes.table("", group)]

        raw = [
            member.name
            for member in numbers or ()
            if member.value not in table.by_type
            and not member.name.endswith(("_UNSPEC", "_PAD"))
        ]
        if raw:
            para = nodes.paragraph(
                "", "Kept raw (bytes, under their number): "
            )
            for index, name in enumerate(raw):
                if index:
                    para += nodes.Text(", ")
                para += code(name)
            para += nodes.Text(".")
            result.append(para)
        return result


def setup(app) -> dict:
    app.add_directive("netkit-attrs", NetkitAttrs)
    return {"parallel_read_safe": True}

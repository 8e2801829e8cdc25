"""A directive that shows the `netkit` command's own --help text.

``.. netkit-help:: up`` renders ``netkit up --help`` as a literal block,
so the reference can never disagree with the command.
"""

from __future__ import annotations

import argparse
import contextlib
import io

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def help_text(words: list[str]) -> str:
    """What `netkit WORDS... --help` prints."""
    from netkit.cli import build_parser

    parser = build_parser()
    for word in words:
        actions = [
            a
            for a in parser._actions
            if isinstance(a, argparse._SubParsersAction)
        ]
        parser = actions[0].choices[word]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parser.print_help()
    return out.getvalue()


class NetkitHelp(SphinxDirective):
    optional_arguments = 10
    has_content = False

    def run(self) -> list[nodes.Node]:
        text = help_text(list(self.arguments))
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def setup(app) -> dict:
    app.add_directive("netkit-help", NetkitHelp)
    return {"parallel_read_safe": True}

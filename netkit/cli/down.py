"""`netkit down`: remove what a topology file declares, and nothing else.

The routes and neighbours the file gives the host are removed, then its
links (each only when a link of that name and kind is where the file
puts it), then its namespaces.  The host's own namespace stays, and so
do its sysctls.  What is already gone is skipped, so running it twice
is harmless.  Give the same --prefix as to `netkit up`.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from netkit.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, describe
from netkit.cli._topology import (
    EXIT_HELP,
    add_file_arguments,
    load_topology,
    printer,
    streams,
)
from netkit.topology import down


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "down",
        help="remove what a topology file declares",
        description=describe(__doc__),
        epilog=EXIT_HELP.format(extra="(the rest is still removed)"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_file_arguments(parser)
    parser.set_defaults(run=run)


def run(
    args: argparse.Namespace,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = streams(out, err)
    topology = load_topology(args, err)
    if topology is None:
        return EXIT_USAGE

    result = down(topology, printer(out, err))
    if result.errors:
        count = len(result.errors)
        print(f"netkit down: {count} removals failed", file=err)
        return EXIT_FAILED
    if result.removed:
        print(f"{args.file} is down: {result.removed} removed.", file=out)
    else:
        print(f"{args.file} is down: nothing to remove.", file=out)
    return EXIT_OK

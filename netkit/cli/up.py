"""`netkit up`: build the network a topology file declares.

What is already there is kept; what is missing is created; settings
that differ from the file (addresses, MTU, MAC, up/down, bridge ports,
routes, sysctls, neighbours) are changed to what the file says.  Each
change is printed as the `ip` command it stands for.  Run it twice and
the second run changes nothing.  When a step fails, everything this run
changed is undone, and the error names the step.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from netkit.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, ROOT_HINT, describe
from netkit.cli._topology import (
    EXIT_HELP,
    FORMAT_HELP,
    add_file_arguments,
    load_topology,
    printer,
    streams,
)
from netkit.topology import StepFailed, build, up


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "up",
        help="build a topology from a TOML file (idempotent)",
        description=describe(__doc__),
        epilog=FORMAT_HELP
        + "\n"
        + EXIT_HELP.format(extra="and what the run had changed is undone"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_file_arguments(parser)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan as a shell script of ip commands (a build "
        "from nothing) and change nothing; needs no root",
    )
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
    if args.dry_run:
        out.write(build(topology).script())
        return EXIT_OK

    try:
        result = up(topology, printer(out, err))
    except StepFailed as exc:
        refused = isinstance(exc.cause, PermissionError)
        text = str(exc)
        if refused:
            # The hint below says it once; netkit.ns says it in the cause.
            text = text.replace(" (run as root)", "")
        print(f"netkit up: {text}", file=err)
        if refused:
            print(f"netkit up: {ROOT_HINT}", file=err)
        for problem in exc.rollback_errors:
            print(f"netkit up: could not undo: {problem}", file=err)
        if not exc.rollback_errors:
            print("netkit up: undone: this run left nothing behind", file=err)
        return EXIT_FAILED

    if result.changed:
        noun = "change" if result.changes == 1 else "changes"
        print(f"{args.file} is up: {result.changes} {noun}.", file=out)
    else:
        print(f"{args.file} is up: nothing to change.", file=out)
    return EXIT_OK

"""The `netkit` command.

Each subcommand is a module of this package with `add_parser(subparsers)`
and `run(args) -> int`; `COMMANDS` lists them in the order `--help` shows.
Exit status: 0 success, 1 the operation failed (the kernel's message is
printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from importlib import import_module

import netkit

COMMANDS = ("demo", "up", "down", "show", "ns", "monitor", "bench")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

ROOT_HINT = (
    "netkit needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to change "
    "namespaces and links; run it with sudo"
)


def root_message(exc: PermissionError) -> str:
    """One line for a refusal: what was refused, and that root is needed.

    A message that already names the step and its capability (netkit.ns:
    "... needs CAP_SYS_ADMIN (run as root)") gets the short hint only.
    """
    detail = getattr(exc, "message", "") or str(exc)
    if "(run as root)" in detail:
        detail = detail.replace(" (run as root)", "")
        return f"{detail}; netkit needs root: run it with sudo"
    return f"{detail}; {ROOT_HINT}"


def describe(doc: str) -> str:
    """A subcommand's description from its module docstring.

    "`netkit up`: build the network..." becomes "Build the network...",
    followed by the rest of the docstring.
    """
    first, _, rest = doc.partition("\n\n")
    first = first.split(": ", 1)[-1]
    return f"{first[:1].upper()}{first[1:]}\n\n{rest}".rstrip()


def namespace_name(text: str) -> str:
    """An argparse type: a name a namespace can have (else exit 2)."""
    from netkit.ns.names import name_problem

    problem = name_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(
            f"{text!r} cannot name a namespace: {problem}"
        )
    return text


def new_namespace_name(text: str) -> str:
    """`namespace_name`, also refusing control characters (a newline)."""
    text = namespace_name(text)
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise argparse.ArgumentTypeError(
            f"{text!r} cannot name a new namespace: it holds a control "
            "character"
        )
    return text


def build_parser() -> argparse.ArgumentParser:
    """The parser for `netkit` and all its subcommands."""
    parser = argparse.ArgumentParser(
        prog="netkit",
        description=(
            "Build Linux networks: network namespaces, veth cables, "
            "bridges, addresses and routes, over rtnetlink."
        ),
        epilog=(
            "exit status: 0 success, 1 the operation failed (the kernel's "
            "message is printed), 2 usage error (also a topology file that "
            "cannot be used).  `netkit COMMAND --help` tells more."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"netkit {netkit.__version__}"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show each netlink request as it is sent",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = _command(name)
        if module is not None:
            module.add_parser(subparsers)
    return parser


def _command(name: str):
    try:
        return import_module(f"netkit.cli.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"netkit.cli.{name}":
            raise
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.verbose:
        _log_requests()

    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (`netkit show | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except PermissionError as exc:
        print(f"netkit: {root_message(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        print(f"netkit: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _log_requests() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("netkit: %(message)s"))
    logger = logging.getLogger("netkit")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


if __name__ == "__main__":
    sys.exit(main())

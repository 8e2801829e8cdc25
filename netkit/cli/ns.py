"""`netkit ns`: the everyday namespace commands, like `ip netns`.

  netkit ns list                   the named namespaces, one a line
  netkit ns add NAME...            add named namespaces
  netkit ns del NAME...            delete them
  netkit ns exec NAME -- CMD...    run CMD inside NAME; its exit status

Named namespaces live in /run/netns, where `ip netns` sees them too.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from netkit.cli import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    describe,
    namespace_name,
    new_namespace_name,
)

# The shell's exit statuses for a command that cannot be run.
NOT_FOUND, NOT_EXECUTABLE = 127, 126


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ns",
        help="list, add, delete namespaces; run a command in one",
        description=describe(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    listing = verbs.add_parser(
        "list", help="the named namespaces, like ip netns list"
    )
    listing.set_defaults(run=run_list)

    add = verbs.add_parser("add", help="add namespaces, like ip netns add")
    add.add_argument(
        "names", nargs="+", metavar="NAME", type=new_namespace_name
    )
    add.set_defaults(run=run_add)

    delete = verbs.add_parser(
        "del", aliases=["delete"], help="delete namespaces, like ip netns del"
    )
    delete.add_argument(
        "names", nargs="+", metavar="NAME", type=namespace_name
    )
    delete.set_defaults(run=run_del)

    run = verbs.add_parser(
        "exec",
        help="run a command inside, like ip netns exec",
        description="Run CMD inside namespace NAME, with its /sys and "
        "/etc/netns/NAME, like `ip netns exec`.  The exit status is "
        "CMD's (127: not found, 126: cannot be run).",
        usage="netkit ns exec NAME -- CMD [ARG...]",
    )
    run.add_argument("name", metavar="NAME", type=namespace_name)
    run.add_argument("argv", nargs=argparse.REMAINDER, metavar="CMD")
    run.set_defaults(run=run_exec)


def run_list(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from netkit.namespace import Namespace

    for name in sorted(Namespace.list()):
        print(name, file=out or sys.stdout)
    return EXIT_OK


def run_add(args: argparse.Namespace) -> int:
    from netkit.namespace import Namespace

    return _each(args.names, lambda name: Namespace.create(name).close())


def run_del(args: argparse.Namespace) -> int:
    # By name, as ip netns del does: a stale entry (a file with no
    # namespace bound on it) goes too.
    from netkit.ns import names

    return _each(args.names, names.delete)


def _each(names: list[str], action: Any) -> int:
    """Do `action` for each name; go on past failures, and say them."""
    status = EXIT_OK
    for name in names:
        try:
            action(name)
        except PermissionError:
            raise
        except (OSError, ValueError) as exc:
            print(f"netkit ns: {name}: {exc}", file=sys.stderr)
            status = EXIT_FAILED
    return status


def run_exec(args: argparse.Namespace) -> int:
    from netkit.namespace import Namespace

    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not argv:
        print(
            "netkit ns exec: no command given (NAME -- CMD...)",
            file=sys.stderr,
        )
        return EXIT_USAGE

    ns = Namespace(args.name)
    try:
        done = ns.exec(argv)
    except FileNotFoundError:
        print(f"netkit ns exec: {argv[0]}: command not found", file=sys.stderr)
        return NOT_FOUND
    except PermissionError as exc:
        if exc.filename is None:
            raise
        print(f"netkit ns exec: {argv[0]}: {exc.strerror}", file=sys.stderr)
        return NOT_EXECUTABLE
    finally:
        ns.close()
    if done.returncode < 0:
        return 128 - done.returncode
    return done.returncode

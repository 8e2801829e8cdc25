"""What `netkit up` and `netkit down` share: the file argument, loading.

A file that cannot be read or is not a valid topology is a usage error
(exit status 2), reported before anything is created.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from netkit.topology import Topology, TopologyError, load

FORMAT_HELP = """\
the file (TOML):
  [[namespaces]]  name, host, loopback, sysctls = {KEY = VALUE},
                  routes = [{dst, via, dev, metric, src}],
                  neighbours = [{ip, mac, dev}]
  [[bridges]]     name, namespace, address | addresses, mtu, mac, up,
                  options = {stp_state = 1, ...}
  [[veths]]       a = {END}, b = {END}
                  END: name, namespace | bridge, address | addresses,
                  mtu, mac, up
  [[links]]       kind, name, namespace | bridge, parent, address |
                  addresses, mtu, mac, up, options = {id = 42, ...}

  Names in `namespace`, `bridge`, `dev` and `parent` refer to entries of
  the same file.  Nothing is done in the host's own network namespace
  unless one [[namespaces]] entry says `host = true`: that entry then
  stands for the namespace netkit runs in.  A bad file is refused before
  anything is created, with the key path of each problem.
  Format: docs/howto/topology.rst; examples: examples/two-rooms.toml,
  examples/router.toml.
"""

EXIT_HELP = """\
exit status:
  0  done (also when nothing needed doing)
  1  an operation failed; the kernel's message is printed
     {extra}
  2  usage error, or a topology file that cannot be used (nothing is
     changed)
"""


def add_file_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.toml", help="the topology")
    parser.add_argument(
        "--prefix",
        default="",
        metavar="TEXT",
        help="put TEXT before the name of every namespace the file "
        "declares (for parallel copies and tests; give the same to "
        "`down`); link names stay as written",
    )


def load_topology(args: argparse.Namespace, err: TextIO) -> Topology | None:
    """The topology of `args.file`, or None after printing why not."""
    try:
        return load(args.file, prefix=args.prefix)
    except TopologyError as exc:
        count = len(exc.problems)
        noun = "problem" if count == 1 else "problems"
        print(exc, file=err)
        print(
            f"netkit {args.command}: {args.file}: {count} {noun}; "
            "nothing was changed",
            file=err,
        )
    except OSError as exc:
        print(
            f"netkit {args.command}: cannot read {args.file}: "
            f"{exc.strerror or exc}",
            file=err,
        )
    return None


def printer(out: TextIO, err: TextIO) -> Any:
    """A `report` for the topology functions that prints each line."""

    def report(mark: str, text: str) -> None:
        stream = err if mark == "!" else out
        print(f"  {mark} {text}", file=stream, flush=True)

    return report


def streams(out: TextIO | None, err: TextIO | None) -> tuple[TextIO, TextIO]:
    return out or sys.stdout, err or sys.stderr

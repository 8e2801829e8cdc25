"""`netkit bench`: netlink throughput of this machine, measured by netkit.

Runs the workloads of the netkit benchmark (W1 veth pairs, W2 addresses,
W3 routes, W4 rooms and a bridge, W5 start-up) with netkit's plain calls
and with its pipelined `batch()`, each run in a private namespace that
is made and removed again; the host's own network is not touched.  The
table shows medians, and for each figure how many times netkit-batch's
beats it.  The full comparison with pyroute2, `ip -batch` and a C client
is `python3 -m benchmarks` in netkit's source tree.

It needs root, and iproute2's `ip` and util-linux's `nsenter` on PATH:
the runs are set up and their results checked against the kernel's
state with `ip`, independently of netkit (W5 alone needs neither).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable
from typing import Any

from netkit.cli import EXIT_FAILED, EXIT_OK, ROOT_HINT, describe

WORKLOADS = ("W1", "W2", "W3", "W4", "W5")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure netlink throughput here (links, addresses, routes)",
        description=describe(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and 3 runs (well under a minute)",
    )
    parser.add_argument(
        "--runs", type=int, metavar="N", help="runs of each workload"
    )
    parser.add_argument(
        "--only",
        metavar="W",
        action="append",
        choices=WORKLOADS,
        help="run only this workload (may repeat)",
    )
    parser.add_argument(
        "--size",
        metavar="W=N",
        action="append",
        default=[],
        help="the size of a workload, e.g. W3=100000",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the results as JSON"
    )
    parser.set_defaults(run=run)


def missing(
    workloads: list[str],
    euid: int | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> str | None:
    """Why the bench cannot run here, or None when it can."""
    if workloads == ["W5"]:
        return None
    if (os.geteuid() if euid is None else euid) != 0:
        return f"the runs make and remove namespaces; {ROOT_HINT}"
    if which("ip") is None:
        return (
            "netkit bench needs iproute2 (ip) to check the kernel's state; "
            "install it (Debian: apt install iproute2)"
        )
    if which("nsenter") is None:
        return (
            "netkit bench needs nsenter (util-linux) to run each workload "
            "in its namespace"
        )
    return None


def run(args: argparse.Namespace) -> int:
    from netkit.bench.harness import SIZES, NetkitCompetitor, Suite
    from netkit.bench.table import render

    workloads = list(dict.fromkeys(args.only or WORKLOADS))
    problem = missing(workloads)
    if problem:
        print(f"netkit bench: {problem}", file=sys.stderr)
        return EXIT_FAILED

    sizes = dict(SIZES["quick" if args.quick else "full"])
    for item in args.size:
        workload, _, value = item.partition("=")
        if workload not in sizes or not value.isdigit():
            raise ValueError(f"--size takes W1..W4=N, not {item!r}")
        sizes[workload] = int(value)

    suite = Suite(
        competitors=[
            NetkitCompetitor("netkit"),
            NetkitCompetitor("netkit-batch"),
        ],
        workloads=workloads,
        sizes=sizes,
        runs=args.runs or (3 if args.quick else 5),
        log=lambda text: print(f"netkit bench: {text}", file=sys.stderr),
    )
    results = suite.run()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(render(results))
    return EXIT_OK

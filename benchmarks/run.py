"""The netkit benchmark suite: W1-W5 of BENCHMARKS.md, all competitors.

    sudo python3 -m benchmarks [--quick] [--runs N] [--only W3] [--json F]

Competitors: netkit (plain calls), netkit-batch (`ns.batch()`, bulk
removal by link group, streamed dumps), pyroute2 0.9.7 (`IPRoute`),
`ip -batch FILE`, and the C client benchmarks/c/nkbench.c (compiled here
with gcc) as the kernel's limit.  Every run is in a private namespace
made and removed by the suite; competitors are interleaved; figures are
medians; the kernel's state is checked with `ip -j` after every phase.
Prints the table (ratios to netkit) and the issue's targets, met or
not; `--json` writes everything, runs included.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import sys
import tempfile
from typing import Any

from benchmarks.competitors import CClient, IpBatch, Pyroute2, compile_client
from benchmarks.targets import evaluate, render_targets
from netkit.bench.harness import SIZES, NetkitCompetitor, Suite, scratch
from netkit.bench.table import render

WORKLOADS = ["W1", "W2", "W3", "W4", "W5"]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python3 -m benchmarks", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--runs", type=int, help="runs of each (default 5)")
    parser.add_argument("--only", action="append", choices=WORKLOADS)
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        help="leave a competitor out (netkit, pyroute2, ip-batch, c...)",
    )
    parser.add_argument("--json", metavar="FILE", help="write results here")
    parser.add_argument(
        "--markdown",
        metavar="FILE",
        help="write the tables as Markdown (benchmarks/RESULTS.md)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if os.geteuid() != 0:
        print("the benchmarks need root (namespaces)", file=sys.stderr)
        return 2

    build = tempfile.mkdtemp(prefix="nkbench-")
    try:
        results = run(args, build)
    finally:
        shutil.rmtree(build)

    print(render(results))
    print()
    print(render_targets(results["targets"]))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write(markdown(results))
    return 0


def markdown(results: dict[str, Any]) -> str:
    """RESULTS.md: the machine, the table and the targets."""
    machine = results["machine"]
    return "\n".join(
        [
            "# netkit benchmark results",
            "",
            f"Measured {machine['date']} by `python3 -m benchmarks` on Linux "
            f"{machine['kernel']}, {machine['nproc']} CPUs, Python "
            f"{machine['python']}; medians of {results['runs']} interleaved "
            "runs.  Each cell: the median, and in brackets how many times "
            "netkit's figure (netkit-batch's where there is one) beats it: "
            "above 1 netkit is quicker.",
            "",
            "netkit: plain calls, one request at a time; dumps are lists of "
            "objects (`ns.routes()`, `ns.addresses()`).  netkit-batch: "
            "`ns.batch()`, removal by link group, dumps streamed as "
            "messages with every attribute decoded (`ns.rtnl.iter_dump`).  "
            "c: benchmarks/c/nkbench.c, pipelined (W1 delete: one request "
            "per link); c-group: W1 deleted by link group.  W5 runs "
            "`python -S` (this machine's site hooks left out, for all).",
            "",
            render(results),
            "",
            "## Targets (issue 6)",
            "",
            render_targets(results["targets"]),
            "",
        ]
    )


def run(args: argparse.Namespace, build: str) -> dict[str, Any]:
    binary = compile_client(build) if shutil.which("gcc") else None
    spawner = [binary, "spawn"] if binary else None
    competitors = [
        NetkitCompetitor("netkit"),
        NetkitCompetitor("netkit-batch"),
    ]
    if Pyroute2().available() is None:
        competitors.append(Pyroute2())
    else:
        print(f"skipping pyroute2: {Pyroute2().available()}", file=sys.stderr)
    if spawner:
        competitors += [
            IpBatch(spawner, build),
            CClient(binary),
            CClient(binary, by_group=True),
        ]
    competitors = [c for c in competitors if c.name not in args.without]

    workloads = args.only or WORKLOADS
    if "W5" in workloads:
        _precompile()
    suite = Suite(
        competitors=competitors,
        workloads=workloads,
        sizes=dict(SIZES["quick" if args.quick else "full"]),
        runs=args.runs or (3 if args.quick else 5),
        log=lambda text: print(f"bench: {text}", file=sys.stderr, flush=True),
    )
    if spawner:
        # W5 processes are started by the C spawner, in a namespace of
        # their own like every other run.
        with scratch("W5", 0) as space:
            suite.spawner = ["nsenter", f"--net={space.path}", "--", *spawner]
            results = suite.run()
    else:
        results = suite.run()
    results["targets"] = evaluate(results)
    return results


def _precompile() -> None:
    # W5 times a start with compiled modules, as an installed package has
    # them (this machine may set PYTHONDONTWRITEBYTECODE).
    import netkit

    folders = [os.path.dirname(netkit.__file__)]
    try:
        import pyroute2

        folders.append(os.path.dirname(pyroute2.__file__))
    except ImportError:
        pass
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)


if __name__ == "__main__":
    sys.exit(main())

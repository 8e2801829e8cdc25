"""The benchmark harness: namespaces, timed phases, checks, medians.

Each run of a workload gets a private namespace (``nkbench-...``, made
and removed with `ip netns`), and every phase of it runs in a process of
its own started there with ``nsenter --net=``: the competitor times its
own phase and prints JSON.  After each phase the kernel's state is
checked with ``ip -j`` (counts of links, addresses, routes, ports), so no
competitor can win by doing less.  Runs are interleaved (A B C A B C ...)
so that a noisy machine slows all competitors alike, and each figure is
the median of the runs.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from netkit.bench import checks

SIZES = {
    "full": {"W1": 500, "W2": 10_000, "W3": 50_000, "W4": 50},
    "quick": {"W1": 20, "W2": 500, "W3": 5_000, "W4": 5},
}
PHASES = {
    "W1": ("create", "delete"),
    "W2": ("add", "dump", "delete"),
    "W3": ("add", "dump", "delete"),
    "W4": ("build", "teardown"),
}
# Figures that are rates (items per second); the others are seconds.
RATES = {"create", "delete", "add", "dump"}
GROUP = 4242
PREFIX = "nkbench-"
# W5's floor: the interpreter alone, shown without a ratio.
BASELINE = "python -S -c pass"


class BenchError(RuntimeError):
    """A phase failed, or left the kernel in another state than asked."""


@dataclass
class Scratch:
    """The private namespace of one run, and the names used in it."""

    name: str
    workload: str
    size: int
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:6])

    @property
    def path(self) -> str:
        return f"/run/netns/{self.name}"

    @property
    def prefix(self) -> str:
        # Link names for W1 (15 bytes at most), room names for W4.
        return f"r{self.token}-" if self.workload == "W4" else "v"

    def ip(self, *args: str) -> Any:
        """`ip -j ARGS` inside, parsed."""
        return ip_json("-n", self.name, *args)


def ip_json(*args: str) -> Any:
    """Run `ip -j ARGS` and parse what it prints."""
    out = subprocess.run(
        ["ip", "-j", *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out) if out.strip() else []


@contextmanager
def scratch(workload: str, size: int) -> Iterator[Scratch]:
    """A fresh namespace for one run; W2 and W3 get veth0 (up) in it."""
    space = Scratch(PREFIX + uuid.uuid4().hex[:10], workload, size)
    subprocess.run(["ip", "netns", "add", space.name], check=True)
    try:
        if workload in ("W2", "W3"):
            run_ip(space, ["link add veth0 type veth peer name veth1"])
            run_ip(space, ["link set veth0 up", "link set veth1 up"])
        yield space
    finally:
        _remove(space)


def _remove(space: Scratch) -> None:
    # Rooms a failed W4 run left behind go too; then the namespace.
    for name in os.listdir("/run/netns"):
        if space.workload == "W4" and name.startswith(space.prefix):
            subprocess.run(["ip", "netns", "del", name], check=False)
    subprocess.run(["ip", "netns", "del", space.name], check=True)


def run_ip(space: Scratch, lines: list[str]) -> None:
    """Set-up commands through `ip -n NS -batch -` (not timed)."""
    subprocess.run(
        ["ip", "-n", space.name, "-batch", "-"],
        input="\n".join(lines) + "\n",
        check=True,
        text=True,
        capture_output=True,
    )


def inside(space: Scratch, argv: list[str]) -> list[str]:
    """`argv` run in the namespace's network only (not its mounts)."""
    return ["nsenter", f"--net={space.path}", "--", *argv]


def run_json(argv: list[str], timeout: float = 900) -> dict[str, Any]:
    """Run a competitor's command; the JSON object it printed last."""
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode or not lines:
        raise BenchError(
            f"{' '.join(argv[:8])}... failed ({done.returncode}): "
            f"{done.stderr.strip()[-800:]}"
        )
    return json.loads(lines[-1])


class Competitor:
    """One way of doing the workloads; `command` says how, per phase.

    `command` returns the argv of a phase (to run inside the scratch
    namespace, printing {"seconds": S, ...}), or None when this
    competitor does not do that phase (then it is not run, and a
    competitor that skips a phase that changes state skips the workload).
    """

    name = ""

    def available(self) -> str | None:
        """None when it can run here, else why not."""
        return None

    def does(self, workload: str, phase: str) -> bool:
        """Whether it has a command for this phase."""
        return True

    def command(
        self, workload: str, phase: str, space: Scratch
    ) -> list[str] | None:
        raise NotImplementedError

    def start_command(self) -> list[str] | None:
        """W5: the whole process to start (import and one socket)."""
        return None


class NetkitCompetitor(Competitor):
    """netkit in a worker process (`netkit.bench.worker`)."""

    def __init__(self, name: str) -> None:
        from netkit.bench.worker import PHASES as WORKER_PHASES

        self.name = name
        self._phases = WORKER_PHASES

    def does(self, workload: str, phase: str) -> bool:
        return (self.name, workload, phase) in self._phases

    def command(
        self, workload: str, phase: str, space: Scratch
    ) -> list[str] | None:
        if not self.does(workload, phase):
            return None
        module = ["-m", "netkit.bench.worker", self.name, workload, phase]
        args = [str(space.size), space.prefix, str(GROUP)]
        return inside(space, [sys.executable, *module, *args])

    def start_command(self) -> list[str] | None:
        if self.name != "netkit":
            return None
        code = "import netkit; netkit.Namespace.current().rtnl"
        return python_start(code)


def python_start(code: str) -> list[str]:
    """`python -S -c CODE`: no site hooks of this machine, same for all."""
    return [sys.executable, "-S", "-c", code]


def python_path() -> str:
    """What `python -S` needs on its path: netkit and site-packages."""
    import netkit

    here = os.path.dirname(os.path.dirname(netkit.__file__))
    paths = [here, *[p for p in sys.path if p.endswith("site-packages")]]
    return os.pathsep.join(paths)


@dataclass
class Suite:
    """What to run, and where the figures go."""

    competitors: list[Competitor]
    workloads: list[str]
    sizes: dict[str, int]
    runs: int = 5
    log: Callable[[str], None] = lambda text: None
    spawner: list[str] | None = None  # nkbench spawn, when compiled
    results: dict[str, Any] = field(default_factory=dict)

    def run(self) -> dict[str, Any]:
        """Run every workload; the results (see `report`)."""
        for workload in self.workloads:
            if workload == "W5":
                self.results["W5"] = self._start()
            else:
                self.results[workload] = self._workload(workload)
        return report(self)

    def _workload(self, workload: str) -> dict[str, dict[str, list]]:
        size = self.sizes[workload]
        figures: dict[str, dict[str, list]] = {p: {} for p in PHASES[workload]}
        for run in range(self.runs):
            for competitor in self.competitors:
                if self._skips(competitor, workload):
                    continue
                self.log(f"{workload} run {run + 1}: {competitor.name}")
                with scratch(workload, size) as space:
                    for phase in PHASES[workload]:
                        seconds = self._phase(competitor, phase, space)
                        if seconds is not None:
                            figures[phase].setdefault(
                                competitor.name, []
                            ).append(seconds)
        return figures

    def _skips(self, competitor: Competitor, workload: str) -> bool:
        needed = [p for p in PHASES[workload] if p != "dump"]
        return not all(competitor.does(workload, p) for p in needed)

    def _phase(
        self, competitor: Competitor, phase: str, space: Scratch
    ) -> float | None:
        if not competitor.does(space.workload, phase):
            return None
        argv = competitor.command(space.workload, phase, space)
        result = run_json(argv)
        checks.check(space, phase, result)
        return float(result["seconds"])

    def _start(self) -> dict[str, dict[str, list]]:
        figures: dict[str, dict[str, list]] = {"wall": {}, "rss": {}}
        baseline = (BASELINE, python_start("pass"))
        entries = [(c.name, c.start_command()) for c in self.competitors]
        entries = [baseline] + [(n, argv) for n, argv in entries if argv]
        env = dict(os.environ, PYTHONPATH=python_path())
        for run in range(self.runs):
            self.log(f"W5 run {run + 1}")
            for name, argv in entries:
                wall, rss = measure_start(argv, env, self.spawner)
                figures["wall"].setdefault(name, []).append(wall)
                figures["rss"].setdefault(name, []).append(rss)
        return figures


def measure_start(
    argv: list[str], env: dict[str, str], spawner: list[str] | None
) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one whole process."""
    if spawner:
        done = subprocess.run(
            [*spawner, *argv], env=env, capture_output=True, text=True
        )
        result = json.loads(done.stdout.splitlines()[-1])
        if result["status"]:
            raise BenchError(f"{argv} exited {result['status']}")
        return result["seconds"], result["max_rss_kb"] / 1024
    # Without the C spawner, a Python child reports its own peak (VmHWM)
    # as it ends; the kernel's figure for a child forked from this big
    # process would count the fork.
    if argv[0] == sys.executable and argv[-2] == "-c":
        argv = [*argv[:-1], argv[-1] + _REPORT_PEAK]
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode:
        raise BenchError(f"{argv} exited {done.returncode}")
    peaks = [
        line.split()[1] for line in done.stderr.splitlines() if "VmHWM" in line
    ]
    return wall, int(peaks[-1]) / 1024 if peaks else float("nan")


_REPORT_PEAK = (
    "\nimport sys as _s\n"
    "_s.stderr.write([l for l in open('/proc/self/status') "
    "if l.startswith('VmHWM')][0])"
)


def report(suite: Suite) -> dict[str, Any]:
    """Medians, rates and ratios to netkit, with the machine and date."""
    out: dict[str, Any] = {
        "machine": machine(),
        "runs": suite.runs,
        "sizes": {w: suite.sizes[w] for w in suite.workloads if w != "W5"},
        "workloads": {},
    }
    for workload, phases in suite.results.items():
        rows = out["workloads"].setdefault(workload, {})
        for phase, by_name in phases.items():
            rows[phase] = _row(workload, phase, by_name, suite.sizes)
    return out


def _row(
    workload: str, phase: str, by_name: dict[str, list], sizes: dict
) -> dict[str, Any]:
    row = {}
    for name, values in by_name.items():
        median = statistics.median(values)
        entry: dict[str, Any] = {"median": median, "runs": values}
        if phase in RATES:
            entry["rate"] = sizes[workload] / median if median else None
        row[name] = entry
    reference = "netkit-batch" if "netkit-batch" in row else "netkit"
    if reference in row:
        base = row[reference]["median"]
        for name, entry in row.items():
            # How many times netkit's figure beats this one (>1: netkit
            # is quicker, or smaller for RSS).  The bare interpreter is
            # the floor netkit starts from, no competitor: no ratio.
            ratio = entry["median"] / base if base else None
            entry["netkit_x"] = None if name == BASELINE else ratio
    return row


def machine() -> dict[str, Any]:
    """The kernel, CPUs, Python and date of this run."""
    return {
        "kernel": platform.release(),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }

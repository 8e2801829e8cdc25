"""`netkit bench` runs: the netkit part of the benchmark suite, tiny."""

from __future__ import annotations

import json
import subprocess
import sys


def test_netkit_bench_quick_runs_and_checks_the_kernel():
    sizes = ["--size", "W1=3", "--size", "W2=20", "--size", "W3=50"]
    sizes += ["--size", "W4=2"]
    done = subprocess.run(
        [sys.executable, "-m", "netkit", "bench", "--quick", "--runs", "1"]
        + sizes
        + ["--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr

    results = json.loads(done.stdout)
    rows = results["workloads"]
    assert rows["W3"]["add"]["netkit-batch"]["rate"] > 0
    assert rows["W3"]["dump"]["netkit"]["rate"] > 0
    assert rows["W1"]["delete"]["netkit-batch"]["median"] > 0
    assert rows["W4"]["teardown"]["netkit-batch"]["median"] > 0
    assert rows["W5"]["wall"]["netkit"]["median"] > 0
    assert results["machine"]["kernel"]


def test_netkit_bench_prints_a_table():
    done = subprocess.run(
        [sys.executable, "-m", "netkit", "bench", "--quick", "--runs", "1"]
        + ["--only", "W3", "--size", "W3=20"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| W3 add routes (20) |" in done.stdout

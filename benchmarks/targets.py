"""The targets of the benchmark issue, checked against one run's figures.

Each target is a ratio between two competitors measured side by side (or
a limit for W5); `evaluate` says for each whether it is met and by how
much: `ratio` is what was measured, `wanted` what the target asks.
"""

from __future__ import annotations

from typing import Any

# (label, workload, phase, ours, theirs, wanted): ours must reach
# `wanted` times their rate (for seconds: their time over ours).
RATIOS = [
    ("W3 add, batch vs C (>= 0.5)", "W3", "add", "netkit-batch", "c", 0.5),
    (
        "W3 add, batch vs ip -batch (> 1)",
        "W3",
        "add",
        "netkit-batch",
        "ip-batch",
        1.0,
    ),
    (
        "W3 add, plain vs pyroute2 (>= 10)",
        "W3",
        "add",
        "netkit",
        "pyroute2",
        10,
    ),
    (
        "W3 dump, objects vs pyroute2 (>= 50)",
        "W3",
        "dump",
        "netkit",
        "pyroute2",
        50,
    ),
    (
        "W3 dump, stream vs pyroute2 (>= 50)",
        "W3",
        "dump",
        "netkit-batch",
        "pyroute2",
        50,
    ),
    (
        "W3 dump, objects vs ip -batch (>= 0.5)",
        "W3",
        "dump",
        "netkit",
        "ip-batch",
        0.5,
    ),
    (
        "W3 dump, stream vs ip -batch (>= 0.5)",
        "W3",
        "dump",
        "netkit-batch",
        "ip-batch",
        0.5,
    ),
    ("W2 add, batch vs C (>= 0.9)", "W2", "add", "netkit-batch", "c", 0.9),
    (
        "W1 create, batch vs C (>= 0.9)",
        "W1",
        "create",
        "netkit-batch",
        "c",
        0.9,
    ),
    ("W2 dump vs pyroute2 (>= 50)", "W2", "dump", "netkit", "pyroute2", 50),
    (
        "W1 delete, by group vs pyroute2 (>= 20)",
        "W1",
        "delete",
        "netkit-batch",
        "pyroute2",
        20,
    ),
    (
        "W4 teardown, by group vs pyroute2 (>= 20)",
        "W4",
        "teardown",
        "netkit-batch",
        "pyroute2",
        20,
    ),
    (
        "W4 build, batch vs pyroute2 (>= 20)",
        "W4",
        "build",
        "netkit-batch",
        "pyroute2",
        20,
    ),
    (
        "W4 build, batch vs C (>= 0.5: at most 2x)",
        "W4",
        "build",
        "netkit-batch",
        "c",
        0.5,
    ),
]
START_WALL = 0.030
START_RSS_MB = 12.0


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target that this run measured: met or not, and the ratio."""
    out = []
    rows = results["workloads"]
    for label, workload, phase, ours, theirs, wanted in RATIOS:
        row = rows.get(workload, {}).get(phase, {})
        if ours not in row or theirs not in row:
            continue
        # Same sizes, so their time over ours is our rate over theirs.
        ratio = row[theirs]["median"] / row[ours]["median"]
        out.append(_target(label, ratio, wanted))
    start = rows.get("W5", {})
    if "netkit" in start.get("wall", {}):
        wall = start["wall"]["netkit"]["median"]
        rss = start["rss"]["netkit"]["median"]
        out.append(_target("W5 wall (<= 30 ms)", START_WALL / wall, 1.0))
        out[-1]["measured"] = f"{wall * 1000:.1f} ms"
        out.append(_target("W5 peak RSS (<= 12 MB)", START_RSS_MB / rss, 1.0))
        out[-1]["measured"] = f"{rss:.1f} MB"
    return out


def _target(label: str, ratio: float, wanted: float) -> dict[str, Any]:
    return {
        "target": label,
        "ratio": ratio,
        "wanted": wanted,
        "met": ratio >= wanted,
        "measured": f"{ratio:.3g}x",
    }


def render_targets(targets: list[dict[str, Any]]) -> str:
    """The targets as a Markdown table."""
    lines = ["| target | measured | met |", "|---|---|---|"]
    for t in targets:
        verdict = (
            "yes" if t["met"] else f"no ({t['ratio'] / t['wanted']:.2f} of it)"
        )
        lines.append(f"| {t['target']} | {t['measured']} | {verdict} |")
    return "\n".join(lines)

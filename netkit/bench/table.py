"""The results as a Markdown table, each figure with its ratio to netkit.

A cell reads "59,100/s (2.1×)": the competitor's median, and how many
times netkit's figure beats it (netkit-batch's where there is one, else
netkit's); above 1 netkit is quicker, below 1 it is slower.  W5's
"python -S -c pass" column is the bare interpreter, the floor every
start-up is measured from: a baseline, shown without a ratio.
"""

from __future__ import annotations

from typing import Any

from netkit.bench.harness import BASELINE

LABELS = {
    ("W1", "create"): "W1 create veth pairs",
    ("W1", "delete"): "W1 delete them",
    ("W2", "add"): "W2 add addresses",
    ("W2", "dump"): "W2 dump addresses",
    ("W2", "delete"): "W2 delete addresses",
    ("W3", "add"): "W3 add routes",
    ("W3", "dump"): "W3 dump routes",
    ("W3", "delete"): "W3 delete routes",
    ("W4", "build"): "W4 build rooms",
    ("W4", "teardown"): "W4 tear down",
    ("W5", "wall"): "W5 import + socket",
    ("W5", "rss"): "W5 peak RSS",
}
ORDER = ["netkit", "netkit-batch", "pyroute2", "ip-batch", "c", "c-group"]


def render(results: dict[str, Any]) -> str:
    """The table of a `report()`, in Markdown."""
    names = _competitors(results)
    heads = [f"{n} (baseline)" if n == BASELINE else n for n in names]
    lines = [
        "| workload | " + " | ".join(heads) + " |",
        "|---|" + "---|" * len(names),
    ]
    for workload, rows in results["workloads"].items():
        size = results["sizes"].get(workload)
        for phase, row in rows.items():
            label = LABELS.get((workload, phase), f"{workload} {phase}")
            if size and phase not in ("wall", "rss"):
                label += f" ({size:,})"
            cells = [_cell(phase, name, row.get(name)) for name in names]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _competitors(results: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for rows in results["workloads"].values():
        for row in rows.values():
            seen += [name for name in row if name not in seen]
    return sorted(seen, key=lambda n: ORDER.index(n) if n in ORDER else 99)


def _cell(phase: str, name: str, entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "—"
    if "rate" in entry and entry["rate"] is not None:
        text = f"{entry['rate']:,.0f}/s"
    elif phase == "rss":
        text = f"{entry['median']:.1f} MB"
    elif entry["median"] < 0.1:
        text = f"{entry['median'] * 1000:.1f} ms"
    else:
        text = f"{entry['median']:.3f} s"
    ratio = entry.get("netkit_x")
    if name == BASELINE:
        text += " (—)"
    elif ratio is not None:
        text += f" ({ratio:.2g}×)" if ratio < 10 else f" ({ratio:,.0f}×)"
    return text

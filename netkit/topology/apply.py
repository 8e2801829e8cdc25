"""`up`: run a plan against the kernel, idempotently, undoing on failure.

Each step compares what the kernel has with what the file says and
changes only what differs (`actions`).  Every change is reported as the
`ip` command it stands for, and journaled with the action that undoes
it.  When a step fails, the journal is played backwards, so the run
leaves the system as it found it, and `StepFailed` names the step.
Things that were there before the run are never removed by a rollback,
only changed back.
"""

from __future__ import annotations

from dataclasses import dataclass

from netkit.topology import plan as planning
from netkit.topology.actions import ACTIONS
from netkit.topology.context import Context, Report, quiet
from netkit.topology.errors import Conflict, StepFailed
from netkit.topology.spec import Topology


@dataclass
class UpResult:
    """What `up` did: how many changes it made, out of which plan."""

    plan: planning.Plan
    changes: int

    @property
    def changed(self) -> bool:
        return self.changes > 0


def up(topology: Topology, report: Report = quiet) -> UpResult:
    """Make the kernel match `topology`; what was missing is created.

    Raises `StepFailed` when a step fails, after undoing what this run
    changed.
    """
    plan = planning.build(topology)
    context = Context(topology, report)
    total = len(plan.steps)
    try:
        for number, step in enumerate(plan.steps, 1):
            try:
                ACTIONS[step.action](context, step)
            except (OSError, ValueError, Conflict) as exc:
                failure = StepFailed(number, total, step, exc)
                failure.rollback_errors = context.rollback()
                raise failure from exc
    except BaseException:
        context.rollback()
        raise
    finally:
        context.close()
    return UpResult(plan, context.changes)

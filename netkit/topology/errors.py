"""The errors of topologies: a bad file, a conflict, a failed step."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netkit.topology.plan import Step


class TopologyError(ValueError):
    """A topology file that cannot be used, with every problem in it.

    `problems` holds (key path, what is wrong) pairs; the text has one
    line per problem: "FILE: veths[2].b.address: ...".  Raised before
    anything is created.
    """

    def __init__(self, file: str, problems: list[tuple[str, str]]) -> None:
        self.file = file
        self.problems = list(problems)
        lines = [
            f"{file}: {path}: {message}" if path else f"{file}: {message}"
            for path, message in self.problems
        ]
        super().__init__("\n".join(lines))


class Conflict(Exception):
    """What the kernel has cannot be made what the file says without
    removing something the file does not own (a link of another kind
    under a declared name, a veth end whose peer is not the declared one).
    """


class StepFailed(Exception):
    """A step of `up` failed; what the run had changed was rolled back.

    `number` counts from 1 among `total` steps; `cause` is the error of
    the step (a `NetlinkError` with the kernel's message, a `Conflict`, a
    `ValueError`); `rollback_errors` lists undo actions that failed too.
    """

    def __init__(
        self, number: int, total: int, step: Step, cause: BaseException
    ) -> None:
        self.number = number
        self.total = total
        self.step = step
        self.cause = cause
        self.rollback_errors: list[str] = []
        super().__init__(
            f"step {number} of {total}, {step.describe()}: {cause}"
        )

"""The state of one run of `up` or `down`: namespaces, journal, report.

`report(mark, text)` is how a run tells its caller what it does, one
line each: "+" a change made, "-" a change undone or a thing removed,
"!" something that failed on the way, "#" a note.  The library prints
nothing itself; the command prints these lines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from netkit.namespace import Namespace
from netkit.topology.spec import NamespaceSpec, Topology

log = logging.getLogger(__name__)

Report = Callable[[str, str], None]
# The `ip` command that undoes a change, and the call that does it.
Undo = tuple[str, Callable[[], object]]


def later(
    func: Callable[..., object], *args: Any, **kwargs: Any
) -> Callable[[], object]:
    """`func(*args, **kwargs)`, to be called later (an undo action)."""
    return lambda: func(*args, **kwargs)


def quiet(mark: str, text: str) -> None:
    """The default report: a debug log line."""
    log.debug("%s %s", mark, text)


class Context:
    """One run: the namespaces opened, the journal of changes, the report."""

    def __init__(self, topology: Topology, report: Report) -> None:
        self.topology = topology
        self.report = report
        self.opened: dict[str, Namespace] = {}
        self.journal: list[Undo] = []
        self.changes = 0

    def ns(self, name: str) -> Namespace:
        """The namespace the file calls `name` (opened by its step)."""
        return self.opened[name]

    def netns(self, name: str) -> str | None:
        return self.topology.namespace(name).netns

    def spec(self, name: str) -> NamespaceSpec:
        return self.topology.namespace(name)

    def done(self, command: str, undo: Undo | None = None) -> None:
        """Record a change made: report it and remember how to undo it."""
        self.changes += 1
        self.report("+", command)
        if undo is not None:
            self.journal.append(undo)

    def rollback(self) -> list[str]:
        """Undo the journal, newest first; the undo actions that failed."""
        errors = []
        while self.journal:
            command, undo = self.journal.pop()
            try:
                undo()
            except OSError as exc:
                errors.append(f"{command}: {exc}")
                self.report("!", f"{command}: {exc}")
                continue
            self.report("-", command)
        return errors

    def close(self) -> None:
        for ns in self.opened.values():
            ns.close()
        self.opened.clear()

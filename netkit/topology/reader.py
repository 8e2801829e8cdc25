"""Reading TOML tables with key paths, collecting every problem.

A `Section` wraps one table of the parsed file with the key path that
leads to it ("veths[2].b").  Each `take` names the key it reads, checks
its type and records a problem (path and what is wrong) instead of
raising, so that one run reports every mistake in the file; `finish`
then reports the keys nobody asked for, which are unknown keys.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    dict: "a table",
    list: "an array",
}


class Problems:
    """The problems found in one file, each with its key path."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append((path, message))

    def __bool__(self) -> bool:
        return bool(self.items)


def join(path: str, key: str | int) -> str:
    """The key path of `key` under `path`: "veths[2]" + "b" -> "veths[2].b".

    A key that TOML would have to quote is quoted, as in the file:
    `sysctls."net.ipv4.ip_forward"`.
    """
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not BARE_KEY.fullmatch(key):
        key = json.dumps(key)
    return f"{path}.{key}" if path else key


class Section:
    """One table of the file, read key by key."""

    def __init__(
        self, data: dict[str, Any], path: str, problems: Problems
    ) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        self.asked: set[str] = set()

    def where(self, key: str | int) -> str:
        return join(self.path, key)

    def has(self, key: str) -> bool:
        self.asked.add(key)
        return key in self.data

    def take(
        self,
        key: str,
        kind: type,
        *,
        required: bool = False,
        default: Any = None,
    ) -> Any:
        """The value of `key` if it is of `kind`, else `default`."""
        self.asked.add(key)
        if key not in self.data:
            if required:
                self.problems.add(self.where(key), "missing")
            return default

        value = self.data[key]
        if not _is(value, kind):
            self.problems.add(
                self.where(key),
                f"{_show(value)} is not {TYPE_NAMES[kind]}",
            )
            return default
        return value

    def convert(
        self, key: str, value: Any, parse: Callable[[Any], T]
    ) -> T | None:
        """`parse(value)`, or None with the ValueError it raised recorded."""
        try:
            return parse(value)
        except ValueError as exc:
            self.problems.add(self.where(key), str(exc))
            return None

    def section(self, key: str, *, required: bool = False) -> Section | None:
        table = self.take(key, dict, required=required)
        if table is None:
            return None
        return Section(table, self.where(key), self.problems)

    def sections(self, key: str) -> list[Section]:
        """The tables of an array of tables (`[[key]]`)."""
        items = self.take(key, list, default=[])
        found = []
        for index, item in enumerate(items):
            path = join(self.where(key), index)
            if not isinstance(item, dict):
                self.problems.add(path, f"{_show(item)} is not a table")
                continue
            found.append(Section(item, path, self.problems))
        return found

    def strings(self, key: str) -> list[str]:
        """An array of strings."""
        items = self.take(key, list, default=[])
        for index, item in enumerate(items):
            if not isinstance(item, str):
                path = join(self.where(key), index)
                self.problems.add(path, f"{_show(item)} is not a string")
        return [item for item in items if isinstance(item, str)]

    def finish(self) -> None:
        """Report each key of this table that no reader asked for."""
        for key in self.data:
            if key in self.asked:
                continue
            message = "unknown key"
            close = difflib.get_close_matches(key, sorted(self.asked), n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
            elif self.asked:
                message += f" (known here: {', '.join(sorted(self.asked))})"
            self.problems.add(self.where(key), message)


def _is(value: Any, kind: type) -> bool:
    # TOML booleans are Python bools, which are also ints.
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)

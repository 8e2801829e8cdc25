"""Modules and loggers loaded on first use, so `import netkit` is cheap.

`import netkit` plus opening a socket should cost a few milliseconds (the
W5 benchmark): not the 30 ms that `typing`, `logging`, `subprocess`,
`pathlib` and the object modules would add if each module imported
everything it may ever use.

- `module("netkit.routes")` stands for a module and imports it when one
  of its attributes is first read.
- `logger(__name__)` is a logger that imports `logging` only when it has
  to.  Until some code imports `logging`, nothing can have configured a
  handler or a level, so a DEBUG record would go nowhere: it is dropped
  without importing anything.  Warnings and errors always go through.
"""

from __future__ import annotations

import sys
from importlib import import_module

TYPE_CHECKING = False
if TYPE_CHECKING:
    import logging
    from types import ModuleType
    from typing import Any


class LazyModule:
    """A module imported on first attribute access."""

    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def module(name: str) -> Any:
    """`name`, imported when first used (typed as the module's Any)."""
    return LazyModule(name)


class LazyLogger:
    """`logging.getLogger(name)`, without importing logging for DEBUG."""

    __slots__ = ("_name", "_logger")

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: logging.Logger | None = None

    def _get(self, needed: bool) -> logging.Logger | None:
        if self._logger is None:
            logging = sys.modules.get("logging")
            if logging is None and not needed:
                return None
            if logging is None:
                logging = import_module("logging")
            self._logger = logging.getLogger(self._name)
        return self._logger

    def debug(self, msg: str, *args: Any, **kwargs: Any) -> None:
        found = self._get(needed=False)
        if found is not None:
            found.debug(msg, *args, **kwargs)

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        found = self._get(needed=False)
        if found is not None:
            found.info(msg, *args, **kwargs)

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._get(needed=True).warning(msg, *args, **kwargs)

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._get(needed=True).error(msg, *args, **kwargs)

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 (logging's)
        found = self._get(needed=level >= 30)
        return found is not None and found.isEnabledFor(level)


def logger(name: str) -> Any:
    """A logger for `name` (typed as Any: it quacks like logging's)."""
    return LazyLogger(name)

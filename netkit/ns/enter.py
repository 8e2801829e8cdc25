"""Moving the calling thread into a network namespace, and back.

`setns(2)` moves only the calling thread.  `enter` remembers where the
thread was, on a stack of its own, so that entries nest; `leave` goes
back to the last place remembered, and a failure to go back is raised,
never ignored, since the thread would otherwise carry on in the wrong
namespace.  `on_thread` and `run_inside` use a thread made for the one
call and then dropped, so no thread anyone else uses ever moves.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from netkit import _libc
from netkit.ns.nsfs import THREAD_NET
from netkit.ns.privilege import admin_needed

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

_local = threading.local()


def _saved() -> list[int]:
    """The calling thread's stack of descriptors to go back to."""
    stack = getattr(_local, "saved", None)
    if stack is None:
        stack = _local.saved = []
    return stack


def depth() -> int:
    """How many `enter` calls of this thread are still open."""
    return len(_saved())


def enter(fd: int) -> None:
    """Move the calling thread into the network namespace `fd` holds."""
    back = os.open(THREAD_NET, os.O_RDONLY | os.O_CLOEXEC)
    try:
        with admin_needed("entering a network namespace"):
            _libc.setns(fd, _libc.CLONE_NEWNET)
    except BaseException:
        os.close(back)
        raise

    _saved().append(back)


def leave() -> None:
    """Move the calling thread back to where its last `enter` found it."""
    stack = _saved()
    if not stack:
        raise RuntimeError("leave() without enter() on this thread")

    back = stack.pop()
    try:
        _libc.setns(back, _libc.CLONE_NEWNET)
    except OSError as exc:
        exc.add_note(
            "netkit could not move this thread back to its network "
            "namespace; it is still in the one it entered"
        )
        raise
    finally:
        os.close(back)


def on_thread(func: Callable[..., T], *args: Any) -> T:
    """Call `func(*args)` on a new thread; return or raise what it did.

    For work that moves its thread (setns, unshare): the thread ends with
    the call, so the move dies with it.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = func(*args)
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="netkit-ns", daemon=True)
    thread.start()
    thread.join()

    if "error" in outcome:
        raise outcome.pop("error")
    return outcome["value"]


def run_inside(
    fd: int,
    func: Callable[..., T],
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
) -> T:
    """Call `func` inside the namespace `fd` holds, on a thread of its own."""

    def inside() -> T:
        with admin_needed("entering a network namespace"):
            _libc.setns(fd, _libc.CLONE_NEWNET)
        return func(*args, **(kwargs or {}))

    return on_thread(inside)

"""EPERM and EACCES, told in words: namespaces need CAP_SYS_ADMIN.

Creating, entering and deleting namespaces, and the mounts around them,
are refused to an ordinary user with a bare errno.  `admin_needed` turns
that errno into `PermissionDenied` (a `PermissionError`) whose message
says which step failed and which capability it takes.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator

from netkit.errors import PermissionDenied


@contextlib.contextmanager
def admin_needed(action: str) -> Iterator[None]:
    """Explain a `PermissionError` raised while doing `action`."""
    try:
        yield
    except PermissionDenied:
        raise
    except PermissionError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        message = f"{action} needs CAP_SYS_ADMIN (run as root){where}"
        code = exc.errno or errno.EPERM
        raise PermissionDenied(code, message) from exc

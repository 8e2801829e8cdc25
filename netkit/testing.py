"""Throwaway network namespaces for tests of code that uses netkit.

    from netkit.testing import temporary_namespace

    with temporary_namespace() as ns:
        ns.exec(["ip", "link"], check=True)

Each namespace gets a fresh name with a prefix ("nktest-" unless told),
and is deleted however the block ends.  An error while deleting it is
raised, not hidden: a test that leaves namespaces behind should fail.

With pytest installed, `namespace` is a fixture to import into a test
module or conftest.py:

    from netkit.testing import namespace  # noqa: F401

    def test_lo(namespace):
        assert namespace.run(socket.if_nameindex) == [(1, "lo")]
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

from netkit.namespace import Namespace

PREFIX = "nktest-"


def unique_name(prefix: str = PREFIX) -> str:
    """A namespace name no one else is using: prefix and 10 hex digits."""
    return prefix + uuid.uuid4().hex[:10]


@contextlib.contextmanager
def temporary_namespace(prefix: str = PREFIX) -> Iterator[Namespace]:
    """A new named namespace for the block, deleted at its end.

    When the block deleted it already, only the object is closed; when the
    name now names another namespace, `NamespaceNotFound` says so.
    """
    ns = Namespace.create(unique_name(prefix))
    try:
        yield ns
    finally:
        if ns.name in Namespace.list():
            ns.delete()
        else:
            ns.close()


try:
    import pytest
except ImportError:  # pytest is optional; the context manager is not
    pytest = None

if pytest is not None:

    @pytest.fixture
    def namespace() -> Iterator[Namespace]:
        """A fresh named network namespace, deleted after the test."""
        with temporary_namespace() as ns:
            yield ns


ISOLATED_RUN_DIRS = ("/run/netns", "/etc/netns")


def isolated_command(argv: list[str]) -> list[str]:
    """`argv` wrapped to run in a sandbox of its own (see `run_isolated`)."""
    return [sys.executable, "-m", "netkit.testing", "--", *argv]


def run_isolated(
    argv: list[str], **options: Any
) -> subprocess.CompletedProcess:
    """Run a command in new network and mount namespaces, as root.

    Its "host" is a fresh network namespace and it gets an empty, private
    /run/netns and /etc/netns, so code that names namespaces "red" and
    "blue" or builds bridges on the host touches nothing of the machine's
    and cannot collide with anyone.  `options` go to `subprocess.run`.
    """
    return subprocess.run(isolated_command(argv), **options)


def _enter_sandbox() -> None:
    from netkit import _libc

    _libc.unshare(_libc.CLONE_NEWNS | _libc.CLONE_NEWNET)
    _libc.mount(None, "/", None, _libc.MS_REC | _libc.MS_PRIVATE)
    for folder in ISOLATED_RUN_DIRS:
        os.makedirs(folder, exist_ok=True)
        _libc.mount("tmpfs", folder, "tmpfs", 0, "mode=0755")


def _main(args: list[str]) -> None:
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.exit("usage: python -m netkit.testing -- COMMAND [ARG...]")
    _enter_sandbox()
    os.execvp(args[0], args)


if __name__ == "__main__":
    _main(sys.argv[1:])

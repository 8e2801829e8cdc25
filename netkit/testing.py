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
import uuid
from collections.abc import Iterator

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

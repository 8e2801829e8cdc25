"""Fixtures for the ioctl-layer kernel tests.

`room` and `room2` are throwaway named namespaces (netkit.testing, prefix
"nktest-"), deleted after the test whatever happened.  Every test here
also checks that it left the host's own links as it found them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from netkit.namespace import Namespace
from netkit.testing import temporary_namespace


@pytest.fixture
def room() -> Iterator[Namespace]:
    with temporary_namespace() as ns:
        yield ns


@pytest.fixture
def room2() -> Iterator[Namespace]:
    with temporary_namespace() as ns:
        yield ns


@pytest.fixture(autouse=True)
def host_unchanged() -> Iterator[None]:
    """Fail the test if the host's links differ afterwards."""
    host = Namespace.current()
    before = sorted((link.index, link.name) for link in host.links())
    yield
    after = sorted((link.index, link.name) for link in host.links())
    host.close()
    assert after == before

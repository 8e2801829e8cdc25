"""A deleted or closed Namespace says so, whatever is asked of it."""

from __future__ import annotations

import pytest

from netkit import Namespace
from netkit.testing import unique_name


def test_every_call_on_a_deleted_namespace_says_it_is_closed() -> None:
    ns = Namespace.create(unique_name())
    assert [link.name for link in ns.links()] == ["lo"]
    ns.delete()

    for call in (
        lambda: ns.link("lo"),
        ns.links,
        ns.routes,
        ns.addresses,
        lambda: ns.run(int),
    ):
        with pytest.raises(ValueError, match="closed"):
            call()

"""Test-wide setup: kernel tests under tests/integration need root."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Timing varies with the machine's load (CI shares it with nothing, a
# developer's machine with everything): no per-example deadline.
settings.register_profile(
    "netkit",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("netkit")

INTEGRATION = Path(__file__).parent / "integration"
ROOT_REASON = "needs root (CAP_SYS_ADMIN) and the real kernel"


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Mark tests under tests/integration `root`; skip them unless root."""
    not_root = os.geteuid() != 0
    for item in items:
        if INTEGRATION in item.path.parents:
            item.add_marker(pytest.mark.root)

        if not_root and item.get_closest_marker("root"):
            item.add_marker(pytest.mark.skip(reason=ROOT_REASON))

"""The documentation's code runs: each page's examples, as doctests.

The tutorial names its rooms "red" and "blue" and builds its bridge on
the host, as the lesson does, so it runs in a sandbox of its own (new
network and mount namespaces with a private /run/netns): nothing it
makes is visible outside, and it cannot collide with anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from netkit.testing import run_isolated

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(
    path
    for path in DOCS.rglob("*.rst")
    if ">>> " in path.read_text() and "_build" not in path.parts
)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(page: Path) -> None:
    done = run_isolated(
        [sys.executable, "-m", "doctest", "-o", "ELLIPSIS", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stdout + done.stderr


def test_sandbox_hides_what_it_makes() -> None:
    from netkit import Namespace
    from netkit.testing import unique_name

    name = unique_name()
    code = (
        f"import netkit; netkit.Namespace.create({name!r}); "
        "print(netkit.Namespace.list())"
    )
    done = run_isolated(
        [sys.executable, "-c", code], capture_output=True, text=True
    )

    assert done.stdout.strip() == repr([name]), done.stderr
    assert name not in Namespace.list()

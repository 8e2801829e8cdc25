"""The reference documents every public name and every subcommand.

A name added to `netkit.__all__`, or a subcommand added to `netkit`,
fails here until docs/reference or docs/cli.rst has a directive for it,
so nothing public goes undocumented.  The pages are read as text: no
Sphinx needed.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

import netkit
from netkit.cli import build_parser

DOCS = Path(__file__).resolve().parents[2] / "docs"
DIRECTIVE = re.compile(r"^\.\. (auto\w+|netkit-help)::[ \t]*(.*)$")
OPTION = re.compile(r"^\s+:([\w-]+):\s*(.*)$")


def directives(page: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(directive, argument, options) of each directive on `page`."""
    found: list[tuple[str, str, dict[str, str]]] = []
    for line in page.read_text().splitlines():
        start = DIRECTIVE.match(line)
        if start:
            found.append((start[1], start[2].strip(), {}))
            continue
        option = OPTION.match(line)
        if option and found:
            found[-1][2][option[1]] = option[2].strip()
    return found


def documented(name: str) -> bool:
    """Does some reference page document `netkit.NAME`?"""
    obj = getattr(netkit, name)
    module = obj.__module__
    real = f"{module}.{obj.__qualname__}"
    for page in sorted((DOCS / "reference").glob("*.rst")):
        for directive, target, options in directives(page):
            if directive == "automodule":
                if target == module and name in members(options):
                    return True
            elif target in (f"netkit.{name}", real):
                return True
    return False


def members(options: dict[str, str]) -> set[str]:
    listed = options.get("members")
    if listed is None:
        return set()
    return {m.strip() for m in listed.split(",") if m.strip()}


@pytest.mark.parametrize("name", netkit.__all__)
def test_public_name_is_in_the_reference(name: str) -> None:
    assert documented(name), (
        f"netkit.{name} is public but no page of docs/reference documents "
        f"it: add `.. autoclass:: netkit.{name}` (or autofunction, "
        "autoexception) where it belongs"
    )


def subcommands(parser: argparse.ArgumentParser) -> list[str]:
    actions = [
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    ]
    return [name for a in actions for name in a.choices]


def test_every_subcommand_is_in_cli_page() -> None:
    shown = {
        target.split()[0]
        for directive, target, _ in directives(DOCS / "cli.rst")
        if directive == "netkit-help" and target
    }

    missing = set(subcommands(build_parser())) - shown

    assert not missing, (
        f"docs/cli.rst has no `.. netkit-help::` for {sorted(missing)}"
    )


def test_the_check_sees_a_missing_name(monkeypatch) -> None:
    class Undocumented:
        pass

    Undocumented.__module__ = "netkit.nowhere"
    monkeypatch.setattr(netkit, "Undocumented", Undocumented, raising=False)

    assert not documented("Undocumented")
    assert documented("Namespace")

"""Sphinx configuration for netkit's documentation."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

import netkit  # noqa: E402

project = "netkit"
author = "the netkit developers"
copyright = "2026, the netkit developers"
release = version = netkit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "clihelp",
    "attrtables",
]

# Docstrings quote code in single backquotes: show it as code.
default_role = "literal"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_default_options = {"show-inheritance": True}

# The docs build offline (CI has no network), so there is no intersphinx:
# the standard library's names are left unlinked (nitpick_ignore_regex).

nitpick_ignore_regex = [
    # Standard library and typing names that autodoc shows in signatures.
    (
        r"py:.*",
        r"(ipaddress|subprocess|socket|os|enum|typing|collections)\..*",
    ),
    (r"py:.*", r"(T|M|IPAddress|IPInterface|IPNetwork|Any|Callable)"),
    (r"py:class", r"(Path|TextIO|Iterator|Iterable|Mapping|Sequence)"),
    (r"py:class", r"(int|str|bytes|bool|float|dict|list|tuple|None)"),
    # Type aliases and type variables: named in signatures, not objects.
    (
        r"py:class",
        r"(netkit\..*\.|command\.)?(Arg|File|Decoder|Nexthop|LinkRef)",
    ),
    (r"py:class", r"netkit\..*\.(T|M|L)"),
    (r"py:class", r"(memoryview|type|object|BaseException|OSError)"),
    (r"py:class", r"(CompletedProcess|Popen|struct\.Struct)"),
]


def resolve_bare_names(app, env, node, contnode):
    """Resolve a bare class name to the one netkit object of that name.

    Names that a module imports only for type checking (``if
    TYPE_CHECKING:``) stay strings in its annotations, so autodoc shows
    ``RouteLookup`` with no module to look it up in.  When exactly one
    documented object has that name, link to it; otherwise leave the
    reference to nitpicky mode to report.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target or "." in target:
        return None

    domain = env.get_domain("py")
    found = {
        name
        for name, entry in domain.objects.items()
        if name.endswith("." + target) and not entry.aliased
    }
    if len(found) != 1:
        return None
    return domain.resolve_xref(
        env,
        node["refdoc"],
        app.builder,
        node["reftype"],
        found.pop(),
        node,
        contnode,
    )


def setup(app):
    app.connect("missing-reference", resolve_bare_names)


html_theme = "furo"
html_title = f"netkit {release}"
exclude_patterns = ["_build"]

"""Helpers shared by unit and integration tests."""

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import netkit

# The directory holding the netkit package these tests import, so that a
# child process imports the same one.
NETKIT_ROOT = Path(netkit.__file__).resolve().parent.parent


def compiled_ffi_present() -> bool:
    """Whether netkit._netkit_ffi was built (pip install, or -e)."""
    return importlib.util.find_spec("netkit._netkit_ffi") is not None


def require_compiled_ffi() -> None:
    """Skip when the compiled module is absent; in CI, fail instead.

    A plain checkout has no compiled module until
    ``python3 -m pip install -e .`` builds it in place. CI installs that
    way, so a missing module there is a broken build, not a reason to skip.
    """
    if compiled_ffi_present():
        return

    message = (
        "netkit._netkit_ffi is not compiled "
        f"(run: python3 -m pip install -e . in {NETKIT_ROOT})"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)

    pytest.skip(message)


def run_python(code: str, ffi: str | None = None) -> str:
    """Run ``code`` in a fresh interpreter and return what it printed.

    ``ffi`` sets NETKIT_FFI for the child ("api" or "abi"); None leaves it
    unset, so the child picks its mode by itself.
    """
    env = dict(os.environ, PYTHONPATH=str(NETKIT_ROOT))
    env.pop("NETKIT_FFI", None)
    if ffi is not None:
        env["NETKIT_FFI"] = ffi

    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        cwd=NETKIT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()

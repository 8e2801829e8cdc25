"""netkit needs no iproute2: `netkit demo` with no networking binary.

The demo runs in a child interpreter whose PATH holds one directory with
one entry, a symlink to the Python interpreter, so `ip`, `bridge`, `ping`
and the rest cannot be found.  An audit hook in the child ends it at once
(exit status 86) on any attempt to start a program — `subprocess.Popen`,
`os.exec*`, `os.posix_spawn`, `os.spawn*`, `os.system`, `os.fork` — so a
binary called by absolute path is caught too, and no `except` in the code
under test can hide it.  The control tests show that the hook does catch
each of those.

`test_fresh_venv_imports_netkit` builds a wheel and installs it, with
cffi alone, into a new venv; it is slow and runs only when
NETKIT_SLOW_TESTS=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from netkit.namespace import Namespace
from tests.helpers import NETKIT_ROOT

SPAWNED = 86

# The child: install the hook, check that no tool is on PATH, then run the
# `netkit` command (python -m netkit ARGS) or a snippet of code.
GUARD = textwrap.dedent(
    f"""
    import os, runpy, shutil, sys

    STARTS = {{
        "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn",
        "os.system", "os.fork", "os.forkpty", "pty.spawn",
    }}

    def hook(event, args):
        if event in STARTS:
            os.write(2, f"guard: {{event}} {{args!r}}\\n".encode())
            os._exit({SPAWNED})

    TOOLS = ["ip", "bridge", "ping", "ethtool", "tc", "ss", "sysctl",
             "ifconfig", "brctl", "iptables", "nft", "mount", "umount",
             "unshare", "nsenter", "sh", "true"]
    found = [tool for tool in TOOLS if shutil.which(tool)]
    if found:
        sys.exit(f"guard: on PATH: {{found}}")

    sys.addaudithook(hook)
    mode, *rest = sys.argv[1:]
    if mode == "netkit":
        sys.argv = ["netkit", *rest]
        runpy.run_module("netkit", run_name="__main__", alter_sys=True)
    else:
        exec(rest[0])
    """
)


@pytest.fixture
def guarded(tmp_path):
    """Run the guard in a child with PATH = one dir holding python3."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python3"
    python.symlink_to(sys.executable)
    guard = tmp_path / "guard.py"
    guard.write_text(GUARD)
    env = {"PATH": str(bin_dir), "PYTHONPATH": str(NETKIT_ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), str(guard), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.fixture
def prefix():
    """A unique name prefix; whatever the demo left behind is removed."""
    text = f"nktest-{uuid.uuid4().hex[:4]}-"
    yield text
    leftovers = [n for n in Namespace.list() if n.startswith(text)]
    for name in leftovers:
        Namespace(name).delete()
    assert not leftovers, f"the demo left {leftovers} behind"


def test_demo_runs_without_any_networking_binary(guarded, prefix):
    done = guarded("netkit", "demo", "--prefix", prefix, "--count", "1")

    assert "guard:" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The pings got their replies." in done.stdout
    assert f"ip netns add {prefix}red" in done.stdout


@pytest.mark.parametrize(
    "code",
    [
        "import subprocess; subprocess.run(['/bin/true'])",
        "import os; os.system('/bin/true')",
        "import os; os.posix_spawn('/bin/true', ['true'], dict(os.environ))",
        "import os; os.execv('/bin/true', ['true'])",
        "import os; os.fork() or os._exit(0)",
        "import netkit; netkit.Namespace.current().exec(['/bin/true'])",
    ],
)
def test_guard_catches_every_way_to_start_a_program(guarded, code):
    done = guarded("code", code)

    assert done.returncode == SPAWNED, done.stderr
    assert done.stderr.startswith("guard: ")


def test_guard_lets_plain_python_through(guarded):
    done = guarded("code", "import netkit; print(netkit.__version__)")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == __import__("netkit").__version__


# A wheel and a fresh venv: slow, and only on request.

SLOW = os.environ.get("NETKIT_SLOW_TESTS") == "1"


@pytest.mark.skipif(not SLOW, reason="slow; set NETKIT_SLOW_TESTS=1")
def test_fresh_venv_imports_netkit(tmp_path):
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", str(NETKIT_ROOT), "-w", str(wheels), "-q"],
        check=True,
        timeout=600,
    )
    netkit_wheel = next(wheels.glob("netkit-*.whl"))
    cffi_wheel = next(wheels.glob("cffi-*.whl"))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-index"]
        + ["--no-deps", str(netkit_wheel), str(cffi_wheel)],
        check=True,
        timeout=600,
    )

    code = (
        "import netkit, netkit._libc as libc, netkit.ioctl.tuntap; "
        "print(libc.MODE, netkit.Namespace.current().link('lo').index)"
    )
    done = subprocess.run(
        [str(python), "-I", "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert done.stdout.split() == ["api", "1"]

    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = {line.split("==")[0].lower() for line in listed.split()}
    assert names - {"pip", "setuptools"} == {"netkit", "cffi"}

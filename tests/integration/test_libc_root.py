"""netkit._libc against the real kernel, in both modes.

Everything runs in a child interpreter: the namespaces it makes die with
it, and the test process never leaves the namespaces it started in.
"""

import os
import socket

import pytest

from tests.helpers import require_compiled_ffi, run_python

MODES = ["api", "abi"]

NEW_NET = """
    import os
    import netkit._libc as libc

    def inode():
        return os.stat("/proc/thread-self/ns/net").st_ino

    before = inode()
    libc.unshare(libc.CLONE_NEWNET)
    print(before, inode())
"""

SETNS_BACK = """
    import os
    import netkit._libc as libc

    def inode():
        return os.stat("/proc/thread-self/ns/net").st_ino

    before = inode()
    fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    libc.unshare(libc.CLONE_NEWNET)
    inside = inode()
    libc.setns(fd, libc.CLONE_NEWNET)
    print(before, inside, inode())
"""

HOSTNAME = """
    import socket
    import netkit._libc as libc

    libc.unshare(libc.CLONE_NEWUTS)
    libc.sethostname("nktest-uts")
    print(socket.gethostname())
"""

TMPFS = """
    import tempfile
    import netkit._libc as libc

    def mounted(path):
        with open("/proc/self/mountinfo") as mountinfo:
            return any(line.split()[4] == path for line in mountinfo)

    libc.unshare(libc.CLONE_NEWNS)
    libc.mount(None, "/", None, libc.MS_REC | libc.MS_PRIVATE)
    with tempfile.TemporaryDirectory(prefix="nktest-") as path:
        libc.mount("nktest", path, "tmpfs", 0, "size=1m")
        was_mounted = mounted(path)
        libc.umount2(path, libc.MNT_DETACH)
        print(was_mounted, mounted(path))
"""


@pytest.fixture(params=MODES)
def mode(request):
    """Each test runs once with the compiled module, once in ABI mode."""
    if request.param == "api":
        require_compiled_ffi()

    return request.param


def own_net_inode():
    return os.stat("/proc/thread-self/ns/net").st_ino


def test_unshare_gives_a_new_network_namespace(mode):
    host = own_net_inode()

    before, after = map(int, run_python(NEW_NET, ffi=mode).split())

    assert before == host
    assert after != before
    assert own_net_inode() == host


def test_setns_returns_to_the_original_namespace(mode):
    before, inside, back = map(int, run_python(SETNS_BACK, ffi=mode).split())

    assert inside != before
    assert back == before


def test_sethostname_in_a_new_uts_namespace(mode):
    host_name = socket.gethostname()

    assert run_python(HOSTNAME, ffi=mode) == "nktest-uts"
    assert socket.gethostname() == host_name


def test_mount_and_umount_in_a_new_mount_namespace(mode):
    assert run_python(TMPFS, ffi=mode) == "True False"

"""Named namespaces against iproute2, and KERNEL-FACTS items 11 and 12.

Every name starts with "nktest-" and is removed by the test that made it;
`ip` is the oracle, both ways.
"""

import errno
import os
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest

from netkit import Namespace, _libc, testing
from netkit.errors import NamespaceExists, NamespaceNotFound
from netkit.testing import temporary_namespace
from tests.helpers import NETKIT_ROOT
from tests.integration.ns_support import (
    ip,
    ip_netns_names,
    mount_points,
    on_thread,
    unique_name,
    veth,
)

# The fixture netkit offers its users: a fresh named namespace per test.
namespace = testing.namespace


@pytest.fixture
def ip_name():
    """A name added by `ip netns add`, deleted by `ip netns del` after."""
    name = unique_name()
    ip("netns", "add", name)
    try:
        yield name
    finally:
        if name in os.listdir("/run/netns"):
            ip("netns", "del", name)


@pytest.fixture
def sleeper(namespace):
    """`sleep` started inside `namespace` by `ip netns exec`."""
    proc = subprocess.Popen(
        ["ip", "netns", "exec", namespace.name, "sleep", "60"]
    )
    try:
        _wait_until(lambda: _net_inode(proc.pid) == namespace.inode)
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _net_inode(pid):
    try:
        return os.stat(f"/proc/{pid}/ns/net").st_ino
    except FileNotFoundError:
        return None


def _wait_until(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


# iproute2 -> netkit


def test_a_namespace_added_by_ip_opens_in_netkit(ip_name):
    ns = Namespace(ip_name)

    assert ns.name == ip_name
    assert ns.path == f"/run/netns/{ip_name}"
    assert ns.inode == os.stat(ns.path).st_ino
    assert ns == Namespace.from_path(ns.path)
    assert ip_name in Namespace.list()
    ns.close()


def test_netkit_enters_a_namespace_added_by_ip(ip_name):
    veth(ip_name, "nkip0", "nkip1")
    ns = Namespace(ip_name)

    out = ns.exec(["ip", "-o", "link"], capture_output=True, text=True)

    assert "nkip0" in out.stdout
    assert "nkip1" in out.stdout
    ns.close()


def test_netkit_deletes_a_namespace_added_by_ip(ip_name):
    Namespace(ip_name).delete()

    assert ip_name not in ip_netns_names()
    assert f"/run/netns/{ip_name}" not in mount_points()


# netkit -> iproute2


def test_ip_lists_a_netkit_namespace(namespace):
    assert namespace.name in ip_netns_names()


def test_ip_netns_exec_enters_a_netkit_namespace(namespace):
    veth(namespace.name, "nkx0", "nkx1")

    links = ip("netns", "exec", namespace.name, "ip", "-o", "link")
    inode = ip(
        "netns", "exec", namespace.name, "readlink", "/proc/self/ns/net"
    )

    assert [line.split()[1] for line in links.splitlines()] == [
        "lo:",
        "nkx1@nkx0:",
        "nkx0@nkx1:",
    ]
    assert inode.strip() == f"net:[{namespace.inode}]"


def test_ip_netns_identify_and_pids_agree_with_netkit(namespace, sleeper):
    pid = str(sleeper.pid)

    assert ip("netns", "identify", pid).split() == [namespace.name]
    assert Namespace.identify(sleeper.pid) == [namespace.name]
    assert pid in ip("netns", "pids", namespace.name).split()
    expected = sorted(map(int, ip("netns", "pids", namespace.name).split()))
    assert namespace.pids() == expected


def test_identify_gives_no_name_for_the_host():
    assert Namespace.identify() == []
    assert ip("netns", "identify", str(os.getpid())).split() == []


def test_identify_of_a_missing_process():
    with pytest.raises(NamespaceNotFound):
        Namespace.identify(2**22 + 1)


def test_ip_deletes_a_netkit_namespace():
    ns = Namespace.create(unique_name())
    try:
        ip("netns", "del", ns.name)
    finally:
        if ns.name in Namespace.list():
            ns.delete()

    assert ns.name not in Namespace.list()
    assert ns.path not in mount_points()
    with pytest.raises(NamespaceNotFound):
        Namespace(ns.name)
    with pytest.raises(NamespaceNotFound):
        ns.delete()
    ns.close()


# KERNEL-FACTS 11: /run/netns and the files in it


def test_run_netns_is_a_shared_mount_bound_on_itself(namespace):
    fields = mount_points()["/run/netns"]
    root, optional = fields[3], fields[6:]

    assert root == "/run/netns"
    assert any(
        tag.startswith("shared:") for tag in optional[: optional.index("-")]
    )


def test_each_name_is_an_empty_file_with_nsfs_mounted_on_it(namespace):
    fields = mount_points()[namespace.path]
    fstype = fields[fields.index("-") + 1]

    assert fstype == "nsfs"
    assert fields[3] == f"net:[{namespace.inode}]"

    # Underneath, seen from a mount namespace of its own: an empty file.
    script = f"umount {namespace.path} && stat -c '%s %F' {namespace.path}"
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        check=True,
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == "0 regular empty file"
    assert namespace.path in mount_points()


def test_a_name_is_visible_from_a_mount_namespace_made_later(namespace):
    done = subprocess.run(
        ["unshare", "--mount", "cat", "/proc/self/mountinfo"],
        check=True,
        capture_output=True,
        text=True,
    )
    mounted = {
        line.split()[4]: line.split()[3] for line in done.stdout.splitlines()
    }

    assert mounted[namespace.path] == f"net:[{namespace.inode}]"


def test_names_added_later_propagate_into_a_sharing_mount_namespace():
    # The point of the shared mount: a process that copied the mount
    # table before the name existed sees it come and go.
    child = subprocess.Popen(
        ["unshare", "--mount", "--propagation", "unchanged", "sleep", "60"]
    )
    try:
        _wait_until(
            lambda: (
                os.readlink(f"/proc/{child.pid}/ns/mnt")
                != os.readlink("/proc/self/ns/mnt")
            )
        )
        with temporary_namespace() as ns:
            _wait_until(lambda: ns.path in mount_points(child.pid))
        assert ns.path not in mount_points(child.pid)
    finally:
        child.kill()
        child.wait()


def _setns_errno(path, nstype):
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        # On a throwaway thread, in case the kernel said yes.
        on_thread(_libc.setns, fd, nstype)
    except OSError as exc:
        return exc.errno
    finally:
        os.close(fd)
    return 0


def test_setns_on_a_plain_file_or_a_namespace_of_another_type_is_einval():
    with tempfile.NamedTemporaryFile(prefix="nktest-") as plain:
        assert _setns_errno(plain.name, _libc.CLONE_NEWNET) == errno.EINVAL
        assert _setns_errno(plain.name, 0) == errno.EINVAL

        with pytest.raises(NamespaceNotFound) as caught:
            Namespace.from_path(plain.name)
        assert caught.value.errno == errno.EINVAL

    mnt = "/proc/thread-self/ns/mnt"
    assert _setns_errno(mnt, _libc.CLONE_NEWNET) == errno.EINVAL
    with pytest.raises(NamespaceNotFound):
        Namespace.from_path(mnt)


# KERNEL-FACTS 12: deleting a name in use


def test_deleting_a_name_in_use_removes_only_the_name():
    name = unique_name()
    ns = Namespace.create(name)
    proc = None
    try:
        veth(name, "nkd0", "nkd1")
        inode = ns.inode
        proc = subprocess.Popen(["ip", "netns", "exec", name, "sleep", "60"])
        _wait_until(lambda: _net_inode(proc.pid) == inode)

        ns.delete()

        assert name not in ip_netns_names()
        assert _net_inode(proc.pid) == inode
        inside = Namespace.from_pid(proc.pid)
        assert inside.name is None
        assert inside.inode == inode
        links = inside.exec(
            ["ip", "-o", "link"], capture_output=True, text=True
        )
        assert "nkd0" in links.stdout
        assert "nkd1" in links.stdout
        inside.close()

        again = Namespace.create(name)
        assert again.inode != inode
        assert again.run(_link_names) == ["lo"]
        assert Namespace.identify(proc.pid) == []
        again.close()
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        if name in Namespace.list():
            ip("netns", "del", name)


def _link_names():
    import socket

    return sorted(name for _, name in socket.if_nameindex())


def test_an_object_keeps_its_namespace_when_the_name_is_reused():
    name = unique_name()
    old = Namespace.create(name)
    new = None
    try:
        ip("netns", "del", name)
        new = Namespace.create(name)

        assert old != new
        assert old.inode != new.inode
        assert old.run(_thread_inode) == old.inode
        with pytest.raises(NamespaceNotFound, match="no longer names"):
            old.delete()
        assert name in Namespace.list()
    finally:
        old.close()
        if name in Namespace.list():
            ip("netns", "del", name)
        if new is not None:
            new.close()


def _thread_inode():
    return os.stat("/proc/thread-self/ns/net").st_ino


# Bad input and faults


def test_creating_an_existing_name_raises_and_keeps_it(namespace):
    veth(namespace.name, "nke0", "nke1")

    with pytest.raises(NamespaceExists) as caught:
        Namespace.create(namespace.name)

    assert isinstance(caught.value, FileExistsError)
    assert Namespace(namespace.name) == namespace
    assert "nke0" in namespace.run(_link_names)


@pytest.mark.parametrize("step", ["unshare", "bind"])
def test_a_create_failing_half_way_removes_its_file(monkeypatch, step):
    real_unshare, real_mount = _libc.unshare, _libc.mount

    def unshare(flags):
        if step == "unshare":
            raise OSError(errno.ENOMEM, "injected")
        real_unshare(flags)

    def mount(source, target, fstype, flags, data=None):
        if step == "bind" and flags == _libc.MS_BIND:
            raise OSError(errno.ENOMEM, "injected")
        real_mount(source, target, fstype, flags, data)

    monkeypatch.setattr(_libc, "unshare", unshare)
    monkeypatch.setattr(_libc, "mount", mount)
    name = unique_name()
    fds = len(os.listdir("/proc/self/fd"))

    with pytest.raises(OSError) as caught:
        Namespace.create(name)

    assert caught.value.errno == errno.ENOMEM
    assert name not in os.listdir("/run/netns")
    assert len(os.listdir("/proc/self/fd")) == fds


def test_opening_a_missing_or_deleted_name_raises_not_found():
    name = unique_name()
    with pytest.raises(NamespaceNotFound):
        Namespace(name)

    Namespace.create(name).delete()
    with pytest.raises(NamespaceNotFound):
        Namespace(name)


def test_a_stale_name_is_no_namespace_and_can_be_deleted():
    # An empty file with nothing mounted: what a crashed `ip netns add`
    # leaves.  iproute2 refuses to add it again and deletes it; so do we.
    name = unique_name()
    ip("netns", "add", name)
    path = f"/run/netns/{name}"
    subprocess.run(["umount", path], check=True)
    try:
        with pytest.raises(NamespaceNotFound) as caught:
            Namespace(name)
        assert caught.value.errno == errno.EINVAL
        with pytest.raises(NamespaceExists):
            Namespace.create(name)
    finally:
        from netkit.ns import names

        names.delete(name)
    assert name not in os.listdir("/run/netns")


# A private mount namespace

PRIVATE = """
    import json, os, subprocess, sys
    from netkit import Namespace, _libc

    _libc.unshare(_libc.CLONE_NEWNS)
    _libc.mount(None, "/", None, _libc.MS_REC | _libc.MS_PRIVATE)
    mine, theirs = sys.argv[1:3]

    Namespace.create(mine)
    subprocess.run(["ip", "netns", "add", theirs], check=True)

    def view(name):
        path = "/run/netns/" + name
        table = {}
        with open("/proc/self/mountinfo") as lines:
            for line in lines:
                fields = line.split()
                table[fields[4]] = fields
        fields = table[path]
        fstype = fields[fields.index("-") + 1]
        tags = [t.split(":")[0] for t in fields[6:fields.index("-")]]
        run = subprocess.run(
            ["ip", "netns", "exec", name, "ip", "-o", "link"],
            capture_output=True, text=True, check=True)
        return [fstype, tags, run.stdout.split()[1]]

    run_dir = [t.split(":")[0] for t in
               [line.split() for line in open("/proc/self/mountinfo")
                if line.split()[4] == "/run/netns"][-1][6:]]
    print(json.dumps([view(mine), view(theirs), "shared" in run_dir]))
    sys.stdout.flush()
    sys.stdin.readline()

    Namespace(mine).delete()
    subprocess.run(["ip", "netns", "del", theirs], check=True)
"""


def test_a_namespace_made_in_a_private_mount_namespace_acts_as_with_ip():
    import json

    mine, theirs = unique_name(), unique_name()
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(PRIVATE), mine, theirs],
        env=dict(os.environ, PYTHONPATH=str(NETKIT_ROOT)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        mine_view, theirs_view, shared = json.loads(child.stdout.readline())

        # Inside: both are nsfs mounts, entered the same way.
        assert mine_view == theirs_view == ["nsfs", ["shared"], "lo:"]
        assert shared
        # Outside: both names are there, neither is mounted.
        here = mount_points()
        for name in (mine, theirs):
            assert name in os.listdir("/run/netns")
            assert f"/run/netns/{name}" not in here
    finally:
        child.stdin.close()
        code = child.wait(timeout=30)
        for name in {mine, theirs} & set(os.listdir("/run/netns")):
            ip("netns", "del", name)  # a stale file, if the child failed
    assert code == 0

    assert mine not in os.listdir("/run/netns")
    assert theirs not in os.listdir("/run/netns")


RACE = """
    import json, os, sys, threading
    from netkit import Namespace, _libc

    # A mount namespace of our own, where /run/netns is a plain directory
    # again, as on a machine that never ran `ip netns add`.
    _libc.unshare(_libc.CLONE_NEWNS)
    _libc.mount(None, "/", None, _libc.MS_REC | _libc.MS_PRIVATE)
    while any(line.split()[4] == "/run/netns"
              for line in open("/proc/self/mountinfo")):
        _libc.umount2("/run/netns", _libc.MNT_DETACH)

    names = [sys.argv[1] + str(i) for i in range(8)]
    start = threading.Barrier(len(names))
    made = {}

    def create(name):
        start.wait()
        made[name] = Namespace.create(name)

    threads = [threading.Thread(target=create, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    run_dir = [line for line in open("/proc/self/mountinfo")
               if line.split()[4] == "/run/netns"]
    for ns in made.values():
        ns.delete()
    print(json.dumps([len(made), len(run_dir)]))
"""


def test_creates_racing_on_a_fresh_machine_bind_run_netns_once():
    import json

    prefix = unique_name() + "-"
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(RACE), prefix],
        env=dict(os.environ, PYTHONPATH=str(NETKIT_ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    leftovers = [n for n in os.listdir("/run/netns") if n.startswith(prefix)]
    for name in leftovers:
        ip("netns", "del", name)  # only if the child failed

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [8, 1]
    assert leftovers == []

"""Anonymous namespaces, identity, closing, leaks and the not-root path."""

import errno
import os
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from netkit import Namespace
from netkit.errors import NamespaceNotFound, PermissionDenied
from netkit.testing import temporary_namespace, unique_name
from tests.helpers import NETKIT_ROOT
from tests.integration.ns_support import ip, mount_points, thread_inode


def test_new_makes_an_anonymous_namespace():
    ns = Namespace.new()
    try:
        assert ns.name is None
        assert ns.inode != thread_inode()
        assert ns.run(thread_inode) == ns.inode
        assert ns.path == f"/proc/{os.getpid()}/fd/{ns.fileno()}"
        assert Namespace.from_path(ns.path) == ns
        assert ns.identify() == []
    finally:
        ns.close()

    assert ns.closed
    with pytest.raises(ValueError, match="closed"):
        ns.fileno()
    with pytest.raises(ValueError), ns:
        pass


def test_equality_and_hash_follow_the_namespace():
    with temporary_namespace() as ns:
        again = Namespace(ns.name)
        anonymous = Namespace.new()
        by_path = Namespace.from_path(ns.path)

        assert ns == again == by_path
        assert by_path.name == ns.name
        assert len({ns, again, by_path}) == 1
        assert ns != anonymous
        assert ns != Namespace.current()
        assert ns != "not a namespace"
        assert repr(ns) == f"<Namespace {ns.name!r} inode={ns.inode}>"

        for other in (again, anonymous, by_path):
            other.close()


def test_from_pid_of_a_missing_process():
    with pytest.raises(NamespaceNotFound):
        Namespace.from_pid(2**22 + 1)


def test_a_closed_object_still_compares_and_the_name_survives():
    with temporary_namespace() as ns:
        again = Namespace(ns.name)
        again.close()
        again.close()  # twice is fine

        assert again == ns
        assert ns.name in ip("netns", "list")


def test_temporary_namespace_deletes_even_after_an_error():
    with pytest.raises(RuntimeError), temporary_namespace() as ns:
        name = ns.name
        raise RuntimeError("in the test")

    assert name not in Namespace.list()
    assert ns.closed


def test_temporary_namespace_tolerates_a_test_that_deleted_it():
    with temporary_namespace(prefix="nktest-own-") as ns:
        assert ns.name.startswith("nktest-own-")
        ns.delete()

    assert ns.name not in Namespace.list()


CYCLES = 1000


def test_a_thousand_cycles_leave_nothing_behind():
    # Other tests may run at the same time: count only what has our
    # prefix, and our own descriptors.
    prefix = f"nktest-leak{uuid.uuid4().hex[:6]}-"

    def ours():
        mounts = [
            p for p in mount_points() if p.startswith("/run/netns/" + prefix)
        ]
        files = [n for n in Namespace.list() if n.startswith(prefix)]
        return mounts, files

    fds = sorted(os.listdir("/proc/self/fd"))
    host = thread_inode()
    started = time.perf_counter()

    try:
        for i in range(CYCLES):
            ns = Namespace.create(f"{prefix}{i}")
            with ns:
                assert thread_inode() == ns.inode
            ns.delete()
        elapsed = time.perf_counter() - started
    finally:
        for name in ours()[1]:
            ip("netns", "del", name)  # only if a cycle failed

    assert ours() == ([], [])
    assert sorted(os.listdir("/proc/self/fd")) == fds
    assert thread_inode() == host
    print(f"{CYCLES} cycles in {elapsed:.2f} s")


NOT_ROOT = """
    import os, json
    import netkit
    from netkit import Namespace
    import netkit.ns.spawn
    import netkit.namespace, netkit.ns.command, netkit.ns.names
    host = Namespace.current()  # opened while root
    name = os.environ["NKTEST_NAME"]

    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)

    def attempt(what, func):
        try:
            func()
        except PermissionError as exc:
            return [what, type(exc).__name__, str(exc)]
        return [what, "no error", ""]

    def enter():
        with host:
            pass

    print(json.dumps([
        attempt("create", lambda: Namespace.create("nktest-nobody")),
        attempt("new", Namespace.new),
        attempt("enter", enter),
        attempt("run", lambda: host.run(print)),
        attempt("exec", lambda: host.exec(["true"])),
        attempt("delete", lambda: netkit.ns.names.delete(name)),
        attempt("spawn", lambda: netkit.spawn(["true"])),
    ]))
    # Opening is allowed (nsfs files are world-readable); entering is not.
    Namespace(name).close()
"""


def test_not_root_gets_a_permission_error_that_names_cap_sys_admin():
    import json

    with temporary_namespace() as ns:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(NOT_ROOT)],
            env=dict(
                os.environ, PYTHONPATH=str(NETKIT_ROOT), NKTEST_NAME=ns.name
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert ns.name in Namespace.list()

    results = json.loads(done.stdout)
    assert [r[0] for r in results] == [
        "create",
        "new",
        "enter",
        "run",
        "exec",
        "delete",
        "spawn",
    ]
    for what, kind, message in results:
        assert kind == PermissionDenied.__name__, what
        assert "CAP_SYS_ADMIN" in message, what
    assert "nktest-nobody" not in Namespace.list()


def test_permission_denied_is_a_permission_error():
    error = PermissionDenied(errno.EPERM, "x needs CAP_SYS_ADMIN")

    assert isinstance(error, PermissionError)
    assert error.errno == errno.EPERM


def test_unique_names_do_not_repeat():
    assert len({unique_name() for _ in range(1000)}) == 1000

"""Entering namespaces from threads: `with ns:`, `ns.run`, `ns.socket`.

setns(2) moves one thread; these tests check that netkit moves only the
thread that asked, and always moves it back.
"""

import contextlib
import errno
import os
import socket
import struct
import threading

import pytest

from netkit import Namespace, _libc, testing
from netkit.ns import enter
from netkit.testing import temporary_namespace
from tests.integration.ns_support import on_thread, thread_inode, veth

namespace = testing.namespace

THREADS = 8
ROUNDS = 300


@pytest.fixture
def other():
    with temporary_namespace() as ns:
        yield ns


def link_names():
    """Links of the calling thread's namespace (glibc asks that one)."""
    return frozenset(name for _, name in socket.if_nameindex())


def test_eight_threads_each_see_only_their_own_links():
    host = thread_inode()
    with contextlib.ExitStack() as stack:
        rooms = [
            stack.enter_context(temporary_namespace()) for _ in range(THREADS)
        ]
        for i, ns in enumerate(rooms):
            veth(ns.name, f"nkt{i}a", f"nkt{i}b")
        expected = [
            frozenset({"lo", f"nkt{i}a", f"nkt{i}b"}) for i in range(THREADS)
        ]

        seen = [set() for _ in range(THREADS)]
        strays = []
        start = threading.Barrier(THREADS + 1)
        done = threading.Event()

        def worker(i):
            start.wait()
            for _ in range(ROUNDS):
                with rooms[i]:
                    seen[i].add(link_names())
                    seen[i].add(thread_inode() == rooms[i].inode)
                seen[i].add(thread_inode() == host)

        def bystander():
            # Never enters anything: must stay on the host throughout.
            start.wait()
            while not done.is_set():
                if thread_inode() != host:
                    strays.append(thread_inode())

        threads = [
            threading.Thread(target=worker, args=(i,)) for i in range(THREADS)
        ]
        watcher = threading.Thread(target=bystander)
        for thread in [*threads, watcher]:
            thread.start()
        for thread in threads:
            thread.join()
        done.set()
        watcher.join()

    for i in range(THREADS):
        assert seen[i] == {expected[i], True}, i
    assert strays == []
    assert thread_inode() == host


def test_with_moves_the_thread_in_and_back(namespace):
    host = thread_inode()

    with namespace as inside:
        assert inside is namespace
        assert thread_inode() == namespace.inode
        assert Namespace.current() == namespace

    assert thread_inode() == host
    assert enter.depth() == 0


def test_with_restores_when_the_body_raises(namespace):
    host = thread_inode()

    with pytest.raises(KeyError, match="body"), namespace:
        raise KeyError("body")

    assert thread_inode() == host
    assert enter.depth() == 0


def test_nested_with_goes_back_step_by_step(namespace, other):
    host = thread_inode()

    with namespace:
        with other:
            assert thread_inode() == other.inode
            with namespace:
                assert thread_inode() == namespace.inode
            assert thread_inode() == other.inode
        assert thread_inode() == namespace.inode

    assert thread_inode() == host


def test_a_failed_return_is_raised_not_ignored(namespace, monkeypatch):
    # On a throwaway thread, since the thread ends up in the wrong place.
    real = _libc.setns
    calls = []

    def setns(fd, nstype=0):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.EBADF, "injected")
        real(fd, nstype)

    monkeypatch.setattr(_libc, "setns", setns)

    def inside():
        with namespace:
            pass

    with pytest.raises(OSError) as caught:
        on_thread(inside)

    assert caught.value.errno == errno.EBADF
    assert "could not move this thread back" in caught.value.__notes__[0]


def test_run_returns_the_value(namespace):
    host = thread_inode()

    assert namespace.run(thread_inode) == namespace.inode
    assert namespace.run(lambda a, b=0: a + b, 2, b=3) == 5
    assert namespace.run(link_names) == {"lo"}
    assert thread_inode() == host


def test_run_reraises_the_exception(namespace):
    error = ValueError("inside")

    def fail():
        raise error

    with pytest.raises(ValueError) as caught:
        namespace.run(fail)

    assert caught.value is error


def test_run_uses_a_thread_of_its_own(namespace):
    assert namespace.run(threading.get_ident) != threading.get_ident()


RTM_GETLINK = 18
IFLA_IFNAME = 3
IFINFOMSG = struct.Struct("=BxHiII")


def decode_ifname(body):
    """The IFLA_IFNAME of an ifinfomsg body, read by hand."""
    offset = IFINFOMSG.size
    while offset + 4 <= len(body):
        length, kind = struct.unpack_from("=HH", body, offset)
        if kind & 0x3FFF == IFLA_IFNAME:
            return (
                bytes(body[offset + 4 : offset + length])
                .rstrip(b"\0")
                .decode()
            )
        offset += (length + 3) & ~3
    return None


def test_a_socket_talks_to_its_namespace_from_any_thread(namespace):
    veth(namespace.name, "nks0", "nks1")
    with namespace.socket() as sock:

        def dump():
            body = IFINFOMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0)
            return sorted(sock.dump(RTM_GETLINK, body, decode=decode_ifname))

        # From this thread (on the host) and from another one.
        assert dump() == ["lo", "nks0", "nks1"]
        assert on_thread(dump) == ["lo", "nks0", "nks1"]


def test_current_is_the_calling_threads_namespace(namespace):
    host = Namespace.current()

    assert host == Namespace.from_pid(os.getpid())
    assert host == Namespace.from_path("/proc/self/ns/net")
    assert host.inode == os.stat("/proc/self/ns/net").st_ino
    assert namespace.run(Namespace.current) == namespace
    assert host.name is None

"""`ns.exec`: commands inside a namespace, like `ip netns exec`."""

import os
import subprocess
import sys
import threading
import time

import pytest

from netkit import Namespace, testing
from netkit.testing import temporary_namespace
from tests.integration.ns_support import etc_netns, stable_mounts, veth

namespace = testing.namespace


def test_completed_process_fields(namespace):
    argv = ["sh", "-c", "echo out; echo err >&2; exit 3"]

    done = namespace.exec(argv, capture_output=True, text=True)

    assert isinstance(done, subprocess.CompletedProcess)
    assert done.args == argv
    assert done.returncode == 3
    assert done.stdout == "out\n"
    assert done.stderr == "err\n"


def test_output_is_bytes_unless_text(namespace):
    done = namespace.exec(["echo", "hi"], capture_output=True)

    assert done.stdout == b"hi\n"
    assert done.stderr == b""


def test_check_raises_called_process_error(namespace):
    with pytest.raises(subprocess.CalledProcessError) as caught:
        namespace.exec(
            ["sh", "-c", "echo partial; exit 4"],
            check=True,
            capture_output=True,
            text=True,
        )

    assert caught.value.returncode == 4
    assert caught.value.stdout == "partial\n"
    assert namespace.exec(["true"], check=True).returncode == 0


def test_timeout_kills_the_command(namespace):
    started = time.monotonic()

    with pytest.raises(subprocess.TimeoutExpired):
        namespace.exec(["sleep", "30"], timeout=0.3)

    assert time.monotonic() - started < 5
    assert namespace.pids() == []


def test_env_input_and_cwd(namespace, tmp_path):
    done = namespace.exec(
        ["sh", "-c", 'echo "$NKTEST"; pwd; cat'],
        env={"NKTEST": "value", "PATH": os.environ["PATH"]},
        cwd=tmp_path,
        input="from stdin",
        capture_output=True,
        text=True,
    )

    assert done.stdout == f"value\n{tmp_path}\nfrom stdin"


def test_the_command_sees_only_the_namespace(namespace):
    veth(namespace.name, "nkc0", "nkc1")

    links = namespace.exec(
        ["ip", "-o", "link"], capture_output=True, text=True
    )
    sysfs = namespace.exec(
        ["ls", "/sys/class/net"], capture_output=True, text=True
    )
    net = namespace.exec(
        ["readlink", "/proc/self/ns/net"], capture_output=True, text=True
    )

    assert [line.split()[1] for line in links.stdout.splitlines()] == [
        "lo:",
        "nkc1@nkc0:",
        "nkc0@nkc1:",
    ]
    assert sysfs.stdout.split() == ["lo", "nkc0", "nkc1"]
    assert net.stdout.strip() == f"net:[{namespace.inode}]"


def sys_mount(mountinfo):
    """Options, type and source of the topmost mount on /sys."""
    found = None
    for line in mountinfo.splitlines():
        fields = line.split()
        if fields[4] == "/sys":
            tail = fields[fields.index("-") + 1 :]
            found = fields[5].split(",")[0], tail[0], tail[1]
    return found


def test_sysfs_is_mounted_as_ip_netns_exec_mounts_it(namespace):
    cat = ["cat", "/proc/self/mountinfo"]

    mine = namespace.exec(cat, capture_output=True, text=True)
    theirs = subprocess.run(
        ["ip", "netns", "exec", namespace.name, *cat],
        capture_output=True,
        text=True,
        check=True,
    )

    assert sys_mount(mine.stdout) == ("rw", "sysfs", namespace.name)
    assert sys_mount(mine.stdout) == sys_mount(theirs.stdout)


def test_etc_netns_files_are_seen_by_the_command_only(namespace):
    with etc_netns(namespace.name, {"hosts": "192.0.2.7 nktest-host\n"}):
        with open("/etc/hosts") as hosts:
            before = hosts.read()

        inside = namespace.exec(
            ["cat", "/etc/hosts"], capture_output=True, text=True
        )
        by_ip = subprocess.run(
            ["ip", "netns", "exec", namespace.name, "cat", "/etc/hosts"],
            capture_output=True,
            text=True,
            check=True,
        )

        assert inside.stdout == "192.0.2.7 nktest-host\n"
        assert inside.stdout == by_ip.stdout
        with open("/etc/hosts") as hosts:
            assert hosts.read() == before


def test_an_etc_netns_file_without_a_counterpart_stops_the_command(
    namespace,
):
    # iproute2 warns and runs the command anyway; netkit refuses to run
    # it with a configuration other than the one asked for.
    files = {"nktest-absent.conf": "x\n"}
    with (
        etc_netns(namespace.name, files),
        pytest.raises(FileNotFoundError) as caught,
    ):
        namespace.exec(["true"])

    assert "/etc/nktest-absent.conf" in caught.value.__notes__[0]


def test_the_callers_mounts_do_not_change(namespace):
    before = stable_mounts()

    namespace.exec(["true"], check=True)

    assert stable_mounts() == before


def test_descriptors_are_not_inherited(namespace):
    read_end, write_end = os.pipe()
    fd = 77
    os.dup2(write_end, fd, inheritable=True)
    script = f"test -e /proc/self/fd/{fd} && echo open || echo closed"
    try:
        inside = namespace.exec(
            ["sh", "-c", script], capture_output=True, text=True
        )
        # The same command, told to keep descriptors, sees it: the check
        # above means something.
        control = subprocess.run(
            ["sh", "-c", script],
            capture_output=True,
            text=True,
            close_fds=False,
        )
    finally:
        for descriptor in (read_end, write_end, fd):
            os.close(descriptor)

    assert inside.stdout == "closed\n"
    assert control.stdout == "open\n"


def test_no_shell(namespace):
    with pytest.raises(TypeError, match="no shell"):
        namespace.exec("echo hi; reboot")


def test_a_missing_program_raises_file_not_found(namespace):
    with pytest.raises(FileNotFoundError):
        namespace.exec(["nktest-no-such-program"])


def test_an_anonymous_namespace_runs_commands_too():
    ns = Namespace.new()
    try:
        done = ns.exec(
            ["readlink", "/proc/self/ns/net"], capture_output=True, text=True
        )
        assert done.stdout.strip() == f"net:[{ns.inode}]"
    finally:
        ns.close()


def test_exec_from_many_threads_while_others_enter(namespace):
    with temporary_namespace() as second:
        rooms = [namespace, second]
        wrong = []
        stop = threading.Event()

        def execs(ns):
            for _ in range(15):
                done = ns.exec(
                    ["readlink", "/proc/self/ns/net"],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                if done.stdout.strip() != f"net:[{ns.inode}]":
                    wrong.append(done.stdout)

        def enters(ns):
            while not stop.is_set():
                with ns:
                    pass

        runners = [
            threading.Thread(target=execs, args=(rooms[i % 2],))
            for i in range(6)
        ]
        movers = [threading.Thread(target=enters, args=(ns,)) for ns in rooms]
        for thread in movers + runners:
            thread.start()
        for thread in runners:
            thread.join()
        stop.set()
        for thread in movers:
            thread.join()

    assert wrong == []


def test_python_in_the_namespace(namespace):
    code = "import socket; print(socket.if_nameindex())"
    done = namespace.exec(
        [sys.executable, "-c", code], capture_output=True, text=True
    )

    assert done.stdout == "[(1, 'lo')]\n"

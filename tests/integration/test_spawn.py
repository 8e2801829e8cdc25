"""`netkit.spawn`: processes in new PID, mount, UTS and network namespaces.

Each test shows both views: what the process sees inside, and what the
host sees of it.
"""

import os
import signal
import socket
import subprocess
import threading

import pytest

import netkit
from netkit import testing
from tests.integration.ns_support import stable_mounts, veth

namespace = testing.namespace


def output(argv, **options):
    """Spawn argv, wait, and return (returncode, stdout as text)."""
    proc = netkit.spawn(argv, stdout=subprocess.PIPE, text=True, **options)
    out, _ = proc.communicate(timeout=30)
    return proc.returncode, out


def nspid(pid):
    """The NSpid line of /proc/PID/status: the PID at each level."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("NSpid:"):
                return [int(field) for field in line.split()[1:]]
    raise AssertionError("no NSpid line")


def test_the_process_is_pid_1_inside():
    assert output(["sh", "-c", "echo $$"]) == (0, "1\n")
    assert output(["cat", "/proc/self/stat"])[1].split()[0] == "1"


def test_proc_inside_shows_only_its_own_processes():
    script = "ls /proc | grep -E '^[0-9]+$'; echo $$ $PPID"
    code, out = output(["sh", "-c", script])

    *pids, last = out.splitlines()
    # sh (1), ls, and grep; no host process.
    assert code == 0
    assert "1" in pids
    assert len(pids) <= 3
    assert last == "1 0"


def test_the_host_sees_an_ordinary_pid():
    proc = netkit.spawn(["sleep", "60"])
    try:
        assert proc.ns_pid == 1
        assert proc.pid != 1
        assert nspid(proc.pid) == [proc.pid, 1]
        assert os.readlink(f"/proc/{proc.pid}/ns/pid") != os.readlink(
            "/proc/self/ns/pid"
        )
        assert os.readlink(f"/proc/{proc.pid}/ns/mnt") != os.readlink(
            "/proc/self/ns/mnt"
        )
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def test_pid_without_mount_keeps_the_hosts_proc():
    proc = netkit.spawn(["sleep", "60"], mount=False)
    try:
        assert nspid(proc.pid) == [proc.pid, 1]
        assert os.readlink(f"/proc/{proc.pid}/ns/mnt") == os.readlink(
            "/proc/self/ns/mnt"
        )
    finally:
        proc.kill()
        proc.wait()

    assert output(["sh", "-c", "echo $$"], mount=False) == (0, "1\n")


def test_no_new_pid_namespace():
    proc = netkit.spawn(["sleep", "60"], pid=False, mount=False)
    try:
        assert proc.ns_pid == proc.pid
        assert nspid(proc.pid) == [proc.pid]
    finally:
        proc.kill()
        proc.wait()


def test_a_host_name_of_its_own():
    host = socket.gethostname()

    code, out = output(["hostname"], uts=True, hostname="nktest-uts")

    assert out == "nktest-uts\n"
    assert socket.gethostname() == host


def test_net_puts_the_process_in_that_namespace(namespace):
    veth(namespace.name, "nkp0", "nkp1")
    script = "readlink /proc/self/ns/net; ls /sys/class/net"

    code, out = output(["sh", "-c", script], net=namespace)

    lines = out.splitlines()
    assert lines[0] == f"net:[{namespace.inode}]"
    assert lines[1:] == ["lo", "nkp0", "nkp1"]


def test_the_callers_mounts_do_not_change(namespace):
    before = stable_mounts()

    assert output(["true"], net=namespace, uts=True)[0] == 0

    assert stable_mounts() == before


def test_the_environment_is_passed_exactly():
    # The launcher is Python, which may add LC_CTYPE to its own; the
    # command must not get it.
    env = {"NKTEST": "1", "PATH": os.environ["PATH"]}

    code, out = output(["env"], env=env)

    assert sorted(out.splitlines()) == ["NKTEST=1", f"PATH={env['PATH']}"]


def test_signals_start_as_with_subprocess():
    # The launcher's interpreter ignores SIGPIPE and SIGXFSZ; the command
    # must start as subprocess would start it (which keeps only what the
    # caller itself ignores, such as SIGINT in a background job).
    argv = ["grep", "SigIgn", "/proc/self/status"]
    plain = subprocess.run(argv, capture_output=True, text=True, check=True)

    code, out = output(argv)

    assert out == plain.stdout
    assert code == 0


def test_descriptors_are_not_inherited():
    fd = 78
    read_end, write_end = os.pipe()
    os.dup2(write_end, fd, inheritable=True)
    try:
        code, out = output(["ls", "/proc/self/fd"])
    finally:
        for descriptor in (read_end, write_end, fd):
            os.close(descriptor)

    # 0, 1, 2 and the directory ls reads.
    assert str(fd) not in out.split()
    assert len(out.split()) == 4


def test_a_missing_program_raises_file_not_found():
    with pytest.raises(FileNotFoundError):
        netkit.spawn(["nktest-no-such-program"])
    with pytest.raises(FileNotFoundError):
        netkit.spawn(["nktest-no-such-program"], pid=False, mount=False)


def test_pipes_and_communicate():
    proc = netkit.spawn(
        ["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )

    out, _ = proc.communicate("through cat", timeout=30)

    assert out == "through cat"
    assert proc.returncode == 0
    assert proc.args == ["cat"]


def test_terminate_reaches_pid_1_only_through_a_handler():
    # PID 1 of a PID namespace gets only signals it handles; SIGKILL
    # always arrives.
    script = "trap 'exit 7' TERM; echo ready; while :; do sleep 0.05; done"
    proc = netkit.spawn(
        ["sh", "-c", script], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline() == "ready\n"
        proc.terminate()
        assert proc.wait(timeout=10) == 7
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def test_spawn_from_threads_while_others_enter(namespace):
    results = []
    stop = threading.Event()

    def spawns():
        for _ in range(5):
            results.append(output(["sh", "-c", "echo $$"], net=namespace))

    def enters():
        while not stop.is_set():
            with namespace:
                pass

    mover = threading.Thread(target=enters)
    spawners = [threading.Thread(target=spawns) for _ in range(4)]
    mover.start()
    for thread in spawners:
        thread.start()
    for thread in spawners:
        thread.join()
    stop.set()
    mover.join()

    assert results == [(0, "1\n")] * 20

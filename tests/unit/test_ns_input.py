"""netkit.ns input checks: refused before anything is touched (no root)."""

import os

import pytest

import netkit
from netkit.ns import _launch, names
from netkit.ns.command import check_argv

BAD_NAMES = [
    "",
    "a/b",
    "/",
    "..",
    ".",
    ".hidden",
    "a..b",
    "nul\0byte",
    "x" * 256,
    "é" * 128,  # 256 bytes in UTF-8
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_names_raise_value_error(name):
    with pytest.raises(ValueError, match="bad network namespace name"):
        names.validate_name(name)


@pytest.mark.parametrize(
    "name", ["red", "a", "x" * 255, "é" * 127, "with space", "a.b", "-"]
)
def test_good_names_pass(name):
    assert names.validate_name(name) == name
    assert names.path_for(name) == f"/run/netns/{name}"


def test_a_name_is_a_str():
    with pytest.raises(TypeError):
        names.validate_name(b"red")


@pytest.mark.parametrize("name", BAD_NAMES)
def test_namespace_refuses_bad_names_before_any_system_call(name, monkeypatch):
    # Any touch of the file system would go through os.open or os.mkdir.
    def touched(*args, **kwargs):
        raise AssertionError("touched the system")

    monkeypatch.setattr(os, "open", touched)
    monkeypatch.setattr(os, "mkdir", touched)

    with pytest.raises(ValueError):
        netkit.Namespace.create(name)
    with pytest.raises(ValueError):
        netkit.Namespace(name)


def test_argv_must_be_a_list_not_a_string():
    with pytest.raises(TypeError, match="no shell"):
        check_argv("ip link")
    with pytest.raises(TypeError):
        check_argv(b"ip link")
    with pytest.raises(ValueError):
        check_argv([])
    with pytest.raises(TypeError):
        check_argv(["echo", 3])

    assert check_argv(("ip", b"link")) == ["ip", b"link"]


def test_hostname_needs_uts():
    with pytest.raises(ValueError, match="uts=True"):
        netkit.spawn(["true"], hostname="inner")


@pytest.mark.parametrize("hostname", ["", "h" * 65])
def test_hostname_length(hostname):
    with pytest.raises(ValueError, match="host name"):
        netkit.spawn(["true"], uts=True, hostname=hostname)


def test_from_pid_wants_a_positive_int():
    for pid in (0, -1, True, "1"):
        with pytest.raises(ValueError):
            netkit.Namespace.from_pid(pid)


def test_launcher_command_passes_the_environment_locale():
    argv = _launch.command("/bin/python", 7, {"LC_CTYPE": "fr_FR"}, ["ls"])

    assert argv[:3] == ["/bin/python", "-I", "-S"]
    assert argv[3].endswith("_launch.py")
    assert argv[5:] == ["7", "=fr_FR", "--", "ls"]
    assert _launch.command("p", 3, {b"LC_CTYPE": b"C"}, ["x"])[6] == "=C"
    assert _launch.command("p", 3, {}, ["x"])[6] == "-"


def test_launcher_path_starts_with_netkit_itself():
    argv = _launch.command("p", 3, {}, ["x"])
    first = argv[4].split(os.pathsep)[0]

    assert os.path.isdir(os.path.join(first, "netkit", "ns"))


def test_launcher_errors_decode():
    error = _launch.decode_error(b"2\0/bin/nope\0starting nope")

    assert isinstance(error, FileNotFoundError)
    assert error.filename == "/bin/nope"
    assert "starting nope" in error.__notes__[0]

    other = _launch.decode_error(b"0\0\0loading netkit: ImportError()")
    assert isinstance(other, RuntimeError)
    assert "loading netkit" in str(other)

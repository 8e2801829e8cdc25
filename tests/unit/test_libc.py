"""netkit._libc: both ways of reaching libc, and the constants table.

Each mode is checked in a child interpreter, because the mode is chosen
once, when netkit._libc is first imported.
"""

import errno
import importlib

import pytest

from netkit import _libc
from netkit._ffi_decls import CONSTANTS
from tests.helpers import require_compiled_ffi, run_python

MODES = ["api", "abi"]

PRINT_MODE = "import netkit._libc as libc; print(libc.MODE)"

UNSHARE_BOGUS = """
    import netkit._libc as libc
    try:
        libc.unshare(-1)
    except OSError as error:
        print(libc.MODE, error.errno)
"""


def test_abi_forced_by_environment():
    assert run_python(PRINT_MODE, ffi="abi") == "abi"


def test_api_chosen_when_compiled():
    require_compiled_ffi()

    assert run_python(PRINT_MODE) == "api"


def test_bad_mode_in_environment_is_rejected():
    code = """
        try:
            import netkit._libc
        except ValueError as error:
            print(error)
    """

    assert "NETKIT_FFI" in run_python(code, ffi="fast")


def test_table_matches_compiled_headers():
    require_compiled_ffi()
    compiled = importlib.import_module("netkit._netkit_ffi")

    from_headers = {name: getattr(compiled.lib, name) for name in CONSTANTS}

    assert from_headers == CONSTANTS


def test_module_constants_are_the_table():
    exported = {
        name: getattr(_libc, name)
        for name in dir(_libc)
        if name.startswith(("CLONE_", "MS_", "MNT_", "UMOUNT_"))
    }

    assert exported == CONSTANTS


@pytest.mark.parametrize("mode", MODES)
def test_unshare_bogus_flags_raise_einval(mode):
    if mode == "api":
        require_compiled_ffi()

    printed = run_python(UNSHARE_BOGUS, ffi=mode)

    assert printed == f"{mode} {errno.EINVAL}"


def test_error_carries_errno_and_filename():
    target = "/nonexistent/netkit-umount-target"

    with pytest.raises(OSError) as caught:
        _libc.umount2(target)

    # EPERM for a user without CAP_SYS_ADMIN, ENOENT for root.
    assert caught.value.errno in (errno.ENOENT, errno.EPERM)
    assert caught.value.filename == target
    assert caught.value.strerror

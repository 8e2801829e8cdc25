"""setns(2), unshare(2), mount(2), umount2(2), sethostname(2), ioctl(2).

Importing this module loads the bindings, once; ``import netkit`` does not
import it. Two ways to reach libc, one surface:

- ``"api"``: the compiled module ``netkit._netkit_ffi``, built by
  ``_build_ffi.py`` when netkit is installed. The constants come from the
  system headers through the C compiler.
- ``"abi"``: when the compiled module is absent (a plain checkout), cffi
  opens the C library already loaded into the process and binds the same
  declarations at run time. The constants come from the table in
  ``netkit._ffi_decls``; a unit test checks it against the compiled module.

The structures of the ioctl layer (``struct ifreq``, the ethtool ones) are
declared in full in both modes; ``ffi`` allocates them. In API mode they
are checked against the compiler's layout as the module loads, so a wrong
declaration fails at import, not in the middle of an ioctl.

``MODE`` says which one is in use. The environment variable ``NETKIT_FFI``
chooses, for tests and debugging: ``abi`` forces the fallback, ``api``
insists on the compiled module (ImportError if it is missing), unset or
empty means "api if compiled, else abi".

Every call raises ``OSError`` (errno, strerror, filename) when libc returns
-1, so callers can catch ``PermissionError`` and the like.
"""

from __future__ import annotations

import os

from netkit import _lazy
from netkit._ffi_decls import (
    CONSTANTS,
    FUNCTIONS,
    LAYOUTS,
    NET_CONSTANTS,
    REQUESTS,
    STRUCTS,
    requests,
)

log = _lazy.logger(__name__)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

PathArg = str | bytes | os.PathLike[str] | os.PathLike[bytes]


def _load_abi() -> tuple[Any, Any, dict[str, int]]:
    """Bind FUNCTIONS to the process's C library at run time."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(FUNCTIONS + STRUCTS)
    lib = ffi.dlopen(None)
    constants = {**CONSTANTS, **NET_CONSTANTS, **requests(os.uname().machine)}
    return ffi, lib, constants


def _load_api() -> tuple[Any, Any, dict[str, int]]:
    """Take the compiled module; ImportError when it was not built."""
    from netkit._netkit_ffi import ffi, lib

    names = [*CONSTANTS, *NET_CONSTANTS, *REQUESTS]
    constants = {name: getattr(lib, name) for name in names}
    for struct in LAYOUTS:
        ffi.sizeof(struct)  # cffi compares the layout with the compiler's
    return ffi, lib, constants


def _load() -> tuple[str, Any, Any, dict[str, int]]:
    """Pick the mode as NETKIT_FFI says, see the module docstring."""
    wanted = os.environ.get("NETKIT_FFI", "")
    if wanted not in ("", "api", "abi"):
        raise ValueError(f"NETKIT_FFI must be 'api' or 'abi', not {wanted!r}")

    if wanted == "abi":
        return "abi", *_load_abi()

    try:
        return "api", *_load_api()
    except ImportError:
        if wanted == "api":
            raise
        log.debug("netkit._netkit_ffi not compiled, using cffi ABI mode")
        return "abi", *_load_abi()


MODE, _ffi, _lib, _constants = _load()

CLONE_FS: int = _constants["CLONE_FS"]
CLONE_FILES: int = _constants["CLONE_FILES"]
CLONE_NEWNS: int = _constants["CLONE_NEWNS"]
CLONE_NEWCGROUP: int = _constants["CLONE_NEWCGROUP"]
CLONE_NEWUTS: int = _constants["CLONE_NEWUTS"]
CLONE_NEWIPC: int = _constants["CLONE_NEWIPC"]
CLONE_NEWUSER: int = _constants["CLONE_NEWUSER"]
CLONE_NEWPID: int = _constants["CLONE_NEWPID"]
CLONE_NEWNET: int = _constants["CLONE_NEWNET"]

# The FFI object: ffi.new("struct ifreq *") and the like.
ffi = _ffi

MS_RDONLY: int = _constants["MS_RDONLY"]
MS_NOSUID: int = _constants["MS_NOSUID"]
MS_NODEV: int = _constants["MS_NODEV"]
MS_NOEXEC: int = _constants["MS_NOEXEC"]
MS_REMOUNT: int = _constants["MS_REMOUNT"]
MS_BIND: int = _constants["MS_BIND"]
MS_MOVE: int = _constants["MS_MOVE"]
MS_REC: int = _constants["MS_REC"]
MS_UNBINDABLE: int = _constants["MS_UNBINDABLE"]
MS_PRIVATE: int = _constants["MS_PRIVATE"]
MS_SLAVE: int = _constants["MS_SLAVE"]
MS_SHARED: int = _constants["MS_SHARED"]

MNT_FORCE: int = _constants["MNT_FORCE"]
MNT_DETACH: int = _constants["MNT_DETACH"]
UMOUNT_NOFOLLOW: int = _constants["UMOUNT_NOFOLLOW"]

IFNAMSIZ: int = _constants["IFNAMSIZ"]
IFF_TUN: int = _constants["IFF_TUN"]
IFF_TAP: int = _constants["IFF_TAP"]
IFF_MULTI_QUEUE: int = _constants["IFF_MULTI_QUEUE"]
IFF_PERSIST: int = _constants["IFF_PERSIST"]
IFF_NO_PI: int = _constants["IFF_NO_PI"]
IFF_VNET_HDR: int = _constants["IFF_VNET_HDR"]
IFF_TUN_EXCL: int = _constants["IFF_TUN_EXCL"]

SIOCGIFNAME: int = _constants["SIOCGIFNAME"]
SIOCGIFFLAGS: int = _constants["SIOCGIFFLAGS"]
SIOCSIFFLAGS: int = _constants["SIOCSIFFLAGS"]
SIOCGIFINDEX: int = _constants["SIOCGIFINDEX"]
SIOCETHTOOL: int = _constants["SIOCETHTOOL"]

ETHTOOL_GDRVINFO: int = _constants["ETHTOOL_GDRVINFO"]
ETHTOOL_GSTRINGS: int = _constants["ETHTOOL_GSTRINGS"]
ETHTOOL_GSTATS: int = _constants["ETHTOOL_GSTATS"]
ETHTOOL_GSSET_INFO: int = _constants["ETHTOOL_GSSET_INFO"]
ETH_SS_STATS: int = _constants["ETH_SS_STATS"]
ETH_GSTRING_LEN: int = _constants["ETH_GSTRING_LEN"]

TUNSETIFF: int = _constants["TUNSETIFF"]
TUNSETPERSIST: int = _constants["TUNSETPERSIST"]
TUNSETOWNER: int = _constants["TUNSETOWNER"]
TUNSETGROUP: int = _constants["TUNSETGROUP"]
TUNGETFEATURES: int = _constants["TUNGETFEATURES"]
TUNGETIFF: int = _constants["TUNGETIFF"]
TUNSETQUEUE: int = _constants["TUNSETQUEUE"]


def _raise_errno(filename: PathArg | None = None) -> NoReturn:
    """Raise OSError for the errno the last libc call on this thread set.

    Call it first thing after a call returned -1: cffi keeps errno per
    thread, and any later call into C may overwrite it.
    """
    err = _ffi.errno
    raise OSError(err, os.strerror(err), filename)


def _cstring(value: PathArg | None) -> Any:
    """A path or name as a C string argument; None as NULL."""
    if value is None:
        return _ffi.NULL

    return os.fsencode(value)


def setns(fd: int, nstype: int = 0) -> None:
    """Move the calling thread into the namespace that ``fd`` refers to.

    ``nstype`` (a CLONE_NEW* constant, or 0 for any) makes the kernel check
    the kind of namespace first.
    """
    if _lib.setns(fd, nstype) == -1:
        _raise_errno()


def unshare(flags: int) -> None:
    """Give the calling thread (or process) new namespaces per ``flags``."""
    if _lib.unshare(flags) == -1:
        _raise_errno()


def mount(
    source: PathArg | None,
    target: PathArg,
    fstype: str | bytes | None,
    flags: int,
    data: str | bytes | None = None,
) -> None:
    """mount(2): like ``mount -t FSTYPE -o DATA SOURCE TARGET``."""
    options = _ffi.NULL
    if data is not None:
        options = _ffi.new("char[]", os.fsencode(data))

    result = _lib.mount(
        _cstring(source), _cstring(target), _cstring(fstype), flags, options
    )
    if result == -1:
        _raise_errno(target)


def umount2(target: PathArg, flags: int = 0) -> None:
    """umount2(2): like ``umount TARGET``; MNT_DETACH is ``umount -l``."""
    if _lib.umount2(_cstring(target), flags) == -1:
        _raise_errno(target)


def sethostname(name: str | bytes) -> None:
    """Set the host name of the calling process's UTS namespace."""
    raw = os.fsencode(name)
    if _lib.sethostname(raw, len(raw)) == -1:
        _raise_errno()


def ioctl(fd: int, request: int, arg: Any = 0) -> int:
    """ioctl(2): ``arg`` is a cdata pointer (a struct) or an int value.

    Returns what the kernel returned (0 for most requests).
    """
    if isinstance(arg, int):
        arg = _ffi.cast("unsigned long", arg)

    result = _lib.ioctl(fd, request, arg)
    if result == -1:
        _raise_errno()
    return result

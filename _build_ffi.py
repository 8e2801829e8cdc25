"""Build ``netkit._netkit_ffi``, the compiled (API mode) libc bindings.

setuptools runs this through cffi's ``cffi_modules`` hook (see setup.py)
when netkit is installed. The declarations live in
``netkit/_ffi_decls.py``, which ``netkit._libc`` also reads for its ABI-mode
fallback; it is loaded here by file path, because netkit itself is not
importable while pip builds it.

By hand: ``python3 _build_ffi.py`` writes and compiles the module into
./netkit (an in-place build, for a plain checkout).
"""

import importlib.util
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent

# <net/if.h> (glibc's struct ifreq and IFF_UP...) and <linux/if.h> define
# the same names and cannot be included together; netkit takes glibc's and
# none of the headers below pulls in <linux/if.h>.
# __SANE_USERSPACE_TYPES__ makes __u64 "unsigned long long" everywhere, as
# STRUCTS declares it.
SOURCE = """
#define _GNU_SOURCE
#define __SANE_USERSPACE_TYPES__
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <linux/ethtool.h>
"""


def _load_decls():
    """Load netkit/_ffi_decls.py as a standalone module."""
    path = HERE / "netkit" / "_ffi_decls.py"
    spec = importlib.util.spec_from_file_location("_netkit_ffi_decls", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


decls = _load_decls()

ffibuilder = FFI()
ffibuilder.cdef(decls.FUNCTIONS + decls.STRUCTS + decls.constants_cdef())
ffibuilder.set_source("netkit._netkit_ffi", SOURCE)


if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(HERE), verbose=True)

"""The ioctl structures and numbers: the ABI fallback against the compiler.

In API mode cffi refuses a structure whose declared fields disagree with
the C compiler's, so the compiled module's layouts are the headers'. These
tests check that the ABI fallback, which has no compiler, lays every
structure out the same way and carries the same numbers.
"""

import importlib
import json
import os
from pathlib import Path

import pytest

from netkit import _ffi_decls, _libc
from netkit._ffi_decls import LAYOUTS, NET_CONSTANTS, REQUESTS, ioc, requests
from tests.helpers import require_compiled_ffi, run_python

# Prints {struct: {"size", "alignment", "fields": {name: [offset, size]}}}
# for every structure of LAYOUTS, in the mode the child was started in.
PRINT_LAYOUTS = """
    import json
    import netkit._libc as libc
    from netkit._ffi_decls import LAYOUTS

    ffi = libc.ffi
    def field_size(ctype):
        if ctype.kind == "array" and ctype.length is None:
            return ffi.sizeof(ctype.item)  # flexible array: one element
        return ffi.sizeof(ctype)

    layouts = {}
    for struct in LAYOUTS:
        ctype = ffi.typeof(struct)
        layouts[struct] = {
            "size": ffi.sizeof(ctype),
            "alignment": ffi.alignof(ctype),
            "fields": {
                name: [ffi.offsetof(ctype, name), field_size(field.type)]
                for name, field in ctype.fields
            },
        }
    print(libc.MODE, json.dumps(layouts, sort_keys=True))
"""


def layouts(mode):
    printed = run_python(PRINT_LAYOUTS, ffi=mode)
    got_mode, _, text = printed.partition(" ")
    assert got_mode == mode
    return json.loads(text)


def test_layouts_agree_between_api_and_abi():
    require_compiled_ffi()

    api, abi = layouts("api"), layouts("abi")

    assert sorted(api) == sorted(LAYOUTS)
    for struct in LAYOUTS:
        assert abi[struct] == api[struct], struct


def test_ifreq_has_the_members_the_ioctls_use():
    fields = dict(_libc.ffi.typeof("struct ifreq").fields)
    union = {"ifr_flags", "ifr_ifindex", "ifr_data", "ifr_newname"}

    assert fields["ifr_name"].offset == 0
    assert _libc.ffi.sizeof(fields["ifr_name"].type) == _libc.IFNAMSIZ
    assert {fields[name].offset for name in union} == {_libc.IFNAMSIZ}


def test_known_sizes_on_this_machine():
    # 64-bit Linux: struct ifmap (two longs and change) is the largest
    # member of the union, so struct ifreq is 16 + 24 bytes.
    if _libc.ffi.sizeof("long") != 8:
        pytest.skip("figures for 64-bit machines")

    assert _libc.ffi.sizeof("struct ifreq") == 40
    assert _libc.ffi.sizeof("struct ethtool_drvinfo") == 196
    assert _libc.ffi.offsetof("struct ethtool_sset_info", "data") == 16
    assert _libc.ffi.offsetof("struct ethtool_gstrings", "data") == 12
    assert _libc.ffi.offsetof("struct ethtool_stats", "data") == 8


def test_net_tables_match_compiled_headers():
    require_compiled_ffi()
    lib = importlib.import_module("netkit._netkit_ffi").lib

    expected = {**NET_CONSTANTS, **requests(os.uname().machine)}
    from_headers = {name: getattr(lib, name) for name in expected}

    assert from_headers == expected


def test_module_exports_every_net_constant():
    names = [*NET_CONSTANTS, *REQUESTS]
    exported = {name: getattr(_libc, name) for name in names}

    assert exported == {
        **NET_CONSTANTS,
        **requests(os.uname().machine),
    }


@pytest.mark.parametrize(
    ("machine", "tunsetiff", "tungetiff"),
    [
        ("x86_64", 0x400454CA, 0x800454D2),
        ("aarch64", 0x400454CA, 0x800454D2),
        ("ppc64le", 0x800454CA, 0x400454D2),
        ("mips64", 0x800454CA, 0x400454D2),
        ("sparc64", 0x800454CA, 0x400454D2),
        ("parisc64", 0x800454CA, 0x400454D2),
    ],
)
def test_request_encoding_per_architecture(machine, tunsetiff, tungetiff):
    table = requests(machine)

    assert table["TUNSETIFF"] == tunsetiff
    assert table["TUNGETIFF"] == tungetiff


def test_ioc_packs_number_type_and_size():
    assert (
        ioc("w", "T", 202, 4, "x86_64")
        == (1 << 30) | (4 << 16) | (ord("T") << 8) | 202
    )
    assert ioc("rw", "T", 1, 8, "x86_64") >> 30 == 3


def test_decls_module_imports_nothing():
    source = Path(_ffi_decls.__file__).read_text()

    assert "\nimport " not in source
    assert "\nfrom " not in source


def test_abi_fallback_calls_ioctl():
    code = """
        import errno, os
        import netkit._libc as libc

        req = libc.ffi.new("struct ifreq *")
        req.ifr_name = b"nk-no-such-if0"
        fd = os.open("/dev/null", os.O_RDONLY)
        try:
            libc.ioctl(fd, libc.SIOCGIFFLAGS, req)
        except OSError as error:
            print(libc.MODE, errno.errorcode[error.errno])
    """

    # /dev/null is no socket: the kernel refuses the request with ENOTTY.
    assert run_python(code, ffi="abi") == "abi ENOTTY"

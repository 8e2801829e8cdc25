"""The netkit facade: the public names and their lazy loading."""

import pytest

import netkit
from tests.helpers import run_python


def test_all_lists_exactly_the_lazy_table():
    assert sorted(netkit.__all__) == sorted(netkit._LAZY)
    assert len(netkit.__all__) == len(set(netkit.__all__))


def test_every_public_name_resolves():
    for name in netkit.__all__:
        assert getattr(netkit, name) is not None, name


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        netkit.no_such_name  # noqa: B018


def test_import_loads_nothing_heavy():
    code = """
        import sys
        import netkit
        heavy = ["cffi", "netkit._libc", "netkit._netkit_ffi", "socket"]
        print([name for name in heavy if name in sys.modules])
    """

    assert run_python(code) == "[]"


def test_version_matches_metadata():
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("netkit")
    except PackageNotFoundError:
        pytest.skip("netkit is not installed (pip install -e .)")

    assert installed == netkit.__version__

"""Shim for cffi: the rest of the metadata lives in pyproject.toml.

cffi's setuptools hook reads ``cffi_modules`` only as a ``setup()``
keyword, which pyproject.toml cannot carry.
"""

from setuptools import setup

setup(cffi_modules=["_build_ffi.py:ffibuilder"])

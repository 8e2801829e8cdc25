"""Which sysctl keys netkit takes, and how values are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from netkit.sysctl import path_of, text_of


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward"),
        ("net/ipv4/ip_forward", "/proc/sys/net/ipv4/ip_forward"),
        (
            "net.ipv6.conf.all.forwarding",
            "/proc/sys/net/ipv6/conf/all/forwarding",
        ),
        (
            "net/ipv4/conf/eth0.5/rp_filter",
            "/proc/sys/net/ipv4/conf/eth0.5/rp_filter",
        ),
    ],
)
def test_net_keys(key, path):
    assert path_of(key) == Path(path)


@pytest.mark.parametrize(
    "key",
    [
        "kernel.hostname",
        "vm.swappiness",
        "net",
        "",
        "net..ipv4",
        "net.ipv4.",
        "net/../kernel/hostname",
        "net/ipv4/./ip_forward",
        "net.ipv4.ip forward",
        "net.ipv4.ip_forward\n",
        "net\0.ipv4",
        "/net/ipv4/ip_forward",
        None,
        42,
    ],
)
def test_other_keys_are_refused(key):
    with pytest.raises(ValueError):
        path_of(key)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1, "1"), (0, "0"), (True, "1"), (False, "0"), ("0 0", "0 0")],
)
def test_values(value, text):
    assert text_of(value) == text


@pytest.mark.parametrize("value", ["1\n0", "a\rb", "x\0", 1.5, None, b"1"])
def test_values_that_cannot_be_written(value):
    with pytest.raises(ValueError):
        text_of(value)

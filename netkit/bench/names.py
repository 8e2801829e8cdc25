"""Names and addresses the benchmark's workloads share with every competitor.

Address i of W2 and W3 is 198.18.0.0 + i (as /32), from the range set
aside for benchmarking (RFC 2544); room i of W4 gets 198.18.0.0 + 1 + i.
"""

from __future__ import annotations

BASE = (198 << 24) | (18 << 16)
LIMIT = 1 << 17  # 198.18.0.0/15


def address(i: int) -> str:
    """The i-th benchmark address, as text."""
    if not 0 <= i < LIMIT:
        raise ValueError(f"address {i} is outside 198.18.0.0/15")
    n = BASE + i
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def room_address(i: int) -> str:
    """The address of room i's end of its cable (W4)."""
    return address(1 + i)

"""Netlink throughput on this machine: the workloads of BENCHMARKS.md.

`netkit bench` runs the netkit part (the plain object API and
`ns.batch()`); the full suite in the repository's `benchmarks/` adds
pyroute2, `ip -batch` and a pipelined C client, on the same harness.

- `harness`: private namespaces, phases timed in worker processes, the
  kernel's state checked with `ip -j` after every phase, medians of
  interleaved runs, the table and the JSON.
- `worker`: the netkit side of each phase (``python -m
  netkit.bench.worker``), one process per phase so no run inherits
  another's memory.

Everything runs in namespaces the harness creates and removes; the
host's own network is never touched.
"""

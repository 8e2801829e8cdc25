"""The netkit benchmark suite (see run.py); `python3 -m benchmarks`."""

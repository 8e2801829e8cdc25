"""Topologies: a network declared in a TOML file, brought up and down.

    topology = netkit.topology.load("examples/two-rooms.toml")
    netkit.topology.build(topology).script()   # the plan as ip commands
    netkit.topology.up(topology)               # create what is missing
    netkit.topology.down(topology)             # remove what it declares

The modules, one concern each: `schema` parses the file into the typed
objects of `spec`, `checks` checks references across it, `plan` orders
the steps, `actions` performs one step against the kernel, `apply` runs
them with rollback, `down` tears down.  The file format is described in
docs/howto/topology.rst.
"""

from netkit.topology.apply import UpResult, up
from netkit.topology.down import DownResult, down
from netkit.topology.errors import Conflict, StepFailed, TopologyError
from netkit.topology.plan import Plan, Step, build
from netkit.topology.schema import load, loads
from netkit.topology.spec import Topology

__all__ = [
    "Conflict",
    "DownResult",
    "Plan",
    "Step",
    "StepFailed",
    "Topology",
    "TopologyError",
    "UpResult",
    "build",
    "down",
    "load",
    "loads",
    "up",
]

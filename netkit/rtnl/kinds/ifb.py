"""The ifb kind (intermediate functional block, for ingress shaping).

It has no data.
"""

from netkit.rtnl.kinds import register

register("ifb")

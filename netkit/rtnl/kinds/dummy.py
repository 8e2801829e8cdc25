"""The dummy kind: a link that drops what it is sent; it has no data."""

from netkit.rtnl.kinds import register

register("dummy")

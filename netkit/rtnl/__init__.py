"""rtnetlink message families: link, address, route and neighbour.

One module per family, each a `Message` subclass with its C struct and
attribute table; link kinds live under `netkit.rtnl.kinds`, one module a
kind.  Like `netkit.netlink`, nothing here does I/O.
"""

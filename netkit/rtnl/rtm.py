"""rtnetlink's message types and multicast groups (linux/rtnetlink.h).

Each family (link, addr, route, neigh) has a NEW, DEL and GET type; replies
to GET and notifications both come as NEW (or DEL) messages.
"""

from __future__ import annotations

import socket

AF_UNSPEC = socket.AF_UNSPEC
AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6
AF_BRIDGE = socket.AF_BRIDGE

RTM_NEWLINK = 16
RTM_DELLINK = 17
RTM_GETLINK = 18
RTM_SETLINK = 19

RTM_NEWADDR = 20
RTM_DELADDR = 21
RTM_GETADDR = 22

RTM_NEWROUTE = 24
RTM_DELROUTE = 25
RTM_GETROUTE = 26

RTM_NEWNEIGH = 28
RTM_DELNEIGH = 29
RTM_GETNEIGH = 30

RTM_NEWNSID = 88
RTM_DELNSID = 89
RTM_GETNSID = 90

# Multicast groups for NETLINK_ADD_MEMBERSHIP (enum rtnetlink_groups).
RTNLGRP_LINK = 1
RTNLGRP_NOTIFY = 2
RTNLGRP_NEIGH = 3
RTNLGRP_TC = 4
RTNLGRP_IPV4_IFADDR = 5
RTNLGRP_IPV4_MROUTE = 6
RTNLGRP_IPV4_ROUTE = 7
RTNLGRP_IPV4_RULE = 8
RTNLGRP_IPV6_IFADDR = 9
RTNLGRP_IPV6_MROUTE = 10
RTNLGRP_IPV6_ROUTE = 11
RTNLGRP_IPV6_IFINFO = 12
RTNLGRP_NSID = 28

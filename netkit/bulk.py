"""Removing many links at once: by link group.

Deleting links one request at a time is bound by the kernel (each
unregistration waits for the network stack to let go of the device, some
16 ms), whoever asks.  One RTM_DELLINK for a whole link group
(`del_link_group`) unregisters them together, a hundred times quicker.
So netkit can tag the links it makes with a group (``group=`` of
`VethPair.create`, `Link.create` and the batch's `add_veth`/`add_link`),
and remove them with `delete_links(ns, group=N)`: like ``ip link del
group N``.  Deleting one end of a veth pair deletes the other, also in
another namespace.

When the kernel refuses the group request because a member cannot be
deleted (a device of no kind), the links of the group that can be are
deleted one by one, pipelined in one batch, which is the plain path.
"""

from __future__ import annotations

import errno
import logging
from typing import TYPE_CHECKING

from netkit.errors import LinkNotFound, NotSupported
from netkit.rtnl import link as rtlink

if TYPE_CHECKING:
    from netkit.namespace import Namespace

log = logging.getLogger(__name__)


def delete_links(
    ns: Namespace, *, group: int, missing_ok: bool = False
) -> None:
    """Delete every link of link `group` in `ns` (ip link del group N).

    LinkNotFound when no link is in the group, unless `missing_ok`.
    """
    request = rtlink.del_link_group(group)
    try:
        ns.rtnl.request(*request)
    except LinkNotFound:
        if not missing_ok:
            raise
    except NotSupported:
        log.debug("group %d holds a link of no kind: one by one", group)
        delete_one_by_one(ns, group=group)


def delete_one_by_one(ns: Namespace, *, group: int) -> int:
    """The plain path: delete the group's links with a request each.

    The requests go pipelined in one batch; links of no kind (which the
    kernel cannot delete) are left, and so is the second end of a veth
    pair that the first took along.  Returns how many were asked for.
    """
    from netkit.netlink.batch import BatchError

    doomed = [link for link in ns.links() if link.group == group and link.kind]
    batch = ns.batch()
    for link in doomed:
        batch.delete_link(link.index)
    try:
        batch.send()
    except BatchError as exc:
        # An end deleted with its peer earlier in the batch is gone.
        real = [f for f in exc.failures if f.error.errno != errno.ENODEV]
        if real:
            raise
    return len(doomed)

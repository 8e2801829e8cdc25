"""Namespaces: persistent names, entering, running code and commands inside.

One concern a module, each built on the libc bindings of `netkit._libc`:

- `names`: named network namespaces in /run/netns, as `ip netns` keeps
  them, so either tool sees the other's.
- `nsfs`: namespace files: opening one, checking its type, identity.
- `enter`: moving the calling thread in and back; running a function on
  a thread of its own.
- `mounts`: the mount namespace a command inside gets (/sys, /etc/netns).
- `command`: running a command inside, like `ip netns exec`.
- `spawn`: a process in new PID, mount and UTS namespaces.
- `privilege`: turning EPERM into an error that says what is needed.

`setns(2)` moves only the calling thread, so nothing here moves a thread
it does not own, except `enter`, which always moves it back.  Importing
this package loads nothing; the modules load the C bindings.
"""

"""The ioctl layer: what the kernel offers through ioctl(2), not netlink.

- `netkit.ioctl.tuntap`: TUN and TAP devices (`netkit.Tap`, `netkit.Tun`).
- `netkit.ioctl.ethtool`: a link's driver and driver counters
  (`Link.driver()`, `Link.ethtool_stats()`).
- `netkit.ioctl.interface`: interface flags, index and name by the old
  socket ioctls, the fallback for code that wants no netlink.
- `netkit.ioctl.ifreq`: `struct ifreq`, the socket each request goes
  through (opened inside the namespace it is about), and the errors,
  which name the request and the device.

The structures and request numbers come from `netkit._libc` (declared in
`netkit._ffi_decls`, checked against the C headers when compiled).
"""

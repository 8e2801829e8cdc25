"""The C declarations netkit takes from libc, written down once.

Two readers use this module:

- ``_build_ffi.py`` (at the top of the source tree, not installed) loads it
  by file path while the package is being built. It hands ``FUNCTIONS`` to
  cffi and asks the C compiler for the value of each name in ``CONSTANTS``,
  so the compiled module ``netkit._netkit_ffi`` carries the values of the
  system headers.
- ``netkit._libc`` hands the same ``FUNCTIONS`` to cffi in ABI mode when the
  compiled module is absent. No compiler is asked then, so the values in
  ``CONSTANTS`` are used as written. A unit test checks them against the
  compiled module; that test is what keeps this table honest.

The module imports nothing, so it can be loaded on its own, by path.
"""

FUNCTIONS = """
int setns(int fd, int nstype);
int unshare(int flags);
int mount(const char *source, const char *target,
          const char *filesystemtype, unsigned long mountflags,
          const void *data);
int umount2(const char *target, int flags);
int sethostname(const char *name, size_t len);
"""

# Linux values, the same on every architecture Linux supports
# (include/uapi/linux/sched.h, include/uapi/linux/mount.h,
# include/linux/fs.h).
CONSTANTS = {
    # unshare(2), setns(2), clone(2)
    "CLONE_FS": 0x00000200,
    "CLONE_FILES": 0x00000400,
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
    # mount(2) flags
    "MS_RDONLY": 1,
    "MS_NOSUID": 2,
    "MS_NODEV": 4,
    "MS_NOEXEC": 8,
    "MS_REMOUNT": 32,
    "MS_BIND": 4096,
    "MS_MOVE": 8192,
    "MS_REC": 16384,
    "MS_UNBINDABLE": 1 << 17,
    "MS_PRIVATE": 1 << 18,
    "MS_SLAVE": 1 << 19,
    "MS_SHARED": 1 << 20,
    # umount2(2) flags
    "MNT_FORCE": 1,
    "MNT_DETACH": 2,
    "UMOUNT_NOFOLLOW": 8,
}


def constants_cdef() -> str:
    """Return cdef lines that make cffi ask the compiler for each value."""
    return "".join(f"#define {name} ...\n" for name in CONSTANTS)

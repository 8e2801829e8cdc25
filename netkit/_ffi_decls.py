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

The ioctl layer (``netkit.ioctl``) adds three things to the same scheme:

- ``STRUCTS``, the structures it hands to ``ioctl(2)``, written out field
  by field. In ABI mode cffi lays them out by the C rules of the machine;
  in API mode cffi compares the offset and size of every field with what
  the C compiler says and refuses the module (``ffi.error``) when they
  differ, so the compiler checks this text. ``LAYOUTS`` names the ones a
  unit test compares between the two modes.
- ``NET_CONSTANTS``: flags and request numbers that are the same on every
  architecture, checked like ``CONSTANTS``.
- ``REQUESTS``: requests encoded with ``_IOW``/``_IOR``, whose numbers
  depend on the architecture; ``requests(machine)`` encodes them for the
  ABI fallback, the compiled module takes them from the headers.

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
int ioctl(int fd, unsigned long request, ...);
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


# The structures of the ioctl layer. Field names are those of the headers;
# __u32/__u64 are written as the C types they are with
# __SANE_USERSPACE_TYPES__ (which _build_ffi.py defines), so the compiler
# sees the same types on every architecture.
STRUCTS = """
struct sockaddr {
    unsigned short sa_family;
    char sa_data[14];
};

struct ifmap {
    unsigned long mem_start;
    unsigned long mem_end;
    unsigned short base_addr;
    unsigned char irq;
    unsigned char dma;
    unsigned char port;
};

/* <net/if.h> spells ifr_name, ifr_flags... as macros for members of two
   unions; an anonymous union gives the same layout under those names. */
struct ifreq {
    char ifr_name[16];
    union {
        struct sockaddr ifr_addr;
        short ifr_flags;
        int ifr_ifindex;
        int ifr_mtu;
        struct ifmap ifr_map;
        char ifr_newname[16];
        char *ifr_data;
    };
};

struct ethtool_drvinfo {
    unsigned int cmd;
    char driver[32];
    char version[32];
    char fw_version[32];
    char bus_info[32];
    char erom_version[32];
    char reserved2[12];
    unsigned int n_priv_flags;
    unsigned int n_stats;
    unsigned int testinfo_len;
    unsigned int eedump_len;
    unsigned int regdump_len;
};

struct ethtool_sset_info {
    unsigned int cmd;
    unsigned int reserved;
    unsigned long long sset_mask;
    unsigned int data[];
};

struct ethtool_gstrings {
    unsigned int cmd;
    unsigned int string_set;
    unsigned int len;
    unsigned char data[];
};

struct ethtool_stats {
    unsigned int cmd;
    unsigned int n_stats;
    unsigned long long data[];
};
"""

LAYOUTS = (
    "struct sockaddr",
    "struct ifmap",
    "struct ifreq",
    "struct ethtool_drvinfo",
    "struct ethtool_sset_info",
    "struct ethtool_gstrings",
    "struct ethtool_stats",
)

# <net/if.h>, <linux/if_tun.h>, <linux/sockios.h>, <linux/ethtool.h>: the
# same on every architecture.
NET_CONSTANTS = {
    "IFNAMSIZ": 16,
    # TUNSETIFF flags (ifr_flags)
    "IFF_TUN": 0x0001,
    "IFF_TAP": 0x0002,
    "IFF_MULTI_QUEUE": 0x0100,
    "IFF_PERSIST": 0x0800,
    "IFF_NO_PI": 0x1000,
    "IFF_VNET_HDR": 0x4000,
    "IFF_TUN_EXCL": 0x8000,
    # socket ioctls on an interface
    "SIOCGIFNAME": 0x8910,
    "SIOCGIFFLAGS": 0x8913,
    "SIOCSIFFLAGS": 0x8914,
    "SIOCGIFINDEX": 0x8933,
    "SIOCETHTOOL": 0x8946,
    # SIOCETHTOOL commands
    "ETHTOOL_GDRVINFO": 0x00000003,
    "ETHTOOL_GSTRINGS": 0x0000001B,
    "ETHTOOL_GSTATS": 0x0000001D,
    "ETHTOOL_GSSET_INFO": 0x00000037,
    "ETH_SS_STATS": 1,
    "ETH_GSTRING_LEN": 32,
}

# <linux/if_tun.h>: name -> (direction, type, number, argument size) as
# given to _IOW/_IOR there.
REQUESTS = {
    "TUNSETIFF": ("w", "T", 202, 4),
    "TUNSETPERSIST": ("w", "T", 203, 4),
    "TUNSETOWNER": ("w", "T", 204, 4),
    "TUNSETGROUP": ("w", "T", 206, 4),
    "TUNGETFEATURES": ("r", "T", 207, 4),
    "TUNGETIFF": ("r", "T", 210, 4),
    "TUNSETQUEUE": ("w", "T", 217, 4),
}

# _IOC bit layout: (size bits, read bit, write bit), by `uname -m` prefix.
# asm-generic (x86, arm, arm64, riscv, s390...) unless listed.
_IOC_LAYOUTS = {
    "alpha": (13, 2, 4),
    "mips": (13, 2, 4),
    "ppc": (13, 2, 4),
    "powerpc": (13, 2, 4),
    "sparc": (13, 2, 4),
    "parisc": (14, 1, 2),
}
_IOC_GENERIC = (14, 2, 1)


def ioc(
    direction: str, kind: str, number: int, size: int, machine: str
) -> int:
    """Encode a request like _IOC() of the kernel for `machine`."""
    size_bits, read, write = next(
        (v for k, v in _IOC_LAYOUTS.items() if machine.startswith(k)),
        _IOC_GENERIC,
    )
    bits = {"r": read, "w": write, "rw": read | write}[direction]
    return bits << (16 + size_bits) | size << 16 | ord(kind) << 8 | number


def requests(machine: str) -> dict[str, int]:
    """The REQUESTS numbers for `machine` (as `uname -m` names it)."""
    return {name: ioc(*spec, machine) for name, spec in REQUESTS.items()}


def constants_cdef() -> str:
    """Return cdef lines that make cffi ask the compiler for each value."""
    names = [*CONSTANTS, *NET_CONSTANTS, *REQUESTS]
    return "".join(f"#define {name} ...\n" for name in names)

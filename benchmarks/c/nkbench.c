/*
 * nkbench: the kernel's limit for the netkit benchmarks (BENCHMARKS.md).
 *
 * A small rtnetlink client that pipelines its requests over one socket,
 * as netkit's batch() does: up to 1024 requests to a datagram, NLM_F_ACK
 * on the last one only, errors read back as they come and matched by
 * sequence number.  It does nothing else, so its rate is what the kernel
 * takes.  Compiled by the benchmark suite with gcc at run time; runs in
 * the namespace it is started in (the suite starts it with
 * `ip netns exec`), and prints one JSON object:
 *
 *     {"seconds": 0.0123, "count": 50000, "errors": 0}
 *
 * Usage: nkbench OP ARGS...
 *     veth-add N PREFIX GROUP       N pairs PREFIXa<i>/PREFIXb<i>, group
 *     link-del N PREFIX             delete PREFIXa<i>, one request each
 *     group-del GROUP               delete every link of GROUP at once
 *     addr-add N IFINDEX | addr-del N IFINDEX | addr-dump
 *     route-add N IFINDEX | route-del N IFINDEX | route-dump
 *     rooms-build N PREFIX GROUP | rooms-down N PREFIX GROUP
 *     start                         open one socket and leave
 *     spawn ARGV...                 run ARGV; print wall seconds, max RSS
 *
 * Address i (W2, W3) is 198.18.0.0 + i, as /32.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* From <net/if.h>, which clashes with <linux/if.h>. */
unsigned int if_nametoindex(const char *name);

#define PER_DATAGRAM 1024
#define DATAGRAM_BYTES (128 << 10)
#define BUFFER_BYTES (DATAGRAM_BYTES + 4096)
#define BASE_ADDRESS 0xC6120000u /* 198.18.0.0 */

struct client {
	int fd;
	uint32_t seq;
	char *out;
	size_t used;
	int queued;
	char in[1 << 16];
	long errors;
	long count;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void open_client(struct client *c)
{
	int size = 64 << 20, one = 1;
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };

	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (c->fd < 0)
		die("socket");
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	setsockopt(c->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(c->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(c->fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		die("bind");
	c->seq = 1;
	c->out = malloc(BUFFER_BYTES);
	c->used = 0;
	c->queued = 0;
	c->errors = 0;
	c->count = 0;
}

/* Read answers until the ACK of `last`; count the failures. */
static void wait_ack(struct client *c, uint32_t last)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), 0);
		struct nlmsghdr *h;

		if (n < 0)
			die("recv");
		for (h = (struct nlmsghdr *)c->in; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error)
				c->errors++;
			if (h->nlmsg_seq == last)
				return;
		}
	}
}

static void flush(struct client *c)
{
	if (!c->queued)
		return;
	if (send(c->fd, c->out, c->used, 0) < 0)
		die("send");
	wait_ack(c, c->seq - 1);
	c->used = 0;
	c->queued = 0;
}

/* Start a message in the buffer; the caller adds its body and attrs. */
static struct nlmsghdr *begin(struct client *c, int type, int flags)
{
	struct nlmsghdr *h;

	if (c->used + 4096 > DATAGRAM_BYTES || c->queued >= PER_DATAGRAM)
		flush(c);
	h = (struct nlmsghdr *)(c->out + c->used);
	memset(h, 0, NLMSG_HDRLEN);
	h->nlmsg_len = NLMSG_HDRLEN;
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = c->seq++;
	return h;
}

/* The last message of a datagram asks for the ACK. */
static void end(struct client *c, struct nlmsghdr *h)
{
	c->used += NLMSG_ALIGN(h->nlmsg_len);
	c->queued++;
	c->count++;
	if (c->used + 4096 > DATAGRAM_BYTES || c->queued >= PER_DATAGRAM) {
		h->nlmsg_flags |= NLM_F_ACK;
		flush(c);
	}
}

static void finish(struct client *c)
{
	if (c->queued) {
		struct nlmsghdr *h = (struct nlmsghdr *)c->out;
		size_t offset = 0;

		/* Find the last queued message and ask for its ACK. */
		for (int i = 0; i < c->queued; i++) {
			h = (struct nlmsghdr *)(c->out + offset);
			offset += NLMSG_ALIGN(h->nlmsg_len);
		}
		h->nlmsg_flags |= NLM_F_ACK;
		flush(c);
	}
}

static void *body(struct nlmsghdr *h, size_t size)
{
	void *p = (char *)h + h->nlmsg_len;

	memset(p, 0, NLMSG_ALIGN(size));
	h->nlmsg_len += NLMSG_ALIGN(size);
	return p;
}

static struct rtattr *attr(struct nlmsghdr *h, int type, const void *data,
			   size_t size)
{
	struct rtattr *a = (struct rtattr *)((char *)h + h->nlmsg_len);

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(size);
	if (size)
		memcpy(RTA_DATA(a), data, size);
	h->nlmsg_len += RTA_ALIGN(a->rta_len);
	return a;
}

static void attr_u32(struct nlmsghdr *h, int type, uint32_t value)
{
	attr(h, type, &value, sizeof(value));
}

static void attr_str(struct nlmsghdr *h, int type, const char *text)
{
	attr(h, type, text, strlen(text) + 1);
}

static struct rtattr *nest(struct nlmsghdr *h, int type)
{
	return attr(h, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct nlmsghdr *h, struct rtattr *a)
{
	a->rta_len = (char *)h + h->nlmsg_len - (char *)a;
}

/* A veth pair NAME/PEER; the peer in namespace `netns_fd` if >= 0. */
static void veth(struct client *c, const char *name, const char *peer,
		 uint32_t group, int netns_fd, const char *master_name)
{
	struct nlmsghdr *h = begin(c, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct rtattr *info, *data, *inner;
	struct ifinfomsg *peer_msg;

	body(h, sizeof(struct ifinfomsg));
	attr_str(h, IFLA_IFNAME, name);
	if (group)
		attr_u32(h, IFLA_GROUP, group);
	info = nest(h, IFLA_LINKINFO);
	attr_str(h, IFLA_INFO_KIND, "veth");
	data = nest(h, IFLA_INFO_DATA);
	inner = nest(h, VETH_INFO_PEER);
	peer_msg = body(h, sizeof(struct ifinfomsg));
	(void)peer_msg;
	attr_str(h, IFLA_IFNAME, peer);
	if (group)
		attr_u32(h, IFLA_GROUP, group);
	if (netns_fd >= 0)
		attr_u32(h, IFLA_NET_NS_FD, netns_fd);
	nest_end(h, inner);
	nest_end(h, data);
	nest_end(h, info);
	(void)master_name;
	end(c, h);
}

static void link_by_name(struct client *c, int type, const char *name,
			 int up, uint32_t master)
{
	struct nlmsghdr *h = begin(c, type, 0);
	struct ifinfomsg *m = body(h, sizeof(*m));

	if (up) {
		m->ifi_flags = IFF_UP;
		m->ifi_change = IFF_UP;
	}
	attr_str(h, IFLA_IFNAME, name);
	if (master)
		attr_u32(h, IFLA_MASTER, master);
	end(c, h);
}

static void addr(struct client *c, int type, uint32_t address, int ifindex,
		 int prefixlen)
{
	int flags = type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct nlmsghdr *h = begin(c, type, flags);
	struct ifaddrmsg *m = body(h, sizeof(*m));
	uint32_t be = htonl(address);

	m->ifa_family = AF_INET;
	m->ifa_prefixlen = prefixlen;
	m->ifa_index = ifindex;
	attr(h, IFA_LOCAL, &be, 4);
	attr(h, IFA_ADDRESS, &be, 4);
	end(c, h);
}

static void route(struct client *c, int type, uint32_t address, int ifindex)
{
	int flags = type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct nlmsghdr *h = begin(c, type, flags);
	struct rtmsg *m = body(h, sizeof(*m));
	uint32_t be = htonl(address);

	m->rtm_family = AF_INET;
	m->rtm_dst_len = 32;
	m->rtm_table = RT_TABLE_MAIN;
	if (type == RTM_NEWROUTE) {
		m->rtm_protocol = RTPROT_BOOT;
		m->rtm_scope = RT_SCOPE_LINK;
		m->rtm_type = RTN_UNICAST;
	} else {
		m->rtm_scope = RT_SCOPE_NOWHERE;
	}
	attr(h, RTA_DST, &be, 4);
	attr_u32(h, RTA_OIF, ifindex);
	end(c, h);
}

/* Dump a table and count its messages (attributes are not looked at). */
static long dump(struct client *c, int type, size_t size, int family)
{
	struct nlmsghdr *h = begin(c, type, NLM_F_DUMP);
	unsigned char *m = body(h, size);
	uint32_t seq = h->nlmsg_seq;
	long count = 0;

	m[0] = family;
	if (send(c->fd, c->out, h->nlmsg_len, 0) < 0)
		die("send");
	c->used = 0;
	for (;;) {
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), 0);

		if (n < 0)
			die("recv");
		for (h = (struct nlmsghdr *)c->in; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR) {
				c->errors++;
				return count;
			}
			count++;
		}
	}
}

/* A named namespace, as `ip netns add` makes one: fd of it, or -1. */
static int netns_add(const char *name)
{
	char path[256];
	int fd, self, status;
	pid_t pid;

	mkdir("/run/netns", 0755);
	/* /run/netns must be a shared mount of its own (ip does the same). */
	if (mount("", "/run/netns", "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (mount("/run/netns", "/run/netns", "none", MS_BIND | MS_REC,
			  NULL) < 0)
			die("bind /run/netns");
		mount("", "/run/netns", "none", MS_SHARED | MS_REC, NULL);
	}
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL, 0);
	if (fd < 0)
		die(path);
	close(fd);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
			_exit(1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("unshare/mount");
	self = open(path, O_RDONLY | O_CLOEXEC);
	return self;
}

static void netns_del(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	umount2(path, MNT_DETACH);
	unlink(path);
}

/* A socket inside the namespace open at `fd`, and the index of `name`
 * there; the thread comes back home. */
static int open_inside(struct client *c, int fd, const char *name)
{
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int index;

	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns");
	open_client(c);
	index = if_nametoindex(name);
	if (setns(home, CLONE_NEWNET) < 0)
		die("setns back");
	close(home);
	return index;
}

static void rooms_build(struct client *c, int n, const char *prefix,
			uint32_t group)
{
	char name[64], inside[32], outside[32];
	struct client room;
	int *fds = calloc(n, sizeof(int));
	struct nlmsghdr *h;
	struct ifinfomsg *m;

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		fds[i] = netns_add(name);
	}
	h = begin(c, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	m = body(h, sizeof(*m));
	m->ifi_flags = m->ifi_change = IFF_UP;
	attr_str(h, IFLA_IFNAME, "nkbr0");
	attr_u32(h, IFLA_GROUP, group);
	{
		struct rtattr *info = nest(h, IFLA_LINKINFO);

		attr_str(h, IFLA_INFO_KIND, "bridge");
		nest_end(h, info);
	}
	end(c, h);
	finish(c);
	for (int i = 0; i < n; i++) {
		snprintf(outside, sizeof(outside), "nkb%d", i);
		veth(c, outside, "eth0", group, fds[i], NULL);
	}
	finish(c);
	{
		int bridge = if_nametoindex("nkbr0");

		for (int i = 0; i < n; i++) {
			snprintf(outside, sizeof(outside), "nkb%d", i);
			link_by_name(c, RTM_NEWLINK, outside, 1, bridge);
		}
	}
	finish(c);
	for (int i = 0; i < n; i++) {
		int index = open_inside(&room, fds[i], "eth0");

		snprintf(inside, sizeof(inside), "eth0");
		addr(&room, RTM_NEWADDR, BASE_ADDRESS + 1 + i, index, 16);
		link_by_name(&room, RTM_NEWLINK, inside, 1, 0);
		finish(&room);
		c->errors += room.errors;
		c->count += room.count;
		close(room.fd);
		free(room.out);
		close(fds[i]);
	}
	free(fds);
}

static void group_del(struct client *c, uint32_t group)
{
	struct nlmsghdr *h = begin(c, RTM_DELLINK, 0);

	body(h, sizeof(struct ifinfomsg));
	attr_u32(h, IFLA_GROUP, group);
	end(c, h);
	finish(c);
}

static void rooms_down(struct client *c, int n, const char *prefix,
		       uint32_t group)
{
	char name[64];

	/* The bridge and the room ends go with the group; then the names. */
	group_del(c, group);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		netns_del(name);
	}
}

static int spawn(char **argv)
{
	struct rusage usage;
	double start = now();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		/* What the child prints (a dump, as text) is thrown away. */
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &usage) < 0)
		die("wait4");
	printf("{\"seconds\": %.9f, \"max_rss_kb\": %ld, \"status\": %d}\n",
	       now() - start, usage.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

int main(int argc, char **argv)
{
	struct client c;
	const char *op = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0;
	double start;
	char a[64], b[64];

	if (!strcmp(op, "spawn"))
		return spawn(argv + 2);
	start = now();
	open_client(&c);
	if (!strcmp(op, "start")) {
		close(c.fd);
	} else if (!strcmp(op, "veth-add") && argc == 5) {
		start = now();
		for (long i = 0; i < n; i++) {
			snprintf(a, sizeof(a), "%sa%ld", argv[3], i);
			snprintf(b, sizeof(b), "%sb%ld", argv[3], i);
			veth(&c, a, b, atol(argv[4]), -1, NULL);
		}
		finish(&c);
	} else if (!strcmp(op, "link-del") && argc == 4) {
		start = now();
		for (long i = 0; i < n; i++) {
			snprintf(a, sizeof(a), "%sa%ld", argv[3], i);
			link_by_name(&c, RTM_DELLINK, a, 0, 0);
		}
		finish(&c);
	} else if (!strcmp(op, "group-del") && argc == 3) {
		start = now();
		group_del(&c, n);
	} else if (!strcmp(op, "addr-add") || !strcmp(op, "addr-del")) {
		int type = op[5] == 'a' ? RTM_NEWADDR : RTM_DELADDR;

		start = now();
		for (long i = 0; i < n; i++)
			addr(&c, type, BASE_ADDRESS + i, atoi(argv[3]), 32);
		finish(&c);
	} else if (!strcmp(op, "route-add") || !strcmp(op, "route-del")) {
		int type = op[6] == 'a' ? RTM_NEWROUTE : RTM_DELROUTE;

		start = now();
		for (long i = 0; i < n; i++)
			route(&c, type, BASE_ADDRESS + i, atoi(argv[3]));
		finish(&c);
	} else if (!strcmp(op, "addr-dump")) {
		start = now();
		c.count = dump(&c, RTM_GETADDR, sizeof(struct ifaddrmsg),
			       AF_INET);
	} else if (!strcmp(op, "route-dump")) {
		start = now();
		c.count = dump(&c, RTM_GETROUTE, sizeof(struct rtmsg), AF_INET);
	} else if (!strcmp(op, "rooms-build") && argc == 5) {
		start = now();
		rooms_build(&c, n, argv[3], atol(argv[4]));
	} else if (!strcmp(op, "rooms-down") && argc == 5) {
		start = now();
		rooms_down(&c, n, argv[3], atol(argv[4]));
	} else {
		fprintf(stderr, "usage: see the top of nkbench.c\n");
		return 2;
	}
	printf("{\"seconds\": %.9f, \"count\": %ld, \"errors\": %ld}\n",
	       now() - start, c.count, c.errors);
	return 0;
}

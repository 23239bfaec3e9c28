// SPDX-License-Identifier: GPL-2.0
/*
 * Consort's steering program: UDP/IPv4 frames whose destination port is routed to a group go to one of that
 * group's AF_XDP sockets on the receiving queue (round-robin); everything else passes to the kernel.
 *
 * Map shapes must match io.consort.xsk.bpf.SteeringMaps. Maps user space writes are plain ARRAY/HASH: a
 * write to a per-CPU map from user space would reach only one CPU (thesis, section 6.4). Only the counters,
 * which the program alone writes, are per-CPU: no atomic operation per packet for them.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#define MAX_GROUPS 16
#define MAX_QUEUES 64
#define MAX_SOCKETS 16
#define MAX_PORTS 1024
#define MAX_VLAN_TAGS 2

enum steer_stat { STAT_SEEN, STAT_REDIRECTED, STAT_NO_SOCKET, STAT_PASSED, STAT_COUNT };

struct port_range {
	__u16 low;
	__u16 high;
	__u32 group;
};

struct vlan_tag {
	__be16 tci;
	__be16 encapsulated_proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, MAX_GROUPS * MAX_QUEUES * MAX_SOCKETS);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

/* Sockets per (group, queue); the program picks among the first socket_counts slots. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_GROUPS * MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} socket_counts SEC(".maps");

/*
 * Round-robin cursor per (group, queue), advanced atomically: one queue's packets may be processed on several
 * CPUs (on veth, the senders'), and the spread over the sockets must stay exact. Touched only when a queue
 * has more than one socket.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_GROUPS * MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} rr_cursor SEC(".maps");

/* Single ports, in host order, to their group; they win over the range. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PORTS);
	__type(key, __u16);
	__type(value, __u32);
} port_groups SEC(".maps");

/* One port range and its group; low > high disables it (an all-zero entry routes nothing). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct port_range);
} port_range SEC(".maps");

/* Counters per CPU; user space sums them. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} steer_stats SEC(".maps");

/* Run before other programs on the interface and let them see what we pass (libxdp dispatcher metadata). */
struct {
	__uint(priority, 20);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(consort_steer);

static __always_inline void count(__u32 stat)
{
	__u64 *value = bpf_map_lookup_elem(&steer_stats, &stat);

	if (value)
		(*value)++;
}

/* The UDP destination port (host order) of an untagged or VLAN-tagged IPv4 frame, or 0. */
static __always_inline __u16 udp_destination(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	void *cursor = data + sizeof(*eth);
	__u16 proto;
	int i;

	if (cursor > data_end)
		return 0;
	proto = eth->h_proto;
#pragma unroll
	for (i = 0; i < MAX_VLAN_TAGS; i++) {
		struct vlan_tag *tag = cursor;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(tag + 1) > data_end)
			return 0;
		proto = tag->encapsulated_proto;
		cursor = tag + 1;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return 0;

	struct iphdr *ip = cursor;
	if ((void *)(ip + 1) > data_end)
		return 0;
	if (ip->version != 4 || ip->ihl < 5 || ip->protocol != IPPROTO_UDP)
		return 0;
	/* Fragments: only the kernel can reassemble them. */
	if (ip->frag_off & bpf_htons(0x3fff))
		return 0;

	struct udphdr *udp = cursor + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end)
		return 0;
	return bpf_ntohs(udp->dest);
}

static __always_inline int group_of(__u16 port)
{
	__u32 *group = bpf_map_lookup_elem(&port_groups, &port);
	__u32 zero = 0;
	struct port_range *range;

	if (group)
		return *group < MAX_GROUPS ? (int)*group : -1;
	range = bpf_map_lookup_elem(&port_range, &zero);
	if (range && range->low <= range->high && port >= range->low && port <= range->high &&
	    range->group < MAX_GROUPS)
		return range->group;
	return -1;
}

SEC("xdp")
int consort_steer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 queue = ctx->rx_queue_index;
	__u32 key, *sockets, *cursor, slot;
	__u16 port;
	int group;

	count(STAT_SEEN);
	port = udp_destination(data, data_end);
	group = port ? group_of(port) : -1;
	if (group < 0 || queue >= MAX_QUEUES) {
		count(STAT_PASSED);
		return XDP_PASS;
	}
	key = (__u32)group * MAX_QUEUES + queue;
	sockets = bpf_map_lookup_elem(&socket_counts, &key);
	if (!sockets || *sockets == 0 || *sockets > MAX_SOCKETS) {
		count(STAT_NO_SOCKET);
		return XDP_PASS;
	}
	slot = 0;
	if (*sockets > 1) {
		cursor = bpf_map_lookup_elem(&rr_cursor, &key);
		if (cursor)
			slot = __sync_fetch_and_add(cursor, 1) % *sockets;
	}
	count(STAT_REDIRECTED);
	/* An empty XSKMAP slot (socket closed meanwhile) falls back to XDP_PASS. */
	return bpf_redirect_map(&xsks_map, key * MAX_SOCKETS + slot, XDP_PASS);
}

char _license[] SEC("license") = "GPL";

#ifndef CONSORT_UMEM_H
#define CONSORT_UMEM_H

#include <xdp/xsk.h>
#include <jni.h>

#define CONSORT_MAX_PAIRS 64

/* One mmap of a ring, to unmap later. */
struct consort_mapping {
	void *base;
	size_t length;
};

/* A fill/completion ring pair for one (interface, queue) of a UMEM. */
struct consort_ring_pair {
	int ifindex;
	__u32 queue;
	int users;
	/* Slot 0 holds the rings libxdp mapped at UMEM creation until the first socket adopts them. */
	int fresh;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	/* Set when the pair was mapped here rather than by libxdp (see bind.c); unmapped with its last socket. */
	int own;
	struct consort_mapping fill_map;
	struct consort_mapping comp_map;
};

struct consort_umem {
	struct xsk_umem *umem;
	__u32 fill_size;
	__u32 comp_size;
	/* The queue of the UMEM's first socket: libxdp binds every socket it creates against that one. */
	int first_ifindex;
	__u32 first_queue;
	struct consort_ring_pair pairs[CONSORT_MAX_PAIRS];
};

/* An AF_XDP socket: created by libxdp (xsk set), or bound in bind.c (xsk NULL, own mappings). */
struct consort_socket {
	struct xsk_socket *xsk;
	int fd;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct consort_mapping rx_map;
	struct consort_mapping tx_map;
	int pair;
};

/*
 * Binds sock to (ifindex, queue) sharing umem without libxdp: with a new fill/completion pair mapped on the
 * socket itself when pair_created, else sharing pair with peer_fd, a socket already bound there. 0 or -errno.
 */
int consort_bind_shared(struct consort_umem *umem, struct consort_ring_pair *pair, int pair_created,
			struct consort_socket *sock, int ifindex, __u32 queue, __u32 rx_size, __u32 tx_size,
			int peer_fd);

/* Closes a socket bound by consort_bind_shared, and unmaps its pair when it was the pair's last user. */
void consort_close_shared(struct consort_socket *sock, struct consort_ring_pair *pair);

/* Writes producer, consumer, flags, descriptors, size into out[0..5). */
void consort_ring_out(jlong *out, __u32 *producer, __u32 *consumer, __u32 *flags, void *ring, __u32 size);

#endif

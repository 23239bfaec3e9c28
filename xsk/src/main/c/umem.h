#ifndef CONSORT_UMEM_H
#define CONSORT_UMEM_H

#include <xdp/xsk.h>
#include <jni.h>

#define CONSORT_MAX_PAIRS 64

/* A fill/completion ring pair for one (interface, queue) of a UMEM. */
struct consort_ring_pair {
	int ifindex;
	__u32 queue;
	int users;
	/* Slot 0 holds the rings libxdp mapped at UMEM creation until the first socket adopts them. */
	int fresh;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
};

struct consort_umem {
	struct xsk_umem *umem;
	struct consort_ring_pair pairs[CONSORT_MAX_PAIRS];
};

/* Writes producer, consumer, flags, descriptors, size into out[0..5). */
void consort_ring_out(jlong *out, __u32 *producer, __u32 *consumer, __u32 *flags, void *ring, __u32 size);

#endif

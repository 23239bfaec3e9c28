/*
 * Binding sockets of a UMEM on queues other than its first socket's, which libxdp 1.3 cannot do: it binds
 * every later socket with XDP_SHARED_UMEM against the UMEM's own socket, and the kernel accepts that for
 * another queue only when the new socket brings its own fill and completion rings, and for a queue that
 * already has a pair only when the peer socket is bound on that same queue. So here a queue's first socket
 * maps a new pair on itself and binds against the UMEM's socket; later sockets on that queue bind against a
 * live socket of the queue, which the caller names.
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_xdp.h>
#include "consort_xsk.h"
#include "umem.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

static int map_ring(int fd, off_t pgoff, size_t desc_offset, __u32 entries, size_t entry_size,
		    struct consort_mapping *out)
{
	size_t length = desc_offset + entries * entry_size;
	void *base = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, pgoff);

	if (base == MAP_FAILED)
		return NEG_ERRNO();
	out->base = base;
	out->length = length;
	return 0;
}

static void unmap_ring(struct consort_mapping *m)
{
	if (m->base)
		munmap(m->base, m->length);
	m->base = NULL;
}

static int set_ring_size(int fd, int option, __u32 size)
{
	return setsockopt(fd, SOL_XDP, option, &size, sizeof(size)) ? NEG_ERRNO() : 0;
}

/* Points a libxdp ring struct at a mapping, so the rest of the library reads all rings alike. */
#define POINT_RING(r, m, off, entries)                                  \
	do {                                                            \
		(r)->producer = (void *)((char *)(m).base + (off).producer); \
		(r)->consumer = (void *)((char *)(m).base + (off).consumer); \
		(r)->flags = (void *)((char *)(m).base + (off).flags);       \
		(r)->ring = (char *)(m).base + (off).desc;                   \
		(r)->size = (entries);                                       \
		(r)->mask = (entries) - 1;                                   \
	} while (0)

static int map_pair(struct consort_umem *umem, struct consort_ring_pair *pair, int fd,
		    const struct xdp_mmap_offsets *off)
{
	int err = map_ring(fd, XDP_UMEM_PGOFF_FILL_RING, off->fr.desc, umem->fill_size, sizeof(__u64),
			   &pair->fill_map);

	if (err)
		return err;
	err = map_ring(fd, XDP_UMEM_PGOFF_COMPLETION_RING, off->cr.desc, umem->comp_size, sizeof(__u64),
		       &pair->comp_map);
	if (err) {
		unmap_ring(&pair->fill_map);
		return err;
	}
	POINT_RING(&pair->fill, pair->fill_map, off->fr, umem->fill_size);
	POINT_RING(&pair->comp, pair->comp_map, off->cr, umem->comp_size);
	pair->own = 1;
	return 0;
}

int consort_bind_shared(struct consort_umem *umem, struct consort_ring_pair *pair, int pair_created,
			struct consort_socket *sock, int ifindex, __u32 queue, __u32 rx_size, __u32 tx_size,
			int peer_fd)
{
	struct sockaddr_xdp address = { .sxdp_family = AF_XDP, .sxdp_ifindex = (__u32)ifindex,
					.sxdp_queue_id = queue, .sxdp_flags = XDP_SHARED_UMEM };
	struct xdp_mmap_offsets off;
	socklen_t length = sizeof(off);
	int fd, err;

	if (!pair_created && peer_fd < 0)
		return -EINVAL;
	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NEG_ERRNO();
	if (pair_created && ((err = set_ring_size(fd, XDP_UMEM_FILL_RING, umem->fill_size))
			     || (err = set_ring_size(fd, XDP_UMEM_COMPLETION_RING, umem->comp_size))))
		goto out_close;
	if ((err = set_ring_size(fd, XDP_RX_RING, rx_size)) || (err = set_ring_size(fd, XDP_TX_RING, tx_size)))
		goto out_close;
	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &length) || length != sizeof(off)) {
		err = errno ? NEG_ERRNO() : -EINVAL;
		goto out_close;
	}
	if (pair_created && (err = map_pair(umem, pair, fd, &off)))
		goto out_close;
	if ((err = map_ring(fd, XDP_PGOFF_RX_RING, off.rx.desc, rx_size, sizeof(struct xdp_desc), &sock->rx_map)))
		goto out_pair;
	if ((err = map_ring(fd, XDP_PGOFF_TX_RING, off.tx.desc, tx_size, sizeof(struct xdp_desc), &sock->tx_map)))
		goto out_rx;
	POINT_RING(&sock->rx, sock->rx_map, off.rx, rx_size);
	POINT_RING(&sock->tx, sock->tx_map, off.tx, tx_size);
	address.sxdp_shared_umem_fd = (__u32)(pair_created ? xsk_umem__fd(umem->umem) : peer_fd);
	if (bind(fd, (struct sockaddr *)&address, sizeof(address))) {
		err = NEG_ERRNO();
		goto out_tx;
	}
	sock->xsk = NULL;
	sock->fd = fd;
	return 0;

out_tx:
	unmap_ring(&sock->tx_map);
out_rx:
	unmap_ring(&sock->rx_map);
out_pair:
	if (pair_created) {
		unmap_ring(&pair->fill_map);
		unmap_ring(&pair->comp_map);
		pair->own = 0;
	}
out_close:
	close(fd);
	return err;
}

void consort_close_shared(struct consort_socket *sock, struct consort_ring_pair *pair)
{
	unmap_ring(&sock->rx_map);
	unmap_ring(&sock->tx_map);
	close(sock->fd);
	if (pair->users == 0 && pair->own) {
		unmap_ring(&pair->fill_map);
		unmap_ring(&pair->comp_map);
		pair->own = 0;
	}
}

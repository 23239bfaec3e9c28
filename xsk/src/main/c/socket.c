/*
 * AF_XDP sockets through libxdp, and the few system calls Java makes per batch: kick (sendto), wakeup
 * (recvfrom), poll, XDP_STATISTICS. Ring traffic itself never comes here.
 */
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <xdp/xsk.h>
#include "consort_xsk.h"
#include "umem.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

/* The pair slot for (ifindex, queue): the one in use there, else the unadopted first one, else a free one. */
static int find_pair(struct consort_umem *umem, int ifindex, __u32 queue, int *created)
{
	int i;

	for (i = 0; i < CONSORT_MAX_PAIRS; i++) {
		if (umem->pairs[i].users > 0 && umem->pairs[i].ifindex == ifindex && umem->pairs[i].queue == queue) {
			*created = 0;
			return i;
		}
	}
	*created = 1;
	if (umem->pairs[0].fresh)
		return 0;
	for (i = 0; i < CONSORT_MAX_PAIRS; i++) {
		if (umem->pairs[i].users == 0) {
			memset(&umem->pairs[i], 0, sizeof(umem->pairs[i]));
			return i;
		}
	}
	return -1;
}

/* libxdp can bind only the sockets on the queue of the UMEM's first socket (see bind.c); Consort binds the rest. */
static int on_first_queue(const struct consort_umem *umem, int ifindex, __u32 queue)
{
	return umem->first_ifindex < 0 || (umem->first_ifindex == ifindex && umem->first_queue == queue);
}

JNIEXPORT jlong JNICALL Java_io_consort_xsk_XskNative_socketCreate(JNIEnv *env, jclass cls, jlong umem_handle,
								     jstring ifname, jint queue, jint rx_size,
								     jint tx_size, jint bind_flags, jint peer_fd,
								     jlongArray rings, jintArray info)
{
	struct consort_umem *umem = FROM_HANDLE(struct consort_umem, umem_handle);
	struct xsk_socket_config config = {
		.rx_size = (__u32)rx_size,
		.tx_size = (__u32)tx_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = (__u16)bind_flags,
	};
	struct consort_ring_pair *pair;
	struct consort_socket *sock;
	char name[IF_NAMESIZE];
	int ifindex, slot, created, err;
	jlong out[20];
	jint meta[5];

	if (!umem || queue < 0 || (*env)->GetArrayLength(env, rings) < 20 || (*env)->GetArrayLength(env, info) < 5)
		return -EINVAL;
	if (consort_string(env, ifname, name, sizeof(name)))
		return -EINVAL;
	ifindex = if_nametoindex(name);
	if (!ifindex)
		return NEG_ERRNO();
	slot = find_pair(umem, ifindex, (__u32)queue, &created);
	if (slot < 0)
		return -ENOSPC;
	pair = &umem->pairs[slot];
	sock = calloc(1, sizeof(*sock));
	if (!sock)
		return -ENOMEM;
	if (!on_first_queue(umem, ifindex, (__u32)queue)) {
		err = consort_bind_shared(umem, pair, created, sock, ifindex, (__u32)queue, (__u32)rx_size,
					  (__u32)tx_size, peer_fd);
	} else {
		err = xsk_socket__create_shared(&sock->xsk, name, (__u32)queue, umem->umem, &sock->rx, &sock->tx,
						&pair->fill, &pair->comp, &config);
		if (!err)
			sock->fd = xsk_socket__fd(sock->xsk);
	}
	if (err) {
		free(sock);
		return err < 0 ? err : -err;
	}
	if (umem->first_ifindex < 0) {
		umem->first_ifindex = ifindex;
		umem->first_queue = (__u32)queue;
	}
	pair->fresh = 0;
	pair->ifindex = ifindex;
	pair->queue = (__u32)queue;
	pair->users++;
	sock->pair = slot;

	consort_ring_out(out, sock->rx.producer, sock->rx.consumer, sock->rx.flags, sock->rx.ring, sock->rx.size);
	consort_ring_out(out + 5, sock->tx.producer, sock->tx.consumer, sock->tx.flags, sock->tx.ring,
			 sock->tx.size);
	consort_ring_out(out + 10, pair->fill.producer, pair->fill.consumer, pair->fill.flags, pair->fill.ring,
			 pair->fill.size);
	consort_ring_out(out + 15, pair->comp.producer, pair->comp.consumer, pair->comp.flags, pair->comp.ring,
			 pair->comp.size);
	(*env)->SetLongArrayRegion(env, rings, 0, 20, out);
	meta[0] = sock->fd;
	meta[1] = ifindex;
	meta[2] = slot;
	meta[3] = created;
	meta[4] = pair->own;
	(*env)->SetIntArrayRegion(env, info, 0, 5, meta);
	return TO_HANDLE(sock);
}

JNIEXPORT void JNICALL Java_io_consort_xsk_XskNative_socketDelete(JNIEnv *env, jclass cls, jlong umem_handle,
								    jlong handle)
{
	struct consort_umem *umem = FROM_HANDLE(struct consort_umem, umem_handle);
	struct consort_socket *sock = FROM_HANDLE(struct consort_socket, handle);

	if (!umem || !sock)
		return;
	umem->pairs[sock->pair].users--;
	if (sock->xsk)
		xsk_socket__delete(sock->xsk);
	else
		consort_close_shared(sock, &umem->pairs[sock->pair]);
	free(sock);
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_kick(JNIEnv *env, jclass cls, jint fd)
{
	return sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 ? NEG_ERRNO() : 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_wakeup(JNIEnv *env, jclass cls, jint fd)
{
	return recvfrom(fd, NULL, 0, MSG_DONTWAIT, NULL, NULL) < 0 ? NEG_ERRNO() : 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_poll(JNIEnv *env, jclass cls, jint fd, jint events,
							    jint timeout)
{
	struct pollfd p = { .fd = fd, .events = (short)events };
	int n = poll(&p, 1, timeout);

	if (n < 0)
		return NEG_ERRNO();
	return n == 0 ? 0 : p.revents;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_statistics(JNIEnv *env, jclass cls, jint fd, jlongArray out)
{
	struct xdp_statistics stats;
	socklen_t length = sizeof(stats);
	jlong values[6];

	memset(&stats, 0, sizeof(stats));
	if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, &stats, &length))
		return NEG_ERRNO();
	values[0] = (jlong)stats.rx_dropped;
	values[1] = (jlong)stats.rx_invalid_descs;
	values[2] = (jlong)stats.tx_invalid_descs;
	values[3] = (jlong)stats.rx_ring_full;
	values[4] = (jlong)stats.rx_fill_ring_empty_descs;
	values[5] = (jlong)stats.tx_ring_empty_descs;
	(*env)->SetLongArrayRegion(env, out, 0, 6, values);
	return 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_zeroCopy(JNIEnv *env, jclass cls, jint fd)
{
	struct xdp_options options;
	socklen_t length = sizeof(options);

	if (getsockopt(fd, SOL_XDP, XDP_OPTIONS, &options, &length))
		return NEG_ERRNO();
	return (options.flags & XDP_OPTIONS_ZEROCOPY) ? 1 : 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_interfaceIndex(JNIEnv *env, jclass cls, jstring ifname)
{
	char name[IF_NAMESIZE];
	unsigned int index;

	if (consort_string(env, ifname, name, sizeof(name)))
		return -EINVAL;
	index = if_nametoindex(name);
	return index ? (jint)index : NEG_ERRNO();
}

/*
 * The interface's ethtool channels: out = {rx, tx, combined, max rx, max tx, max combined}. 0, or -errno
 * (-EOPNOTSUPP when the driver does not report channels: it has one queue).
 */
JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_channels(JNIEnv *env, jclass cls, jstring ifname,
								jintArray out)
{
	struct ethtool_channels channels = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq request;
	jint values[6];
	int fd, err;

	memset(&request, 0, sizeof(request));
	if (consort_string(env, ifname, request.ifr_name, sizeof(request.ifr_name)))
		return -EINVAL;
	request.ifr_data = (void *)&channels;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NEG_ERRNO();
	err = ioctl(fd, SIOCETHTOOL, &request) ? NEG_ERRNO() : 0;
	close(fd);
	if (err)
		return err;
	values[0] = (jint)channels.rx_count;
	values[1] = (jint)channels.tx_count;
	values[2] = (jint)channels.combined_count;
	values[3] = (jint)channels.max_rx;
	values[4] = (jint)channels.max_tx;
	values[5] = (jint)channels.max_combined;
	(*env)->SetIntArrayRegion(env, out, 0, 6, values);
	return 0;
}

/* The interface's flags (SIOCGIFFLAGS: IFF_UP is bit 0, set by `ip link set up` at once), or -errno. */
JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_interfaceFlags(JNIEnv *env, jclass cls, jstring ifname)
{
	struct ifreq request;
	int fd, err;

	memset(&request, 0, sizeof(request));
	if (consort_string(env, ifname, request.ifr_name, sizeof(request.ifr_name)))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NEG_ERRNO();
	err = ioctl(fd, SIOCGIFFLAGS, &request) ? NEG_ERRNO() : 0;
	close(fd);
	return err ? err : (jint)(unsigned short)request.ifr_flags;
}

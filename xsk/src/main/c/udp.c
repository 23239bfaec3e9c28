/*
 * Batched kernel UDP (recvmmsg/sendmmsg), optionally with segmentation offload: runs of equal datagrams to one
 * destination go down as one UDP_SEGMENT (GSO) message, and a socket with UDP_GRO takes such runs up whole. The
 * message headers, iovecs, control buffers and addresses for a full batch are allocated once per socket, so a
 * call allocates nothing.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "consort_xsk.h"

struct consort_udp {
	int fd;
	int max_batch;
	struct mmsghdr *messages;
	struct iovec *iovecs;
	struct sockaddr_in *addresses;
	char *controls;
	int *run_lengths;
};

/* Room for one UDP_SEGMENT (a u16) or UDP_GRO (an int) control message per message header. */
#define CONTROL_SPACE CMSG_SPACE(sizeof(int))
/* The most a UDP datagram carries over IPv4, and so the most one segmented send may carry. */
#define MAX_UDP_PAYLOAD 65507

/* Message header m over iovecs [first, first + count) and address slot m, without control data. */
static struct msghdr *message(struct consort_udp *udp, int m, int first, int count)
{
	struct msghdr *header = &udp->messages[m].msg_hdr;

	memset(header, 0, sizeof(*header));
	header->msg_iov = &udp->iovecs[first];
	header->msg_iovlen = (size_t)count;
	header->msg_name = &udp->addresses[m];
	header->msg_namelen = sizeof(udp->addresses[m]);
	return header;
}

/* Received message i's length (cut_length when the kernel cut it and cut_length > 0), source and port. */
static void report(struct consort_udp *udp, int i, jint cut_length, jint *lengths, jint *sources, jint *ports)
{
	int cut = cut_length > 0 && (udp->messages[i].msg_hdr.msg_flags & MSG_TRUNC);

	lengths[i] = cut ? cut_length : (jint)udp->messages[i].msg_len;
	sources[i] = (jint)ntohl(udp->addresses[i].sin_addr.s_addr);
	ports[i] = ntohs(udp->addresses[i].sin_port);
}

static void udp_free(struct consort_udp *udp)
{
	if (udp->fd >= 0)
		close(udp->fd);
	free(udp->messages);
	free(udp->iovecs);
	free(udp->addresses);
	free(udp->controls);
	free(udp->run_lengths);
	free(udp);
}

JNIEXPORT jlong JNICALL Java_io_consort_xsk_udp_UdpNative_open(JNIEnv *env, jclass cls, jint address, jint port,
								 jboolean reuse_port, jint max_batch, jintArray info)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	socklen_t length = sizeof(local);
	struct consort_udp *udp;
	int one = 1, err;
	jint out[2];

	if (max_batch <= 0)
		return -EINVAL;
	udp = calloc(1, sizeof(*udp));
	if (!udp)
		return -ENOMEM;
	udp->max_batch = max_batch;
	udp->messages = calloc((size_t)max_batch, sizeof(*udp->messages));
	udp->iovecs = calloc((size_t)max_batch, sizeof(*udp->iovecs));
	udp->addresses = calloc((size_t)max_batch, sizeof(*udp->addresses));
	udp->controls = calloc((size_t)max_batch, CONTROL_SPACE);
	udp->run_lengths = calloc((size_t)max_batch, sizeof(*udp->run_lengths));
	udp->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!udp->messages || !udp->iovecs || !udp->addresses || !udp->controls || !udp->run_lengths ||
	    udp->fd < 0) {
		err = udp->fd < 0 ? NEG_ERRNO() : -ENOMEM;
		udp_free(udp);
		return err;
	}
	if (reuse_port && setsockopt(udp->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) {
		err = NEG_ERRNO();
		udp_free(udp);
		return err;
	}
	local.sin_addr.s_addr = htonl((uint32_t)address);
	local.sin_port = htons((uint16_t)port);
	if (bind(udp->fd, (struct sockaddr *)&local, sizeof(local)) ||
	    getsockname(udp->fd, (struct sockaddr *)&local, &length)) {
		err = NEG_ERRNO();
		udp_free(udp);
		return err;
	}
	out[0] = udp->fd;
	out[1] = ntohs(local.sin_port);
	(*env)->SetIntArrayRegion(env, info, 0, 2, out);
	return TO_HANDLE(udp);
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_udp_UdpNative_receive(JNIEnv *env, jclass cls, jlong handle,
								   jlong address, jint slot_size, jintArray lengths,
								   jintArray sources, jintArray ports, jint max,
								   jint timeout)
{
	struct consort_udp *udp = FROM_HANDLE(struct consort_udp, handle);
	char *base = FROM_HANDLE(char, address);
	jint *out_lengths, *out_sources, *out_ports;
	int i, n, flags = MSG_DONTWAIT;

	if (!udp || max <= 0 || max > udp->max_batch)
		return -EINVAL;
	if (timeout != 0) {
		struct pollfd p = { .fd = udp->fd, .events = POLLIN };

		n = poll(&p, 1, timeout < 0 ? -1 : timeout);
		if (n < 0)
			return errno == EINTR ? 0 : NEG_ERRNO();
		if (n == 0)
			return 0;
	}
	for (i = 0; i < max; i++) {
		udp->iovecs[i].iov_base = base + (size_t)i * (size_t)slot_size;
		udp->iovecs[i].iov_len = (size_t)slot_size;
		message(udp, i, i, 1);
	}
	n = recvmmsg(udp->fd, udp->messages, (unsigned int)max, flags, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : NEG_ERRNO();
	out_lengths = (*env)->GetPrimitiveArrayCritical(env, lengths, NULL);
	out_sources = (*env)->GetPrimitiveArrayCritical(env, sources, NULL);
	out_ports = (*env)->GetPrimitiveArrayCritical(env, ports, NULL);
	for (i = 0; i < n; i++)
		report(udp, i, 0, out_lengths, out_sources, out_ports);
	(*env)->ReleasePrimitiveArrayCritical(env, ports, out_ports, 0);
	(*env)->ReleasePrimitiveArrayCritical(env, sources, out_sources, 0);
	(*env)->ReleasePrimitiveArrayCritical(env, lengths, out_lengths, 0);
	return n;
}

/*
 * As receive, but datagram i lands at address + offsets[i] (a free frame of the caller's pool, wherever it is),
 * never waits, and reports no source port beyond what the caller needs to tell members apart.
 */
JNIEXPORT jint JNICALL Java_io_consort_xsk_udp_UdpNative_receiveScattered(JNIEnv *env, jclass cls, jlong handle,
									    jlong address, jintArray offsets,
									    jint capacity, jintArray lengths,
									    jintArray sources, jintArray ports, jint max)
{
	struct consort_udp *udp = FROM_HANDLE(struct consort_udp, handle);
	char *base = FROM_HANDLE(char, address);
	jint *in_offsets, *out_lengths, *out_sources, *out_ports;
	int i, n;

	if (!udp || max <= 0 || max > udp->max_batch || capacity <= 0)
		return -EINVAL;
	in_offsets = (*env)->GetPrimitiveArrayCritical(env, offsets, NULL);
	for (i = 0; i < max; i++) {
		udp->iovecs[i].iov_base = base + in_offsets[i];
		udp->iovecs[i].iov_len = (size_t)capacity;
		message(udp, i, i, 1);
	}
	(*env)->ReleasePrimitiveArrayCritical(env, offsets, in_offsets, JNI_ABORT);
	n = recvmmsg(udp->fd, udp->messages, (unsigned int)max, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : NEG_ERRNO();
	out_lengths = (*env)->GetPrimitiveArrayCritical(env, lengths, NULL);
	out_sources = (*env)->GetPrimitiveArrayCritical(env, sources, NULL);
	out_ports = (*env)->GetPrimitiveArrayCritical(env, ports, NULL);
	/* A datagram longer than the slot was cut: report one byte more than fits so the caller sees it. */
	for (i = 0; i < n; i++)
		report(udp, i, capacity + 1, out_lengths, out_sources, out_ports);
	(*env)->ReleasePrimitiveArrayCritical(env, ports, out_ports, 0);
	(*env)->ReleasePrimitiveArrayCritical(env, sources, out_sources, 0);
	(*env)->ReleasePrimitiveArrayCritical(env, lengths, out_lengths, 0);
	return n;
}

/*
 * Sends count datagrams, datagram i of lengths[i] bytes at address + offsets[i] to destinations[i]:ports[i], never
 * waiting. A run of consecutive datagrams to one destination, all as long as the run's first except perhaps a
 * shorter last one, goes as one message with UDP_SEGMENT: the kernel cuts it into those datagrams as late as it
 * can (on the wire they are the same datagrams). At most max_segments per run (1: a message per datagram, no
 * segmentation) and MAX_UDP_PAYLOAD bytes. Returns how many datagrams (not messages) the kernel took, always a
 * prefix of the batch, or -errno.
 */
JNIEXPORT jint JNICALL Java_io_consort_xsk_udp_UdpNative_sendSegmented(JNIEnv *env, jclass cls, jlong handle,
									 jlong address, jintArray offsets,
									 jintArray lengths, jintArray destinations,
									 jintArray ports, jint count, jint max_segments)
{
	struct consort_udp *udp = FROM_HANDLE(struct consort_udp, handle);
	char *base = FROM_HANDLE(char, address);
	jint *in_offsets, *in_lengths, *in_destinations, *in_ports;
	int i, m = 0, n, sent = 0;

	if (!udp || count <= 0 || count > udp->max_batch || max_segments <= 0)
		return count == 0 ? 0 : -EINVAL;
	in_offsets = (*env)->GetPrimitiveArrayCritical(env, offsets, NULL);
	in_lengths = (*env)->GetPrimitiveArrayCritical(env, lengths, NULL);
	in_destinations = (*env)->GetPrimitiveArrayCritical(env, destinations, NULL);
	in_ports = (*env)->GetPrimitiveArrayCritical(env, ports, NULL);
	for (i = 0; i < count; i = i + udp->run_lengths[m++]) {
		struct msghdr *header;
		int run = 1, size = in_lengths[i], total = in_lengths[i];

		while (i + run < count && run < max_segments && in_destinations[i + run] == in_destinations[i] &&
		       in_ports[i + run] == in_ports[i] && in_lengths[i + run - 1] == size &&
		       in_lengths[i + run] <= size && total + in_lengths[i + run] <= MAX_UDP_PAYLOAD) {
			total += in_lengths[i + run];
			run++;
		}
		for (n = 0; n < run; n++) {
			udp->iovecs[i + n].iov_base = base + in_offsets[i + n];
			udp->iovecs[i + n].iov_len = (size_t)in_lengths[i + n];
		}
		memset(&udp->addresses[m], 0, sizeof(udp->addresses[m]));
		udp->addresses[m].sin_family = AF_INET;
		udp->addresses[m].sin_addr.s_addr = htonl((uint32_t)in_destinations[i]);
		udp->addresses[m].sin_port = htons((uint16_t)in_ports[i]);
		header = message(udp, m, i, run);
		if (run > 1) {
			struct cmsghdr *control;

			header->msg_control = udp->controls + (size_t)m * CONTROL_SPACE;
			header->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
			control = CMSG_FIRSTHDR(header);
			control->cmsg_level = SOL_UDP;
			control->cmsg_type = UDP_SEGMENT;
			control->cmsg_len = CMSG_LEN(sizeof(uint16_t));
			*(uint16_t *)CMSG_DATA(control) = (uint16_t)size;
		}
		udp->run_lengths[m] = run;
	}
	(*env)->ReleasePrimitiveArrayCritical(env, ports, in_ports, JNI_ABORT);
	(*env)->ReleasePrimitiveArrayCritical(env, destinations, in_destinations, JNI_ABORT);
	(*env)->ReleasePrimitiveArrayCritical(env, lengths, in_lengths, JNI_ABORT);
	(*env)->ReleasePrimitiveArrayCritical(env, offsets, in_offsets, JNI_ABORT);
	n = sendmmsg(udp->fd, udp->messages, (unsigned int)m, MSG_DONTWAIT);
	if (n < 0)
		return NEG_ERRNO();
	for (i = 0; i < n; i++)
		sent += udp->run_lengths[i];
	return sent;
}

/* Lets the socket take runs of datagrams up whole (UDP_GRO); receiveCoalesced reports where they split. */
JNIEXPORT jint JNICALL Java_io_consort_xsk_udp_UdpNative_enableCoalescing(JNIEnv *env, jclass cls, jint fd)
{
	int one = 1;

	return setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) ? NEG_ERRNO() : 0;
}

/*
 * Receives up to max messages without waiting, message i at address + i * slot_size. A message may be a run of
 * datagrams the kernel coalesced: segments[i] is then the length of each but the last, else 0. A message longer
 * than the slot is reported as slot_size + 1 bytes.
 */
JNIEXPORT jint JNICALL Java_io_consort_xsk_udp_UdpNative_receiveCoalesced(JNIEnv *env, jclass cls, jlong handle,
									    jlong address, jint slot_size,
									    jintArray lengths, jintArray segments,
									    jintArray sources, jintArray ports, jint max)
{
	struct consort_udp *udp = FROM_HANDLE(struct consort_udp, handle);
	char *base = FROM_HANDLE(char, address);
	jint *out_lengths, *out_segments, *out_sources, *out_ports;
	int i, n;

	if (!udp || max <= 0 || max > udp->max_batch || slot_size <= 0)
		return -EINVAL;
	for (i = 0; i < max; i++) {
		struct msghdr *header;

		udp->iovecs[i].iov_base = base + (size_t)i * (size_t)slot_size;
		udp->iovecs[i].iov_len = (size_t)slot_size;
		header = message(udp, i, i, 1);
		header->msg_control = udp->controls + (size_t)i * CONTROL_SPACE;
		header->msg_controllen = CONTROL_SPACE;
	}
	n = recvmmsg(udp->fd, udp->messages, (unsigned int)max, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : NEG_ERRNO();
	out_lengths = (*env)->GetPrimitiveArrayCritical(env, lengths, NULL);
	out_segments = (*env)->GetPrimitiveArrayCritical(env, segments, NULL);
	out_sources = (*env)->GetPrimitiveArrayCritical(env, sources, NULL);
	out_ports = (*env)->GetPrimitiveArrayCritical(env, ports, NULL);
	for (i = 0; i < n; i++) {
		struct msghdr *header = &udp->messages[i].msg_hdr;
		struct cmsghdr *control;

		report(udp, i, slot_size + 1, out_lengths, out_sources, out_ports);
		out_segments[i] = 0;
		for (control = CMSG_FIRSTHDR(header); control; control = CMSG_NXTHDR(header, control)) {
			if (control->cmsg_level == SOL_UDP && control->cmsg_type == UDP_GRO)
				memcpy(&out_segments[i], CMSG_DATA(control), sizeof(int));
		}
	}
	(*env)->ReleasePrimitiveArrayCritical(env, ports, out_ports, 0);
	(*env)->ReleasePrimitiveArrayCritical(env, sources, out_sources, 0);
	(*env)->ReleasePrimitiveArrayCritical(env, segments, out_segments, 0);
	(*env)->ReleasePrimitiveArrayCritical(env, lengths, out_lengths, 0);
	return n;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_udp_UdpNative_joinMulticast(JNIEnv *env, jclass cls, jint fd,
									 jint group, jint interface_address)
{
	struct ip_mreq request = {
		.imr_multiaddr.s_addr = htonl((uint32_t)group),
		.imr_interface.s_addr = htonl((uint32_t)interface_address),
	};

	return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof(request)) ? NEG_ERRNO() : 0;
}

/* Multicasts leave by the interface that has interface_address; loop: whether this host's own sockets hear them. */
JNIEXPORT jint JNICALL Java_io_consort_xsk_udp_UdpNative_multicastOptions(JNIEnv *env, jclass cls, jint fd,
									    jint interface_address, jboolean loop)
{
	struct in_addr out = { .s_addr = htonl((uint32_t)interface_address) };
	unsigned char on = loop ? 1 : 0;

	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof(out)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &on, sizeof(on)))
		return NEG_ERRNO();
	return 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_udp_UdpNative_bufferSizes(JNIEnv *env, jclass cls, jint fd,
								       jint receive, jint send)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive, sizeof(receive)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send, sizeof(send)))
		return NEG_ERRNO();
	return 0;
}

JNIEXPORT void JNICALL Java_io_consort_xsk_udp_UdpNative_close(JNIEnv *env, jclass cls, jlong handle)
{
	struct consort_udp *udp = FROM_HANDLE(struct consort_udp, handle);

	if (udp)
		udp_free(udp);
}

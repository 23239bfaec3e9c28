/*
 * UMEM registration over memory Java owns (the iovec frame pool's region), and the memory itself when the
 * UMEM allocates it (mmap, optionally huge pages).
 *
 * libxdp keeps one fill/completion ring pair per (interface, queue) and remembers a pointer to the structs
 * it was given until the last socket on that queue is deleted, so the structs live here, in the UMEM
 * handle, not in a socket that may close first.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>
#include "consort_xsk.h"
#include "umem.h"

JNIEXPORT jstring JNICALL Java_io_consort_xsk_XskNative_strerror(JNIEnv *env, jclass cls, jint errnum)
{
	char buf[128];

	return (*env)->NewStringUTF(env, strerror_r(errnum, buf, sizeof(buf)));
}

JNIEXPORT jlong JNICALL Java_io_consort_xsk_XskNative_mapMemory(JNIEnv *env, jclass cls, jlong length,
								  jboolean huge)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | (huge ? MAP_HUGETLB : 0);
	void *area = mmap(NULL, (size_t)length, PROT_READ | PROT_WRITE, flags, -1, 0);

	return area == MAP_FAILED ? NEG_ERRNO() : TO_HANDLE(area);
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_unmapMemory(JNIEnv *env, jclass cls, jlong address,
								   jlong length)
{
	return munmap(FROM_HANDLE(void, address), (size_t)length) ? NEG_ERRNO() : 0;
}

void consort_ring_out(jlong *out, __u32 *producer, __u32 *consumer, __u32 *flags, void *ring, __u32 size)
{
	out[0] = TO_HANDLE(producer);
	out[1] = TO_HANDLE(consumer);
	out[2] = TO_HANDLE(flags);
	out[3] = TO_HANDLE(ring);
	out[4] = size;
}

JNIEXPORT jlong JNICALL Java_io_consort_xsk_XskNative_umemCreate(JNIEnv *env, jclass cls, jlong area,
								   jlong length, jint frame_size, jint headroom,
								   jint fill_size, jint comp_size, jlongArray rings)
{
	struct xsk_umem_config config = {
		.fill_size = (__u32)fill_size,
		.comp_size = (__u32)comp_size,
		.frame_size = (__u32)frame_size,
		.frame_headroom = (__u32)headroom,
		.flags = 0,
	};
	struct consort_umem *umem;
	jlong out[10];
	int err;

	if (!area || length <= 0 || (*env)->GetArrayLength(env, rings) < 10)
		return -EINVAL;
	umem = calloc(1, sizeof(*umem));
	if (!umem)
		return -ENOMEM;
	err = xsk_umem__create(&umem->umem, FROM_HANDLE(void, area), (__u64)length, &umem->pairs[0].fill,
			       &umem->pairs[0].comp, &config);
	if (err) {
		free(umem);
		return err < 0 ? err : -err;
	}
	umem->pairs[0].fresh = 1;
	umem->fill_size = (__u32)fill_size;
	umem->comp_size = (__u32)comp_size;
	umem->first_ifindex = -1;
	consort_ring_out(out, umem->pairs[0].fill.producer, umem->pairs[0].fill.consumer,
			 umem->pairs[0].fill.flags, umem->pairs[0].fill.ring, umem->pairs[0].fill.size);
	consort_ring_out(out + 5, umem->pairs[0].comp.producer, umem->pairs[0].comp.consumer,
			 umem->pairs[0].comp.flags, umem->pairs[0].comp.ring, umem->pairs[0].comp.size);
	(*env)->SetLongArrayRegion(env, rings, 0, 10, out);
	return TO_HANDLE(umem);
}

/*
 * libxdp unmaps a pair when its last socket goes; rings no socket ever adopted (a UMEM closed without
 * sockets) would stay mapped, so unmap them here, from the offsets the kernel reports.
 */
static void unmap_unadopted(struct consort_umem *umem)
{
	struct xsk_ring_prod *fill = &umem->pairs[0].fill;
	struct xsk_ring_cons *comp = &umem->pairs[0].comp;
	struct xdp_mmap_offsets off;
	socklen_t length = sizeof(off);

	if (getsockopt(xsk_umem__fd(umem->umem), SOL_XDP, XDP_MMAP_OFFSETS, &off, &length) || length != sizeof(off))
		return;
	munmap((char *)fill->ring - off.fr.desc, off.fr.desc + fill->size * sizeof(__u64));
	munmap((char *)comp->ring - off.cr.desc, off.cr.desc + comp->size * sizeof(__u64));
	umem->pairs[0].fresh = 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_XskNative_umemDelete(JNIEnv *env, jclass cls, jlong handle)
{
	struct consort_umem *umem = FROM_HANDLE(struct consort_umem, handle);
	int err;

	if (!umem)
		return -EINVAL;
	if (umem->pairs[0].fresh)
		unmap_unadopted(umem);
	err = xsk_umem__delete(umem->umem);
	if (err)
		return err;
	free(umem);
	return 0;
}

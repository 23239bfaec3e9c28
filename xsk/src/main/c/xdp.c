/*
 * The steering program: opened and loaded through libxdp; attached either through a BPF link (owned by this
 * process: the kernel detaches it when the last fd on the link closes, at exit or kill -9 included) or through
 * libxdp (its dispatcher when bpffs allows, netlink either way: that attachment outlives the process). Also maps,
 * test runs, and what is attached to an interface, for error messages.
 */
#include <net/if.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "consort_xsk.h"

static int libxdp_errno(const void *ptr)
{
	long err = libxdp_get_error(ptr);

	return err ? (int)(err < 0 ? err : -err) : 0;
}

static int run(struct xdp_program *program, void *data, __u32 length)
{
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = length, .repeat = 1);
	int err = xdp_program__test_run(program, &opts, 0);

	if (err)
		return err < 0 ? err : -err;
	return (jint)opts.retval;
}

/* The test run that loads the program counts one frame; start the counters from zero. */
static int zero_stats(struct xdp_program *program)
{
	struct bpf_object *object = xdp_program__bpf_obj(program);
	struct bpf_map *map = object ? bpf_object__find_map_by_name(object, "steer_stats") : NULL;
	int cpus = libbpf_num_possible_cpus();
	__u64 zeros[1024] = { 0 };
	__u32 key;

	if (!map || cpus <= 0 || cpus > 1024)
		return map ? -ERANGE : -ENOENT;
	for (key = 0; key < bpf_map__max_entries(map); key++)
		if (bpf_map_update_elem(bpf_map__fd(map), &key, zeros, BPF_ANY))
			return NEG_ERRNO();
	return 0;
}

JNIEXPORT jlong JNICALL Java_io_consort_xsk_bpf_XdpNative_open(JNIEnv *env, jclass cls, jstring path,
								 jstring name, jboolean load)
{
	char file[4096], program_name[128];
	struct xdp_program *program;
	int err;

	if (consort_string(env, path, file, sizeof(file)) || consort_string(env, name, program_name,
									      sizeof(program_name)))
		return -EINVAL;
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .open_filename = file, .prog_name = program_name);
	program = xdp_program__create(&opts);
	err = libxdp_errno(program);
	if (err)
		return err;
	if (!program)
		return -ENOENT;
	if (load) {
		/* libxdp 1.3 has no public load call; a test run on a minimal frame loads the program. */
		unsigned char frame[64] = { 0 };

		err = run(program, frame, sizeof(frame));
		if (err >= 0)
			err = zero_stats(program);
		if (err < 0) {
			xdp_program__close(program);
			return err;
		}
	}
	return TO_HANDLE(program);
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_attachLink(JNIEnv *env, jclass cls, jlong handle,
								      jint ifindex, jint mode)
{
	int fd = xdp_program__fd(FROM_HANDLE(struct xdp_program, handle));
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, opts,
			    .flags = mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	int link;

	if (fd < 0)
		return -EINVAL;
	link = bpf_link_create(fd, ifindex, BPF_XDP, &opts);
	return link < 0 ? NEG_ERRNO() : link;
}

/* Detaches now (not when the last reference goes) and closes; a link whose interface is gone detaches as 0. */
JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_detachLink(JNIEnv *env, jclass cls, jint link)
{
	int err = bpf_link_detach(link) ? NEG_ERRNO() : 0;

	close(link);
	return err;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_attach(JNIEnv *env, jclass cls, jlong handle,
								  jint ifindex, jint mode)
{
	int err = xdp_program__attach(FROM_HANDLE(struct xdp_program, handle), ifindex, (enum xdp_attach_mode)mode, 0);

	return err < 0 ? err : -err;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_detach(JNIEnv *env, jclass cls, jlong handle,
								  jint ifindex, jint mode)
{
	int err = xdp_program__detach(FROM_HANDLE(struct xdp_program, handle), ifindex, (enum xdp_attach_mode)mode, 0);

	return err < 0 ? err : -err;
}

JNIEXPORT void JNICALL Java_io_consort_xsk_bpf_XdpNative_close(JNIEnv *env, jclass cls, jlong handle)
{
	xdp_program__close(FROM_HANDLE(struct xdp_program, handle));
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_mapFd(JNIEnv *env, jclass cls, jlong handle, jstring name)
{
	struct bpf_object *object = xdp_program__bpf_obj(FROM_HANDLE(struct xdp_program, handle));
	char map_name[128];
	struct bpf_map *map;
	int fd;

	if (!object || consort_string(env, name, map_name, sizeof(map_name)))
		return -EINVAL;
	map = bpf_object__find_map_by_name(object, map_name);
	if (!map)
		return -ENOENT;
	fd = bpf_map__fd(map);
	return fd;
}

/* Map calls copy key and value through small stack buffers: maps are configured at setup, not per packet. */
#define MAX_ENTRY_BYTES 64

static int copy_in(JNIEnv *env, jbyteArray array, unsigned char *buf)
{
	jsize length = (*env)->GetArrayLength(env, array);

	if (length > MAX_ENTRY_BYTES)
		return -EINVAL;
	(*env)->GetByteArrayRegion(env, array, 0, length, (jbyte *)buf);
	return 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_mapUpdate(JNIEnv *env, jclass cls, jint fd,
								     jbyteArray key, jbyteArray value)
{
	unsigned char k[MAX_ENTRY_BYTES], v[MAX_ENTRY_BYTES];

	if (copy_in(env, key, k) || copy_in(env, value, v))
		return -EINVAL;
	return bpf_map_update_elem(fd, k, v, BPF_ANY) ? NEG_ERRNO() : 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_mapDelete(JNIEnv *env, jclass cls, jint fd,
								     jbyteArray key)
{
	unsigned char k[MAX_ENTRY_BYTES];

	if (copy_in(env, key, k))
		return -EINVAL;
	return bpf_map_delete_elem(fd, k) ? NEG_ERRNO() : 0;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_mapLookup(JNIEnv *env, jclass cls, jint fd,
								     jbyteArray key, jbyteArray value)
{
	unsigned char k[MAX_ENTRY_BYTES], v[MAX_ENTRY_BYTES];
	jsize length = (*env)->GetArrayLength(env, value);

	if (copy_in(env, key, k) || length > MAX_ENTRY_BYTES)
		return -EINVAL;
	if (bpf_map_lookup_elem(fd, k, v))
		return NEG_ERRNO();
	(*env)->SetByteArrayRegion(env, value, 0, length, (jbyte *)v);
	return 0;
}

JNIEXPORT jlong JNICALL Java_io_consort_xsk_bpf_XdpNative_perCpuSum(JNIEnv *env, jclass cls, jint fd, jint key)
{
	int cpus = libbpf_num_possible_cpus();
	__u64 values[1024], sum = 0;
	__u32 k = (__u32)key;

	if (cpus <= 0 || cpus > 1024)
		return cpus < 0 ? cpus : -ERANGE;
	if (bpf_map_lookup_elem(fd, &k, values))
		return NEG_ERRNO();
	for (int i = 0; i < cpus; i++)
		sum += values[i];
	return (jlong)(sum & INT64_MAX);
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_testRun(JNIEnv *env, jclass cls, jlong handle,
								   jbyteArray frame, jint length)
{
	unsigned char data[4096];

	if (length < 0 || length > (jint)sizeof(data) || length > (*env)->GetArrayLength(env, frame))
		return -EINVAL;
	(*env)->GetByteArrayRegion(env, frame, 0, length, (jbyte *)data);
	return run(FROM_HANDLE(struct xdp_program, handle), data, (__u32)length);
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_usesDispatcher(JNIEnv *env, jclass cls, jint ifindex)
{
	struct xdp_multiprog *programs = xdp_multiprog__get_from_ifindex(ifindex);
	int err = libxdp_errno(programs);
	int legacy;

	if (err)
		return err;
	if (!programs)
		return 0;
	legacy = xdp_multiprog__is_legacy(programs);
	xdp_multiprog__close(programs);
	return legacy ? 0 : 1;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_interfaceIndex(JNIEnv *env, jclass cls, jstring ifname)
{
	char name[IF_NAMESIZE];
	unsigned int index;

	if (consort_string(env, ifname, name, sizeof(name)))
		return -EINVAL;
	index = if_nametoindex(name);
	return index ? (jint)index : NEG_ERRNO();
}

/* The id of the XDP link through which program id is attached to ifindex, 0 when none (netlink), or -errno. */
static int link_of(__u32 program_id, int ifindex)
{
	__u32 id = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info;
		__u32 length = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);
		int found;

		if (fd < 0)
			continue; /* gone meanwhile */
		memset(&info, 0, sizeof(info));
		found = !bpf_obj_get_info_by_fd(fd, &info, &length) && info.type == BPF_LINK_TYPE_XDP &&
			info.prog_id == program_id && (int)info.xdp.ifindex == ifindex;
		close(fd);
		if (found)
			return (int)id;
	}
	return errno == ENOENT ? 0 : NEG_ERRNO();
}

/*
 * What is attached to ifindex (in the calling thread's namespace): out = {attach mode (XDP_ATTACHED_*), program id
 * in generic, native and offload mode, id of the BPF link holding the first of them or 0}. 0 or -errno.
 */
JNIEXPORT jint JNICALL Java_io_consort_xsk_bpf_XdpNative_query(JNIEnv *env, jclass cls, jint ifindex,
								 jintArray out)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_query_opts, opts);
	jint values[5] = { 0 };
	__u32 active;
	int err = bpf_xdp_query(ifindex, 0, &opts);

	if (err)
		return err < 0 ? err : -err;
	values[0] = opts.attach_mode;
	values[1] = (jint)opts.skb_prog_id;
	values[2] = (jint)opts.drv_prog_id;
	values[3] = (jint)opts.hw_prog_id;
	active = opts.skb_prog_id ? opts.skb_prog_id : opts.drv_prog_id ? opts.drv_prog_id : opts.hw_prog_id;
	if (active) {
		err = link_of(active, ifindex);
		if (err < 0)
			return err;
		values[4] = err;
	}
	(*env)->SetIntArrayRegion(env, out, 0, 5, values);
	return 0;
}

/* The name of loaded program id, or null. */
JNIEXPORT jstring JNICALL Java_io_consort_xsk_bpf_XdpNative_programName(JNIEnv *env, jclass cls, jint id)
{
	struct bpf_prog_info info;
	__u32 length = sizeof(info);
	int fd = bpf_prog_get_fd_by_id((__u32)id);
	int err;

	if (fd < 0)
		return NULL;
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &length);
	close(fd);
	return err ? NULL : (*env)->NewStringUTF(env, info.name);
}

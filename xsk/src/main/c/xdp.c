/* The steering program through libxdp: open, attach/detach (dispatcher when bpffs allows), maps, test runs. */
#include <net/if.h>
#include <string.h>
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
		if (err < 0) {
			xdp_program__close(program);
			return err;
		}
	}
	return TO_HANDLE(program);
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

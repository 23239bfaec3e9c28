/* setns(2) for the calling thread, so Java can create sockets inside a test network namespace. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include "consort_xsk.h"

JNIEXPORT jint JNICALL Java_io_consort_xsk_netns_NetnsNative_current(JNIEnv *env, jclass cls)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? NEG_ERRNO() : fd;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_netns_NetnsNative_enter(JNIEnv *env, jclass cls, jstring path)
{
	char name[4096];
	int fd, err = 0;

	if (consort_string(env, path, name, sizeof(name)))
		return -EINVAL;
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NEG_ERRNO();
	if (setns(fd, CLONE_NEWNET))
		err = NEG_ERRNO();
	close(fd);
	return err;
}

JNIEXPORT jint JNICALL Java_io_consort_xsk_netns_NetnsNative_restore(JNIEnv *env, jclass cls, jint fd)
{
	int err = setns(fd, CLONE_NEWNET) ? NEG_ERRNO() : 0;

	close(fd);
	return err;
}

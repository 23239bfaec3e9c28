/* Shared helpers of the JNI library: errno conventions and captured libxdp/libbpf log. */
#ifndef CONSORT_XSK_H
#define CONSORT_XSK_H

#include <errno.h>
#include <jni.h>
#include <stdint.h>

/* JNI functions return -errno on failure, never throw: Java composes the messages. */
#define NEG_ERRNO() (-(errno ? errno : EIO))

/* Pointer <-> jlong handles; a handle is always positive on x86-64 user space. */
#define TO_HANDLE(p) ((jlong)(uintptr_t)(p))
#define FROM_HANDLE(type, h) ((type *)(uintptr_t)(h))

/* Installs the log capture for libxdp and libbpf (called once from JNI_OnLoad). */
void consort_log_init(void);

/* Copies a Java string into buf (NUL-terminated); returns 0, or -EINVAL when it does not fit. */
int consort_string(JNIEnv *env, jstring s, char *buf, size_t size);

#endif

/*
 * libxdp and libbpf print warnings (verifier output, attach conflicts) to stderr by default. A library must
 * not write to the application's stderr, so the text is kept per thread and Java attaches it to the
 * exception of the call that caused it (XdpNative.lastLog).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "consort_xsk.h"

#define LOG_SIZE 2048

static __thread char last_log[LOG_SIZE];

static void remember(const char *format, va_list args)
{
	size_t used = strnlen(last_log, LOG_SIZE - 1);
	char line[LOG_SIZE];
	size_t n;

	vsnprintf(line, sizeof(line), format, args);
	n = strlen(line);
	if (used + n >= LOG_SIZE) {
		/* Keep the newest text: the cause is usually at the end of a verifier log. */
		used = 0;
		if (n >= LOG_SIZE)
			n = LOG_SIZE - 1;
	}
	memcpy(last_log + used, line + (strlen(line) - n), n);
	last_log[used + n] = '\0';
}

static int libbpf_log(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level != LIBBPF_DEBUG)
		remember(format, args);
	return 0;
}

static int libxdp_log(enum libxdp_print_level level, const char *format, va_list args)
{
	if (level != LIBXDP_DEBUG)
		remember(format, args);
	return 0;
}

void consort_log_init(void)
{
	libbpf_set_print(libbpf_log);
	libxdp_set_print(libxdp_log);
}

JNIEXPORT jstring JNICALL Java_io_consort_xsk_bpf_XdpNative_lastLog(JNIEnv *env, jclass cls)
{
	jstring text = (*env)->NewStringUTF(env, last_log);

	last_log[0] = '\0';
	return text;
}

int consort_string(JNIEnv *env, jstring s, char *buf, size_t size)
{
	jsize length;

	if (!s)
		return -EINVAL;
	length = (*env)->GetStringUTFLength(env, s);
	if ((size_t)length >= size)
		return -EINVAL;
	(*env)->GetStringUTFRegion(env, s, 0, (*env)->GetStringLength(env, s), buf);
	buf[length] = '\0';
	return 0;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
	consort_log_init();
	return JNI_VERSION_1_8;
}

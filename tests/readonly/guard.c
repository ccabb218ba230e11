/* SPDX-License-Identifier: MIT */
/*
 * Read-only guard for the MSR and CPUID devices: an LD_PRELOAD shim placed in front of everything else.
 * Every open of a path ending in /dev/cpu/N/msr or /dev/cpu/N/cpuid (with or without a sysroot prefix, also
 * through openat with a directory descriptor, fopen, freopen and creat) is logged to $VMXCFG_GUARD_LOG as
 *   OPEN <path> <flags>            an open for reading only (forwarded to the next library or libc)
 *   VIOLATION open <path> <flags>  an open for writing, creating or truncating (refused with EPERM)
 *   VIOLATION write|pwrite|writev|pwritev|ioctl|fwrite fd=<n> <path>   a write or ioctl on a device descriptor
 *     (the msr driver accepts ioctls that write MSRs; refused with EPERM)
 * tests/check.d/45-readonly.sh runs vmxcfg's live paths under it and fails on any VIOLATION line, or when no
 * device open was seen at all (so the guard cannot pass by not being loaded).
 * Build: cc -shared -fPIC -o guard.so guard.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FD 4096
static char *dev_fd[MAX_FD]; /* path of an open device descriptor, or NULL */

static int is_device(const char *path)
{
	const char *p = path, *hit = NULL;
	while ((p = strstr(p, "/dev/cpu/")) != NULL)
		hit = p++;
	if (!hit)
		return 0;
	hit += 9;
	if (*hit < '0' || *hit > '9')
		return 0;
	while (*hit >= '0' && *hit <= '9')
		hit++;
	return !strcmp(hit, "/msr") || !strcmp(hit, "/cpuid");
}

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	static int (*real_open)(const char *, int, ...);
	static ssize_t (*real_write)(int, const void *, size_t);
	const char *log = getenv("VMXCFG_GUARD_LOG");
	if (!log)
		return;
	if (!real_open)
		real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	if (!real_write)
		real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	char buf[PATH_MAX + 200];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	int fd = real_open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd >= 0) {
		(void)real_write(fd, buf, (size_t)n);
		close(fd);
	}
}

/* Resolve a path relative to a directory descriptor, for openat. */
static void full_path(int dirfd, const char *path, char *out, size_t n)
{
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		snprintf(out, n, "%s", path);
		return;
	}
	char link[64], dir[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	ssize_t l = readlink(link, dir, sizeof(dir) - 1);
	if (l < 0)
		l = 0;
	dir[l] = 0;
	snprintf(out, n, "%s/%s", dir, path);
}

static int writes(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND)) != 0;
}

/* 0: go on; -1: refused (errno set). */
static int check_open(const char *path, int flags)
{
	if (!is_device(path))
		return 0;
	if (writes(flags)) {
		logf_("VIOLATION open %s flags=0x%x", path, (unsigned)flags);
		errno = EPERM;
		return -1;
	}
	logf_("OPEN %s flags=0x%x", path, (unsigned)flags);
	return 0;
}

static int track(int fd, const char *path)
{
	if (fd >= 0 && fd < MAX_FD && is_device(path)) {
		free(dev_fd[fd]);
		dev_fd[fd] = strdup(path);
	}
	return fd;
}

static int on_device(int fd, const char *what)
{
	if (fd >= 0 && fd < MAX_FD && dev_fd[fd]) {
		logf_("VIOLATION %s fd=%d %s", what, fd, dev_fd[fd]);
		errno = EPERM;
		return 1;
	}
	return 0;
}

#define REAL(name, type) \
	static __typeof__(&name) real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

#define OPEN_LIKE(name) \
	int name(const char *path, int flags, ...) \
	{ \
		REAL(name, int (*)(const char *, int, ...)); \
		va_list ap; \
		va_start(ap, flags); \
		mode_t m = mode_arg(flags, ap); \
		va_end(ap); \
		if (check_open(path, flags)) \
			return -1; \
		return track(real_##name(path, flags, m), path); \
	}
OPEN_LIKE(open)
OPEN_LIKE(open64)

#define OPENAT_LIKE(name) \
	int name(int dirfd, const char *path, int flags, ...) \
	{ \
		REAL(name, int (*)(int, const char *, int, ...)); \
		va_list ap; \
		va_start(ap, flags); \
		mode_t m = mode_arg(flags, ap); \
		va_end(ap); \
		char full[PATH_MAX]; \
		full_path(dirfd, path, full, sizeof(full)); \
		if (check_open(full, flags)) \
			return -1; \
		return track(real_##name(dirfd, path, flags, m), full); \
	}
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

/* The _FORTIFY_SOURCE entry points. */
int __open_2(const char *path, int flags)
{
	return open(path, flags);
}
int __open64_2(const char *path, int flags)
{
	return open64(path, flags);
}
int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}
int __openat64_2(int dirfd, const char *path, int flags)
{
	return openat64(dirfd, path, flags);
}

int creat(const char *path, mode_t m)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, m);
}
int creat64(const char *path, mode_t m)
{
	return open64(path, O_WRONLY | O_CREAT | O_TRUNC, m);
}

static int fmode_writes(const char *mode)
{
	return strpbrk(mode, "wa+") != NULL;
}

#define FOPEN_LIKE(name) \
	FILE *name(const char *path, const char *mode) \
	{ \
		REAL(name, FILE * (*)(const char *, const char *)); \
		if (check_open(path, fmode_writes(mode) ? O_RDWR : O_RDONLY)) \
			return NULL; \
		FILE *f = real_##name(path, mode); \
		if (f) \
			track(fileno(f), path); \
		return f; \
	}
FOPEN_LIKE(fopen)
FOPEN_LIKE(fopen64)

#define FREOPEN_LIKE(name) \
	FILE *name(const char *path, const char *mode, FILE *old) \
	{ \
		REAL(name, FILE * (*)(const char *, const char *, FILE *)); \
		if (path && check_open(path, fmode_writes(mode) ? O_RDWR : O_RDONLY)) \
			return NULL; \
		FILE *f = real_##name(path, mode, old); \
		if (f && path) \
			track(fileno(f), path); \
		return f; \
	}
FREOPEN_LIKE(freopen)
FREOPEN_LIKE(freopen64)

int close(int fd)
{
	REAL(close, int (*)(int));
	if (fd >= 0 && fd < MAX_FD) {
		free(dev_fd[fd]);
		dev_fd[fd] = NULL;
	}
	return real_close(fd);
}

ssize_t write(int fd, const void *b, size_t n)
{
	REAL(write, ssize_t(*)(int, const void *, size_t));
	return on_device(fd, "write") ? -1 : real_write(fd, b, n);
}
ssize_t pwrite(int fd, const void *b, size_t n, off_t o)
{
	REAL(pwrite, ssize_t(*)(int, const void *, size_t, off_t));
	return on_device(fd, "pwrite") ? -1 : real_pwrite(fd, b, n, o);
}
ssize_t pwrite64(int fd, const void *b, size_t n, off64_t o)
{
	REAL(pwrite64, ssize_t(*)(int, const void *, size_t, off64_t));
	return on_device(fd, "pwrite") ? -1 : real_pwrite64(fd, b, n, o);
}
ssize_t writev(int fd, const struct iovec *v, int n)
{
	REAL(writev, ssize_t(*)(int, const struct iovec *, int));
	return on_device(fd, "writev") ? -1 : real_writev(fd, v, n);
}
ssize_t pwritev(int fd, const struct iovec *v, int n, off_t o)
{
	REAL(pwritev, ssize_t(*)(int, const struct iovec *, int, off_t));
	return on_device(fd, "pwritev") ? -1 : real_pwritev(fd, v, n, o);
}
int ioctl(int fd, unsigned long req, ...)
{
	REAL(ioctl, int (*)(int, unsigned long, ...));
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return on_device(fd, "ioctl") ? -1 : real_ioctl(fd, req, arg);
}
size_t fwrite(const void *b, size_t sz, size_t n, FILE *f)
{
	REAL(fwrite, size_t(*)(const void *, size_t, size_t, FILE *));
	if (on_device(fileno(f), "fwrite"))
		return 0;
	return real_fwrite(b, sz, n, f);
}

/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD shim that fakes the Linux msr and cpuid drivers for tests, with their real semantics
 * (../shared/reference/live-testing.md):
 *   SYSROOT/dev/cpu/N/msr    pread(fd, buf, 8*k, INDEX) -> the value of MSR INDEX; EIO if the CPU lacks it;
 *                            EINVAL if the size is not a multiple of 8
 *   SYSROOT/dev/cpu/N/cpuid  pread(fd, buf, 16*k, LEAF | SUBLEAF << 32) -> EAX EBX ECX EDX (zeros if not listed)
 * A fake device is a regular text file at that path (so a missing file is ENOENT, as without the driver):
 *   # comment
 *   errno EACCES | EPERM | ENXIO | EIO    opening fails with that errno (permission denied, no such CPU, ...)
 *   0x480 0x00da040000000004              msr file: INDEX VALUE
 *   0x1 0x0 0x000506e3 0x02100800 0x7ffafbbf 0xbfebfbff    cpuid file: LEAF SUBLEAF EAX EBX ECX EDX
 * Every open of a fake device is logged to $FAKESYS_LOG ("open PATH rdonly" or "WRITE-OPEN PATH"); an open
 * for writing fails with EPERM so a test can prove that nothing ever tries.
 * Build: cc -shared -fPIC -o fakesys.so fakesys.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FD 1024
#define MAX_ENT 512

enum kind { K_NONE = 0, K_MSR, K_CPUID };

struct ent {
	uint64_t key;
	uint32_t v[4];
};

struct fake {
	enum kind kind;
	int n;
	struct ent e[MAX_ENT];
};

static struct fake *fakes[MAX_FD];

static enum kind kind_of(const char *path)
{
	const char *p = strstr(path, "/dev/cpu/");
	if (!p)
		return K_NONE;
	p += 9;
	if (*p < '0' || *p > '9')
		return K_NONE;
	while (*p >= '0' && *p <= '9')
		p++;
	if (!strcmp(p, "/msr"))
		return K_MSR;
	if (!strcmp(p, "/cpuid"))
		return K_CPUID;
	return K_NONE;
}

static void logf_(const char *fmt, const char *path)
{
	const char *log = getenv("FAKESYS_LOG");
	if (!log)
		return;
	FILE *f = fopen(log, "a");
	if (!f)
		return;
	fprintf(f, fmt, path);
	fclose(f);
}

static int errno_by_name(const char *s)
{
	if (!strncmp(s, "EACCES", 6))
		return EACCES;
	if (!strncmp(s, "EPERM", 5))
		return EPERM;
	if (!strncmp(s, "ENXIO", 5))
		return ENXIO;
	if (!strncmp(s, "ENODEV", 6))
		return ENODEV;
	if (!strncmp(s, "EIO", 3))
		return EIO;
	return EINVAL;
}

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);
typedef int (*close_fn)(int);

/* The next definition of name (libc's), looked up once into *cache. */
static void *next_fn(void **cache, const char *name)
{
	if (!*cache)
		*cache = dlsym(RTLD_NEXT, name);
	return *cache;
}

static int real_open(const char *path, int flags, mode_t mode)
{
	static void *fn;
	return ((open_fn)next_fn(&fn, "open"))(path, flags, mode);
}

/* Returns -2 when the path is not a fake device (caller opens it normally). */
static int fake_open(const char *path, int flags)
{
	enum kind k = kind_of(path);
	if (k == K_NONE)
		return -2;
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -2; /* missing: the real open says ENOENT */
	if ((flags & O_ACCMODE) != O_RDONLY) {
		logf_("WRITE-OPEN %s\n", path);
		errno = EPERM;
		return -1;
	}
	logf_("open %s rdonly\n", path);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	struct fake *fk = calloc(1, sizeof(*fk));
	if (!fk) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	fk->kind = k;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		if (!strncmp(p, "errno ", 6)) {
			int e = errno_by_name(p + 6);
			fclose(f);
			free(fk);
			errno = e;
			return -1;
		}
		unsigned long long a[6] = { 0 };
		int got = sscanf(p, "%llx %llx %llx %llx %llx %llx", &a[0], &a[1], &a[2], &a[3], &a[4], &a[5]);
		if (fk->n >= MAX_ENT)
			continue;
		struct ent *e = &fk->e[fk->n];
		if (k == K_MSR && got >= 2) {
			e->key = a[0];
			e->v[0] = (uint32_t)a[1];
			e->v[1] = (uint32_t)(a[1] >> 32);
			fk->n++;
		} else if (k == K_CPUID && got >= 6) {
			e->key = a[0] | a[1] << 32;
			for (int i = 0; i < 4; i++)
				e->v[i] = (uint32_t)a[2 + i];
			fk->n++;
		}
	}
	fclose(f);
	/* A descriptor to stand for the device: /dev/null, read-only. */
	int fd = real_open("/dev/null", O_RDONLY | (flags & O_CLOEXEC), 0);
	if (fd < 0 || fd >= MAX_FD) {
		free(fk);
		if (fd >= 0)
			close(fd);
		errno = EMFILE;
		return -1;
	}
	fakes[fd] = fk;
	return fd;
}

/*
 * open(2) and openat(2): a fake device, or else the real call.  A relative path under openat is the real
 * openat's unless dirfd is AT_FDCWD.  The mode argument is there only with O_CREAT or O_TMPFILE.
 * open64, __open64_2 and openat64 are the same functions (aliases below).
 */
static int open_any(bool at, int dirfd, const char *path, int flags, mode_t mode)
{
	if (!at || path[0] == '/' || dirfd == AT_FDCWD) {
		int fd = fake_open(path, flags);
		if (fd != -2)
			return fd;
	}
	if (!at)
		return real_open(path, flags, mode);
	static void *fn;
	return ((openat_fn)next_fn(&fn, "openat"))(dirfd, path, flags, mode);
}

static mode_t mode_arg(int flags, va_list ap)
{
	return flags & (O_CREAT | O_TMPFILE) ? va_arg(ap, mode_t) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_arg(flags, ap);
	va_end(ap);
	return open_any(false, AT_FDCWD, path, flags, mode);
}

int __open_2(const char *path, int flags)
{
	return open_any(false, AT_FDCWD, path, flags, 0);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_arg(flags, ap);
	va_end(ap);
	return open_any(true, dirfd, path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));
int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));
int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

static ssize_t fake_pread(struct fake *fk, void *buf, size_t n, off_t off)
{
	size_t unit = fk->kind == K_MSR ? 8 : 16;
	if (n % unit) {
		errno = EINVAL;
		return -1;
	}
	uint64_t key = (uint64_t)off;
	for (int i = 0; i < fk->n; i++) {
		if (fk->e[i].key != key)
			continue;
		for (size_t k = 0; k < n; k += unit)
			memcpy((char *)buf + k, fk->e[i].v, unit);
		return (ssize_t)n;
	}
	if (fk->kind == K_MSR) {
		errno = EIO; /* RDMSR faults: the CPU lacks this MSR */
		return -1;
	}
	memset(buf, 0, n);
	return (ssize_t)n;
}

/* pread and pread64: a fake device's answer, or else the real call (real: libc's function called name). */
static ssize_t pread_any(int fd, void *buf, size_t n, off_t off, void **real, const char *name)
{
	if (fd >= 0 && fd < MAX_FD && fakes[fd])
		return fake_pread(fakes[fd], buf, n, off);
	return ((pread_fn)next_fn(real, name))(fd, buf, n, off);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	static void *fn;
	return pread_any(fd, buf, n, off, &fn, "pread");
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	static void *fn;
	return pread_any(fd, buf, n, off, &fn, "pread64");
}

int close(int fd)
{
	if (fd >= 0 && fd < MAX_FD && fakes[fd]) {
		free(fakes[fd]);
		fakes[fd] = NULL;
	}
	static void *fn;
	return ((close_fn)next_fn(&fn, "close"))(fd);
}

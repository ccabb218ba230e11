/* SPDX-License-Identifier: MIT */
/* Live source: /dev/cpu/N/msr and /dev/cpu/N/cpuid over a sysroot, read-only. */
#define _GNU_SOURCE
#include "host/live.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HAVE_CPUID_INSN 1
#endif

/* --- the real devices ----------------------------------------------------------------------------- */

static int posix_open(void *ctx, const char *path)
{
	(void)ctx;
	/* Read-only, always: vmxcfg never writes an MSR. */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static long posix_pread(void *ctx, int fd, void *buf, size_t n, uint64_t off)
{
	(void)ctx;
	ssize_t r = pread(fd, buf, n, (off_t)off);
	return r < 0 ? -(long)errno : (long)r;
}

static void posix_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

static const struct vmx_live_io posix_io = { posix_open, posix_pread, posix_close, NULL };

const struct vmx_live_io *vmx_live_posix_io(void)
{
	return &posix_io;
}

/* --- paths and CPU lists -------------------------------------------------------------------------- */

void vmx_live_path(char *buf, size_t n, const char *sysroot, const char *rel)
{
	if (sysroot && *sysroot) {
		size_t l = strlen(sysroot);
		while (l > 1 && sysroot[l - 1] == '/')
			l--;
		snprintf(buf, n, "%.*s%s", (int)l, sysroot, rel);
	} else {
		snprintf(buf, n, "%s", rel);
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int push_cpu(int **cpus, size_t *n, size_t *cap, int v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		int *nc = realloc(*cpus, c * sizeof(int));
		if (!nc)
			return -1;
		*cpus = nc;
		*cap = c;
	}
	(*cpus)[(*n)++] = v;
	return 0;
}

#define MAX_CPU_ID 65535

int vmx_parse_cpu_list(const char *text, int **cpus, size_t *n, char *err, size_t errlen)
{
	*cpus = NULL;
	*n = 0;
	size_t cap = 0;
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == 0 || *p == '\n') {
		snprintf(err, errlen, "empty CPU list: expected ranges such as 0-3,8");
		return -1;
	}
	for (;;) {
		long a = 0, b;
		const char *s = p;
		while (*p >= '0' && *p <= '9' && a <= MAX_CPU_ID)
			a = a * 10 + (*p++ - '0');
		if (p == s || a > MAX_CPU_ID)
			goto bad;
		b = a;
		if (*p == '-') {
			p++;
			s = p;
			b = 0;
			while (*p >= '0' && *p <= '9' && b <= MAX_CPU_ID)
				b = b * 10 + (*p++ - '0');
			if (p == s || b > MAX_CPU_ID || b < a)
				goto bad;
		}
		for (long c = a; c <= b; c++)
			if (push_cpu(cpus, n, &cap, (int)c)) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
		if (*p == ',') {
			p++;
			continue;
		}
		while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p)
			goto bad;
		break;
	}
	qsort(*cpus, *n, sizeof(int), cmp_int);
	size_t w = 0;
	for (size_t i = 0; i < *n; i++)
		if (w == 0 || (*cpus)[w - 1] != (*cpus)[i])
			(*cpus)[w++] = (*cpus)[i];
	*n = w;
	return 0;
bad:
	snprintf(err, errlen, "bad CPU list near '%.20s': expected ranges such as 0-3,8 (CPU numbers up to %d)", p,
		 MAX_CPU_ID);
fail:
	free(*cpus);
	*cpus = NULL;
	*n = 0;
	return -1;
}

int vmx_live_online_cpus(const char *sysroot, int **cpus, size_t *n, struct vmx_diag *d)
{
	char path[400];
	vmx_live_path(path, sizeof(path), sysroot, "/sys/devices/system/cpu/online");
	FILE *f = fopen(path, "r");
	if (f) {
		char buf[4096];
		size_t got = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[got] = 0;
		char err[200];
		if (vmx_parse_cpu_list(buf, cpus, n, err, sizeof(err))) {
			vmx_diag_set(d, path, 1, "%s", err);
			return -1;
		}
		return 0;
	}
	*cpus = NULL;
	*n = 0;
	size_t cap = 0;
	vmx_live_path(path, sizeof(path), sysroot, "/dev/cpu");
	DIR *dir = opendir(path);
	if (dir) {
		struct dirent *e;
		while ((e = readdir(dir))) {
			char *end;
			long v = strtol(e->d_name, &end, 10);
			if (end != e->d_name && *end == 0 && v >= 0 && v <= MAX_CPU_ID)
				if (push_cpu(cpus, n, &cap, (int)v)) {
					closedir(dir);
					free(*cpus);
					vmx_diag_set(d, path, 0, "out of memory");
					return -1;
				}
		}
		closedir(dir);
		if (*n > 1)
			qsort(*cpus, *n, sizeof(int), cmp_int);
	}
	if (*n == 0 && push_cpu(cpus, n, &cap, 0)) {
		vmx_diag_set(d, path, 0, "out of memory");
		return -1;
	}
	return 0;
}

/* --- MSRs ----------------------------------------------------------------------------------------- */

static void explain_open_failure(struct vmx_live_report *r, int cpu, const char *path, int err)
{
	r->msr_errno = err;
	r->msr_cpu = cpu;
	snprintf(r->msr_path, sizeof(r->msr_path), "%s", path);
	if (err == ENXIO) {
		r->msr_status = VMX_LIVE_NO_DEVICE;
		snprintf(r->msg, sizeof(r->msg), "cannot open %s (%s): CPU %d is offline or does not exist", path,
			 strerror(err), cpu);
	} else if (err == ENOENT || err == ENODEV) {
		r->msr_status = VMX_LIVE_NO_DEVICE;
		snprintf(r->msg, sizeof(r->msg),
			 "%s does not exist (%s): the msr driver is not loaded; 'modprobe msr' (as root) creates "
			 "/dev/cpu/N/msr (vmxcfg never loads modules itself)",
			 path, strerror(err));
	} else if (err == EACCES || err == EPERM) {
		r->msr_status = VMX_LIVE_DENIED;
		snprintf(r->msg, sizeof(r->msg),
			 "cannot open %s (%s): reading MSRs needs root or CAP_SYS_RAWIO (run as root, or "
			 "'setcap cap_sys_rawio=ep' on the vmxcfg binary and give read access to /dev/cpu/*/msr)",
			 path, strerror(err));
	} else {
		r->msr_status = VMX_LIVE_IO_ERROR;
		snprintf(r->msg, sizeof(r->msg), "cannot open %s: %s", path, strerror(err));
	}
}

int vmx_live_read_msrs(const struct vmx_live_io *io, const char *sysroot, int cpu, struct vmx_snapshot *s,
		       struct vmx_live_report *r)
{
	char rel[64], path[400];
	snprintf(rel, sizeof(rel), "/dev/cpu/%d/msr", cpu);
	vmx_live_path(path, sizeof(path), sysroot, rel);
	int fd = io->open(io->ctx, path);
	if (fd < 0) {
		explain_open_failure(r, cpu, path, -fd);
		return -1;
	}
	for (int slot = 0; slot < VMX_MSR_COUNT; slot++) {
		uint32_t idx = vmx_msr_index((enum vmx_msr_slot)slot);
		unsigned char b[8];
		long got = io->pread(io->ctx, fd, b, 8, idx);
		if (got == -EIO) {
			r->absent_msrs |= 1u << slot;
			continue; /* RDMSR faulted: the MSR does not exist on this CPU */
		}
		if (got != 8) {
			int e = got < 0 ? (int)-got : EIO;
			r->msr_status = VMX_LIVE_IO_ERROR;
			r->msr_errno = e;
			r->msr_cpu = cpu;
			snprintf(r->msr_path, sizeof(r->msr_path), "%s", path);
			if (got < 0)
				snprintf(r->msg, sizeof(r->msg), "reading MSR 0x%x from %s: %s", idx, path, strerror(e));
			else
				snprintf(r->msg, sizeof(r->msg), "reading MSR 0x%x from %s: short read (%ld of 8 bytes)",
					 idx, path, got);
			io->close(io->ctx, fd);
			return -1;
		}
		uint64_t v = 0;
		for (int k = 7; k >= 0; k--)
			v = (v << 8) | b[k];
		vmx_snapshot_set_msr(s, idx, v);
	}
	io->close(io->ctx, fd);
	return 0;
}

/* --- CPUID ---------------------------------------------------------------------------------------- */

typedef int (*cpuid_fn)(void *ctx, uint32_t leaf, uint32_t sub, uint32_t out[4]);

/* Subleaves worth recording for a leaf, given the regs of subleaf 0 and a way to read more. */
static void add_leaf(struct vmx_snapshot *s, cpuid_fn fn, void *ctx, uint32_t leaf)
{
	uint32_t r[4];
	if (fn(ctx, leaf, 0, r))
		return;
	struct vmx_cpuid_leaf l = { leaf, 0, r[0], r[1], r[2], r[3] };
	vmx_snapshot_set_cpuid(s, &l);
	uint32_t last = 0; /* highest subleaf to read */
	int until_zero = 0; /* 4: EAX[4:0]==0 ends; 0xb/0x1f: ECX[15:8]==0 ends; 0x12: EAX[3:0]==0 after 2 */
	switch (leaf) {
	case 4: until_zero = 4; last = 15; break;
	case 0xb: case 0x1f: until_zero = 0xb; last = 7; break;
	case 7: case 0x14: case 0x17: case 0x18: case 0x1d: last = r[0] > 7 ? 7 : r[0]; break;
	case 0xf: last = (r[3] >> 1) & 1; break;            /* L3 monitoring: subleaf 1 if EDX[1] */
	case 0x10: last = (r[1] & 0xe) ? 3 : 0; break;       /* allocation: subleaves 1-3 per EBX[3:1] */
	case 0x12: until_zero = 0x12; last = (r[0] | r[1] | r[2] | r[3]) ? 9 : 0; break; /* SGX */
	case 0xd: {
		uint64_t m = ((uint64_t)r[3] << 32 | r[0]) | 0x3;
		uint32_t s1[4];
		if (!fn(ctx, 0xd, 1, s1))
			m |= (uint64_t)s1[3] << 32 | s1[2];
		for (int b = 63; b >= 0; b--)
			if ((m >> b) & 1) {
				last = (uint32_t)b;
				break;
			}
		break;
	}
	default: return;
	}
	uint32_t bits0 = r[1];
	if (until_zero == 4 && (r[0] & 0x1f) == 0)
		return;
	if (until_zero == 0xb && ((r[2] >> 8) & 0xff) == 0)
		return;
	for (uint32_t sub = 1; sub <= last && s->n_cpuid < VMX_CPUID_MAX; sub++) {
		if (leaf == 0x10 && !((bits0 >> sub) & 1))
			continue;
		if (fn(ctx, leaf, sub, r))
			return;
		struct vmx_cpuid_leaf x = { leaf, sub, r[0], r[1], r[2], r[3] };
		vmx_snapshot_set_cpuid(s, &x);
		if (until_zero == 4 && (r[0] & 0x1f) == 0)
			return;
		if (until_zero == 0xb && ((r[2] >> 8) & 0xff) == 0)
			return;
		if (until_zero == 0x12 && sub >= 2 && (r[0] & 0xf) == 0)
			return;
	}
}

static void read_all_leaves(struct vmx_snapshot *s, cpuid_fn fn, void *ctx)
{
	uint32_t r[4];
	if (fn(ctx, 0, 0, r))
		return;
	uint32_t max = r[0] > 0x20 ? 0x20 : r[0];
	for (uint32_t leaf = 0; leaf <= max && s->n_cpuid < VMX_CPUID_MAX; leaf++)
		add_leaf(s, fn, ctx, leaf);
	if (fn(ctx, 0x80000000u, 0, r))
		return;
	uint32_t emax = r[0];
	if (emax < 0x80000000u || emax > 0x80000028u)
		emax = emax < 0x80000000u ? 0x80000000u : 0x80000028u;
	for (uint32_t leaf = 0x80000000u; leaf <= emax && s->n_cpuid < VMX_CPUID_MAX; leaf++) {
		if (fn(ctx, leaf, 0, r))
			return;
		struct vmx_cpuid_leaf l = { leaf, 0, r[0], r[1], r[2], r[3] };
		vmx_snapshot_set_cpuid(s, &l);
	}
}

struct dev_ctx {
	const struct vmx_live_io *io;
	int fd;
	int err;
};

static int dev_cpuid(void *c, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	struct dev_ctx *d = c;
	unsigned char b[16];
	long got = d->io->pread(d->io->ctx, d->fd, b, 16, (uint64_t)leaf | (uint64_t)sub << 32);
	if (got != 16) {
		d->err = got < 0 ? (int)-got : EIO;
		return -1;
	}
	for (int i = 0; i < 4; i++)
		out[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
			 (uint32_t)b[4 * i + 3] << 24;
	return 0;
}

int vmx_live_read_cpuid(const struct vmx_live_io *io, const char *sysroot, int cpu, struct vmx_snapshot *s,
			struct vmx_live_report *r)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "/dev/cpu/%d/cpuid", cpu);
	vmx_live_path(r->cpuid_path, sizeof(r->cpuid_path), sysroot, rel);
	int fd = io->open(io->ctx, r->cpuid_path);
	if (fd < 0) {
		int e = -fd;
		r->cpuid_status = (e == ENOENT || e == ENODEV || e == ENXIO) ? VMX_LIVE_NO_DEVICE
				  : (e == EACCES || e == EPERM)		     ? VMX_LIVE_DENIED
									     : VMX_LIVE_IO_ERROR;
		return -1;
	}
	struct dev_ctx d = { io, fd, 0 };
	read_all_leaves(s, dev_cpuid, &d);
	io->close(io->ctx, fd);
	if (s->n_cpuid == 0) {
		r->cpuid_status = VMX_LIVE_IO_ERROR;
		return -1;
	}
	return 0;
}

#ifdef HAVE_CPUID_INSN
static int insn_cpuid(void *c, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	(void)c;
	unsigned a, b, cc, d;
	__cpuid_count(leaf, sub, a, b, cc, d);
	out[0] = a;
	out[1] = b;
	out[2] = cc;
	out[3] = d;
	return 0;
}
#endif

int vmx_live_cpuid_instruction(int cpu, struct vmx_snapshot *s)
{
#if defined(HAVE_CPUID_INSN) && defined(__linux__)
	cpu_set_t old, set;
	if (sched_getaffinity(0, sizeof(old), &old))
		return -1;
	CPU_ZERO(&set);
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -1;
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	read_all_leaves(s, insn_cpuid, NULL);
	sched_setaffinity(0, sizeof(old), &old);
	return s->n_cpuid ? 0 : -1;
#else
	(void)cpu;
	(void)s;
	return -1;
#endif
}

/* --- everything ----------------------------------------------------------------------------------- */

int vmx_live_read(const struct vmx_live_io *io, const char *sysroot, struct vmx_profile *p,
		  struct vmx_live_report *r, struct vmx_diag *d)
{
	int *cpus;
	size_t n;
	memset(r, 0, sizeof(*r));
	r->msr_cpu = -1;
	vmx_profile_init(p);
	if (vmx_live_online_cpus(sysroot, &cpus, &n, d))
		return -1;
	struct vmx_snapshot *s = malloc(sizeof(*s));
	if (!s) {
		free(cpus);
		vmx_diag_set(d, "", 0, "out of memory");
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		vmx_snapshot_init(s);
		if (vmx_live_read_msrs(io, sysroot, cpus[i], s, r)) {
			if (i > 0 && r->msr_status == VMX_LIVE_NO_DEVICE && r->msr_errno != ENXIO)
				snprintf(r->msg, sizeof(r->msg),
					 "%s does not exist although the msr device of CPU %d does: CPU %d is listed online "
					 "but has no device (hot-plugged after the driver loaded?)",
					 r->msr_path, cpus[0], cpus[i]);
			rc = -1;
			break;
		}
		if (vmx_live_read_cpuid(io, sysroot, cpus[i], s, r)) {
			if (!(sysroot && *sysroot) && vmx_live_cpuid_instruction(cpus[i], s) == 0)
				r->cpuid_from_instruction = true;
		}
		if (vmx_profile_add_cpu(p, cpus[i], s)) {
			vmx_diag_set(d, "", 0, "out of memory");
			rc = -1;
			break;
		}
	}
	free(s);
	free(cpus);
	if (rc)
		vmx_profile_free(p);
	return rc;
}

static void read_line(const char *path, char *buf, size_t n)
{
	buf[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)n, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\r\n")] = 0;
}

void vmx_live_host(const char *sysroot, char *host, size_t hn, char *kernel, size_t kn)
{
	char path[400];
	vmx_live_path(path, sizeof(path), sysroot, "/proc/sys/kernel/hostname");
	read_line(path, host, hn);
	vmx_live_path(path, sizeof(path), sysroot, "/proc/sys/kernel/osrelease");
	read_line(path, kernel, kn);
	if (!(sysroot && *sysroot)) {
		struct utsname u;
		if (uname(&u) == 0) {
			if (!host[0])
				snprintf(host, hn, "%s", u.nodename);
			if (!kernel[0])
				snprintf(kernel, kn, "%s", u.release);
		}
	}
}

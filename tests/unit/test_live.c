/* SPDX-License-Identifier: MIT */
/* Live source through the I/O seam: msr/cpuid driver semantics, errors, CPU lists, dump round trip. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vmxcfg/vmxcfg.h>

#include "host/live.h"
#include "host/percpu.h"
#include "host/profile.h"
#include "t.h"

/* An in-memory machine: per CPU a list of MSRs; CPUID leaf 0/1 only. */
struct fake {
	int open_errno;        /* non-zero: every msr open fails with it */
	int cpuid_errno;       /* non-zero: every cpuid open fails with it */
	int pread_errno;       /* non-zero: every msr pread fails with it (not EIO) */
	int n_cpus;
	uint64_t msr[4][VMX_MSR_COUNT];
	uint32_t present[4];
	/* what the code did */
	int opens, bad_size, bad_offset, closes;
	char last_path[400];
	int fd_cpu[64];
	int fd_kind[64]; /* 1 msr, 2 cpuid */
};

static int fk_open(void *ctx, const char *path)
{
	struct fake *f = ctx;
	f->opens++;
	snprintf(f->last_path, sizeof(f->last_path), "%s", path);
	const char *p = strstr(path, "/dev/cpu/");
	if (!p)
		return -ENOENT;
	int cpu = atoi(p + 9);
	bool msr = strstr(path, "/msr") != NULL;
	if (cpu >= f->n_cpus)
		return -ENXIO;
	if (msr && f->open_errno)
		return -f->open_errno;
	if (!msr && f->cpuid_errno)
		return -f->cpuid_errno;
	int fd = 3 + f->opens;
	f->fd_cpu[fd] = cpu;
	f->fd_kind[fd] = msr ? 1 : 2;
	return fd;
}

static long fk_pread(void *ctx, int fd, void *buf, size_t n, uint64_t off)
{
	struct fake *f = ctx;
	int cpu = f->fd_cpu[fd];
	if (f->fd_kind[fd] == 1) {
		if (n != 8)
			f->bad_size++;
		if (f->pread_errno)
			return -f->pread_errno;
		int slot = vmx_msr_slot((uint32_t)off);
		if (slot < 0) {
			f->bad_offset++;
			return -EIO;
		}
		if (!((f->present[cpu] >> slot) & 1))
			return -EIO;
		memcpy(buf, &f->msr[cpu][slot], 8); /* little-endian host */
		return 8;
	}
	if (n != 16)
		f->bad_size++;
	uint32_t leaf = (uint32_t)off, sub = (uint32_t)(off >> 32);
	uint32_t r[4] = { 0, 0, 0, 0 };
	if (leaf == 0 && sub == 0) {
		r[0] = 1;
		r[1] = 0x756e6547;
		r[2] = 0x6c65746e;
		r[3] = 0x49656e69;
	} else if (leaf == 1 && sub == 0) {
		r[0] = 0x000506e3;
		r[1] = (uint32_t)cpu << 24; /* APIC ID differs per CPU */
		r[2] = 1u << 5;
	} else if (leaf == 0x80000000u) {
		r[0] = 0x80000000u;
	}
	memcpy(buf, r, 16);
	return 16;
}

static void fk_close(void *ctx, int fd)
{
	(void)fd;
	((struct fake *)ctx)->closes++;
}

static void fake_init(struct fake *f, int n)
{
	memset(f, 0, sizeof(*f));
	f->n_cpus = n;
	for (int c = 0; c < n; c++) {
		f->msr[c][VMX_MSR_FEATURE_CONTROL] = 0x5;
		f->msr[c][VMX_MSR_BASIC] = 0x00da040000000004ull;
		f->msr[c][VMX_MSR_PINBASED] = 0x0000007f00000016ull;
		f->msr[c][VMX_MSR_PROCBASED] = 0xfff9fffe0401e172ull;
		f->msr[c][VMX_MSR_EXIT] = 0x01ffffff00036dffull;
		f->msr[c][VMX_MSR_ENTRY] = 0x0003ffff000011ffull;
		f->msr[c][VMX_MSR_PROCBASED2] = 0x001ffcff00000000ull;
		f->present[c] = (1u << VMX_MSR_FEATURE_CONTROL) | (1u << VMX_MSR_BASIC) | (1u << VMX_MSR_PINBASED) |
				(1u << VMX_MSR_PROCBASED) | (1u << VMX_MSR_EXIT) | (1u << VMX_MSR_ENTRY) |
				(1u << VMX_MSR_PROCBASED2);
	}
}

static void test_cpu_list(void)
{
	int *c;
	size_t n;
	char err[200];
	T_CHECK(vmx_parse_cpu_list("0-3,8\n", &c, &n, err, sizeof(err)) == 0);
	T_EQ_U64(n, 5);
	T_EQ_U64(c[4], 8);
	free(c);
	T_CHECK(vmx_parse_cpu_list("0\n", &c, &n, err, sizeof(err)) == 0);
	T_EQ_U64(n, 1);
	free(c);
	T_CHECK(vmx_parse_cpu_list("2,0-1,1", &c, &n, err, sizeof(err)) == 0);
	T_EQ_U64(n, 3);
	T_EQ_U64(c[0], 0);
	T_EQ_U64(c[2], 2);
	free(c);
	T_CHECK(vmx_parse_cpu_list("3-1\n", &c, &n, err, sizeof(err)) != 0);
	T_CHECK(vmx_parse_cpu_list("\n", &c, &n, err, sizeof(err)) != 0);
	T_CHECK(vmx_parse_cpu_list("0,a", &c, &n, err, sizeof(err)) != 0);
	T_CHECK(strstr(err, "0-3,8") != NULL);
	T_CHECK(vmx_parse_cpu_list("0-99999999", &c, &n, err, sizeof(err)) != 0);
}

/*
 * Reading CPU 0's MSRs on a fresh one-CPU fake where every msr open fails with open_errno (if non-zero) and
 * every pread with pread_errno (if non-zero): must fail with the given status.  *r keeps the report.
 */
static void msr_read_fails(struct fake *f, int open_errno, int pread_errno, enum vmx_live_status status,
			   struct vmx_live_report *r)
{
	struct vmx_live_io io = { fk_open, fk_pread, fk_close, f };
	struct vmx_snapshot s;
	fake_init(f, 1);
	f->open_errno = open_errno;
	f->pread_errno = pread_errno;
	memset(r, 0, sizeof(*r));
	vmx_snapshot_init(&s);
	T_CHECK(vmx_live_read_msrs(&io, NULL, 0, &s, r) != 0);
	T_EQ_U64(r->msr_status, status);
}

static void test_read(void)
{
	struct fake f;
	struct vmx_live_io io = { fk_open, fk_pread, fk_close, &f };
	struct vmx_snapshot s;
	struct vmx_live_report r;
	/* Success: present MSRs read at their index, absent ones (EIO) left out. */
	fake_init(&f, 1);
	memset(&r, 0, sizeof(r));
	vmx_snapshot_init(&s);
	T_CHECK(vmx_live_read_msrs(&io, "/fake", 0, &s, &r) == 0);
	T_EQ_STR(f.last_path, "/fake/dev/cpu/0/msr");
	T_EQ_U64(f.bad_size, 0);
	T_EQ_U64(f.bad_offset, 0);
	T_EQ_U64(f.closes, 1);
	T_EQ_U64(s.msr[VMX_MSR_PROCBASED2], 0x001ffcff00000000ull);
	T_CHECK(vmx_snapshot_has(&s, VMX_MSR_BASIC));
	T_CHECK(!vmx_snapshot_has(&s, VMX_MSR_EPT_VPID_CAP));
	T_CHECK(!vmx_snapshot_has(&s, VMX_MSR_PROCBASED3));
	T_CHECK((r.absent_msrs >> VMX_MSR_VMFUNC) & 1);
	T_EQ_U64(r.msr_status, VMX_LIVE_OK);
	/* Trailing slashes of the sysroot; no sysroot. */
	char buf[100];
	vmx_live_path(buf, sizeof(buf), "/x//", "/dev/cpu/1/msr");
	T_EQ_STR(buf, "/x/dev/cpu/1/msr");
	vmx_live_path(buf, sizeof(buf), NULL, "/dev/cpu/1/msr");
	T_EQ_STR(buf, "/dev/cpu/1/msr");
	/* Missing driver. */
	msr_read_fails(&f, ENOENT, 0, VMX_LIVE_NO_DEVICE, &r);
	T_CHECK(strstr(r.msg, "modprobe msr") != NULL);
	T_CHECK(strstr(r.msg, "/dev/cpu/0/msr") != NULL);
	/* Permission denied. */
	msr_read_fails(&f, EACCES, 0, VMX_LIVE_DENIED, &r);
	T_CHECK(strstr(r.msg, "CAP_SYS_RAWIO") != NULL);
	T_CHECK(strstr(r.msg, "root") != NULL);
	msr_read_fails(&f, EPERM, 0, VMX_LIVE_DENIED, &r);
	/* A read error other than EIO is an error, not an absent MSR. */
	msr_read_fails(&f, 0, EINVAL, VMX_LIVE_IO_ERROR, &r);
	T_CHECK(strstr(r.msg, "0x3a") != NULL);
	T_EQ_U64(f.closes, 1);
	/* CPUID: offset = leaf | subleaf << 32, 16 bytes. */
	fake_init(&f, 1);
	memset(&r, 0, sizeof(r));
	vmx_snapshot_init(&s);
	T_CHECK(vmx_live_read_cpuid(&io, "/fake", 0, &s, &r) == 0);
	T_EQ_U64(f.bad_size, 0);
	T_CHECK(vmx_cpuid_is_intel(&s));
	T_CHECK(vmx_cpuid_has_vmx(&s));
	T_EQ_U64(vmx_cpuid_signature(&s), 0x000506e3);
	f.cpuid_errno = ENOENT;
	vmx_snapshot_init(&s);
	T_CHECK(vmx_live_read_cpuid(&io, "/fake", 0, &s, &r) != 0);
	T_EQ_U64(r.cpuid_status, VMX_LIVE_NO_DEVICE);
	T_EQ_U64(s.n_cpuid, 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_all_cpus_and_round_trip(void)
{
	char dir[] = "/tmp/vmxcfg-test-live-XXXXXX";
	T_CHECK(mkdtemp(dir) != NULL);
	char p[300];
	snprintf(p, sizeof(p), "%s/sys", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices/system", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices/system/cpu", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/online", dir);
	write_file(p, "0-2\n");

	struct fake f;
	struct vmx_live_io io = { fk_open, fk_pread, fk_close, &f };
	fake_init(&f, 3);
	f.msr[2][VMX_MSR_PROCBASED2] &= ~(1ull << (32 + 17)); /* CPU 2 lacks PML */
	struct vmx_profile prof;
	struct vmx_live_report r;
	struct vmx_diag d;
	T_CHECK(vmx_live_read(&io, dir, &prof, &r, &d) == 0);
	T_EQ_U64(prof.n_cpus, 3);
	T_EQ_U64(prof.cpus[2].id, 2);
	T_EQ_U64(prof.cpus[0].snap.n_cpuid > 0, 1);
	T_EQ_U64(vmx_percpu_count_differing(&prof), 1);
	struct vmx_msr_diff diffs[4];
	T_EQ_U64(vmx_percpu_msr_diffs(&prof, diffs, 4), 1);
	T_EQ_U64(diffs[0].cpu, 2);
	T_EQ_U64(diffs[0].slot, VMX_MSR_PROCBASED2);
	T_EQ_U64(diffs[0].mask, 1ull << (32 + 17));

	/* Round trip: write as a profile, read back, same snapshots (cpu blocks where CPUs differ). */
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	T_CHECK(vmx_profile_write(m, &prof) == 0);
	fclose(m);
	T_CHECK(strstr(buf, "\ncpu 2\n") != NULL);
	struct vmx_profile back;
	T_CHECK(vmx_profile_parse(buf, len, "dump", &back, &d) == 0);
	T_EQ_U64(back.n_cpus, 3);
	for (size_t k = 0; k < 3 && k < back.n_cpus; k++) {
		T_CHECK(vmx_snapshot_equal(&prof.cpus[k].snap, &back.cpus[k].snap));
		T_EQ_U64(back.cpus[k].id, k);
	}
	free(buf);
	vmx_profile_free(&back);
	vmx_profile_free(&prof);

	/* One CPU's device missing: the whole read fails, naming that CPU. */
	fake_init(&f, 2); /* online says 0-2, CPU 2 has no device */
	T_CHECK(vmx_live_read(&io, dir, &prof, &r, &d) != 0);
	T_EQ_U64(r.msr_cpu, 2);
	T_EQ_U64(r.msr_status, VMX_LIVE_NO_DEVICE);

	/* Without the online file: the numeric directories of dev/cpu. */
	unlink(p);
	int *cpus;
	size_t n;
	T_CHECK(vmx_live_online_cpus(dir, &cpus, &n, &d) == 0);
	T_EQ_U64(n, 1); /* nothing there: CPU 0 */
	free(cpus);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	T_CHECK(system(cmd) == 0);
}

static void test_cpuid_instruction(void)
{
#if defined(__x86_64__) || defined(__i386__)
	struct vmx_snapshot s;
	vmx_snapshot_init(&s);
	T_CHECK(vmx_live_cpuid_instruction(0, &s) == 0);
	T_CHECK(vmx_snapshot_find_cpuid(&s, 0, 0) != NULL);
	T_CHECK(vmx_snapshot_find_cpuid(&s, 1, 0) != NULL);
	T_CHECK(vmx_snapshot_find_cpuid(&s, 0x80000000u, 0) != NULL);
	T_CHECK(vmx_live_cpuid_instruction(-1, &s) != 0);
#endif
}

int main(void)
{
	test_cpuid_instruction();
	test_cpu_list();
	test_read();
	test_all_cpus_and_round_trip();
	return T_DONE();
}

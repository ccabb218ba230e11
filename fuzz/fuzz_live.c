/* SPDX-License-Identifier: MIT */
/*
 * Live reader (src/host/live.c) with its I/O seam fed by the fuzzer: every open and pread of /dev/cpu/N/msr and
 * /dev/cpu/N/cpuid returns fuzzed data or a fuzzed errno, so the reader sees short reads, EIO, EACCES, ENOENT
 * and arbitrary values.  The first byte picks the target: a CPU list (sys/devices/system/cpu/online text),
 * the MSR reader or the CPUID reader.  Invariants: errors come with a status and a message; a success holds
 * only MSRs that read 8 bytes; open never asks for anything but a device path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "host/live.h"

static int f_open(void *ctx, const char *path)
{
	struct fz *z = ctx;
	FUZZ_ASSERT(strstr(path, "/dev/cpu/") != NULL);
	static const int errs[] = { 0, 0, 0, 0, -ENOENT, -EACCES, -EPERM, -ENXIO, -EIO, -ENODEV };
	int e = errs[fz_u8(z) % (sizeof(errs) / sizeof(errs[0]))];
	return e ? e : 3;
}

static long f_pread(void *ctx, int fd, void *buf, size_t n, uint64_t off)
{
	struct fz *z = ctx;
	(void)off;
	FUZZ_ASSERT(fd == 3);
	uint8_t mode = fz_u8(z);
	if (mode < 16)
		return -(long)((const int[]){ EIO, EIO, EIO, EACCES, EINVAL, EFAULT, EPERM, EAGAIN, EIO, EIO, EIO, EIO,
					       EIO, EIO, EIO, EIO })[mode];
	size_t got = mode < 24 ? (size_t)(mode - 16) % (n + 1) : n;
	for (size_t i = 0; i < got; i++)
		((uint8_t *)buf)[i] = fz_u8(z);
	return (long)got;
}

static void f_close(void *ctx, int fd)
{
	(void)ctx;
	FUZZ_ASSERT(fd == 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmx_snapshot s;
	struct vmx_live_report r;
	struct fz z = { data, size };
	uint8_t what = fz_u8(&z) % 3;
	if (what == 0) {
		char *text = malloc(z.n + 1);
		FUZZ_ASSERT(text);
		memcpy(text, z.p, z.n);
		text[z.n] = 0;
		int *cpus = NULL;
		size_t n = 0;
		char err[256] = "";
		if (vmx_parse_cpu_list(text, &cpus, &n, err, sizeof(err)) == 0) {
			for (size_t i = 1; i < n; i++)
				FUZZ_ASSERT(cpus[i - 1] < cpus[i]);
		} else {
			FUZZ_ASSERT(err[0] != 0);
		}
		free(cpus);
		free(text);
		return 0;
	}
	struct vmx_live_io io = { f_open, f_pread, f_close, &z };
	vmx_snapshot_init(&s);
	memset(&r, 0, sizeof(r));
	int cpu = fz_u8(&z);
	const char *sysroot = (fz_u8(&z) & 1) ? "/nonexistent-sysroot" : NULL;
	if (what == 1) {
		if (vmx_live_read_msrs(&io, sysroot, cpu, &s, &r) != 0)
			FUZZ_ASSERT(r.msr_status != VMX_LIVE_OK && r.msg[0] != 0);
	} else {
		if (vmx_live_read_cpuid(&io, sysroot, cpu, &s, &r) != 0)
			FUZZ_ASSERT(r.cpuid_status != VMX_LIVE_OK && s.n_cpuid == 0);
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Live capability source: the Linux msr and cpuid drivers (/dev/cpu/N/msr, /dev/cpu/N/cpuid) of every online
 * CPU, under an optional sysroot (tests point it at a fake tree).  Devices are only ever opened O_RDONLY; no
 * MSR is ever written and no module is ever loaded.
 *
 * Driver semantics (the msr driver: pread at the MSR index, EIO when the MSR faults; see the list below):
 *   msr:   pread(fd, buf, 8, INDEX) = RDMSR INDEX; EIO = the MSR does not exist on this CPU.
 *   cpuid: pread(fd, buf, 16, LEAF | (u64)SUBLEAF << 32) = EAX, EBX, ECX, EDX.
 */
#ifndef VMXCFG_HOST_LIVE_H
#define VMXCFG_HOST_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmxcfg/snapshot.h>

#include "host/profile.h"

/*
 * I/O seam: the real implementation uses open(O_RDONLY)/pread/close; unit tests plug in an in-memory one.
 * open returns a descriptor >= 0 or -errno; pread returns the byte count or -errno.
 */
struct vmx_live_io {
	int (*open)(void *ctx, const char *path);
	long (*pread)(void *ctx, int fd, void *buf, size_t n, uint64_t off);
	void (*close)(void *ctx, int fd);
	void *ctx;
};
/* The real devices (POSIX open with O_RDONLY | O_CLOEXEC, pread, close). */
const struct vmx_live_io *vmx_live_posix_io(void);

/* Why a device could not be used. */
enum vmx_live_status {
	VMX_LIVE_OK = 0,
	VMX_LIVE_NO_DEVICE, /* ENOENT/ENODEV/ENXIO: driver not loaded (or no such CPU) */
	VMX_LIVE_DENIED,    /* EACCES/EPERM: needs root or CAP_SYS_RAWIO */
	VMX_LIVE_IO_ERROR,  /* any other error (message says which) */
};

struct vmx_live_report {
	enum vmx_live_status msr_status; /* status of the first failing CPU's msr device */
	int msr_errno;
	int msr_cpu;                     /* CPU whose device failed */
	char msr_path[400];
	char msg[1024];                   /* one paragraph: what failed and what would fix it */
	enum vmx_live_status cpuid_status;
	char cpuid_path[400];
	bool cpuid_from_instruction;     /* no cpuid device: CPUID executed on each CPU (sched_setaffinity) */
	uint32_t absent_msrs;            /* slots that read EIO on some CPU */
};

/* Path of a file under the sysroot ("" or NULL = the real root). */
void vmx_live_path(char *buf, size_t n, const char *sysroot, const char *rel);

/*
 * Parse a Linux CPU list ("0-3,8,10-11\n").  *cpus is malloc'ed (sorted, no duplicates).  Returns 0, or -1
 * with a message in err.
 */
int vmx_parse_cpu_list(const char *text, int **cpus, size_t *n, char *err, size_t errlen);
/*
 * Online CPUs: SYSROOT/sys/devices/system/cpu/online; if that file does not exist, the numeric directories of
 * SYSROOT/dev/cpu; if there are none, CPU 0.  Returns 0, or -1 with *d filled.
 */
int vmx_live_online_cpus(const char *sysroot, int **cpus, size_t *n, struct vmx_diag *d);

/*
 * Read every capability MSR (0x3A, 0x480-0x493) of one CPU into *s (EIO = absent).  Returns 0, or -1 with
 * r->msr_status/msr_errno/msr_path/msg set.
 */
int vmx_live_read_msrs(const struct vmx_live_io *io, const char *sysroot, int cpu, struct vmx_snapshot *s,
		       struct vmx_live_report *r);
/*
 * Read the CPUID leaves a profile holds through SYSROOT/dev/cpu/N/cpuid.  Returns 0, or -1 with
 * r->cpuid_status set (the snapshot then holds no CPUID leaves).
 */
int vmx_live_read_cpuid(const struct vmx_live_io *io, const char *sysroot, int cpu, struct vmx_snapshot *s,
			struct vmx_live_report *r);
/*
 * CPUID of a CPU with the CPUID instruction, after pinning the thread to it (real machine only, x86).
 * Returns 0, or -1 when the CPU cannot be pinned or the build is not x86.
 */
int vmx_live_cpuid_instruction(int cpu, struct vmx_snapshot *s);

/*
 * All online CPUs: MSRs and CPUID into a profile (ids = CPU numbers).  When the cpuid device is missing and
 * sysroot is empty, uses the CPUID instruction.  Returns 0, or -1 (MSRs unreadable: report says why and
 * what would fix it; *d describes other errors such as the CPU list).
 */
int vmx_live_read(const struct vmx_live_io *io, const char *sysroot, struct vmx_profile *p,
		  struct vmx_live_report *r, struct vmx_diag *d);

/* Host metadata for profiles: host name, kernel release (SYSROOT/proc/sys/kernel/{hostname,osrelease}, or uname). */
void vmx_live_host(const char *sysroot, char *host, size_t hn, char *kernel, size_t kn);

#endif

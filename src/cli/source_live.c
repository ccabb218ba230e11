/* SPDX-License-Identifier: MIT */
/* Live sources (/dev/cpu/N/msr, /dev/cpu/N/cpuid, /proc/cpuinfo), under --sysroot / $VMXCFG_SYSROOT. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/live_source.h"
#include "host/cpuinfo.h"
#include "host/live.h"

static void brand_string(const struct vmx_snapshot *s, char *buf, size_t n)
{
	char b[49];
	size_t k = 0;
	buf[0] = 0;
	for (uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; leaf++) {
		const struct vmx_cpuid_leaf *l = vmx_snapshot_find_cpuid(s, leaf, 0);
		if (!l)
			return;
		uint32_t r[4] = { l->eax, l->ebx, l->ecx, l->edx };
		for (int i = 0; i < 4; i++)
			for (int j = 0; j < 4; j++)
				b[k++] = (char)(r[i] >> (8 * j));
	}
	b[48] = 0;
	const char *p = b;
	while (*p == ' ')
		p++;
	snprintf(buf, n, "%s", p);
}

void cli_live_meta(struct vmx_profile *p, const char *sysroot, const char *what)
{
	char host[256], kernel[128], date[64], src[600];
	vmx_live_host(sysroot, host, sizeof(host), kernel, sizeof(kernel));
	time_t t = time(NULL);
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(date, sizeof(date), "unknown");
	snprintf(src, sizeof(src), "%s on host %s, kernel %s, %s%s%s", what, host[0] ? host : "(unknown)",
		 kernel[0] ? kernel : "(unknown)", date, sysroot && *sysroot ? ", sysroot " : "",
		 sysroot && *sysroot ? sysroot : "");
	vmx_profile_set_meta(p, "source", src);
	if (host[0])
		vmx_profile_set_meta(p, "host", host);
	if (kernel[0])
		vmx_profile_set_meta(p, "kernel", kernel);
	vmx_profile_set_meta(p, "date", date);
}

int cli_live_cpuinfo(const char *file, const char *sysroot, struct vmx_profile *p, struct vmx_cpuinfo_info *info,
		     struct vmx_diag *d)
{
	char path[400], host[8], kernel[128];
	const char *release = NULL;
	if (file) {
		snprintf(path, sizeof(path), "%s", file);
	} else {
		vmx_live_path(path, sizeof(path), sysroot, "/proc/cpuinfo");
		vmx_live_host(sysroot, host, sizeof(host), kernel, sizeof(kernel));
		if (kernel[0])
			release = kernel;
	}
	return vmx_cpuinfo_load(path, release, p, info, d);
}

int cli_live_read(const char *sysroot, struct vmx_profile *p, struct vmx_live_report *r, struct vmx_diag *d)
{
	if (vmx_live_read(vmx_live_posix_io(), sysroot, p, r, d))
		return -1;
	/* A name for the profile: the cpuinfo model name, else the CPUID brand string. */
	struct vmx_profile ci;
	struct vmx_cpuinfo_info info;
	struct vmx_diag d2;
	char name[128] = "";
	if (cli_live_cpuinfo(NULL, sysroot, &ci, &info, &d2) == 0 || info.model_name[0])
		snprintf(name, sizeof(name), "%s", info.model_name);
	vmx_profile_free(&ci);
	if (!name[0] && p->n_cpus)
		brand_string(&p->cpus[0].snap, name, sizeof(name));
	if (name[0])
		vmx_profile_set_meta(p, "name", name);
	cli_live_meta(p, sysroot, "live /dev/cpu/N/msr and /dev/cpu/N/cpuid");
	if (r->cpuid_status != VMX_LIVE_OK && !r->cpuid_from_instruction)
		vmx_profile_set_meta(p, "note", "CPUID not read: no /dev/cpu/N/cpuid ('modprobe cpuid')");
	return 0;
}

/*
 * This machine has no usable VMX: /proc/cpuinfo has no "vmx flags" because the vendor has no VMX or the kernel
 * shows no 'vmx' flag (none in CPUID, or disabled by firmware: Linux then clears it, and so kvm_intel's precheck
 * fails).  One CPU whose CPUID leaves 0 and 1 say so (vendor, VMX bit clear) and no MSR: the precheck answers.
 */
static int no_vmx(struct cli_source *s, const struct vmx_cpuinfo_info *info, const struct vmx_diag *why)
{
	cli_error("note: /proc/cpuinfo: %s", why->msg);
	vmx_profile_free(&s->prof);
	vmx_profile_init(&s->prof);
	struct vmx_snapshot *snap = malloc(sizeof(*snap));
	if (!snap)
		return cli_error("out of memory");
	vmx_snapshot_init(snap);
	struct vmx_cpuid_leaf l0 = { 0, 0, 1, 0, 0, 0 }, l1 = { 1, 0, 0, 0, 0, 0 };
	char v[12] = { 0 };
	memcpy(v, info->vendor, strnlen(info->vendor, sizeof(v)));
	memcpy(&l0.ebx, v, 4);
	memcpy(&l0.edx, v + 4, 4);
	memcpy(&l0.ecx, v + 8, 4);
	l1.ecx = info->hypervisor ? 1u << 31 : 0; /* CPUID.1:ECX[5] (VMX) clear */
	int bad = vmx_snapshot_set_cpuid(snap, &l0) || vmx_snapshot_set_cpuid(snap, &l1) ||
		  vmx_profile_add_cpu(&s->prof, 0, snap);
	free(snap);
	if (bad)
		return cli_error("out of memory");
	if (info->model_name[0])
		vmx_profile_set_meta(&s->prof, "name", info->model_name);
	cli_live_meta(&s->prof, s->sysroot, "live /proc/cpuinfo (no VMX)");
	cli_error("note: this machine has no usable VMX (vendor %s%s): kvm_intel's precheck answers", info->vendor,
		  info->novmx == VMX_CPUINFO_NO_VMX_FLAG ? ", no 'vmx' flag: none in CPUID, or disabled by firmware" : "");
	snprintf(s->label, sizeof(s->label), "live /proc/cpuinfo (msr device unavailable, no VMX)");
	return CLI_OK;
}

int cli_source_load_live(struct cli_source *s)
{
	struct vmx_diag d;
	struct vmx_cpuinfo_info info;
	if (s->kind == CLI_SRC_CPUINFO) {
		if (cli_live_cpuinfo(s->arg, s->sysroot, &s->prof, &info, &d))
			return cli_diag(&d);
		if (info.warning[0])
			cli_error("warning: %s", info.warning);
		snprintf(s->label, sizeof(s->label), "%s", s->arg ? s->arg : "/proc/cpuinfo");
		return CLI_OK;
	}
	struct vmx_live_report r;
	if (cli_live_read(s->sysroot, &s->prof, &r, &d) == 0) {
		snprintf(s->label, sizeof(s->label), "live (%zu CPU%s)", s->prof.n_cpus, s->prof.n_cpus == 1 ? "" : "s");
		return CLI_OK;
	}
	if (r.msr_status == VMX_LIVE_OK) /* the CPU list, not the devices */
		return cli_diag(&d);
	/* The msr device is missing or not permitted: say so, then fall back to /proc/cpuinfo. */
	cli_error("note: %s", r.msg);
	if (cli_live_cpuinfo(NULL, s->sysroot, &s->prof, &info, &d)) {
		if (s->no_vmx_ok && info.n_blocks &&
		    (info.novmx == VMX_CPUINFO_NOT_INTEL || info.novmx == VMX_CPUINFO_NO_VMX_FLAG))
			return no_vmx(s, &info, &d);
		cli_error("falling back to /proc/cpuinfo failed too:");
		return cli_diag(&d);
	}
	cli_error("note: falling back to /proc/cpuinfo \"vmx flags\": a partial view (allowed-1 bits of the named "
		  "controls only; everything else is shown as unknown)");
	if (info.warning[0])
		cli_error("warning: %s", info.warning);
	snprintf(s->label, sizeof(s->label), "live /proc/cpuinfo (msr device unavailable)");
	return CLI_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * /proc/cpuinfo reader (src/host/cpuinfo.c) on arbitrary text.  The first byte picks the kernel release given
 * (none, a valid one per name set, or garbage); the rest is the cpuinfo text.  Invariants: a rejected input
 * leaves an empty profile and a diagnostic naming the file; an accepted one holds partial snapshots only, whose
 * known bits are a subset of what a partial snapshot may know, and the KVM engine runs on each.  The same text
 * quoted as in a mail reply ("> " before every line) reads exactly the same: same result, same snapshots, same
 * diagnostic (src/host/import_paste.c).
 */
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "fuzz_common.h"
#include "host/cpuinfo.h"

static const char *const releases[] = { NULL, "5.10.0-28-amd64", "6.1.0-18-amd64", "6.16.3", "7.1.0", "x.y", "" };

/* "> " before every line of [t, t + n) (as many lines as before); malloc'ed. */
static char *quoted(const char *t, size_t n, size_t *qn)
{
	char *q = malloc(3 * n + 1);
	FUZZ_ASSERT(q);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || t[i - 1] == '\n') {
			q[o++] = '>';
			q[o++] = ' ';
		}
		q[o++] = t[i];
	}
	*qn = o;
	return q;
}

/* The quoted text reads as the text itself. */
static void same_quoted(const char *text, size_t len, const char *rel, int rc, const struct vmx_profile *p,
			const struct vmx_cpuinfo_info *info, const struct vmx_diag *d)
{
	if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb && (unsigned char)text[2] == 0xbf)
		return; /* a byte order mark counts only at the very start */
	size_t qn;
	char *q = quoted(text, len, &qn);
	struct vmx_profile p2;
	static struct vmx_cpuinfo_info info2;
	struct vmx_diag d2;
	memset(&d2, 0, sizeof(d2));
	int rc2 = vmx_cpuinfo_parse(q, qn, "fuzz.cpuinfo", rel, &p2, &info2, &d2);
	FUZZ_ASSERT(rc == rc2);
	if (rc) {
		FUZZ_ASSERT(d->line == d2.line && strcmp(d->msg, d2.msg) == 0);
	} else {
		FUZZ_ASSERT(p->n_cpus == p2.n_cpus && info->names == info2.names && info->hypervisor == info2.hypervisor &&
			    info->hypervisor_line == info2.hypervisor_line && strcmp(info->warning, info2.warning) == 0);
		for (size_t k = 0; k < p->n_cpus; k++)
			FUZZ_ASSERT(p->cpus[k].id == p2.cpus[k].id && vmx_snapshot_equal(&p->cpus[k].snap, &p2.cpus[k].snap));
		vmx_profile_free(&p2);
	}
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvm_result r;
	if (size < 1)
		return 0;
	const char *rel = releases[data[0] % (sizeof(releases) / sizeof(releases[0]))];
	struct vmx_profile p;
	struct vmx_cpuinfo_info info;
	struct vmx_diag d;
	memset(&d, 0, sizeof(d));
	if (rel)
		(void)vmx_cpuinfo_names_for_release(rel);
	if (vmx_cpuinfo_parse((const char *)data + 1, size - 1, "fuzz.cpuinfo", rel, &p, &info, &d) != 0) {
		FUZZ_ASSERT(p.n_cpus == 0 && p.cpus == NULL);
		FUZZ_ASSERT(strcmp(d.file, "fuzz.cpuinfo") == 0 && d.msg[0] != 0 && d.line >= 0);
		same_quoted((const char *)data + 1, size - 1, rel, -1, &p, &info, &d);
		return 0;
	}
	same_quoted((const char *)data + 1, size - 1, rel, 0, &p, &info, &d);
	FUZZ_ASSERT(p.n_cpus >= 1);
	FUZZ_ASSERT(memchr(info.vendor, 0, sizeof(info.vendor)) && memchr(info.model_name, 0, sizeof(info.model_name)));
	FUZZ_ASSERT(vmx_cpuinfo_names_label(info.names) != NULL);
	for (size_t k = 0; k < p.n_cpus; k++) {
		const struct vmx_snapshot *s = &p.cpus[k].snap;
		struct kvm_input in;
		FUZZ_ASSERT(s->flags & VMX_SNAP_PARTIAL);
		kvm_input_init(&in, s);
		FUZZ_ASSERT(kvm_setup_vmcs_config(kvm_policy_at(0), &in, &r) == VMX_OK);
		FUZZ_ASSERT(r.n_events <= KVM_MAX_EVENTS);
	}
	vmx_profile_free(&p);
	return 0;
}

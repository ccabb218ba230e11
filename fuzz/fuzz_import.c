/* SPDX-License-Identifier: MIT */
/*
 * Importers (src/host/import*.c: VirtualBox, VMware, vmxcap, cpuinfo) on arbitrary bytes.  The first byte picks
 * the format (mostly auto-detection); the rest is the log.  Invariants: a rejected input returns no hosts and a
 * diagnostic naming the file; an accepted one has >= 1 host, each with one CPU whose profile written by
 * vmx_profile_write reads back equal, and the KVM engine runs on it.  The paste pre-pass (vmx_paste_clean) keeps
 * the number of lines, never grows the text and is idempotent; the text quoted as in a mail reply ("> " before
 * every line) imports exactly as the text itself.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "fuzz_common.h"
#include "host/import.h"

static int lines_of(const char *t, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += t[i] == '\n';
	return k;
}

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

static void paste_invariants(const char *text, size_t len, int fmt, int rc, const struct vmx_import_result *r,
			     const struct vmx_diag *d)
{
	size_t n1, n2;
	char *c1 = vmx_paste_clean(text, len, &n1);
	FUZZ_ASSERT(c1 && n1 <= len && strlen(c1) <= n1);
	char *c2 = vmx_paste_clean(c1, n1, &n2);
	FUZZ_ASSERT(c2 && n1 == n2 && memcmp(c1, c2, n1) == 0);
	FUZZ_ASSERT(lines_of(c1, n1) == lines_of(text, len));
	free(c1);
	free(c2);
	if ((len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
	     (unsigned char)text[2] == 0xbf) ||
	    vmx_profile_looks_like(text, len) || len == 0)
		return; /* a byte order mark or a profile header counts only at the very start */
	size_t qn;
	char *q = quoted(text, len, &qn);
	struct vmx_import_result r2;
	struct vmx_diag d2;
	memset(&d2, 0, sizeof(d2));
	int rc2 = vmx_import_buf(q, qn, "fuzz.log", (enum vmx_import_format)fmt, &r2, &d2);
	FUZZ_ASSERT(rc == rc2);
	if (rc) {
		FUZZ_ASSERT(d->line == d2.line && strcmp(d->msg, d2.msg) == 0);
	} else {
		FUZZ_ASSERT(r->format == r2.format && r->n_hosts == r2.n_hosts);
		for (size_t h = 0; h < r->n_hosts; h++)
			FUZZ_ASSERT(vmx_snapshot_equal(&r->hosts[h].prof.cpus[0].snap, &r2.hosts[h].prof.cpus[0].snap));
		vmx_import_result_free(&r2);
	}
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvm_result kr;
	if (size < 1)
		return 0;
	int fmt = data[0] % 8;
	if (fmt >= VMX_IMPORT_PROFILE)
		fmt = VMX_IMPORT_AUTO;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct vmx_diag d;
	memset(&d, 0, sizeof(d));
	(void)vmx_import_detect(text, len, "fuzz.log", &d);
	struct vmx_import_result r;
	memset(&d, 0, sizeof(d));
	if (vmx_import_buf(text, len, "fuzz.log", (enum vmx_import_format)fmt, &r, &d) != 0) {
		FUZZ_ASSERT(r.n_hosts == 0 && r.hosts == NULL);
		FUZZ_ASSERT(strcmp(d.file, "fuzz.log") == 0 && d.msg[0] != 0 && d.line >= 0);
		paste_invariants(text, len, fmt, -1, &r, &d);
		return 0;
	}
	paste_invariants(text, len, fmt, 0, &r, &d);
	FUZZ_ASSERT(r.n_hosts >= 1 && r.format != VMX_IMPORT_AUTO);
	char desc[512];
	vmx_import_describe_hosts(&r, desc, sizeof(desc));
	FUZZ_ASSERT(memchr(desc, 0, sizeof(desc)));
	for (size_t h = 0; h < r.n_hosts; h++) {
		const struct vmx_profile *p = &r.hosts[h].prof;
		FUZZ_ASSERT(p->n_cpus == 1);
		const struct vmx_snapshot *s = &p->cpus[0].snap;
		struct kvm_input in;
		kvm_input_init(&in, s);
		FUZZ_ASSERT(kvm_setup_vmcs_config(kvm_policy_at(0), &in, &kr) == VMX_OK);
		if (s->flags & VMX_SNAP_PARTIAL)
			continue; /* partial snapshots have no profile text form */
		char *buf = NULL;
		size_t blen = 0;
		FILE *f = open_memstream(&buf, &blen);
		FUZZ_ASSERT(f);
		FUZZ_ASSERT(vmx_profile_write(f, p) == 0);
		fclose(f);
		struct vmx_profile q;
		if (vmx_profile_parse(buf, blen, "roundtrip", &q, &d) != 0) {
			fprintf(stderr, "imported profile does not read back: %s:%d: %s\n--\n%s--\n", d.file, d.line,
				d.msg, buf);
			abort();
		}
		FUZZ_ASSERT(q.n_cpus == 1 && vmx_snapshot_equal(&q.cpus[0].snap, s));
		vmx_profile_free(&q);
		free(buf);
	}
	vmx_import_result_free(&r);
	return 0;
}

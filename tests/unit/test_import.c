/* SPDX-License-Identifier: MIT */
/*
 * Importers against real logs: every tests/import/<profile>.<vbox|vmware>.log must import to exactly the
 * MSRs and host CPUID leaves of data/profiles/<profile>.profile (reference data, not produced by the code
 * under test).  Run from the repository root.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/import.h"
#include "host/profile.h"
#include "t.h"

/* The profile as vmx_profile_write writes it (a malloc'ed text; *len its length). */
static char *profile_text(const struct vmx_profile *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f) {
		perror("open_memstream");
		abort();
	}
	int rc = vmx_profile_write(f, p);
	fclose(f);
	T_CHECK(rc == 0);
	return buf;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static void compare(const char *what, const struct vmx_snapshot *got, const struct vmx_snapshot *want)
{
	int bad = 0;
	for (int i = 0; i < VMX_MSR_COUNT; i++) {
		int g = vmx_snapshot_has(got, (enum vmx_msr_slot)i), w = vmx_snapshot_has(want, (enum vmx_msr_slot)i);
		if (g != w || (g && got->msr[i] != want->msr[i])) {
			fprintf(stderr, "%s: MSR 0x%x: got %s0x%016llx, want %s0x%016llx\n", what,
				(unsigned)vmx_msr_index((enum vmx_msr_slot)i), g ? "" : "(absent) ",
				(unsigned long long)got->msr[i], w ? "" : "(absent) ", (unsigned long long)want->msr[i]);
			bad++;
		}
	}
	for (uint32_t i = 0; i < want->n_cpuid; i++) {
		const struct vmx_cpuid_leaf *w = &want->cpuid[i];
		const struct vmx_cpuid_leaf *g = vmx_snapshot_find_cpuid(got, w->leaf, w->subleaf);
		if (!g || g->eax != w->eax || g->ebx != w->ebx || g->ecx != w->ecx || g->edx != w->edx) {
			fprintf(stderr, "%s: CPUID 0x%x.%x %s\n", what, w->leaf, w->subleaf, g ? "differs" : "missing");
			bad++;
		}
	}
	for (uint32_t i = 0; i < got->n_cpuid; i++) {
		const struct vmx_cpuid_leaf *g = &got->cpuid[i];
		if (!vmx_snapshot_find_cpuid(want, g->leaf, g->subleaf)) {
			fprintf(stderr, "%s: CPUID 0x%x.%x extra (not in the reference profile)\n", what, g->leaf,
				g->subleaf);
			bad++;
		}
	}
	T_CHECK(bad == 0);
	T_CHECK(vmx_snapshot_equal(got, want));
}

/* Imports path (format detected) into *r: must succeed with one host in format fmt.  Returns 0 when it imported. */
static int import_one(const char *path, enum vmx_import_format fmt, struct vmx_import_result *r)
{
	struct vmx_diag d;
	int rc = vmx_import_file(path, VMX_IMPORT_AUTO, r, &d);
	if (rc)
		fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
	T_CHECK(rc == 0);
	if (rc)
		return rc;
	T_EQ_U64(r->format, fmt);
	T_EQ_U64(r->n_hosts, 1);
	return 0;
}

static int samples(void)
{
	DIR *dir = opendir("tests/import");
	T_CHECK(dir != NULL);
	if (!dir)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		const char *suf = ends_with(e->d_name, ".vbox.log") ? ".vbox.log"
				  : ends_with(e->d_name, ".vmware.log") ? ".vmware.log"
									 : NULL;
		if (!suf || strncmp(e->d_name, "bad-", 4) == 0 || strncmp(e->d_name, "multi-", 6) == 0)
			continue;
		char stem[256], logp[512], profp[512];
		snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(e->d_name) - strlen(suf)), e->d_name);
		snprintf(logp, sizeof(logp), "tests/import/%s", e->d_name);
		snprintf(profp, sizeof(profp), "data/profiles/%s.profile", stem);
		struct vmx_import_result r;
		if (import_one(logp, strcmp(suf, ".vbox.log") == 0 ? VMX_IMPORT_VBOX : VMX_IMPORT_VMWARE, &r))
			continue;
		n++;
		struct vmx_profile want;
		struct vmx_diag d;
		int rc = vmx_profile_load(profp, &want, &d);
		if (rc)
			fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
		T_CHECK(rc == 0);
		if (rc == 0) {
			compare(e->d_name, &r.hosts[0].prof.cpus[0].snap, &want.cpus[0].snap);
			/* Metadata: the format and the product version found in the log. */
			const char *src = vmx_profile_meta(&r.hosts[0].prof, "source");
			const char *prod = vmx_profile_meta(&r.hosts[0].prof, "product");
			T_CHECK(src && strstr(src, strcmp(suf, ".vbox.log") == 0 ? "VirtualBox" : "VMware"));
			T_CHECK(prod && (strncmp(prod, "VirtualBox ", 11) == 0 || strncmp(prod, "VMware ", 7) == 0));
			/* The written profile reads back to the same snapshot. */
			size_t len = 0;
			char *buf = profile_text(&r.hosts[0].prof, &len);
			struct vmx_profile back;
			rc = vmx_profile_parse(buf, len, "written", &back, &d);
			T_CHECK(rc == 0);
			if (rc == 0) {
				T_CHECK(vmx_snapshot_equal(&back.cpus[0].snap, &want.cpus[0].snap));
				vmx_profile_free(&back);
			}
			free(buf);
			vmx_profile_free(&want);
		}
		vmx_import_result_free(&r);
	}
	closedir(dir);
	return n;
}

static char *slurp(const char *path, size_t *len);

static int err_of(const char *text, enum vmx_import_format fmt, struct vmx_diag *d)
{
	struct vmx_import_result r;
	int rc = vmx_import_buf(text, strlen(text), "t.log", fmt, &r, d);
	if (rc == 0)
		vmx_import_result_free(&r);
	return rc;
}

static void unit(void)
{
	struct vmx_diag d;
	/* Detection by content, never the name. */
	T_EQ_U64(vmx_import_detect("00:00:01.1 HM: MSR_IA32_VMX_BASIC = 0x1\n", 40, "x.vmware.log", &d),
		 VMX_IMPORT_VBOX);
	T_EQ_U64(vmx_import_detect("2020| vmx| I125: Common: MSR 0x480 = 0x1\n", 41, "x.vbox.log", &d),
		 VMX_IMPORT_VMWARE);
	T_EQ_U64(vmx_import_detect("Basic VMX Information\n  Hex: 0x1\n", 33, "x", &d), VMX_IMPORT_VMXCAP);
	T_EQ_U64(vmx_import_detect("hello\nworld\n", 12, "x", &d), VMX_IMPORT_AUTO);
	T_CHECK(strstr(d.msg, "unknown format") != NULL);
	T_EQ_U64(vmx_import_detect("# vmxcfg-profile 1\n", 19, "x", &d), VMX_IMPORT_PROFILE);
	/* Formats by name. */
	T_EQ_U64(vmx_import_format_by_name("vmware"), VMX_IMPORT_VMWARE);
	T_CHECK(vmx_import_format_by_name("qemu") < 0);
	/* Error paths give a line and a reason. */
	T_CHECK(err_of("", VMX_IMPORT_AUTO, &d) < 0);
	T_CHECK(err_of("Gst: 00000000  0000000d 756e6547 6c65746e 49656e69\n", VMX_IMPORT_VBOX, &d) < 0);
	T_CHECK(strstr(d.msg, "guest-only") != NULL);
	T_CHECK(err_of("Hst:           0000000d 756e6547 6c65746e 49656e69\n", VMX_IMPORT_VBOX, &d) < 0);
	T_EQ_U64(d.line, 1);
	T_CHECK(err_of("HM: MSR_IA32_VMX_BASIC = 0xzz\n", VMX_IMPORT_VBOX, &d) < 0);
	T_EQ_U64(d.line, 1);
	T_CHECK(err_of("x| Common: MSR 0x480 = 0x1\nx| Common: MSR 0x480 = 0x2\n", VMX_IMPORT_VMWARE, &d) < 0);
	T_EQ_U64(d.line, 2);
	/* A file name with a newline cannot inject records through the metadata. */
	{
		size_t len;
		char *t = slurp("tests/import/penryn-core2-duo-p8600.vbox.log", &len);
		struct vmx_import_result r2;
		T_CHECK(t && vmx_import_buf(t, len, "a\nmsr 0x480 0x1", VMX_IMPORT_AUTO, &r2, &d) == 0);
		if (t && r2.n_hosts) {
			T_CHECK(strchr(vmx_profile_meta(&r2.hosts[0].prof, "source"), '\n') == NULL);
			vmx_import_result_free(&r2);
		}
		free(t);
	}
	/* Any bytes: a NUL is binary data, with the line of the NUL. */
	char bin[] = "a\nb\n\0c";
	struct vmx_import_result r;
	T_CHECK(vmx_import_buf(bin, sizeof(bin), "bin", VMX_IMPORT_AUTO, &r, &d) < 0);
	T_EQ_U64(d.line, 3);
}


/* Read a file into a malloc'ed buffer (NUL-terminated). */
static char *slurp(const char *path, size_t *len)
{
	char *b;
	struct vmx_diag d;
	if (vmx_read_file(path, &b, len, &d))
		return NULL;
	return b;
}

/* Replace every occurrence of `from` by `to` (same length or shorter) in place. */
static void subst(char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	char *p = s;
	while ((p = strstr(p, from))) {
		memcpy(p, to, tl);
		memmove(p + tl, p + fl, strlen(p + fl) + 1);
		p += tl;
	}
}

static void vmxcap(void)
{
	size_t len;
	char *t = slurp("tests/import/skylake-sample.vmxcap.txt", &len);
	T_CHECK(t != NULL);
	if (!t)
		return;
	struct vmx_import_result r;
	struct vmx_diag d;
	int rc = vmx_import_buf(t, len, "vmxcap.txt", VMX_IMPORT_AUTO, &r, &d);
	if (rc)
		fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
	T_CHECK(rc == 0);
	if (rc == 0) {
		T_EQ_U64(r.format, VMX_IMPORT_VMXCAP);
		T_EQ_U64(r.n_hosts, 1);
		const struct vmx_snapshot *s = &r.hosts[0].prof.cpus[0].snap;
		T_CHECK(s->flags & VMX_SNAP_PARTIAL);
		/* Hex sections are known in full. */
		T_EQ_U64(s->known[VMX_MSR_BASIC], ~(uint64_t)0);
		T_EQ_U64(s->msr[VMX_MSR_BASIC], 0x00da040000000004ull);
		T_EQ_U64(s->known[VMX_MSR_MISC], ~(uint64_t)0);
		T_EQ_U64(s->msr[VMX_MSR_EPT_VPID_CAP], 0xf0106334141ull);
		/* Controls: only the named bits, both halves. */
		T_EQ_U64(s->known[VMX_MSR_PINBASED], 0x000000e9000000e9ull);
		T_EQ_U64(s->msr[VMX_MSR_PINBASED], 0x0000006900000000ull); /* posted interrupts: no */
		/* CR3-load/store exiting "default": must be 1 in the legacy MSR, may be 0 in the TRUE one. */
		T_EQ_U64(s->msr[VMX_MSR_PROCBASED] & 0x18000u, 0x18000u);
		T_EQ_U64(s->known[VMX_MSR_TRUE_PROCBASED] & 0x18000u, 0x18000u);
		T_EQ_U64(s->msr[VMX_MSR_TRUE_PROCBASED] & 0x18000u, 0);
		/* Nothing about unnamed bits or MSRs vmxcap does not print. */
		T_EQ_U64(s->known[VMX_MSR_PROCBASED] & 0x2u, 0); /* bit 1: default1, unnamed */
		T_EQ_U64(s->known[VMX_MSR_CR0_FIXED0], 0);
		T_EQ_U64(s->known[VMX_MSR_FEATURE_CONTROL], 0);
		/* Presence from the capability bits: no tertiary (primary bit 17 "no"), no secondary exit controls. */
		T_CHECK(!vmx_snapshot_has(s, VMX_MSR_PROCBASED3));
		T_CHECK(!vmx_snapshot_has(s, VMX_MSR_EXIT2));
		T_CHECK(vmx_snapshot_has(s, VMX_MSR_TRUE_ENTRY));
		T_CHECK(vmx_snapshot_has(s, VMX_MSR_VMFUNC));
		/*
		 * Every known bit agrees with a real Skylake profile with the same Basic, Misc and EPT values
		 * (reference data), except 0x491: this sample prints "VM Functions Hex: 0x0".
		 */
		struct vmx_profile want;
		T_CHECK(vmx_profile_load("data/profiles/skylake-core-i7-6700k.profile", &want, &d) == 0);
		int bad = 0;
		for (int i = 0; i < VMX_MSR_COUNT; i++) {
			if (i == VMX_MSR_VMFUNC || !vmx_snapshot_has(s, (enum vmx_msr_slot)i))
				continue;
			if (!vmx_snapshot_has(&want.cpus[0].snap, (enum vmx_msr_slot)i) ||
			    ((s->msr[i] ^ want.cpus[0].snap.msr[i]) & s->known[i])) {
				fprintf(stderr, "vmxcap: MSR 0x%x disagrees with the Skylake profile\n",
					(unsigned)vmx_msr_index((enum vmx_msr_slot)i));
				bad++;
			}
		}
		T_EQ_U64(bad, 0);
		vmx_profile_free(&want);
		/* The profile written with known masks reads back to the same partial snapshot. */
		size_t bl = 0;
		char *buf = profile_text(&r.hosts[0].prof, &bl);
		T_CHECK(strstr(buf, "msr 0x481 0x0000006900000000 known 0x000000e9000000e9") != NULL);
		struct vmx_profile back;
		rc = vmx_profile_parse(buf, bl, "written", &back, &d);
		if (rc)
			fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
		T_CHECK(rc == 0);
		if (rc == 0) {
			T_CHECK(vmx_snapshot_equal(&back.cpus[0].snap, s));
			vmx_profile_free(&back);
		}
		free(buf);
		vmx_import_result_free(&r);
	}
	/* A vmxcap that never says "default" did not look at the TRUE MSRs: those default1 bits are unknown. */
	char *t2 = strdup(t);
	subst(t2, " default\n", " forced\n");
	rc = vmx_import_buf(t2, strlen(t2), "old.txt", VMX_IMPORT_VMXCAP, &r, &d);
	T_CHECK(rc == 0);
	if (rc == 0) {
		const struct vmx_snapshot *s = &r.hosts[0].prof.cpus[0].snap;
		T_EQ_U64(s->known[VMX_MSR_TRUE_PROCBASED] & 0x18000u, 0);
		T_EQ_U64(s->known[VMX_MSR_PROCBASED] & 0x18000u, 0x18000u);
		int noted = 0;
		for (size_t i = 0; i < r.hosts[0].prof.n_meta; i++)
			noted |= strstr(r.hosts[0].prof.meta[i].value, "did not compare with the TRUE MSRs") != NULL;
		T_CHECK(noted);
		vmx_import_result_free(&r);
	}
	free(t2);
	/* An output without Hex lines (older vmxcap): the decoded fields give the bits they cover, no more. */
	{
		char *t6 = malloc(len + 1), *o = t6;
		for (const char *q = t; *q;) {
			const char *nl = strchr(q, '\n');
			size_t ll = nl ? (size_t)(nl - q + 1) : strlen(q);
			if (!strstr(q, "Hex:") || (nl && strstr(q, "Hex:") > nl)) {
				memcpy(o, q, ll);
				o += ll;
			}
			q += ll;
		}
		*o = 0;
		rc = vmx_import_buf(t6, strlen(t6), "nohex.txt", VMX_IMPORT_AUTO, &r, &d);
		T_CHECK(rc == 0);
		if (rc == 0) {
			const struct vmx_snapshot *s = &r.hosts[0].prof.cpus[0].snap;
			/* revision 30:0, size 44:32, bits 48-56 and 58 */
			T_EQ_U64(s->known[VMX_MSR_BASIC], 0x05ff1fff7fffffffull);
			T_EQ_U64(s->msr[VMX_MSR_BASIC], 0x00da040000000004ull);
			vmx_import_result_free(&r);
		}
		free(t6);
	}
	/* A shell prompt before and after, and a label this importer does not know: still imports. */
	size_t n3 = len + 200;
	char *t3 = malloc(n3);
	snprintf(t3, n3, "$ sudo vmxcap\n%s  Some future control                      yes\n$ exit\n", t);
	rc = vmx_import_buf(t3, strlen(t3), "prompt.txt", VMX_IMPORT_AUTO, &r, &d);
	if (rc)
		fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
	T_CHECK(rc == 0);
	if (rc == 0)
		vmx_import_result_free(&r);
	free(t3);
	/* A word that is no vmxcap word; a field that contradicts its Hex line. */
	char *t4 = strdup(t);
	char from[64], to[64];
	snprintf(from, sizeof(from), "  %-40s %s\n", "NMI exiting", "yes");
	snprintf(to, sizeof(to), "  %-40s %s\n", "NMI exiting", "on");
	subst(t4, from, to);
	T_CHECK(vmx_import_buf(t4, strlen(t4), "t4", VMX_IMPORT_VMXCAP, &r, &d) < 0);
	T_EQ_U64(d.line, 14);
	T_CHECK(strstr(d.msg, "expected yes, no, forced, default or a decimal number") != NULL);
	free(t4);
	char *t5 = strdup(t);
	snprintf(from, sizeof(from), "  %-40s %s\n", "HLT activity state", "yes");
	snprintf(to, sizeof(to), "  %-40s %s \n", "HLT activity state", "no");
	subst(t5, from, to);
	T_CHECK(vmx_import_buf(t5, strlen(t5), "t5", VMX_IMPORT_VMXCAP, &r, &d) < 0);
	T_CHECK(strstr(d.msg, "contradicts") != NULL);
	free(t5);
	free(t);
}

/* /proc/cpuinfo: the import is the cpuinfo reader's partial snapshot, identical blocks folded into one. */
static void cpuinfo(void)
{
	static const char *const ok[] = { "sandybridge-core-i5-2450m", "icelake-sp-xeon-gold-5318y",
					  "raptorlake-u-core-i7-1355u-hybrid", "nehalem-lynnfield-core-i5-750" };
	for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
		char path[256];
		snprintf(path, sizeof(path), "tests/import/%s.cpuinfo", ok[k]);
		struct vmx_import_result r;
		if (import_one(path, VMX_IMPORT_CPUINFO, &r))
			continue;
		const struct vmx_snapshot *s = &r.hosts[0].prof.cpus[0].snap;
		T_CHECK(s->flags & VMX_SNAP_PARTIAL);
		/* ept is printed on all of these: secondary allowed-1 bit 1 known and set */
		T_CHECK((s->known[VMX_MSR_PROCBASED2] >> 33) & 1);
		T_CHECK((s->msr[VMX_MSR_PROCBASED2] >> 33) & 1);
		T_CHECK(vmx_cpuid_is_intel(s));
		vmx_import_result_free(&r);
	}
	static const char *const bad[] = { "emeraldrapids-kvm-guest-nested-vmx", "kabylake-core-i5-7200u-vmx-fw-disabled",
					   "sandybridge-ep-xeon-e5-2670-kernel3x-no-vmxflags" };
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char path[256];
		snprintf(path, sizeof(path), "tests/import/%s.cpuinfo", bad[k]);
		struct vmx_import_result r;
		struct vmx_diag d;
		T_CHECK(vmx_import_file(path, VMX_IMPORT_AUTO, &r, &d) < 0);
		T_CHECK(strstr(d.file, bad[k]) != NULL);
	}
}

/* Partial profiles with several CPUs keep their known masks in the common part and in the cpu blocks. */
static void partial_write(void)
{
	struct vmx_snapshot a, b;
	vmx_snapshot_init(&a);
	vmx_snapshot_set_msr(&a, 0x480, 0x00da040000000004ull);
	vmx_snapshot_set_msr(&a, 0x481, 0x0000006900000000ull);
	a.known[VMX_MSR_PINBASED] = 0x000000e9000000e9ull;
	vmx_snapshot_set_msr(&a, 0x482, 0);
	a.known[VMX_MSR_PROCBASED] = 0;
	a.flags |= VMX_SNAP_PARTIAL;
	b = a;
	b.msr[VMX_MSR_PINBASED] = 0x000000e900000000ull;
	struct vmx_profile p, q;
	vmx_profile_init(&p);
	vmx_profile_add_cpu(&p, 0, &a);
	vmx_profile_add_cpu(&p, 1, &b);
	size_t len = 0;
	char *buf = profile_text(&p, &len);
	struct vmx_diag d;
	int rc = vmx_profile_parse(buf, len, "two", &q, &d);
	if (rc)
		fprintf(stderr, "%s:%d: %s\n%s", d.file, d.line, d.msg, buf);
	T_CHECK(rc == 0);
	if (rc == 0) {
		T_EQ_U64(q.n_cpus, 2);
		T_CHECK(vmx_snapshot_equal(&q.cpus[0].snap, &a));
		T_CHECK(vmx_snapshot_equal(&q.cpus[1].snap, &b));
		T_EQ_U64(q.cpus[1].snap.known[VMX_MSR_PROCBASED], 0);
		vmx_profile_free(&q);
	}
	/* A value with bits outside its known mask is refused. */
	const char *bad = "# vmxcfg-profile 1\nmsr 0x481 0x0000006900000001 known 0x000000e9000000e8\n";
	T_CHECK(vmx_profile_parse(bad, strlen(bad), "bad", &q, &d) < 0);
	T_EQ_U64(d.line, 2);
	free(buf);
	vmx_profile_free(&p);
}

/* vmx_paste_clean on one line: the undecorated line. */
static int clean_is(const char *in, const char *want)
{
	size_t n;
	char *c = vmx_paste_clean(in, strlen(in), &n);
	int ok = c && strlen(c) == n && strcmp(c, want) == 0;
	if (!ok)
		fprintf(stderr, "vmx_paste_clean(\"%s\") = \"%s\", want \"%s\"\n", in, c ? c : "(null)", want);
	free(c);
	return ok;
}

static int count_lines(const char *t, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += t[i] == '\n';
	return k;
}

/* The pre-pass every text reader runs (src/host/import_paste.c), and detection on decorated samples. */
static void paste(void)
{
	/* Quote marks: one space after each '>' belongs to the mark; the rest is the text's indentation. */
	T_CHECK(clean_is("> > x\n", "x\n"));
	T_CHECK(clean_is(">>x\n", "x\n"));
	T_CHECK(clean_is(">   Hex: 0x1\n", "  Hex: 0x1\n"));
	T_CHECK(clean_is("  > > Basic VMX Information  \r\n", "Basic VMX Information\n"));
	T_CHECK(clean_is(">\n", "\n"));
	T_CHECK(clean_is("\tvendor_id\t: GenuineIntel \t\r\r\n", "\tvendor_id\t: GenuineIntel\n"));
	/* Prompt lines become empty lines, keeping the output's first line when it follows the command. */
	T_CHECK(clean_is("$ cat /proc/cpuinfo\n", "\n"));
	T_CHECK(clean_is("$\n", "\n"));
	T_CHECK(clean_is("# cat /proc/cpuinfo\n", "\n"));
	T_CHECK(clean_is("user@host:~/qemu$ sudo ./scripts/kvm/vmxcap\n", "\n"));
	T_CHECK(clean_is("(venv) user@host:~$ ls\n", "\n"));
	T_CHECK(clean_is("    [root@ws ~]# cat /proc/cpuinfo\n", "\n"));
	T_CHECK(clean_is("me@mbp ~ % cat VBox.log\n", "\n"));
	T_CHECK(clean_is("mbp:~ me$ cat VBox.log\n", "\n"));
	T_CHECK(clean_is("PS C:\\Users\\me> type vmware.log\n", "\n"));
	T_CHECK(clean_is("$ sudo ./vmxcap    Basic VMX Information\n", "Basic VMX Information\n"));
	T_CHECK(clean_is("  >   user@h:~$ sudo vmxcap Basic VMX Information\n", "  Basic VMX Information\n"));
	T_CHECK(clean_is("$ cat /proc/cpuinfo processor\t: 0\n", "processor\t: 0\n"));
	/* Not prompts: lines of the formats themselves and prose. */
	T_CHECK(clean_is("cpu MHz\t\t: 2500.000\n", "cpu MHz\t\t: 2500.000\n"));
	T_CHECK(clean_is("model name\t: Intel(R) Core(TM) i5 CPU 750 @ 2.67GHz\n",
			 "model name\t: Intel(R) Core(TM) i5 CPU 750 @ 2.67GHz\n"));
	T_CHECK(clean_is("2017-03-11T18:28:00.662+05:30| vmx| I125: done 100% now\n",
			 "2017-03-11T18:28:00.662+05:30| vmx| I125: done 100% now\n"));
	T_CHECK(clean_is("it costs 5 $ each\n", "it costs 5 $ each\n"));
	T_CHECK(clean_is("a@b c d$ x\n", "a@b c d$ x\n"));
	/* Whole text: a byte order mark, non-breaking spaces; no final newline stays none. */
	T_CHECK(clean_is("\xef\xbb\xbfprocessor\xc2\xa0: 0", "processor : 0"));
	/* Every sample: as many lines as the input, never longer, and a second run changes nothing. */
	DIR *dir = opendir("tests/paste");
	T_CHECK(dir != NULL);
	int files = 0;
	for (struct dirent *e; dir && (e = readdir(dir));) {
		if (e->d_name[0] == '.' || ends_with(e->d_name, ".sh") || strcmp(e->d_name, "README.md") == 0)
			continue;
		char path[512];
		snprintf(path, sizeof(path), "tests/paste/%s", e->d_name);
		size_t len, n1, n2;
		char *t = slurp(path, &len);
		T_CHECK(t != NULL);
		if (!t)
			continue;
		files++;
		char *c1 = vmx_paste_clean(t, len, &n1);
		char *c2 = c1 ? vmx_paste_clean(c1, n1, &n2) : NULL;
		T_CHECK(c1 && c2);
		if (c1 && c2) {
			T_EQ_U64(count_lines(c1, n1), count_lines(t, len));
			T_CHECK(n1 <= len);
			T_CHECK(n1 == n2 && memcmp(c1, c2, n1) == 0);
		}
		free(c1);
		free(c2);
		/* Detected as what it is a paste of (bad-* included: the damage is elsewhere). */
		struct vmx_diag d;
		enum vmx_import_format f = vmx_import_detect(t, len, path, &d);
		enum vmx_import_format want = strstr(e->d_name, "cpuinfo") || strstr(e->d_name, ".md") ? VMX_IMPORT_CPUINFO
					      : strstr(e->d_name, "vmxcap")                             ? VMX_IMPORT_VMXCAP
					      : strstr(e->d_name, "vbox")                               ? VMX_IMPORT_VBOX
					      : strstr(e->d_name, "vmware")                             ? VMX_IMPORT_VMWARE
												       : VMX_IMPORT_AUTO;
		if (strstr(e->d_name, "vmxcap"))
			want = VMX_IMPORT_VMXCAP;
		if (f != want)
			fprintf(stderr, "%s: detected as %s\n", path, vmx_import_format_name(f));
		T_EQ_U64(f, want);
		free(t);
	}
	if (dir)
		closedir(dir);
	T_CHECK(files >= 20);
	/* Detection is not widened: quoted dmesg stays unknown, a quoted VBox+VMware mix stays ambiguous. */
	struct vmx_diag d;
	static const char dmesg[] = "> [    0.000000] Linux version 6.1.0-18-amd64\n> [    0.000000] x86/fpu: xsave\n";
	T_EQ_U64(vmx_import_detect(dmesg, strlen(dmesg), "x", &d), VMX_IMPORT_AUTO);
	static const char mix[] = "> 00:00:01.1 HM: MSR_IA32_VMX_BASIC = 0x1\n>\n> 2020| vmx| I125: Common: MSR 0x480 = 0x1\n";
	T_EQ_U64(vmx_import_detect(mix, strlen(mix), "x", &d), VMX_IMPORT_AUTO);
	T_EQ_U64(d.line, 3);
	T_CHECK(strstr(d.msg, "ambiguous") != NULL);
	/* Quoted vmxcap output: the same partial snapshot as the clean one. */
	size_t len;
	char *t = slurp("tests/import/skylake-sample.vmxcap.txt", &len);
	char *q = t ? malloc(len * 2 + 64) : NULL;
	T_CHECK(q != NULL);
	if (q) {
		size_t o = (size_t)sprintf(q, "> $ sudo ./vmxcap\r\n");
		for (const char *c = t; *c; c++) {
			if (c == t || c[-1] == '\n')
				o += (size_t)sprintf(q + o, "> ");
			if (*c == '\n')
				q[o++] = '\r';
			q[o++] = *c;
		}
		struct vmx_import_result a, b;
		int ra = vmx_import_buf(t, len, "clean", VMX_IMPORT_AUTO, &a, &d);
		int rb = vmx_import_buf(q, o, "quoted", VMX_IMPORT_AUTO, &b, &d);
		T_CHECK(ra == 0 && rb == 0);
		if (ra == 0 && rb == 0)
			T_CHECK(vmx_snapshot_equal(&a.hosts[0].prof.cpus[0].snap, &b.hosts[0].prof.cpus[0].snap));
		if (ra == 0)
			vmx_import_result_free(&a);
		if (rb == 0)
			vmx_import_result_free(&b);
		free(q);
	}
	/* A missing vmxcap section is reported where it should start: before the next section's title. */
	if (t) {
		const char *pin = strstr(t, "pin-based controls\n");
		struct vmx_import_result r;
		T_CHECK(pin && vmx_import_buf(pin, strlen(pin), "nobasic", VMX_IMPORT_VMXCAP, &r, &d) < 0);
		T_EQ_U64(d.line, 1);
		T_CHECK(strstr(d.msg, "no 'Basic VMX Information' section before 'pin-based controls'") != NULL);
		char *t2 = strdup(t);
		char *sec = strstr(t2, "secondary processor-based controls\n");
		char *ter = strstr(t2, "tertiary processor-based controls\n");
		T_CHECK(sec && ter);
		if (sec && ter) {
			memmove(sec, ter, strlen(ter) + 1); /* drop the secondary section (lines 41-68) */
			T_CHECK(vmx_import_buf(t2, strlen(t2), "nosec", VMX_IMPORT_VMXCAP, &r, &d) < 0);
			T_EQ_U64(d.line, 41);
			T_CHECK(strstr(d.msg, "before 'tertiary processor-based controls'") != NULL);
		}
		free(t2);
	}
	free(t);
}

int main(void)
{
	partial_write();
	int n = samples();
	vmxcap();
	cpuinfo();
	T_CHECK(n >= 12); /* every sample was found and imported */
	unit();
	paste();
	return T_DONE();
}

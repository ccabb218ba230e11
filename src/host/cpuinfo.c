/* SPDX-License-Identifier: MIT */
/* /proc/cpuinfo "vmx flags" reader: partial snapshots (kvm-setup.md §4). */
#define _POSIX_C_SOURCE 200809L
#include "host/cpuinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/bits.h>

#include "host/fmt.h"
#include "host/lint.h"

/* One printable flag: the MSR slot and bit it reveals (allowed-1 half), and the first name set printing it. */
struct flag {
	const char *name;
	int slot;     /* enum vmx_msr_slot, or -1 for a synthetic flag */
	uint8_t bit;  /* bit of the 64-bit MSR value */
	uint8_t since; /* enum vmx_cpuinfo_names */
};

#define MAX_FLAGS 40

/* Flags with a kernel-version gate (kvm-setup.md §4: v5.10 lacks 4 names, v6.1/v6.6 lack 2). */
static enum vmx_cpuinfo_names flag_since(const char *name)
{
	if (!strcmp(name, "notify_vm_exiting") || !strcmp(name, "ipi_virt"))
		return VMX_CPUINFO_NAMES_6_1;
	if (!strcmp(name, "ept_5level") || !strcmp(name, "ept_violation_ve"))
		return VMX_CPUINFO_NAMES_6_16;
	return VMX_CPUINFO_NAMES_5_10;
}

static size_t build_flags(struct flag *f)
{
	static const struct {
		enum vmx_class cls;
		enum vmx_msr_slot slot;
		uint8_t shift; /* 32 for the allowed-1 half of a 32-bit control MSR */
	} map[] = {
		{ VMX_CLASS_PIN, VMX_MSR_PINBASED, 32 },	{ VMX_CLASS_PRIMARY, VMX_MSR_PROCBASED, 32 },
		{ VMX_CLASS_SECONDARY, VMX_MSR_PROCBASED2, 32 }, { VMX_CLASS_TERTIARY, VMX_MSR_PROCBASED3, 0 },
		{ VMX_CLASS_EPT_VPID, VMX_MSR_EPT_VPID_CAP, 0 },
	};
	size_t n = 0;
	for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++) {
		const struct vmx_class_info *ci = vmx_class_get(map[m].cls);
		for (size_t i = 0; i < ci->n_bits && n < MAX_FLAGS - 3; i++) {
			const struct vmx_bit_info *b = &ci->bits[i];
			if (!b->linux_flag)
				continue;
			f[n].name = b->linux_flag;
			f[n].slot = (int)map[m].slot;
			f[n].bit = (uint8_t)(b->bit + map[m].shift);
			f[n].since = (uint8_t)flag_since(b->linux_flag);
			n++;
		}
	}
	/* Word 0 bits 31:28 = high half of IA32_VMX_VMFUNC (kernel reads the high half: bit 32, quirk §4). */
	f[n++] = (struct flag){ "eptp_switching", VMX_MSR_VMFUNC, 32, VMX_CPUINFO_NAMES_5_10 };
	/* Synthetic: derived from other printed bits; checked for consistency only. */
	f[n++] = (struct flag){ "flexpriority", -1, 0, VMX_CPUINFO_NAMES_5_10 };
	f[n++] = (struct flag){ "apicv", -1, 1, VMX_CPUINFO_NAMES_5_10 };
	return n;
}

int vmx_cpuinfo_names_for_release(const char *release)
{
	if (!release)
		return -1;
	char *end;
	long maj = strtol(release, &end, 10);
	if (end == release || *end != '.')
		return -1;
	const char *m = end + 1;
	long min = strtol(m, &end, 10);
	if (end == m)
		return -1;
	if (maj > 6 || (maj == 6 && min >= 16))
		return VMX_CPUINFO_NAMES_6_16;
	if (maj == 6 && min >= 1)
		return VMX_CPUINFO_NAMES_6_1;
	return VMX_CPUINFO_NAMES_5_10;
}

const char *vmx_cpuinfo_names_label(enum vmx_cpuinfo_names n)
{
	switch (n) {
	case VMX_CPUINFO_NAMES_6_16: return "6.16+";
	case VMX_CPUINFO_NAMES_6_1: return "6.1-6.15";
	default: return "5.6-6.0";
	}
}

/* --- line scanning -------------------------------------------------------------------------------- */

struct block {
	int processor;
	int line;          /* line of "processor" */
	int flags_line, vmx_line;
	const char *vmx, *vmx_end; /* the "vmx flags" value */
	bool vmx_flag, sgx_flag, svm_flag, hypervisor;
	char vendor[16];
	char model_name[128];
	long family, model, stepping, level;
};

static bool has_word(const char *v, const char *end, const char *w)
{
	size_t wl = strlen(w);
	const char *p = v;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *s = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if ((size_t)(p - s) == wl && memcmp(s, w, wl) == 0)
			return true;
	}
	return false;
}

/* strtol within [v, ve): the text need not be NUL-terminated (found by fuzz/fuzz_cpuinfo). */
static long dec_in(const char *v, const char *ve, const char **endp)
{
	char tmp[24];
	size_t n = (size_t)(ve - v) < sizeof(tmp) - 1 ? (size_t)(ve - v) : sizeof(tmp) - 1;
	memcpy(tmp, v, n);
	tmp[n] = 0;
	char *e;
	long x = strtol(tmp, &e, 10);
	if (endp)
		*endp = v + (e - tmp);
	return x;
}

static void copy_val(char *dst, size_t n, const char *v, const char *end)
{
	size_t l = (size_t)(end - v);
	if (l >= n)
		l = n - 1;
	memcpy(dst, v, l);
	dst[l] = 0;
}

static void block_init(struct block *b)
{
	memset(b, 0, sizeof(*b));
	b->processor = -1;
	b->family = b->model = b->stepping = b->level = -1;
}

/* --- snapshot ------------------------------------------------------------------------------------- */

static uint32_t signature(long fam, long model, long step)
{
	if (fam < 0 || model < 0 || step < 0)
		return 0;
	uint32_t basefam = fam > 0xf ? 0xf : (uint32_t)fam;
	uint32_t extfam = fam > 0xf ? (uint32_t)(fam - 0xf) : 0;
	return (uint32_t)(step & 0xf) | (uint32_t)(model & 0xf) << 4 | basefam << 8 | (uint32_t)((model >> 4) & 0xf) << 16 |
	       (extfam & 0xff) << 20;
}

static void synth_cpuid(struct vmx_snapshot *s, const struct block *b)
{
	uint32_t v[3] = { 0, 0, 0 };
	for (int i = 0; i < 12 && b->vendor[i]; i++)
		v[i / 4] |= (uint32_t)(unsigned char)b->vendor[i] << (8 * (i % 4));
	uint32_t level = b->level > 0 ? (uint32_t)b->level : 1;
	struct vmx_cpuid_leaf l0 = { 0, 0, level, v[0], v[2], v[1] };
	vmx_snapshot_set_cpuid(s, &l0);
	struct vmx_cpuid_leaf l1 = { 1, 0, signature(b->family, b->model, b->stepping), 0, b->vmx_flag ? 1u << 5 : 0,
				     0 };
	vmx_snapshot_set_cpuid(s, &l1);
	if (level >= 0x12) {
		struct vmx_cpuid_leaf l12 = { 0x12, 0, b->sgx_flag ? 1u : 0, 0, 0, 0 };
		vmx_snapshot_set_cpuid(s, &l12);
	}
}

static int block_snapshot(const struct block *b, const struct flag *fl, size_t nf, enum vmx_cpuinfo_names names,
			  struct vmx_snapshot *s, const char *fname, struct vmx_diag *d, char *warn, size_t wn)
{
	vmx_snapshot_init(s);
	s->flags |= VMX_SNAP_PARTIAL;
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		vmx_snapshot_set_msr(s, vmx_msr_index((enum vmx_msr_slot)i), 0);
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		s->known[i] = 0;
	/* vmx flags are printed only when firmware left VMX enabled (the kernel locks the MSR): lock + outside SMX. */
	s->msr[VMX_MSR_FEATURE_CONTROL] = 0x5;
	s->known[VMX_MSR_FEATURE_CONTROL] = 0x5;
	for (size_t i = 0; i < nf; i++)
		if (fl[i].slot >= 0 && fl[i].since <= names)
			s->known[fl[i].slot] |= 1ull << fl[i].bit;
	bool seen[MAX_FLAGS] = { false };
	bool synth[2] = { false, false };
	const char *p = b->vmx;
	int line = b->vmx_line;
	while (p < b->vmx_end) {
		while (p < b->vmx_end && (*p == ' ' || *p == '\t'))
			p++;
		const char *w = p;
		while (p < b->vmx_end && *p != ' ' && *p != '\t')
			p++;
		if (p == w)
			break;
		size_t wl = (size_t)(p - w);
		size_t k;
		for (k = 0; k < nf; k++)
			if (strlen(fl[k].name) == wl && !memcmp(fl[k].name, w, wl))
				break;
		if (k == nf) {
			vmx_diag_set(d, fname, line,
				     "unknown vmx flag '%.*s': expected one of the names Linux 5.6 to 7.x prints "
				     "(vnmi, preemption_timer, posted_intr, invvpid, ept_x_only, ept_ad, ept_1gb, "
				     "ept_5level, flexpriority, apicv, eptp_switching, tsc_offset, vtpr, mtf, vapic, ept, "
				     "vpid, unrestricted_guest, vapic_reg, vid, ple, shadow_vmcs, pml, ept_violation_ve, "
				     "ept_mode_based_exec, tsc_scaling, usr_wait_pause, notify_vm_exiting, ipi_virt)",
				     (int)(wl > 40 ? 40 : wl), w);
			return -1;
		}
		if (seen[k]) {
			vmx_diag_set(d, fname, line, "vmx flag '%s' appears twice", fl[k].name);
			return -1;
		}
		seen[k] = true;
		if (fl[k].slot < 0) {
			synth[fl[k].bit] = true;
			continue;
		}
		s->msr[fl[k].slot] |= 1ull << fl[k].bit;
		s->known[fl[k].slot] |= 1ull << fl[k].bit; /* a name of a newer set: known 1 all the same */
	}
	/* The synthetic flags must agree with the bits they are made of. */
	uint64_t prim = s->msr[VMX_MSR_PROCBASED] >> 32, sec = s->msr[VMX_MSR_PROCBASED2] >> 32,
		 pin = s->msr[VMX_MSR_PINBASED] >> 32;
	bool tpr = (prim >> 21) & 1;
	bool flex = tpr && (sec & 1);
	bool apicv = tpr && ((sec >> 8) & 1) && ((sec >> 9) & 1) && ((pin >> 7) & 1);
	if (warn && !warn[0] && (flex != synth[0] || apicv != synth[1]))
		snprintf(warn, wn,
			 "%s:%d: the synthetic flag '%s' %s, which contradicts the flags it is derived from "
			 "(edited or mixed text?)",
			 fname, line, flex != synth[0] ? "flexpriority" : "apicv",
			 (flex != synth[0] ? synth[0] : synth[1]) ? "is present" : "is absent");
	synth_cpuid(s, b);
	return 0;
}

/* --- parser --------------------------------------------------------------------------------------- */

int vmx_cpuinfo_parse(const char *text, size_t len, const char *fname, const char *kernel_release,
		      struct vmx_profile *p, struct vmx_cpuinfo_info *info, struct vmx_diag *d)
{
	vmx_profile_init(p);
	memset(info, 0, sizeof(*info));
	if (kernel_release)
		snprintf(info->release, sizeof(info->release), "%s", kernel_release);
	if (memchr(text, 0, len)) {
		vmx_diag_set(d, fname, 0, "binary data (a NUL byte): expected the text of /proc/cpuinfo");
		return -1;
	}
	size_t cap = 8, nb = 0;
	struct block *bl = malloc(cap * sizeof(*bl));
	if (!bl) {
		vmx_diag_set(d, fname, 0, "out of memory");
		return -1;
	}
	struct block cur;
	block_init(&cur);
	bool in_block = false;
	int lineno = 0;
	const char *q = text, *end = text + len;
	int rc = -1;
	while (q <= end) {
		const char *nl = q < end ? memchr(q, '\n', (size_t)(end - q)) : NULL;
		const char *le = nl ? nl : end;
		lineno++;
		const char *ve = le;
		if (ve > q && ve[-1] == '\r')
			ve--;
		const char *colon = memchr(q, ':', (size_t)(ve - q));
		bool blank = true;
		for (const char *c = q; c < ve; c++)
			if (*c != ' ' && *c != '\t')
				blank = false;
		bool new_block = false;
		const char *k = q, *ke = colon ? colon : ve;
		while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		size_t kl = (size_t)(ke - k);
		if (colon && kl == 9 && !memcmp(k, "processor", 9))
			new_block = true;
		if ((blank || new_block || q >= end) && in_block) {
			if (nb == cap) {
				cap *= 2;
				struct block *n2 = realloc(bl, cap * sizeof(*bl));
				if (!n2) {
					vmx_diag_set(d, fname, 0, "out of memory");
					goto out;
				}
				bl = n2;
			}
			bl[nb++] = cur;
			block_init(&cur);
			in_block = false;
		}
		if (q >= end)
			break;
		if (colon && !blank) {
			const char *v = colon + 1;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			if (!in_block) {
				in_block = true;
				cur.line = lineno;
			}
			if (new_block) {
				const char *e2;
				long id = dec_in(v, ve, &e2);
				if (e2 == v || id < 0 || id > 65535) {
					vmx_diag_set(d, fname, lineno, "bad processor number '%.*s': expected a decimal CPU number",
						     (int)((ve - v) > 20 ? 20 : (ve - v)), v);
					goto out;
				}
				cur.processor = (int)id;
			} else if (kl == 9 && !memcmp(k, "vendor_id", 9)) {
				copy_val(cur.vendor, sizeof(cur.vendor), v, ve);
			} else if (kl == 10 && !memcmp(k, "model name", 10)) {
				copy_val(cur.model_name, sizeof(cur.model_name), v, ve);
			} else if (kl == 10 && !memcmp(k, "cpu family", 10)) {
				cur.family = dec_in(v, ve, NULL);
			} else if (kl == 5 && !memcmp(k, "model", 5)) {
				cur.model = dec_in(v, ve, NULL);
			} else if (kl == 8 && !memcmp(k, "stepping", 8)) {
				cur.stepping = dec_in(v, ve, NULL);
			} else if (kl == 11 && !memcmp(k, "cpuid level", 11)) {
				cur.level = dec_in(v, ve, NULL);
			} else if (kl == 5 && !memcmp(k, "flags", 5)) {
				cur.flags_line = lineno;
				cur.vmx_flag = has_word(v, ve, "vmx");
				cur.sgx_flag = has_word(v, ve, "sgx");
				cur.hypervisor = has_word(v, ve, "hypervisor");
				cur.svm_flag = has_word(v, ve, "svm");
			} else if (kl == 9 && !memcmp(k, "vmx flags", 9)) {
				if (cur.vmx) {
					vmx_diag_set(d, fname, lineno, "a second \"vmx flags\" line in the same processor block");
					goto out;
				}
				cur.vmx = v;
				cur.vmx_end = ve;
				cur.vmx_line = lineno;
			}
		}
		q = nl ? nl + 1 : end + 1;
	}
	if (in_block) { /* the text ends inside a block (no final newline) */
		if (nb == cap) {
			struct block *n2 = realloc(bl, (cap + 1) * sizeof(*bl));
			if (!n2) {
				vmx_diag_set(d, fname, 0, "out of memory");
				goto out;
			}
			bl = n2;
			cap++;
		}
		bl[nb++] = cur;
	}
	if (nb == 0) {
		vmx_diag_set(d, fname, 0,
			     "no processor blocks: expected the text of /proc/cpuinfo ('processor : N' lines)");
		goto out;
	}
	info->n_blocks = nb;
	snprintf(info->vendor, sizeof(info->vendor), "%s", bl[0].vendor);
	snprintf(info->model_name, sizeof(info->model_name), "%s", bl[0].model_name);
	info->hypervisor = bl[0].hypervisor;
	info->vmx_flag = bl[0].vmx_flag;
	/* Every block must have the line, or none. */
	size_t with = 0;
	for (size_t i = 0; i < nb; i++)
		with += bl[i].vmx != NULL;
	if (with == 0) {
		const struct block *b = &bl[0];
		bool intel_like = !strcmp(b->vendor, "GenuineIntel") || !strcmp(b->vendor, "CentaurHauls") ||
				  !strcmp(b->vendor, "  Shanghai  ");
		int ln = b->flags_line ? b->flags_line : b->line;
		if (!intel_like) {
			info->novmx = VMX_CPUINFO_NOT_INTEL;
			vmx_diag_set(d, fname, ln,
				     "no \"vmx flags\" line: the CPU is %s, which has no Intel VMX%s; study an Intel CPU "
				     "with --cpu NAME or --profile FILE",
				     b->vendor[0] ? b->vendor : "not identified (no vendor_id)",
				     b->svm_flag ? " (it has AMD SVM)" : "");
		} else if (!b->vmx_flag) {
			info->novmx = VMX_CPUINFO_NO_VMX_FLAG;
			vmx_diag_set(d, fname, ln,
				     "no \"vmx flags\" line and no 'vmx' in flags: %s",
				     b->hypervisor ? "this is a virtual machine ('hypervisor' flag) whose hypervisor does "
						     "not expose VMX (nested virtualization is off)"
						   : "VMX is disabled by firmware (enable Intel VT-x in the BIOS/UEFI setup) or "
						     "the CPU has no VMX");
		} else {
			info->novmx = VMX_CPUINFO_OLD_KERNEL;
			vmx_diag_set(d, fname, ln,
				     "no \"vmx flags\" line although flags has 'vmx': the kernel is older than 5.6 (it does "
				     "not print VMX capabilities); use the live msr source (root, 'modprobe msr')");
		}
		goto out;
	}
	if (with != nb) {
		for (size_t i = 0; i < nb; i++)
			if (!bl[i].vmx) {
				vmx_diag_set(d, fname, bl[i].line,
					     "processor %d has no \"vmx flags\" line while other processors have one: VMX is "
					     "disabled on that CPU (or the text is cut short)",
					     bl[i].processor);
				goto out;
			}
	}
	/* Name set: from the release, else the oldest set that can print every name seen. */
	struct flag fl[MAX_FLAGS];
	size_t nf = build_flags(fl);
	int names = vmx_cpuinfo_names_for_release(kernel_release);
	info->names_from_release = names >= 0;
	if (names < 0) {
		names = VMX_CPUINFO_NAMES_5_10;
		for (size_t i = 0; i < nb; i++)
			for (size_t k = 0; k < nf; k++)
				if ((int)fl[k].since > names && has_word(bl[i].vmx, bl[i].vmx_end, fl[k].name))
					names = fl[k].since;
	}
	info->names = (enum vmx_cpuinfo_names)names;
	struct vmx_snapshot *s = malloc(sizeof(*s));
	if (!s) {
		vmx_diag_set(d, fname, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nb; i++) {
		if (block_snapshot(&bl[i], fl, nf, info->names, s, fname, d, info->warning, sizeof(info->warning))) {
			free(s);
			vmx_profile_free(p);
			goto out;
		}
		if (vmx_profile_add_cpu(p, bl[i].processor >= 0 ? bl[i].processor : (int)i, s)) {
			free(s);
			vmx_profile_free(p);
			vmx_diag_set(d, fname, 0, "out of memory");
			goto out;
		}
	}
	free(s);
	info->novmx = VMX_CPUINFO_HAS_VMX_FLAGS;
	if (bl[0].model_name[0])
		vmx_profile_set_meta(p, "name", bl[0].model_name);
	char src[400];
	snprintf(src, sizeof(src), "/proc/cpuinfo \"vmx flags\" (%s; names of Linux %s%s): allowed-1 bits of named controls only",
		 fname, vmx_cpuinfo_names_label(info->names), info->names_from_release ? "" : ", inferred");
	vmx_profile_set_meta(p, "source", src);
	rc = 0;
out:
	free(bl);
	return rc;
}

int vmx_cpuinfo_load(const char *path, const char *kernel_release, struct vmx_profile *p,
		     struct vmx_cpuinfo_info *info, struct vmx_diag *d)
{
	char *buf;
	size_t len;
	vmx_profile_init(p);
	memset(info, 0, sizeof(*info));
	if (vmx_read_file(path, &buf, &len, d))
		return -1;
	int rc = vmx_cpuinfo_parse(buf, len, path, kernel_release, p, info, d);
	free(buf);
	return rc;
}

/* --- what kvm can conclude on a partial snapshot ---------------------------------------------------- */


void vmx_partial_kvm(const struct kvm_policy *pol, const struct vmx_snapshot *s, struct vmx_partial_kvm *r)
{
	memset(r, 0, sizeof(*r));
	r->policy = pol;
	const struct {
		enum vmx_class cls;
		uint64_t min, opt;
	} req[6] = {
		{ VMX_CLASS_PRIMARY, pol->primary_min, pol->primary_opt },
		{ VMX_CLASS_SECONDARY, 0, pol->secondary_opt },
		{ VMX_CLASS_TERTIARY, 0, pol->tertiary_opt },
		{ VMX_CLASS_PIN, pol->pin_min, pol->pin_opt },
		{ VMX_CLASS_EXIT, pol->exit_min, pol->exit_opt },
		{ VMX_CLASS_ENTRY, pol->entry_min, pol->entry_opt },
	};
	bool all_known = true;
	for (size_t i = 0; i < 6; i++) {
		struct vmx_partial_kvm_class *c = &r->c[r->n++];
		c->cls = req[i].cls;
		for (unsigned b = 0; b < 64; b++) {
			uint64_t m = 1ull << b;
			if (!((req[i].min | req[i].opt) & m))
				continue;
			enum vmx_ctl_state st = vmx_ctl_state(s, req[i].cls, b);
			bool known = st != VMX_ST_UNKNOWN;
			bool allowed = st == VMX_ST_YES || st == VMX_ST_FORCED || st == VMX_ST_DEFAULT || st == VMX_ST_ALLOWED;
			if (req[i].min & m) {
				if (!known) {
					c->req_unknown |= m;
					all_known = false;
				} else if (!allowed) {
					c->req_missing |= m;
					r->fails = true;
				}
			} else if (!known) {
				c->opt_unknown |= m;
			} else if (allowed) {
				c->opt_allowed |= m;
			} else {
				c->opt_denied |= m;
			}
		}
	}
	r->decided = all_known && !r->fails;
}

static const char *const class_word[] = { "pin", "primary", "secondary", "tertiary", "exit", "exit2", "entry" };

void vmx_partial_kvm_print(FILE *f, const struct vmx_partial_kvm *r, const char *ind)
{
	const char *v = r->policy->version;
	if (r->fails)
		fprintf(f, "%skvm_intel %s fails with -EIO: a required control is known not allowed:\n", ind, v);
	else if (r->decided)
		fprintf(f, "%severy control kvm_intel %s requires is known allowed\n", ind, v);
	else
		fprintf(f, "%scannot conclude whether kvm_intel %s loads: /proc/cpuinfo does not show the controls it "
			   "requires (they are unknown, not absent):\n",
			ind, v);
	for (size_t i = 0; i < r->n; i++) {
		const struct vmx_partial_kvm_class *c = &r->c[i];
		if (c->req_missing) {
			fprintf(f, "%s  %-9s required, known not allowed: ", ind, class_word[c->cls]);
			vmx_fmt_bits(f, (enum vmx_class)c->cls, c->req_missing);
			fputc('\n', f);
		}
		if (c->req_unknown && !r->fails) {
			fprintf(f, "%s  %-9s required, unknown: ", ind, class_word[c->cls]);
			vmx_fmt_bits(f, (enum vmx_class)c->cls, c->req_unknown);
			fputc('\n', f);
		}
	}
	fprintf(f, "%swhat can be concluded if it loads (optional controls, before the kernel's fix-up rules):\n", ind);
	for (size_t i = 0; i < r->n; i++) {
		const struct vmx_partial_kvm_class *c = &r->c[i];
		if (!(c->opt_allowed | c->opt_denied | c->opt_unknown))
			continue;
		fprintf(f, "%s  %-9s offered: ", ind, class_word[c->cls]);
		vmx_fmt_bits(f, (enum vmx_class)c->cls, c->opt_allowed);
		fprintf(f, "; not offered: ");
		vmx_fmt_bits(f, (enum vmx_class)c->cls, c->opt_denied);
		fprintf(f, "; unknown: ");
		vmx_fmt_bits(f, (enum vmx_class)c->cls, c->opt_unknown);
		fputc('\n', f);
	}
	fprintf(f, "%sknown: the kernel printed \"vmx flags\", so VMX is enabled by firmware and kvm_intel passes its "
		   "precheck; for a full prediction read the MSRs (root, 'modprobe msr', --live)\n",
		ind);
}

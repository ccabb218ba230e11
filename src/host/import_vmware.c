/* SPDX-License-Identifier: MIT */
/*
 * VMware vmware.log importer (Workstation, Player, Fusion, ESX).
 *
 * What is read (everything else is ignored):
 * - the header "Log for VMware Workstation pid=1604 version=12.5.2 build=build-4638234 option=Release";
 *   each one starts a capture;
 * - "hostCPUID level LLLLLLLL, S: 0xEAX 0xEBX 0xECX 0xEDX" (S, the subleaf, is hexadecimal);
 *   "guest vs. host CPUID ..." and "CPUID[n] level ..." lines are the guest's (or per-vCPU) and are only
 *   counted, to tell a guest-only log;
 * - "Common: MSR 0xIDX = 0xVALUE" for 0x3a and 0x480-0x493.  VMware prints 0 for an MSR the CPU lacks;
 *   import.c decides from the capability bits whether each 0 is real (vmx_import_buf's VMware rule).
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <string.h>

#include "host/import.h"

/* "Log for VMware Workstation pid=1604 version=12.5.2 build=build-4638234" -> "VMware Workstation 12.5.2 build-4638234" */
static void product_of(const char *p, const char *end, char *out, size_t on)
{
	const char *name = p + 8; /* after "Log for " */
	const char *q = vmx_imp_find(name, (size_t)(end - name), " pid=");
	const char *name_end = q ? q : end;
	const char *ver = vmx_imp_find(name, (size_t)(end - name), "version=");
	const char *bld = vmx_imp_find(name, (size_t)(end - name), "build=");
	int vl = 0, bl = 0;
	if (ver) {
		ver += 8;
		while (ver + vl < end && ver[vl] != ' ' && vl < 40)
			vl++;
	}
	if (bld) {
		bld += 6;
		while (bld + bl < end && bld[bl] != ' ' && bl < 40)
			bl++;
	}
	int nl = (int)(name_end - name);
	if (nl > 60)
		nl = 60;
	snprintf(out, on, "%.*s%s%.*s%s%.*s", nl, name, ver ? " " : "", vl, ver ? ver : "", bld ? " " : "", bl,
		 bld ? bld : "");
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
}

static int expect_char(const char **p, const char *end, char ch)
{
	vmx_imp_skip_blank(p, end);
	if (*p < end && **p == ch) {
		(*p)++;
		return 0;
	}
	return -1;
}

int vmx_import_parse_vmware(struct vmx_import_ctx *c, const char *text, size_t len)
{
	struct vmx_imp_lines it = { text, text + len, 0 };
	const char *line;
	size_t n;
	while (vmx_imp_next_line(&it, &line, &n)) {
		int ln = it.lineno;
		c->lines = ln;
		const char *end = line + n;
		const char *h = vmx_imp_find(line, n, "Log for VMware ");
		if (h) {
			char product[160];
			product_of(h, end, product, sizeof(product));
			if (!vmx_imp_capture(c, ln, product))
				return -1;
			continue;
		}
		const char *p = vmx_imp_find(line, n, " hostCPUID level ");
		if (p) {
			p += 17;
			uint64_t leaf, sub, v[4];
			int bad = vmx_imp_hex(&p, end, 8, &leaf) || expect_char(&p, end, ',') ||
				  vmx_imp_hex(&p, end, 8, &sub) || expect_char(&p, end, ':');
			for (int i = 0; i < 4 && !bad; i++)
				bad = vmx_imp_hex(&p, end, 8, &v[i]) || (p < end && *p != ' ' && *p != '\t');
			if (!bad) {
				vmx_imp_skip_blank(&p, end);
				bad = p != end;
			}
			if (bad) {
				vmx_diag_set(c->d, c->fname, ln,
					     "bad host CPUID line: expected 'hostCPUID level LLLLLLLL, S: 0xEAX 0xEBX 0xECX "
					     "0xEDX' (is the line cut?)");
				return -1;
			}
			uint32_t regs[4] = { (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2], (uint32_t)v[3] };
			if (vmx_imp_cpuid(c, ln, (uint32_t)leaf, (uint32_t)sub, regs))
				return -1;
			continue;
		}
		p = vmx_imp_find(line, n, " Common: MSR ");
		if (p) {
			p += 13;
			uint64_t idx, val;
			if (vmx_imp_hex(&p, end, 8, &idx) || expect_char(&p, end, '=')) {
				vmx_diag_set(c->d, c->fname, ln, "bad MSR line: expected 'Common: MSR 0xIDX = 0xVALUE'");
				return -1;
			}
			const char *vs = p;
			if (vmx_imp_hex(&p, end, 16, &val) || (vmx_imp_skip_blank(&p, end), p != end)) {
				if (vmx_msr_slot((uint32_t)idx) < 0)
					continue; /* not an MSR we read */
				vmx_diag_set(c->d, c->fname, ln,
					     "MSR 0x%" PRIx64 ": bad value '%.*s': expected a hexadecimal number of at most "
					     "16 digits (is the line cut?)",
					     idx, (int)((end - vs) > 40 ? 40 : (end - vs)), vs);
				return -1;
			}
			if (vmx_imp_msr(c, ln, (uint32_t)idx, val))
				return -1;
			continue;
		}
		if (vmx_imp_find(line, n, "guest vs. host CPUID guest level ") || vmx_imp_find(line, n, " CPUID[")) {
			struct vmx_import_capture *cap = vmx_imp_cur(c, ln);
			if (!cap)
				return -1;
			cap->guest_lines++;
		}
	}
	return 0;
}

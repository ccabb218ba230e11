/* SPDX-License-Identifier: MIT */
/*
 * Policy file reader.  Line format (one statement a line, '#' starts a comment):
 *   name TEXT...
 *   true-msrs yes|no
 *   required CLASS BIT...          CLASS: pin primary secondary tertiary exit exit2 entry
 *   optional CLASS BIT...
 *   if [not] C.BIT [and [not] C.BIT]... then require C.BIT... | clear C.BIT... | fail
 *   clear C.BIT...  /  fail        (unconditional)
 * BIT is a short name from include/vmxcfg/bits_def.h or bitN; condition classes also basic, misc, ept_vpid
 * (plus the groups ept_caps, vpid_caps), vmfunc and cpu (sgx nx intel broken_preemption_timer
 * perf_global_ctrl_erratum vmcs_fits_page vmcs_wb true_ctls).
 */
#define _POSIX_C_SOURCE 200809L
#include "host/policy_file.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOK 64

struct pctx {
	const char *fname;
	int line;
	struct vmx_diag *d;
};

static int perr(struct pctx *c, const char *fmt, const char *a, const char *b)
{
	char msg[400];
	snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
	vmx_diag_set(c->d, c->fname, c->line, "%s", msg);
	return -1;
}

/* All short names of a class, space-separated, for messages. */
static void class_names(enum vmx_class cls, char *buf, size_t n)
{
	const struct vmx_class_info *ci = vmx_class_get(cls);
	size_t off = 0;
	buf[0] = 0;
	for (size_t i = 0; ci && i < ci->n_bits && off + 1 < n; i++) {
		if (!strncmp(ci->bits[i].name, "reserved", 8))
			continue;
		off += (size_t)snprintf(buf + off, n - off, "%s%s", off ? " " : "", ci->bits[i].name);
	}
	if (cls == VMX_CLASS_EPT_VPID && off + 1 < n)
		snprintf(buf + off, n - off, " ept_caps vpid_caps");
}

/* Bit (mask) of name in class; 0 if unknown. */
static uint64_t bit_of(enum vmx_class cls, const char *name)
{
	const struct vmx_bit_info *bi = vmx_bit_by_name(cls, name);
	if (bi)
		return 1ull << bi->bit;
	if (cls == VMX_CLASS_EPT_VPID && !strcmp(name, "ept_caps"))
		return VMX_POLICY_EPT_CAPS;
	if (cls == VMX_CLASS_EPT_VPID && !strcmp(name, "vpid_caps"))
		return VMX_POLICY_VPID_CAPS;
	if (!strncmp(name, "bit", 3) && isdigit((unsigned char)name[3])) {
		char *end;
		unsigned long b = strtoul(name + 3, &end, 10);
		const struct vmx_class_info *ci = vmx_class_get(cls);
		if (!*end && ci && b < ci->width)
			return 1ull << b;
	}
	return 0;
}

static const char *const class_list = "pin primary secondary tertiary exit exit2 entry";

static int control_class(struct pctx *c, const char *tok, enum vmx_class *out)
{
	const struct vmx_class_info *ci = vmx_class_by_name(tok);
	if (!ci || !vmx_policy_control_class(ci->cls))
		return perr(c, "unknown control class '%s': expected one of %s", tok, class_list);
	*out = ci->cls;
	return 0;
}

/* "C.BIT" for conditions (cond = 1) or targets. */
static int qualified(struct pctx *c, const char *tok, bool cond, uint8_t *cls, uint64_t *bits)
{
	const char *dot = strchr(tok, '.');
	if (!dot || dot == tok || !dot[1])
		return perr(c, "'%s': expected CLASS.BIT, e.g. secondary.ept or primary.tpr_shadow%s", tok,
			    cond ? " (or cpu.sgx)" : "");
	char cname[32];
	size_t n = (size_t)(dot - tok);
	if (n >= sizeof(cname))
		return perr(c, "'%s': unknown class%s", tok, "");
	memcpy(cname, tok, n);
	cname[n] = 0;
	const char *bname = dot + 1;
	if (!strcmp(cname, "cpu")) {
		if (!cond)
			return perr(c, "'%s': cpu.* can only be tested in a condition, not required or cleared%s", tok, "");
		for (unsigned p = 0; p < VMX_CPU_PRED_COUNT; p++) {
			if (!strcmp(vmx_policy_cpu_pred_name(p), bname)) {
				*cls = VMX_POLICY_CLS_CPU;
				*bits = 1ull << p;
				return 0;
			}
		}
		return perr(c, "unknown cpu predicate '%s': expected one of sgx nx intel broken_preemption_timer "
			       "perf_global_ctrl_erratum vmcs_fits_page vmcs_wb true_ctls%s",
			    bname, "");
	}
	const struct vmx_class_info *ci = vmx_class_by_name(cname);
	bool ok = ci && (vmx_policy_control_class(ci->cls) || ci->cls == VMX_CLASS_EPT_VPID ||
			 (cond && (ci->cls == VMX_CLASS_BASIC || ci->cls == VMX_CLASS_MISC || ci->cls == VMX_CLASS_VMFUNC)));
	if (!ok)
		return perr(c, "unknown class '%s': expected one of %s", cname,
			    cond ? "pin primary secondary tertiary exit exit2 entry ept_vpid basic misc vmfunc cpu"
				 : "pin primary secondary tertiary exit exit2 entry ept_vpid");
	uint64_t b = bit_of(ci->cls, bname);
	if (!b) {
		char names[1500], msg[1700];
		class_names(ci->cls, names, sizeof(names));
		snprintf(msg, sizeof(msg), "unknown %s bit '%s': expected one of: %s", cname, bname, names);
		vmx_diag_set(c->d, c->fname, c->line, "%s", msg);
		return -1;
	}
	*cls = (uint8_t)ci->cls;
	*bits = b;
	return 0;
}

static int parse_action(struct pctx *c, struct vmx_policy_rule *r, char **tok, int nt, int i)
{
	if (i >= nt)
		return perr(c, "missing action: expected 'require C.BIT...', 'clear C.BIT...' or 'fail'%s%s", "", "");
	if (!strcmp(tok[i], "fail")) {
		if (i + 1 != nt)
			return perr(c, "unexpected '%s' after 'fail'%s", tok[i + 1], "");
		r->action = VMX_POLICY_FAIL;
		return 0;
	}
	if (!strcmp(tok[i], "require"))
		r->action = VMX_POLICY_REQUIRE;
	else if (!strcmp(tok[i], "clear"))
		r->action = VMX_POLICY_CLEAR;
	else
		return perr(c, "unknown action '%s': expected require, clear or fail%s", tok[i], "");
	if (i + 1 >= nt)
		return perr(c, "'%s' needs at least one CLASS.BIT%s", tok[i], "");
	for (int k = i + 1; k < nt; k++) {
		if (r->n_targets >= VMX_POLICY_MAX_TARGETS)
			return perr(c, "too many targets (at most 8 per rule)%s%s", "", "");
		uint8_t cls;
		uint64_t bits;
		if (qualified(c, tok[k], false, &cls, &bits))
			return -1;
		r->targets[r->n_targets].cls = cls;
		r->targets[r->n_targets].bits = bits;
		r->n_targets++;
	}
	return 0;
}

static int parse_line(struct pctx *c, struct vmx_policy *p, char *line)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	char *tok[MAX_TOK];
	int nt = 0;
	for (char *s = strtok(line, " \t\r\n"); s; s = strtok(NULL, " \t\r\n")) {
		if (nt >= MAX_TOK)
			return perr(c, "line too long (at most 64 words)%s%s", "", "");
		tok[nt++] = s;
	}
	if (nt == 0)
		return 0;
	/* "key:" spelling is accepted for the simple statements. */
	size_t l0 = strlen(tok[0]);
	if (l0 > 1 && tok[0][l0 - 1] == ':')
		tok[0][l0 - 1] = 0;
	if (!strcmp(tok[0], "name")) {
		size_t off = 0;
		p->name[0] = 0;
		for (int i = 1; i < nt && off + 1 < sizeof(p->name); i++)
			off += (size_t)snprintf(p->name + off, sizeof(p->name) - off, "%s%s", i > 1 ? " " : "", tok[i]);
		return 0;
	}
	if (!strcmp(tok[0], "true-msrs")) {
		if (nt != 2 || (strcmp(tok[1], "yes") && strcmp(tok[1], "no")))
			return perr(c, "true-msrs: expected 'yes' or 'no'%s%s", "", "");
		p->use_true_msrs = !strcmp(tok[1], "yes");
		return 0;
	}
	if (!strcmp(tok[0], "required") || !strcmp(tok[0], "optional")) {
		bool req = tok[0][0] == 'r';
		if (nt < 2)
			return perr(c, "%s: expected a control class (%s) and bit names", tok[0], class_list);
		size_t lc = strlen(tok[1]);
		if (lc > 1 && tok[1][lc - 1] == ':')
			tok[1][lc - 1] = 0;
		enum vmx_class cls;
		if (control_class(c, tok[1], &cls))
			return -1;
		for (int i = 2; i < nt; i++) {
			uint64_t b = bit_of(cls, tok[i]);
			if (!b || b == VMX_POLICY_EPT_CAPS || b == VMX_POLICY_VPID_CAPS) {
				char names[1500], msg[1700];
				class_names(cls, names, sizeof(names));
				snprintf(msg, sizeof(msg), "unknown %s control '%s': expected one of: %s (or bitN)", tok[1],
					 tok[i], names);
				vmx_diag_set(c->d, c->fname, c->line, "%s", msg);
				return -1;
			}
			if (req)
				p->required[cls] |= b;
			else
				p->optional[cls] |= b;
		}
		p->class_line[cls] = c->line;
		return 0;
	}
	if (p->n_rules >= VMX_POLICY_MAX_RULES)
		return perr(c, "too many rules (at most 96)%s%s", "", "");
	struct vmx_policy_rule *r = &p->rules[p->n_rules];
	memset(r, 0, sizeof(*r));
	r->line = c->line;
	if (!strcmp(tok[0], "if")) {
		int i = 1;
		for (;;) {
			if (i >= nt)
				return perr(c, "incomplete condition: expected [not] CLASS.BIT then ACTION%s%s", "", "");
			struct vmx_policy_term *t = &r->terms[r->n_terms];
			if (r->n_terms >= VMX_POLICY_MAX_TERMS)
				return perr(c, "too many conditions (at most 6 joined by 'and')%s%s", "", "");
			if (!strcmp(tok[i], "not")) {
				t->negate = true;
				if (++i >= nt)
					return perr(c, "'not' needs CLASS.BIT%s%s", "", "");
			}
			if (qualified(c, tok[i], true, &t->cls, &t->bits))
				return -1;
			r->n_terms++;
			i++;
			if (i < nt && !strcmp(tok[i], "and")) {
				i++;
				continue;
			}
			if (i < nt && !strcmp(tok[i], "then"))
				break;
			return perr(c, "expected 'and' or 'then' after the condition, got '%s'%s", i < nt ? tok[i] : "end of line",
				    "");
		}
		if (parse_action(c, r, tok, nt, i + 1))
			return -1;
	} else if (!strcmp(tok[0], "clear") || !strcmp(tok[0], "fail") || !strcmp(tok[0], "require")) {
		if (parse_action(c, r, tok, nt, 0))
			return -1;
	} else {
		return perr(c, "unknown statement '%s': expected name, true-msrs, required, optional, if, clear, "
			       "require or fail%s",
			    tok[0], "");
	}
	p->n_rules++;
	return 0;
}

int vmx_policy_parse(const char *text, size_t len, const char *fname, struct vmx_policy *p, struct vmx_diag *d)
{
	vmx_policy_init(p);
	struct pctx c = { fname, 0, d };
	size_t pos = 0;
	char buf[VMX_LINE_MAX];
	bool any = false;
	while (pos < len) {
		size_t e = pos;
		while (e < len && text[e] != '\n')
			e++;
		c.line++;
		size_t n = e - pos;
		if (n >= sizeof(buf)) {
			vmx_diag_set(d, fname, c.line, "line longer than %d characters", VMX_LINE_MAX - 1);
			return -1;
		}
		memcpy(buf, text + pos, n);
		buf[n] = 0;
		if (memchr(buf, 0, n)) {
			vmx_diag_set(d, fname, c.line, "NUL byte: expected a text policy file");
			return -1;
		}
		if (parse_line(&c, p, buf)) {
			vmx_policy_init(p);
			return -1;
		}
		for (size_t k = 0; k < n; k++)
			if (!isspace((unsigned char)buf[k]))
				any = true;
		pos = e + 1;
	}
	(void)any;
	bool stmt = false;
	for (int i = 0; i < VMX_CLASS_COUNT; i++)
		stmt |= p->class_line[i] != 0;
	if (!stmt) {
		vmx_diag_set(d, fname, 0, "no 'required' or 'optional' statement: expected a policy (see data/policies/README.md)");
		vmx_policy_init(p);
		return -1;
	}
	if (!p->name[0])
		snprintf(p->name, sizeof(p->name), "%s", fname);
	return 0;
}

int vmx_policy_load(const char *path, struct vmx_policy *p, struct vmx_diag *d)
{
	char *buf;
	size_t len;
	if (vmx_read_file(path, &buf, &len, d))
		return -1;
	int rc = vmx_policy_parse(buf, len, path, p, d);
	free(buf);
	return rc;
}

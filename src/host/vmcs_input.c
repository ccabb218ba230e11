/* SPDX-License-Identifier: MIT */
/*
 * Inputs of `vmxcfg vmcs` (host/vmcs_input.h): FIELD = VALUE text, JSON, and
 * KVM's dump_vmcs output.  Our own parsers; the dump_vmcs layout was learnt
 * from published dmesg pastes (formats of Linux 4.x-6.x and Xen's
 * vmcs_dump_vcpu, which prints the same control-state keys).
 */
#define _POSIX_C_SOURCE 200809L
#include "host/vmcs_input.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vmcs_input_format_name(enum vmcs_input_format f)
{
	switch (f) {
	case VMCS_IN_TEXT: return "text";
	case VMCS_IN_JSON: return "json";
	case VMCS_IN_DUMP: return "dump_vmcs";
	default: return "auto";
	}
}

static const char *memfind(const char *h, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(h + i, needle, m) == 0)
			return h + i;
	return NULL;
}

enum vmcs_input_format vmcs_input_detect(const char *text, size_t len)
{
	size_t i = 0;
	if (memfind(text, len, "*** Control State ***") || memfind(text, len, "PinBased=") ||
	    memfind(text, len, "CPUBased="))
		return VMCS_IN_DUMP;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i < len && text[i] == '{')
		return VMCS_IN_JSON;
	return VMCS_IN_TEXT;
}

/* ---- names and numbers -------------------------------------------------- */

static int norm(int c)
{
	if (c == ' ' || c == '-' || c == '_' || c == '\t')
		return '_';
	return tolower(c);
}

/* Does name[0..len) equal s (normalized)?  With upto_paren, s is compared only up to " (". */
static bool name_eq(const char *name, size_t len, const char *s, bool upto_paren)
{
	size_t n = strlen(s);
	if (upto_paren) {
		const char *p = strstr(s, " (");
		if (!p)
			return false;
		n = (size_t)(p - s);
	}
	if (n != len)
		return false;
	for (size_t i = 0; i < n; i++)
		if (norm((unsigned char)name[i]) != norm((unsigned char)s[i]))
			return false;
	return true;
}

/* Other spellings people use. */
static const struct {
	const char *name;
	enum vmcs_field f;
} aliases[] = {
	{ "VPID", VMCS_F_VPID },
	{ "EPTP", VMCS_F_EPTP },
	{ "HLATP", VMCS_F_HLATP },
	{ "SPPTP", VMCS_F_SPPTP },
	{ "VM_ENTRY_INTR_INFO", VMCS_F_ENTRY_INTR_INFO },
	{ "VM_ENTRY_INTERRUPTION_INFO", VMCS_F_ENTRY_INTR_INFO },
	{ "PIN_BASED_CONTROLS", VMCS_F_PIN },
	{ "PRIMARY_PROC_BASED_CONTROLS", VMCS_F_PRIMARY },
	{ "SECONDARY_PROC_BASED_CONTROLS", VMCS_F_SECONDARY },
	{ "TERTIARY_PROC_BASED_CONTROLS", VMCS_F_TERTIARY },
	{ "VIRTUAL_APIC_ADDR", VMCS_F_VIRTUAL_APIC_ADDR },
	{ "MSR_BITMAP_ADDR", VMCS_F_MSR_BITMAP },
	{ "VMCS_LINK_PTR", VMCS_F_LINK_POINTER },
	{ "VIRTUAL_TPR", VMCS_F_VTPR },
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex digits [s, s+n) (underscores allowed between digits). */
static bool parse_hex_digits(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		int h;
		if (s[i] == '_' && digits)
			continue;
		h = hexval((unsigned char)s[i]);
		if (h < 0 || (v >> 60))
			return false;
		v = (v << 4) | (uint64_t)h;
		digits++;
	}
	if (!digits)
		return false;
	*out = v;
	return true;
}

/* A number: 0x.., ..h, 0b.., or decimal. */
static bool parse_num(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_hex_digits(s + 2, n - 2, out);
	if (n > 1 && (s[n - 1] == 'h' || s[n - 1] == 'H'))
		return parse_hex_digits(s, n - 1, out);
	if (n > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		size_t digits = 0;
		for (size_t i = 2; i < n; i++) {
			if (s[i] == '_' && digits)
				continue;
			if ((s[i] != '0' && s[i] != '1') || (v >> 63))
				return false;
			v = (v << 1) | (uint64_t)(s[i] - '0');
			digits++;
		}
		if (!digits)
			return false;
		*out = v;
		return true;
	}
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

const struct vmcs_field_info *vmcs_field_lookup(const char *name, size_t len, int *high)
{
	*high = 0;
	/* an encoding: 0xNNNN or NNNNh */
	bool enc = (len > 2 && name[0] == '0' && (name[1] == 'x' || name[1] == 'X')) ||
		   (len > 1 && (name[len - 1] == 'h' || name[len - 1] == 'H') && hexval((unsigned char)name[0]) >= 0);
	if (enc) {
		uint64_t e;
		bool ok = true;
		for (size_t i = (name[1] == 'x' || name[1] == 'X') ? 2 : 0; i + 1 < len; i++)
			if (hexval((unsigned char)name[i]) < 0)
				ok = false;
		if (ok && parse_num(name, len, &e) && e <= 0xffff) {
			const struct vmcs_field_info *fi = vmcs_field_by_encoding((uint32_t)e);
			if (fi)
				return fi;
			fi = (e & 1u) ? vmcs_field_by_encoding((uint32_t)e - 1) : NULL;
			if (fi && fi->width == 64 && ((e >> 13) & 3u) == 1u) {
				*high = 1;
				return fi;
			}
			return NULL;
		}
	}
	for (unsigned i = 0; i < VMCS_F_COUNT; i++) {
		const struct vmcs_field_info *fi = vmcs_field_get((enum vmcs_field)i);
		if (name_eq(name, len, fi->ident, false) || name_eq(name, len, fi->sdm, false) ||
		    name_eq(name, len, fi->sdm, true) || name_eq(name, len, fi->name, false))
			return fi;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (name_eq(name, len, aliases[i].name, false))
			return vmcs_field_get(aliases[i].f);
	return NULL;
}

/* ---- common ------------------------------------------------------------- */

struct pstate {
	const char *fname;
	struct vmcs_fields *f;
	int line_of[VMCS_F_COUNT][2]; /* line where the field (low/high half) was set, 0 = not yet */
	struct vmx_diag *d;
};

static int store(struct pstate *ps, int line, const struct vmcs_field_info *fi, int high, uint64_t v,
		 const char *vtext, size_t vlen)
{
	unsigned w = high ? 32u : fi->width;
	if (w < 64 && (v >> w)) {
		vmx_diag_set(ps->d, ps->fname, line, "value %.*s does not fit the %u-bit field %s%s", (int)vlen, vtext, w,
			     fi->ident, high ? " (high half)" : "");
		return -1;
	}
	if (ps->line_of[fi->field][high]) {
		vmx_diag_set(ps->d, ps->fname, line, "%s%s given twice (first on line %d): expected each field once",
			     fi->ident, high ? " (high half)" : "", ps->line_of[fi->field][high]);
		return -1;
	}
	ps->line_of[fi->field][high] = line;
	if (high)
		ps->f->v[fi->field] = (ps->f->v[fi->field] & 0xffffffffu) | (v << 32);
	else if (fi->width == 64 && ps->line_of[fi->field][1])
		ps->f->v[fi->field] = (ps->f->v[fi->field] & ~0xffffffffull) | (v & 0xffffffffu);
	else
		ps->f->v[fi->field] = v;
	ps->f->known |= 1ull << fi->field;
	return 0;
}

static int unknown_field(struct pstate *ps, int line, const char *name, size_t len)
{
	vmx_diag_set(ps->d, ps->fname, line,
		     "unknown VMCS field '%.*s': expected an SDM field name (\"Primary processor-based VM-execution "
		     "controls\"), an identifier (CPU_BASED_VM_EXEC_CONTROL) or an encoding (0x4002)",
		     (int)len, name);
	return -1;
}

static int bad_value(struct pstate *ps, int line, const struct vmcs_field_info *fi, const char *v, size_t n)
{
	vmx_diag_set(ps->d, ps->fname, line, "malformed value '%.*s' for %s: expected a number (0x1f, 31, 0b11111)", (int)n,
		     v, fi->ident);
	return -1;
}

/* ---- text: FIELD = VALUE ------------------------------------------------ */

static int parse_text(struct pstate *ps, const char *t, size_t len)
{
	size_t pos = 0;
	int line = 0;
	while (pos < len) {
		size_t e = pos, a, b, eq;
		const struct vmcs_field_info *fi;
		int high;
		uint64_t val;
		while (e < len && t[e] != '\n')
			e++;
		line++;
		a = pos;
		b = e;
		pos = e + 1;
		for (size_t i = a; i < b; i++)
			if (t[i] == '#') {
				b = i;
				break;
			}
		while (a < b && isspace((unsigned char)t[a]))
			a++;
		while (b > a && isspace((unsigned char)t[b - 1]))
			b--;
		if (a == b)
			continue;
		for (eq = a; eq < b && t[eq] != '='; eq++)
			;
		if (eq == b) {
			vmx_diag_set(ps->d, ps->fname, line, "expected FIELD = VALUE, got '%.*s'", (int)(b - a), t + a);
			return -1;
		}
		size_t ne = eq, vs = eq + 1;
		while (ne > a && isspace((unsigned char)t[ne - 1]))
			ne--;
		while (vs < b && isspace((unsigned char)t[vs]))
			vs++;
		if (ne == a) {
			vmx_diag_set(ps->d, ps->fname, line, "expected a field name before '='");
			return -1;
		}
		fi = vmcs_field_lookup(t + a, ne - a, &high);
		if (!fi)
			return unknown_field(ps, line, t + a, ne - a);
		if (vs == b) {
			vmx_diag_set(ps->d, ps->fname, line, "expected a value after '%.*s ='", (int)(ne - a), t + a);
			return -1;
		}
		if (!parse_num(t + vs, b - vs, &val))
			return bad_value(ps, line, fi, t + vs, b - vs);
		if (store(ps, line, fi, high, val, t + vs, b - vs))
			return -1;
	}
	return 0;
}

/* ---- JSON --------------------------------------------------------------- */

struct js {
	const char *t;
	size_t len, pos;
	int line;
};

static void js_ws(struct js *j)
{
	while (j->pos < j->len && isspace((unsigned char)j->t[j->pos])) {
		if (j->t[j->pos] == '\n')
			j->line++;
		j->pos++;
	}
}

/* A string without escapes other than \" and \\ (field names and numbers need no more). */
static int js_string(struct pstate *ps, struct js *j, char *buf, size_t cap, size_t *n)
{
	size_t k = 0;
	if (j->pos >= j->len || j->t[j->pos] != '"') {
		vmx_diag_set(ps->d, ps->fname, j->line, "expected a string in double quotes");
		return -1;
	}
	j->pos++;
	while (j->pos < j->len && j->t[j->pos] != '"') {
		char c = j->t[j->pos++];
		if (c == '\n') {
			vmx_diag_set(ps->d, ps->fname, j->line, "unterminated string");
			return -1;
		}
		if (c == '\\') {
			if (j->pos >= j->len || (j->t[j->pos] != '"' && j->t[j->pos] != '\\' && j->t[j->pos] != '/')) {
				vmx_diag_set(ps->d, ps->fname, j->line, "unsupported escape in string: expected a field name or a number");
				return -1;
			}
			c = j->t[j->pos++];
		}
		if (k + 1 >= cap) {
			vmx_diag_set(ps->d, ps->fname, j->line, "string too long: expected a field name or a number");
			return -1;
		}
		buf[k++] = c;
	}
	if (j->pos >= j->len) {
		vmx_diag_set(ps->d, ps->fname, j->line, "unterminated string");
		return -1;
	}
	j->pos++;
	buf[k] = 0;
	*n = k;
	return 0;
}

/* Skip any JSON value (used for the metadata keys of our own --json report). depth limits nesting. */
static int js_skip(struct pstate *ps, struct js *j, int depth)
{
	char tmp[256];
	size_t n;
	js_ws(j);
	if (j->pos >= j->len) {
		vmx_diag_set(ps->d, ps->fname, j->line, "unexpected end of the JSON text: expected a value");
		return -1;
	}
	if (depth > 32) {
		vmx_diag_set(ps->d, ps->fname, j->line, "JSON nested too deeply");
		return -1;
	}
	if (j->t[j->pos] == '"') {
		/* strings of any length: step over escapes */
		j->pos++;
		while (j->pos < j->len && j->t[j->pos] != '"') {
			if (j->t[j->pos] == '\n') {
				vmx_diag_set(ps->d, ps->fname, j->line, "unterminated string");
				return -1;
			}
			j->pos += j->t[j->pos] == '\\' ? 2 : 1;
		}
		if (j->pos >= j->len) {
			vmx_diag_set(ps->d, ps->fname, j->line, "unterminated string");
			return -1;
		}
		j->pos++;
		return 0;
	}
	if (j->t[j->pos] == '{' || j->t[j->pos] == '[') {
		char close = j->t[j->pos] == '{' ? '}' : ']';
		bool obj = close == '}';
		j->pos++;
		js_ws(j);
		if (j->pos < j->len && j->t[j->pos] == close) {
			j->pos++;
			return 0;
		}
		for (;;) {
			if (obj) {
				js_ws(j);
				if (js_string(ps, j, tmp, sizeof tmp, &n))
					return -1;
				js_ws(j);
				if (j->pos >= j->len || j->t[j->pos] != ':') {
					vmx_diag_set(ps->d, ps->fname, j->line, "expected ':' after \"%s\"", tmp);
					return -1;
				}
				j->pos++;
			}
			if (js_skip(ps, j, depth + 1))
				return -1;
			js_ws(j);
			if (j->pos < j->len && j->t[j->pos] == ',') {
				j->pos++;
				continue;
			}
			if (j->pos < j->len && j->t[j->pos] == close) {
				j->pos++;
				return 0;
			}
			vmx_diag_set(ps->d, ps->fname, j->line, "expected ',' or '%c'", close);
			return -1;
		}
	}
	n = 0;
	while (j->pos < j->len && (isalnum((unsigned char)j->t[j->pos]) || strchr(".+-", j->t[j->pos])))
		j->pos++, n++;
	if (!n) {
		vmx_diag_set(ps->d, ps->fname, j->line, "expected a JSON value");
		return -1;
	}
	return 0;
}

/*
 * One object of fields.  top: the outer object, where a "fields" member (our own --json report) holds the
 * fields and makes every other member metadata to skip; without "fields", every member must be a field.
 */
static int js_object(struct pstate *ps, struct js *j, bool top)
{
	const char *t = j->t;
	size_t len = j->len;
	int unknown_line = 0;
	char unknown[256];
	bool has_fields = false;
	js_ws(j);
	if (j->pos >= len || t[j->pos] != '{') {
		vmx_diag_set(ps->d, ps->fname, j->line, "expected a JSON object '{ \"FIELD\": VALUE, ... }'");
		return -1;
	}
	j->pos++;
	js_ws(j);
	if (j->pos < len && t[j->pos] == '}') {
		j->pos++;
		return 0;
	}
	for (;;) {
		char key[256], val[256];
		size_t kn, vn;
		int high, kline;
		uint64_t v;
		const struct vmcs_field_info *fi;
		js_ws(j);
		kline = j->line;
		if (js_string(ps, j, key, sizeof key, &kn))
			return -1;
		js_ws(j);
		if (j->pos >= len || t[j->pos] != ':') {
			vmx_diag_set(ps->d, ps->fname, j->line, "expected ':' after \"%s\"", key);
			return -1;
		}
		j->pos++;
		js_ws(j);
		fi = vmcs_field_lookup(key, kn, &high);
		if (!fi && top && strcmp(key, "fields") == 0 && j->pos < len && t[j->pos] == '{') {
			if (has_fields) {
				vmx_diag_set(ps->d, ps->fname, kline, "\"fields\" given twice");
				return -1;
			}
			has_fields = true;
			if (js_object(ps, j, false))
				return -1;
		} else if (!fi) {
			if (!top)
				return unknown_field(ps, kline, key, kn);
			if (!unknown_line) {
				unknown_line = kline;
				snprintf(unknown, sizeof unknown, "%s", key);
			}
			if (js_skip(ps, j, 0))
				return -1;
		} else {
			if (j->pos < len && t[j->pos] == '"') {
				if (js_string(ps, j, val, sizeof val, &vn))
					return -1;
			} else {
				vn = 0;
				while (j->pos < len && (isalnum((unsigned char)t[j->pos]) || t[j->pos] == '.' || t[j->pos] == '-' ||
							t[j->pos] == '+') && vn + 1 < sizeof val)
					val[vn++] = t[j->pos++];
				val[vn] = 0;
				if (!vn) {
					vmx_diag_set(ps->d, ps->fname, j->line, "expected a number or a string for \"%s\"", key);
					return -1;
				}
			}
			if (!parse_num(val, vn, &v))
				return bad_value(ps, j->line, fi, val, vn);
			if (store(ps, j->line, fi, high, v, val, vn))
				return -1;
		}
		js_ws(j);
		if (j->pos < len && t[j->pos] == ',') {
			j->pos++;
			continue;
		}
		if (j->pos < len && t[j->pos] == '}') {
			j->pos++;
			break;
		}
		vmx_diag_set(ps->d, ps->fname, j->line, "expected ',' or '}' after the value of \"%s\"", key);
		return -1;
	}
	if (top && unknown_line && !has_fields)
		return unknown_field(ps, unknown_line, unknown, strlen(unknown));
	return 0;
}

static int parse_json(struct pstate *ps, const char *t, size_t len)
{
	struct js j = { t, len, 0, 1 };
	if (js_object(ps, &j, true))
		return -1;
	js_ws(&j);
	if (j.pos != len) {
		vmx_diag_set(ps->d, ps->fname, j.line, "unexpected text after the JSON object");
		return -1;
	}
	return 0;
}

/* ---- dump_vmcs ---------------------------------------------------------- */

enum { CTX_NONE = 0, CTX_ENTRY, CTX_EXIT, CTX_IDT };
#define IGN (-1)

/* Keys of the "*** Control State ***" lines: field, or IGN (printed by some version, not read by the checks). */
static const struct {
	const char *key;
	int field;  /* enum vmcs_field or IGN */
	int ctx;    /* only valid after this label on the line (CTX_ENTRY: "VMEntry:") */
} dkeys[] = {
	{ "PinBased", VMCS_F_PIN, 0 },
	{ "CPUBased", VMCS_F_PRIMARY, 0 },
	{ "SecondaryExec", VMCS_F_SECONDARY, 0 },
	{ "TertiaryExec", VMCS_F_TERTIARY, 0 },
	{ "EntryControls", VMCS_F_ENTRY, 0 },
	{ "ExitControls", VMCS_F_EXIT, 0 },
	{ "ExceptionBitmap", IGN, 0 },
	{ "PFECmask", IGN, 0 },
	{ "PFECmatch", IGN, 0 },
	{ "intr_info", VMCS_F_ENTRY_INTR_INFO, CTX_ENTRY },
	{ "errcode", VMCS_F_ENTRY_EXC_ERRCODE, CTX_ENTRY },
	{ "ilen", VMCS_F_ENTRY_INSTR_LEN, CTX_ENTRY },
	{ "reason", IGN, 0 },
	{ "qualification", IGN, 0 },
	{ "info", IGN, 0 },
	{ "TSC Offset", IGN, 0 },
	{ "TSC Multiplier", VMCS_F_TSC_MULTIPLIER, 0 },
	{ "SVI|RVI", IGN, 0 },
	{ "TPR Threshold", VMCS_F_TPR_THRESHOLD, 0 },
	{ "APIC-access addr", VMCS_F_APIC_ACCESS_ADDR, 0 },
	{ "virt-APIC addr", VMCS_F_VIRTUAL_APIC_ADDR, 0 },
	{ "PostedIntrVec", VMCS_F_POSTED_INTR_NV, 0 },
	{ "EPT pointer", VMCS_F_EPTP, 0 },
	{ "EPTP index", IGN, 0 },
	{ "PLE Gap", IGN, 0 },
	{ "Window", IGN, 0 },
	{ "Virtual processor ID", VMCS_F_VPID, 0 },
	{ "VMfunc controls", VMCS_F_VMFUNC_CONTROLS, 0 },
	{ "PML index", IGN, 0 },
};

static bool keychar(int c)
{
	return isalnum(c) || c == '_' || c == '|' || c == '-';
}

/* Parse one hex token at s (optional 0x); returns its length or 0. */
static size_t hex_token(const char *s, size_t n, uint64_t *v)
{
	size_t k = 0;
	while (k < n && !isspace((unsigned char)s[k]) && s[k] != ',')
		k++;
	if (!k)
		return 0;
	if (!parse_hex_digits(s + ((k > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 2 : 0),
			      k - ((k > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 2 : 0), v))
		return 0;
	return k;
}

static int dump_control_line(struct pstate *ps, int line, const char *s, size_t n)
{
	for (size_t eq = 0; eq < n; eq++) {
		size_t ke, vs, best = 0;
		int bi = -1, ctx = CTX_NONE;
		uint64_t v;
		size_t vl;
		if (s[eq] != '=')
			continue;
		ke = eq;
		while (ke > 0 && s[ke - 1] == ' ')
			ke--;
		/* the label in force: the last "VMEntry:" / "VMExit:" / "IDTVectoring:" before the key */
		for (size_t i = 0; i < ke; i++) {
			if (n - i >= 8 && memcmp(s + i, "VMEntry:", 8) == 0)
				ctx = CTX_ENTRY;
			else if (n - i >= 7 && memcmp(s + i, "VMExit:", 7) == 0)
				ctx = CTX_EXIT;
			else if (n - i >= 13 && memcmp(s + i, "IDTVectoring:", 13) == 0)
				ctx = CTX_IDT;
		}
		for (size_t k = 0; k < sizeof(dkeys) / sizeof(dkeys[0]); k++) {
			size_t kl = strlen(dkeys[k].key);
			if (kl > ke || kl <= best || memcmp(s + ke - kl, dkeys[k].key, kl) != 0)
				continue;
			if (ke - kl > 0 && keychar((unsigned char)s[ke - kl - 1]))
				continue;
			best = kl;
			bi = (int)k;
		}
		if (bi < 0) {
			/* "CR3 target0=..." lines */
			size_t d = ke;
			while (d > 0 && isdigit((unsigned char)s[d - 1]))
				d--;
			if (d < ke && d >= 6 && memcmp(s + d - 6, "target", 6) == 0 && memfind(s, n, "CR3 target"))
				continue;
			size_t ks = ke;
			while (ks > 0 && !isspace((unsigned char)s[ks - 1]))
				ks--;
			vmx_diag_set(ps->d, ps->fname, line,
				     "unknown dump_vmcs field '%.*s' in \"*** Control State ***\": expected KVM's dump_vmcs "
				     "lines (PinBased=, CPUBased=, EntryControls=, VMEntry: intr_info=, EPT pointer = ...)",
				     (int)(ke - ks), s + ks);
			return -1;
		}
		vs = eq + 1;
		while (vs < n && s[vs] == ' ')
			vs++;
		if (dkeys[bi].field == IGN || (dkeys[bi].ctx && dkeys[bi].ctx != ctx))
			continue;
		vl = hex_token(s + vs, n - vs, &v);
		if (!vl) {
			size_t k = 0;
			while (vs + k < n && !isspace((unsigned char)s[vs + k]))
				k++;
			vmx_diag_set(ps->d, ps->fname, line, "malformed value '%.*s' for %s: expected a hexadecimal number",
				     (int)k, s + vs, dkeys[bi].key);
			return -1;
		}
		if (store(ps, line, vmcs_field_get((enum vmcs_field)dkeys[bi].field), 0, v, s + vs, vl))
			return -1;
		eq = vs + vl - 1;
	}
	return 0;
}

/* Guest-state values the checks read: "CR0: actual=0x...", "RFLAGS=0x...", "EFER= 0x...", ... */
static int dump_guest_line(struct pstate *ps, int line, const char *s, size_t n)
{
	static const struct {
		const char *key;
		int field;
	} gk[] = {
		{ "CR0: actual=", VMCS_F_GUEST_CR0 },
		{ "CR4: actual=", VMCS_F_GUEST_CR4 },
		{ "RFLAGS=", VMCS_F_GUEST_RFLAGS },
		{ "Interruptibility = ", VMCS_F_GUEST_INTERRUPTIBILITY },
		{ "ActivityState = ", VMCS_F_GUEST_ACTIVITY },
		{ "EFER= ", VMCS_F_GUEST_EFER },
		{ "EFER = ", VMCS_F_GUEST_EFER },
		{ "EFER =", VMCS_F_GUEST_EFER },
	};
	for (size_t k = 0; k < sizeof(gk) / sizeof(gk[0]); k++) {
		const char *p = memfind(s, n, gk[k].key);
		uint64_t v;
		size_t off, vl;
		if (!p)
			continue;
		if ((ps->f->known >> gk[k].field) & 1u)
			continue; /* the first EFER spelling wins; later sections do not override */
		off = (size_t)(p - s) + strlen(gk[k].key);
		while (off < n && s[off] == ' ')
			off++;
		vl = hex_token(s + off, n - off, &v);
		if (!vl) {
			vmx_diag_set(ps->d, ps->fname, line, "malformed value after '%s': expected a hexadecimal number",
				     gk[k].key);
			return -1;
		}
		if (store(ps, line, vmcs_field_get((enum vmcs_field)gk[k].field), 0, v, s + off, vl))
			return -1;
	}
	return 0;
}

static int parse_dump(struct pstate *ps, const char *t, size_t len)
{
	enum { S_NONE, S_GUEST, S_HOST, S_CONTROL, S_DONE } st = S_NONE;
	size_t pos = 0;
	int line = 0;
	bool saw_control = false;
	while (pos < len && st != S_DONE) {
		size_t e = pos;
		while (e < len && t[e] != '\n')
			e++;
		line++;
		const char *s = t + pos;
		size_t n = e - pos;
		if (n && s[n - 1] == '\r')
			n--;
		pos = e + 1;
		if (memfind(s, n, "*** Guest State ***")) {
			st = saw_control ? S_DONE : S_GUEST;
			continue;
		}
		if (memfind(s, n, "*** Host State ***")) {
			st = saw_control ? S_DONE : S_HOST;
			continue;
		}
		if (memfind(s, n, "*** Control State ***")) {
			st = S_CONTROL;
			saw_control = true;
			continue;
		}
		if (st == S_CONTROL && (memfind(s, n, "***") || memfind(s, n, "last attempted VM-entry"))) {
			st = S_DONE;
			continue;
		}
		if (st == S_GUEST && dump_guest_line(ps, line, s, n))
			return -1;
		if (st == S_CONTROL) {
			if (dump_control_line(ps, line, s, n))
				return -1;
			if (memfind(s, n, "Virtual processor ID"))
				st = S_DONE; /* KVM's last control line */
		}
	}
	if (!saw_control) {
		/* a bare paste of the control lines, without the header */
		pos = 0;
		line = 0;
		while (pos < len) {
			size_t e = pos;
			while (e < len && t[e] != '\n')
				e++;
			line++;
			if (memfind(t + pos, e - pos, "=") && dump_control_line(ps, line, t + pos, e - pos))
				return -1;
			pos = e + 1;
		}
		if (!(ps->f->known & ((1ull << VMCS_F_PIN) | (1ull << VMCS_F_PRIMARY)))) {
			vmx_diag_set(ps->d, ps->fname, 0,
				     "no \"*** Control State ***\" section: expected KVM dump_vmcs output (PinBased=, CPUBased=, ...)");
			return -1;
		}
	}
	/* The secondary controls line is absent on CPUs without them: KVM prints 0 then. */
	return 0;
}

/* ---- entry points ------------------------------------------------------- */

int vmcs_input_parse(const char *text, size_t len, const char *fname, enum vmcs_input_format fmt, struct vmcs_fields *f,
		     enum vmcs_input_format *used_fmt, struct vmx_diag *d)
{
	struct pstate ps0;
	struct pstate *ps = &ps0;
	int rc;
	memset(ps, 0, sizeof(*ps));
	ps->fname = fname;
	ps->f = f;
	ps->d = d;
	vmcs_fields_init(f);
	if (fmt == VMCS_IN_AUTO)
		fmt = vmcs_input_detect(text, len);
	if (used_fmt)
		*used_fmt = fmt;
	if (memchr(text, 0, len)) {
		vmx_diag_set(d, fname, 0, "binary data (NUL byte): expected a text file");
		return -1;
	}
	switch (fmt) {
	case VMCS_IN_JSON: rc = parse_json(ps, text, len); break;
	case VMCS_IN_DUMP: rc = parse_dump(ps, text, len); break;
	default: rc = parse_text(ps, text, len); break;
	}
	if (rc)
		vmcs_fields_init(f);
	return rc;
}

int vmcs_input_load(const char *path, enum vmcs_input_format fmt, struct vmcs_fields *f,
		    enum vmcs_input_format *used_fmt, struct vmx_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;
	if (strcmp(path, "-") == 0) {
		size_t cap = 0;
		for (;;) {
			if (len + 4096 + 1 > cap) {
				char *nb;
				cap = cap ? cap * 2 : 65536;
				if (cap > (64u << 20)) {
					free(buf);
					vmx_diag_set(d, "<stdin>", 0, "input larger than 64 MiB");
					return -1;
				}
				nb = realloc(buf, cap);
				if (!nb) {
					free(buf);
					vmx_diag_set(d, "<stdin>", 0, "out of memory");
					return -1;
				}
				buf = nb;
			}
			size_t r = fread(buf + len, 1, cap - len - 1, stdin);
			len += r;
			if (r == 0)
				break;
		}
		if (!buf && !(buf = malloc(1))) {
			vmx_diag_set(d, "<stdin>", 0, "out of memory");
			return -1;
		}
		buf[len] = 0;
		rc = vmcs_input_parse(buf, len, "<stdin>", fmt, f, used_fmt, d);
	} else {
		if (vmx_read_file(path, &buf, &len, d))
			return -1;
		rc = vmcs_input_parse(buf, len, path, fmt, f, used_fmt, d);
	}
	free(buf);
	return rc;
}

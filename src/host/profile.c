/* SPDX-License-Identifier: MIT */
/* Profile reader and writer (docs/profile-format.md). */
#define _POSIX_C_SOURCE 200809L
#include "host/profile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void vmx_diag_set(struct vmx_diag *d, const char *file, int line, const char *fmt, ...)
{
	if (!d)
		return;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

void vmx_profile_init(struct vmx_profile *p)
{
	p->n_meta = 0;
	p->n_cpus = 0;
	p->cpus = NULL;
	p->cap_cpus = 0;
}

void vmx_profile_free(struct vmx_profile *p)
{
	free(p->cpus);
	vmx_profile_init(p);
}

const char *vmx_profile_meta(const struct vmx_profile *p, const char *key)
{
	for (size_t i = 0; i < p->n_meta; i++)
		if (strcmp(p->meta[i].key, key) == 0)
			return p->meta[i].value;
	return NULL;
}

int vmx_profile_set_meta(struct vmx_profile *p, const char *key, const char *value)
{
	size_t i;
	for (i = 0; i < p->n_meta; i++)
		if (strcmp(p->meta[i].key, key) == 0)
			break;
	if (i == p->n_meta) {
		if (p->n_meta >= VMX_META_MAX)
			return -1;
		p->n_meta++;
	}
	snprintf(p->meta[i].key, sizeof(p->meta[i].key), "%s", key);
	snprintf(p->meta[i].value, sizeof(p->meta[i].value), "%s", value);
	return 0;
}

int vmx_profile_add_cpu(struct vmx_profile *p, int id, const struct vmx_snapshot *s)
{
	if (p->n_cpus == p->cap_cpus) {
		size_t cap = p->cap_cpus ? p->cap_cpus * 2 : 1;
		struct vmx_profile_cpu *n = realloc(p->cpus, cap * sizeof(*n));
		if (!n)
			return -1;
		p->cpus = n;
		p->cap_cpus = cap;
	}
	p->cpus[p->n_cpus].id = id;
	p->cpus[p->n_cpus].snap = *s;
	p->n_cpus++;
	return 0;
}

int vmx_profile_looks_like(const char *text, size_t len)
{
	static const char magic[] = "# vmxcfg-profile";
	return len >= sizeof(magic) - 1 && memcmp(text, magic, sizeof(magic) - 1) == 0;
}

/* --- tokenizer ------------------------------------------------------------------------------------ */

struct cursor {
	const char *p, *end;
};

static void skip_blank(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

int vmx_hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Parse a 0x-prefixed hex number of at most maxbits bits.  Returns 0, or -1 with a message in
 * err (what was found and what was expected).
 */
static int parse_hex(struct cursor *c, unsigned maxbits, const char *what, uint64_t *out, char *err, size_t errlen)
{
	skip_blank(c);
	const char *start = c->p;
	const char *tok_end = start;
	while (tok_end < c->end && *tok_end != ' ' && *tok_end != '\t')
		tok_end++;
	int toklen = (int)(tok_end - start);
	if (toklen == 0) {
		snprintf(err, errlen, "missing %s: expected a hexadecimal number like 0x1f", what);
		return -1;
	}
	if (toklen > 64)
		toklen = 64;
	if (start[0] == '-') {
		snprintf(err, errlen, "%s '%.*s' is negative: expected an unsigned hexadecimal number", what, toklen,
			 start);
		return -1;
	}
	if (tok_end - start < 3 || start[0] != '0' || (start[1] != 'x' && start[1] != 'X')) {
		snprintf(err, errlen, "%s '%.*s': expected a hexadecimal number with a 0x prefix", what, toklen, start);
		return -1;
	}
	uint64_t v = 0;
	unsigned digits = 0;
	for (const char *q = start + 2; q < tok_end; q++) {
		int h = vmx_hex_digit(*q);
		if (h < 0) {
			snprintf(err, errlen, "%s '%.*s': '%c' is not a hexadecimal digit: expected 0x and 0-9, a-f or A-F", what,
				 toklen, start, *q);
			return -1;
		}
		if (v == 0 && h == 0)
			continue; /* leading zeros */
		digits++;
		if (digits > 16 || (v >> 60) != 0) {
			snprintf(err, errlen, "%s '%.*s' does not fit in %u bits: expected at most %u significant hexadecimal digits", what,
				 toklen, start, maxbits, maxbits / 4);
			return -1;
		}
		v = (v << 4) | (uint64_t)h;
	}
	if (maxbits < 64 && (v >> maxbits) != 0) {
		snprintf(err, errlen, "%s '%.*s' does not fit in %u bits: expected at most %u significant hexadecimal digits", what,
				 toklen, start, maxbits, maxbits / 4);
		return -1;
	}
	c->p = tok_end;
	*out = v;
	return 0;
}

static int expect_end(struct cursor *c, char *err, size_t errlen)
{
	skip_blank(c);
	if (c->p < c->end) {
		int n = (int)(c->end - c->p);
		snprintf(err, errlen, "unexpected '%.*s' at the end of the record: expected the end of the line",
			 n > 40 ? 40 : n, c->p);
		return -1;
	}
	return 0;
}

/* --- parser --------------------------------------------------------------------------------------- */

struct pstate {
	struct vmx_profile *p;
	struct vmx_snapshot common; /* records before the first `cpu` line */
	int cur;                    /* index into p->cpus, -1 while in the common part */
	int last_id;
	int seen_record;
	int seen_data; /* an msr or cpuid record (a `cpu` line alone is not a profile) */
	/* Per line of the common part, for duplicates reported across cpu blocks. */
};

static int add_msr(struct vmx_snapshot *s, uint32_t idx, uint64_t val, char *err, size_t errlen)
{
	int rc = vmx_snapshot_set_msr(s, idx, val);
	if (rc == VMX_ERR_UNKNOWN_MSR) {
		snprintf(err, errlen, "MSR 0x%" PRIx32 " is not a VMX capability MSR: expected 0x3a or 0x480-0x493", idx);
		return -1;
	}
	if (rc == VMX_ERR_DUPLICATE) {
		snprintf(err, errlen, "MSR 0x%" PRIx32 " given twice for the same CPU: expected each MSR once per CPU", idx);
		return -1;
	}
	return 0;
}

static int add_cpuid(struct vmx_snapshot *s, const struct vmx_cpuid_leaf *l, char *err, size_t errlen)
{
	int rc = vmx_snapshot_set_cpuid(s, l);
	if (rc == VMX_ERR_DUPLICATE) {
		snprintf(err, errlen, "CPUID leaf 0x%" PRIx32 " subleaf 0x%" PRIx32
			 " given twice for the same CPU: expected each (leaf, subleaf) once per CPU",
			 l->leaf, l->subleaf);
		return -1;
	}
	if (rc == VMX_ERR_FULL) {
		snprintf(err, errlen, "too many CPUID leaves for one CPU (at most %d)", VMX_CPUID_MAX);
		return -1;
	}
	return 0;
}

static int parse_meta(struct pstate *st, const char *line, size_t n)
{
	/* "# key: value" before the first record. */
	const char *q = line + 1, *end = line + n;
	while (q < end && *q == ' ')
		q++;
	const char *k = q;
	while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_' || *q == '-'))
		q++;
	if (q == k || q >= end || *q != ':' || q - k >= VMX_META_KEY)
		return 0; /* a plain comment */
	char key[VMX_META_KEY];
	memcpy(key, k, (size_t)(q - k));
	key[q - k] = 0;
	q++;
	while (q < end && *q == ' ')
		q++;
	char val[VMX_META_VAL];
	size_t vl = (size_t)(end - q);
	if (vl >= sizeof(val))
		vl = sizeof(val) - 1;
	memcpy(val, q, vl);
	val[vl] = 0;
	if (strcmp(key, "note") == 0) {
		/* Several notes: keep them all, as note, note2, ... */
		char nk[VMX_META_KEY];
		int i = 1;
		snprintf(nk, sizeof(nk), "note");
		while (vmx_profile_meta(st->p, nk) && i < 99)
			snprintf(nk, sizeof(nk), "note%d", ++i);
		vmx_profile_set_meta(st->p, nk, val);
		return 0;
	}
	vmx_profile_set_meta(st->p, key, val);
	return 0;
}

static int parse_line(struct pstate *st, const char *line, size_t n, char *err, size_t errlen)
{
	struct cursor c = { line, line + n };
	skip_blank(&c);
	if (c.p == c.end)
		return 0;
	if (*c.p == '#') {
		if (!st->seen_record)
			parse_meta(st, c.p, (size_t)(c.end - c.p));
		return 0;
	}
	const char *w = c.p;
	while (c.p < c.end && *c.p != ' ' && *c.p != '\t')
		c.p++;
	size_t wl = (size_t)(c.p - w);
	struct vmx_snapshot *s = st->cur < 0 ? &st->common : &st->p->cpus[st->cur].snap;
	st->seen_record = 1;
	if (wl == 3 && memcmp(w, "msr", 3) == 0) {
		uint64_t idx, val;
		st->seen_data = 1;
		if (parse_hex(&c, 32, "MSR index", &idx, err, errlen) ||
		    parse_hex(&c, 64, "MSR value", &val, err, errlen))
			return -1;
		/* Partial snapshots (imports of vmxcap, /proc/cpuinfo): "msr INDEX VALUE known MASK". */
		uint64_t known = ~(uint64_t)0;
		skip_blank(&c);
		if (c.end - c.p >= 5 && memcmp(c.p, "known", 5) == 0) {
			c.p += 5;
			if (parse_hex(&c, 64, "known mask", &known, err, errlen))
				return -1;
			if (val & ~known) {
				snprintf(err, errlen, "MSR value 0x%" PRIx64 " has bits outside its known mask 0x%" PRIx64
						      ": expected unknown bits to be written as 0",
					 val, known);
				return -1;
			}
		}
		if (expect_end(&c, err, errlen) || add_msr(s, (uint32_t)idx, val, err, errlen))
			return -1;
		if (known != ~(uint64_t)0) {
			s->known[vmx_msr_slot((uint32_t)idx)] = known;
			s->flags |= VMX_SNAP_PARTIAL;
		}
		return 0;
	}
	if (wl == 5 && memcmp(w, "cpuid", 5) == 0) {
		uint64_t v[6];
		st->seen_data = 1;
		static const char *const names[6] = { "CPUID leaf", "CPUID subleaf", "EAX", "EBX", "ECX", "EDX" };
		for (int i = 0; i < 6; i++)
			if (parse_hex(&c, 32, names[i], &v[i], err, errlen))
				return -1;
		if (expect_end(&c, err, errlen))
			return -1;
		struct vmx_cpuid_leaf l = { (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2],
					    (uint32_t)v[3], (uint32_t)v[4], (uint32_t)v[5] };
		return add_cpuid(s, &l, err, errlen);
	}
	if (wl == 3 && memcmp(w, "cpu", 3) == 0) {
		skip_blank(&c);
		const char *d = c.p;
		long id = 0;
		while (c.p < c.end && *c.p >= '0' && *c.p <= '9' && id < 100000)
			id = id * 10 + (*c.p++ - '0');
		if (c.p == d || id >= 100000 || expect_end(&c, err, errlen)) {
			snprintf(err, errlen, "expected 'cpu N' with N a decimal CPU number below 100000");
			return -1;
		}
		if ((int)id <= st->last_id) {
			snprintf(err, errlen, "cpu %ld out of order: CPU blocks must be in increasing order (after cpu %d)",
				 id, st->last_id);
			return -1;
		}
		if (vmx_profile_add_cpu(st->p, (int)id, &st->common)) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		st->cur = (int)st->p->n_cpus - 1;
		st->last_id = (int)id;
		return 0;
	}
	int wn = (int)(wl > 40 ? 40 : wl);
	snprintf(err, errlen, "unknown record '%.*s': expected 'cpuid', 'msr', 'cpu' or a '#' comment", wn, w);
	return -1;
}

int vmx_profile_parse(const char *text, size_t len, const char *fname, struct vmx_profile *p, struct vmx_diag *d)
{
	vmx_profile_init(p);
	if (len == 0) {
		vmx_diag_set(d, fname, 0, "empty file: expected a profile starting with '# vmxcfg-profile 1'");
		return -1;
	}
	if (memchr(text, 0, len)) {
		vmx_diag_set(d, fname, 0, "binary data (a NUL byte): expected a text profile");
		return -1;
	}
	struct pstate *st = malloc(sizeof(*st));
	if (!st) {
		vmx_diag_set(d, fname, 0, "out of memory");
		return -1;
	}
	st->p = p;
	vmx_snapshot_init(&st->common);
	st->cur = -1;
	st->last_id = -1;
	st->seen_record = 0;
	st->seen_data = 0;
	char err[400];
	const char *q = text, *end = text + len;
	int lineno = 0, rc = 0;
	while (q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		const char *le = nl ? nl : end;
		lineno++;
		size_t n = (size_t)(le - q);
		if (n && q[n - 1] == '\r')
			n--;
		if (n > VMX_LINE_MAX) {
			vmx_diag_set(d, fname, lineno, "line too long (%zu bytes): expected at most %d", n, VMX_LINE_MAX);
			rc = -1;
			break;
		}
		if (lineno == 1) {
			if (n < 16 || memcmp(q, "# vmxcfg-profile", 16) != 0) {
				vmx_diag_set(d, fname, 1, "expected the header '# vmxcfg-profile 1' on the first line");
				rc = -1;
				break;
			}
			const char *v = q + 16;
			while (v < q + n && *v == ' ')
				v++;
			if (!(q + n - v == 1 && *v == '1')) {
				vmx_diag_set(d, fname, 1, "unsupported profile format version '%.*s': expected 1",
					     (int)(q + n - v > 20 ? 20 : q + n - v), v);
				rc = -1;
				break;
			}
		} else if (parse_line(st, q, n, err, sizeof(err))) {
			vmx_diag_set(d, fname, lineno, "%s", err);
			rc = -1;
			break;
		}
		q = nl ? nl + 1 : end;
	}
	if (rc == 0 && !st->seen_data) {
		vmx_diag_set(d, fname, lineno, "no records: expected 'msr' and 'cpuid' lines");
		rc = -1;
	}
	if (rc == 0 && p->n_cpus == 0 && vmx_profile_add_cpu(p, -1, &st->common)) {
		vmx_diag_set(d, fname, 0, "out of memory");
		rc = -1;
	}
	free(st);
	if (rc)
		vmx_profile_free(p);
	return rc;
}

int vmx_read_file(const char *path, char **buf, size_t *len, struct vmx_diag *d)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		vmx_diag_set(d, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	size_t cap = 65536, n = 0;
	char *b = malloc(cap + 1);
	if (!b) {
		if (f != stdin)
			fclose(f);
		vmx_diag_set(d, path, 0, "out of memory");
		return -1;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= ((size_t)64 << 20)) {
				free(b);
				if (f != stdin)
					fclose(f);
				vmx_diag_set(d, path, 0, "file too large: expected at most 64 MiB");
				return -1;
			}
			cap *= 2;
			char *nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				if (f != stdin)
					fclose(f);
				vmx_diag_set(d, path, 0, "out of memory");
				return -1;
			}
			b = nb;
		}
		size_t got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				int e = errno;
				free(b);
				if (f != stdin)
					fclose(f);
				vmx_diag_set(d, path, 0, "cannot read: %s", strerror(e ? e : EIO));
				return -1;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

int vmx_profile_load(const char *path, struct vmx_profile *p, struct vmx_diag *d)
{
	char *buf;
	size_t len;
	vmx_profile_init(p);
	if (vmx_read_file(path, &buf, &len, d))
		return -1;
	int rc = vmx_profile_parse(buf, len, path, p, d);
	free(buf);
	return rc;
}

/* --- writer --------------------------------------------------------------------------------------- */

static void write_records(FILE *f, const struct vmx_snapshot *s, const struct vmx_snapshot *skip)
{
	for (uint32_t i = 0; i < s->n_cpuid; i++) {
		const struct vmx_cpuid_leaf *l = &s->cpuid[i];
		if (skip) {
			const struct vmx_cpuid_leaf *o = vmx_snapshot_find_cpuid(skip, l->leaf, l->subleaf);
			if (o && o->eax == l->eax && o->ebx == l->ebx && o->ecx == l->ecx && o->edx == l->edx)
				continue;
		}
		fprintf(f, "cpuid 0x%" PRIx32 " 0x%" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32
			   "\n",
			l->leaf, l->subleaf, l->eax, l->ebx, l->ecx, l->edx);
	}
	for (int i = 0; i < VMX_MSR_COUNT; i++) {
		if (!vmx_snapshot_has(s, (enum vmx_msr_slot)i))
			continue;
		if (skip && vmx_snapshot_has(skip, (enum vmx_msr_slot)i) && skip->msr[i] == s->msr[i] &&
		    skip->known[i] == s->known[i])
			continue;
		if ((s->flags & VMX_SNAP_PARTIAL) && s->known[i] != ~(uint64_t)0)
			fprintf(f, "msr 0x%" PRIx32 " 0x%016" PRIx64 " known 0x%016" PRIx64 "\n",
				vmx_msr_index((enum vmx_msr_slot)i), s->msr[i] & s->known[i], s->known[i]);
		else
			fprintf(f, "msr 0x%" PRIx32 " 0x%016" PRIx64 "\n", vmx_msr_index((enum vmx_msr_slot)i), s->msr[i]);
	}
}

/* Records every CPU has with the same value. */
static void common_part(const struct vmx_profile *p, struct vmx_snapshot *c)
{
	vmx_snapshot_init(c);
	const struct vmx_snapshot *s0 = &p->cpus[0].snap;
	for (uint32_t i = 0; i < s0->n_cpuid; i++) {
		int all = 1;
		for (size_t k = 1; k < p->n_cpus && all; k++) {
			const struct vmx_cpuid_leaf *o =
				vmx_snapshot_find_cpuid(&p->cpus[k].snap, s0->cpuid[i].leaf, s0->cpuid[i].subleaf);
			all = o && o->eax == s0->cpuid[i].eax && o->ebx == s0->cpuid[i].ebx &&
			      o->ecx == s0->cpuid[i].ecx && o->edx == s0->cpuid[i].edx;
		}
		if (all)
			vmx_snapshot_set_cpuid(c, &s0->cpuid[i]);
	}
	for (int i = 0; i < VMX_MSR_COUNT; i++) {
		if (!vmx_snapshot_has(s0, (enum vmx_msr_slot)i))
			continue;
		int all = 1;
		for (size_t k = 1; k < p->n_cpus && all; k++)
			all = vmx_snapshot_has(&p->cpus[k].snap, (enum vmx_msr_slot)i) &&
			      p->cpus[k].snap.msr[i] == s0->msr[i] && p->cpus[k].snap.known[i] == s0->known[i];
		if (all) {
			vmx_snapshot_set_msr(c, vmx_msr_index((enum vmx_msr_slot)i), s0->msr[i]);
			c->known[i] = s0->known[i]; /* partial profiles keep their known masks */
			c->flags |= s0->flags & VMX_SNAP_PARTIAL;
		}
	}
}

int vmx_profile_write(FILE *f, const struct vmx_profile *p)
{
	fprintf(f, "# vmxcfg-profile 1\n");
	for (size_t i = 0; i < p->n_meta; i++) {
		const char *k = p->meta[i].key;
		/* note2, note3 ... are written back as note. */
		if (strncmp(k, "note", 4) == 0 && k[4] >= '0' && k[4] <= '9')
			k = "note";
		fprintf(f, "# %s: %s\n", k, p->meta[i].value);
	}
	if (p->n_cpus == 0)
		return ferror(f) ? -1 : 0;
	int same = 1;
	for (size_t k = 1; k < p->n_cpus && same; k++)
		same = vmx_snapshot_equal(&p->cpus[0].snap, &p->cpus[k].snap);
	if (same) {
		write_records(f, &p->cpus[0].snap, NULL);
		return ferror(f) ? -1 : 0;
	}
	struct vmx_snapshot *c = malloc(sizeof(*c));
	if (!c)
		return -1;
	common_part(p, c);
	write_records(f, c, NULL);
	for (size_t k = 0; k < p->n_cpus; k++) {
		fprintf(f, "cpu %d\n", p->cpus[k].id < 0 ? (int)k : p->cpus[k].id);
		write_records(f, &p->cpus[k].snap, c);
	}
	free(c);
	return ferror(f) ? -1 : 0;
}

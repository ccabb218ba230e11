/* SPDX-License-Identifier: MIT */
/* Streams of profiles (see stream.h), with a fast single-pass parser for the common shape. */
#define _POSIX_C_SOURCE 200809L
#define _GNU_SOURCE
#include "host/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HDR "# vmxcfg-profile"
#define HDR_LEN 16
#define MAX_PROFILE_BYTES ((size_t)64 << 20)
#define READ_CHUNK ((size_t)1 << 20)

/* --- fast parser ----------------------------------------------------------------------------------- */

static const signed char hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
}; /* value + 1; 0 = not a hex digit */

#ifndef VMXCFG_SWAR
#define VMXCFG_SWAR 1
#endif
#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

/* Eight ASCII hex digits at p (SWAR: checked and converted 8 bytes at a time); -1 if one is not a hex digit. */
__attribute__((always_inline)) static inline int hex8(const char *p, uint64_t *out)
{
	uint64_t x;
	memcpy(&x, p, 8);
	if (x & HIGH)
		return -1;
	uint64_t h = x | HIGH, l = x | (0x20 * ONES) | HIGH;
	uint64_t digit = ((h - 0x30 * ONES) & ~(h - 0x3a * ONES)) & HIGH; /* '0' <= c <= '9' */
	uint64_t alpha = ((l - 0x61 * ONES) & ~(l - 0x67 * ONES)) & HIGH; /* 'a' <= c|0x20 <= 'f' */
	if ((digit | alpha) != HIGH)
		return -1;
	uint64_t a = (x >> 6) & ONES; /* 1 for letters */
	uint64_t n = __builtin_bswap64((x & (0x0f * ONES)) + a * 9);
	n = (n | (n >> 4)) & 0x00ff00ff00ff00ffull;
	n = (n | (n >> 8)) & 0x0000ffff0000ffffull;
	n = (n | (n >> 16)) & 0xffffffffull;
	*out = n;
	return 0;
}

static const unsigned char delims[256] = { [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1 };

static inline int delim(const char *p, const char *end)
{
	return p == end || delims[(unsigned char)*p];
}

/*
 * One 0x-prefixed hex token of at most maxbits bits, as profile.c accepts it, ending at a blank, CR, LF or the
 * end of the buffer; 0 on success.
 */
__attribute__((always_inline)) static inline int thex(const char **pp, const char *end, unsigned maxbits, uint64_t *out)
{
	const char *p = *pp;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 3 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return -1;
	p += 2;
	/* The usual widths, "0x%08x" and "0x%016llx", eight digits at a time. */
	if (VMXCFG_SWAR && end - p >= 8) {
		uint64_t lo, hi;
		if (end - p >= 16 && delim(p + 16, end) && !hex8(p, &hi) && !hex8(p + 8, &lo)) {
			uint64_t v = (hi << 32) | lo;
			if (maxbits < 64 && (v >> maxbits) != 0)
				return -1;
			*pp = p + 16;
			*out = v;
			return 0;
		}
		if (delim(p + 8, end) && !hex8(p, &lo)) {
			if (maxbits < 32 && (lo >> maxbits) != 0)
				return -1;
			*pp = p + 8;
			*out = lo;
			return 0;
		}
	}
	if (p == end || !hexv[(unsigned char)*p])
		return -1;
	while (p < end && *p == '0')
		p++;
	uint64_t v = 0;
	unsigned digits = 0;
	for (; p < end; p++) {
		int h = hexv[(unsigned char)*p];
		if (!h)
			break;
		if (++digits > 16)
			return -1;
		v = (v << 4) | (uint64_t)(h - 1);
	}
	if (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
		return -1;
	if (maxbits < 64 && (v >> maxbits) != 0)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

/* After a record's last token: blanks, then the end of the line.  Sets *eol to the LF (or end); 0 if ok. */
static inline int tail(const char *p, const char *end, const char **eol)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n'))
		p++;
	if (p < end && *p != '\n')
		return -1;
	*eol = p;
	return 0;
}

#define FAST_MORE (-2)

/*
 * The fast parser on buf[0..len): one profile, up to the next header line or the end.  Returns 1 (parsed;
 * *consumed bytes), 0 (let vmx_profile_parse decide), FAST_MORE (the buffer ended before the profile did and
 * more input may follow).
 */
static int fast(const char *text, size_t len, int at_eof, struct vmx_snapshot *s, const char **name,
		size_t *name_len, long *lines, size_t *consumed)
{
	*name = NULL;
	*name_len = 0;
	const char *q = text, *end = text + len;
	long lineno = 1;
	int seen_record = 0, n_meta = 0;
	/* Header line. */
	{
		const char *nl = memchr(q, '\n', len);
		if (!nl && !at_eof)
			return FAST_MORE;
		const char *le = nl ? nl : end;
		if (le > q && le[-1] == '\r')
			le--;
		if (le - q < HDR_LEN || memcmp(q, HDR, HDR_LEN) != 0)
			return 0;
		const char *v = q + HDR_LEN;
		while (v < le && *v == ' ')
			v++;
		if (!(le - v == 1 && *v == '1'))
			return 0;
		q = nl ? nl + 1 : end;
	}
	s->msr_present = 0;
	s->flags = 0;
	s->n_cpuid = 0;
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		s->known[i] = 0;
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		s->msr[i] = 0;
	while (q < end) {
		const char *p = q, *eol;
		lineno++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end) {
			if (!at_eof)
				return FAST_MORE;
			q = end;
			break;
		}
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			eol = *p == '\n' ? p : p + 1;
			goto next;
		}
		if (*p == '#') {
			if (p == q && end - p >= HDR_LEN && memcmp(p, HDR, HDR_LEN) == 0) {
				lineno--;
				break; /* the next profile */
			}
			eol = memchr(p, '\n', (size_t)(end - p));
			if (!eol) {
				if (!at_eof)
					return FAST_MORE;
				eol = end;
			}
			const char *le = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
			if (memchr(p, 0, (size_t)(le - p)))
				return 0;
			if (seen_record)
				goto next;
			const char *k = p + 1;
			while (k < le && *k == ' ')
				k++;
			const char *ke = k;
			while (ke < le && ((*ke >= 'a' && *ke <= 'z') || (*ke >= '0' && *ke <= '9') || *ke == '_' ||
					   *ke == '-'))
				ke++;
			if (ke == k || ke >= le || *ke != ':' || ke - k >= VMX_META_KEY)
				goto next;
			if (++n_meta > 8)
				return 0;
			if (ke - k == 4 && memcmp(k, "name", 4) == 0) {
				const char *v = ke + 1;
				while (v < le && *v == ' ')
					v++;
				size_t vl = (size_t)(le - v);
				if (vl > VMX_META_VAL - 1)
					vl = VMX_META_VAL - 1;
				*name = v;
				*name_len = vl;
			}
			goto next;
		}
		seen_record = 1;
		/* The common shape "msr 0xNNN 0x<16 digits>\n" in one go. */
		if (end - p >= 29 && p[28] == '\n' && memcmp(p, "msr 0x", 6) == 0 && p[9] == ' ' && p[10] == '0' &&
		    (p[11] == 'x' || p[11] == 'X')) {
			int h1 = hexv[(unsigned char)p[6]], h2 = hexv[(unsigned char)p[7]], h3 = hexv[(unsigned char)p[8]];
			uint64_t hi, lo;
			if (h1 && h2 && h3 && !hex8(p + 12, &hi) && !hex8(p + 20, &lo)) {
				int slot = vmx_msr_slot((uint32_t)((h1 - 1) << 8 | (h2 - 1) << 4 | (h3 - 1)));
				if (slot < 0 || (s->msr_present & (1u << slot)))
					return 0;
				s->msr[slot] = (hi << 32) | lo;
				s->msr_present |= 1u << slot;
				s->known[slot] = ~(uint64_t)0;
				eol = p + 28;
				goto next;
			}
		}
		if (end - p > 4 && p[0] == 'm' && p[1] == 's' && p[2] == 'r' && (p[3] == ' ' || p[3] == '\t')) {
			uint64_t idx, val;
			p += 3;
			if (thex(&p, end, 32, &idx) || thex(&p, end, 64, &val) || tail(p, end, &eol))
				goto bad;
			int slot = vmx_msr_slot((uint32_t)idx);
			if (slot < 0 || (s->msr_present & (1u << slot)))
				return 0;
			s->msr[slot] = val;
			s->msr_present |= 1u << slot;
			s->known[slot] = ~(uint64_t)0;
		} else if (end - p > 6 && memcmp(p, "cpuid", 5) == 0 && (p[5] == ' ' || p[5] == '\t')) {
			uint64_t v[6];
			p += 5;
			for (int i = 0; i < 6; i++)
				if (thex(&p, end, 32, &v[i]))
					goto bad;
			if (tail(p, end, &eol))
				goto bad;
			struct vmx_cpuid_leaf l = { (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2],
						    (uint32_t)v[3], (uint32_t)v[4], (uint32_t)v[5] };
			if (vmx_snapshot_set_cpuid(s, &l) != VMX_OK)
				return 0;
		} else {
			goto bad; /* `cpu N` blocks, unknown records: the full parser decides */
		}
next:;
		size_t n = (size_t)(eol - q);
		if (n && q[n - 1] == '\r')
			n--;
		if (n > VMX_LINE_MAX)
			return 0;
		q = eol < end ? eol + 1 : end;
		continue;
bad:
		/* A record that ran into the end of the buffer may just be cut short. */
		if (!at_eof && !memchr(q, '\n', (size_t)(end - q)))
			return FAST_MORE;
		return 0;
	}
	if (q == end && !at_eof)
		return FAST_MORE;
	if (!seen_record)
		return 0;
	*lines = lineno;
	*consumed = (size_t)(q - text);
	return 1;
}

int vmx_profile_parse_fast(const char *text, size_t len, struct vmx_snapshot *s, const char **name,
			   size_t *name_len, long *lines)
{
	size_t consumed;
	*lines = 0;
	if (len == 0)
		return 0;
	int r = fast(text, len, 1, s, name, name_len, lines, &consumed);
	return r == 1 && consumed == len ? 1 : 0;
}

/* --- the stream ------------------------------------------------------------------------------------ */

struct vmx_stream {
	int fd;         /* -1 for memory streams */
	int own_buf;
	char *buf;
	size_t cap, start, end;
	int eof;
	int slow;
	char fname[256];
	size_t index;
	long line;      /* line number of buf[start] */
	struct vmx_profile prof;
	struct vmx_stream_item item;
	char name[VMX_META_VAL];
};

static struct vmx_stream *stream_new(const char *name)
{
	struct vmx_stream *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->fd = -1;
	st->line = 1;
	snprintf(st->fname, sizeof(st->fname), "%s", name);
	vmx_profile_init(&st->prof);
	return st;
}

struct vmx_stream *vmx_stream_open(const char *path, struct vmx_diag *d)
{
	int stdin_ = strcmp(path, "-") == 0;
	struct vmx_stream *st = stream_new(stdin_ ? "<stdin>" : path);
	if (!st) {
		vmx_diag_set(d, path, 0, "out of memory");
		return NULL;
	}
	st->fd = stdin_ ? 0 : open(path, O_RDONLY);
	if (st->fd < 0) {
		vmx_diag_set(d, path, 0, "cannot open: %s", strerror(errno));
		free(st);
		return NULL;
	}
	st->cap = 4 * READ_CHUNK;
	st->buf = malloc(st->cap);
	st->own_buf = 1;
	if (!st->buf) {
		vmx_diag_set(d, path, 0, "out of memory");
		vmx_stream_close(st);
		return NULL;
	}
	return st;
}

struct vmx_stream *vmx_stream_open_mem(const char *buf, size_t len, const char *name)
{
	struct vmx_stream *st = stream_new(name);
	if (!st)
		return NULL;
	st->buf = (char *)buf;
	st->cap = st->end = len;
	st->eof = 1;
	return st;
}

void vmx_stream_close(struct vmx_stream *st)
{
	if (!st)
		return;
	if (st->fd > 0)
		close(st->fd);
	if (st->own_buf)
		free(st->buf);
	vmx_profile_free(&st->prof);
	free(st);
}

void vmx_stream_set_slow(struct vmx_stream *st, int slow)
{
	st->slow = slow;
}

/* Read more input: -1 with *d on error, else 0 (st->eof set at the end). */
static int fill(struct vmx_stream *st, struct vmx_diag *d)
{
	if (st->eof)
		return 0;
	if (st->start > 0) {
		memmove(st->buf, st->buf + st->start, st->end - st->start);
		st->end -= st->start;
		st->start = 0;
	}
	if (st->cap - st->end < READ_CHUNK) {
		if (st->cap >= MAX_PROFILE_BYTES + 2 * READ_CHUNK) {
			vmx_diag_set(d, st->fname, st->line, "profile too large: expected at most 64 MiB per profile");
			return -1;
		}
		char *nb = realloc(st->buf, st->cap * 2);
		if (!nb) {
			vmx_diag_set(d, st->fname, st->line, "out of memory");
			return -1;
		}
		st->buf = nb;
		st->cap *= 2;
	}
	for (;;) {
		ssize_t got = read(st->fd, st->buf + st->end, st->cap - st->end);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			vmx_diag_set(d, st->fname, 0, "cannot read: %s", strerror(errno));
			return -1;
		}
		if (got == 0)
			st->eof = 1;
		st->end += (size_t)got;
		return 0;
	}
}

/* Where the profile starting at buf[start] ends: the next line that starts with the header, or the end. */
static const char *find_next_header(const char *p, const char *end)
{
	if (end - p < 1)
		return NULL;
	const char *q = p + 1;
	for (;;) {
		const char *m = memmem(q - 1, (size_t)(end - (q - 1)), "\n" HDR, HDR_LEN + 1);
		if (!m)
			return NULL;
		return m + 1;
	}
}

static void finish_item(struct vmx_stream *st, struct vmx_stream_item *it, long lines, size_t len)
{
	if (it->name) {
		size_t n = strlen(it->name);
		if (n > 300)
			n = 300;
		memcpy(it->label, it->name, n);
		it->label[n] = 0;
	} else {
		snprintf(it->label, sizeof(it->label), "%.250s#%zu", st->fname, st->index + 1);
	}
	st->index++;
	st->line += lines;
	st->start += len;
}

int vmx_stream_next(struct vmx_stream *st, struct vmx_stream_item **item, struct vmx_diag *d)
{
	struct vmx_stream_item *it = &st->item;
	for (;;) {
		if (st->start == st->end) {
			if (st->eof)
				return 0;
			if (fill(st, d))
				return -1;
			continue;
		}
		if (st->slow)
			break;
		const char *nm;
		size_t nml, consumed;
		long lines;
		int r = fast(st->buf + st->start, st->end - st->start, st->eof, &it->snap, &nm, &nml, &lines, &consumed);
		if (r == FAST_MORE) {
			if (fill(st, d))
				return -1;
			continue;
		}
		if (r != 1)
			break;
		it->index = st->index;
		it->line = st->line;
		it->full = NULL;
		it->name = NULL;
		if (nm) {
			memcpy(st->name, nm, nml);
			st->name[nml] = 0;
			it->name = st->name;
		}
		finish_item(st, it, lines, consumed);
		*item = it;
		return 1;
	}
	/* The full parser: find where this profile ends, then parse it as one file. */
	const char *next;
	size_t scan_from = st->start;
	for (;;) {
		next = NULL;
		if (st->end > scan_from)
			next = find_next_header(st->buf + scan_from, st->buf + st->end);
		if (next || st->eof)
			break;
		size_t scanned = st->end - st->start;
		if (fill(st, d))
			return -1;
		scan_from = st->start + (scanned > HDR_LEN + 1 ? scanned - HDR_LEN - 1 : 0);
	}
	const char *text = st->buf + st->start;
	size_t len = next ? (size_t)(next - text) : st->end - st->start;
	if (len == 0)
		return 0;
	it->index = st->index;
	it->line = st->line;
	it->full = NULL;
	it->name = NULL;
	vmx_profile_free(&st->prof);
	if (vmx_profile_parse(text, len, st->fname, &st->prof, d)) {
		if (d->line > 0)
			d->line += (int)(st->line - 1);
		else
			d->line = (int)st->line;
		return -1;
	}
	it->snap = st->prof.cpus[0].snap;
	if (st->prof.n_cpus > 1 || st->prof.cpus[0].id >= 0)
		it->full = &st->prof;
	const char *n = vmx_profile_meta(&st->prof, "name");
	if (n) {
		snprintf(st->name, sizeof(st->name), "%s", n);
		it->name = st->name;
	}
	long lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		lines++;
	finish_item(st, it, lines, len);
	*item = it;
	return 1;
}

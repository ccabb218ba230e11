/* SPDX-License-Identifier: MIT */
/*
 * Streams of profiles (src/host/stream.c): the fast path gives exactly what vmx_profile_parse gives, accepts
 * nothing it rejects, and errors carry the stream's line numbers with the full parser's message.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmxcfg/vmxcfg.h>

#include "host/profile.h"
#include "host/stream.h"
#include "t.h"

static char *concat_all(size_t *len, size_t *n)
{
	size_t cap = 1 << 20, o = 0;
	char *b = malloc(cap);
	*n = vmx_embedded_count();
	for (size_t i = 0; b && i < *n; i++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at(i);
		while (o + e->len + 2 > cap) {
			char *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				return NULL;
			}
			b = nb;
		}
		memcpy(b + o, e->text, e->len);
		o += e->len;
		if (b[o - 1] != '\n')
			b[o++] = '\n';
	}
	*len = o;
	return b;
}

/* One text through both parsers: full (p, to be freed when it accepted) and fast (s, nm, nml). */
struct both {
	int full, fast;
	struct vmx_profile p;
	struct vmx_snapshot s;
	const char *nm;
	size_t nml;
};

static void parse_both(const char *text, size_t len, const char *name, struct both *b)
{
	struct vmx_diag d;
	long lines;
	b->full = vmx_profile_parse(text, len, name, &b->p, &d) == 0;
	b->fast = vmx_profile_parse_fast(text, len, &b->s, &b->nm, &b->nml, &lines) == 1;
}

static void test_fast_equals_full(void)
{
	size_t fast_ok = 0;
	for (size_t i = 0; i < vmx_embedded_count(); i++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at(i);
		static struct both b;
		parse_both(e->text, e->len, e->name, &b);
		T_CHECK(b.full);
		if (b.fast) {
			fast_ok++;
			T_CHECK(b.full && vmx_snapshot_equal(&b.s, &b.p.cpus[0].snap));
			const char *pn = b.full ? vmx_profile_meta(&b.p, "name") : NULL;
			T_CHECK((pn == NULL) == (b.nm == NULL));
			if (pn && b.nm)
				T_CHECK(strlen(pn) == b.nml && memcmp(pn, b.nm, b.nml) == 0);
		}
		if (b.full)
			vmx_profile_free(&b.p);
	}
	/* The embedded profiles have no cpu blocks: every one takes the fast path. */
	T_EQ_U64(fast_ok, vmx_embedded_count());
}

/* Random edits: whenever the fast path accepts, the full parser accepts with the same snapshot. */
static void test_mutations(void)
{
	uint64_t seed = 12345;
	size_t agree = 0, fast_yes = 0, full_yes = 0;
	static const char alphabet[] = "0123456789abcdefxX \t\n\r#:-msrcpuidgz\0";
	for (int round = 0; round < 6000; round++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at((size_t)round % vmx_embedded_count());
		char *t = malloc(e->len + 8);
		memcpy(t, e->text, e->len);
		size_t len = e->len;
		int edits = 1 + round % 3;
		for (int k = 0; k < edits; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			size_t pos = (size_t)(seed >> 33) % len;
			char c = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
			if ((seed >> 10) & 1)
				t[pos] = c;
			else if (len > 2) {
				memmove(t + pos, t + pos + 1, len - pos - 1);
				len--;
			}
		}
		static struct both b;
		parse_both(t, len, "m", &b);
		fast_yes += b.fast;
		full_yes += b.full;
		if (b.fast) {
			T_CHECK(b.full);
			if (b.full && vmx_snapshot_equal(&b.s, &b.p.cpus[0].snap))
				agree++;
			else if (b.full)
				T_CHECK(!"fast and full parser disagree on a snapshot");
		}
		if (b.full)
			vmx_profile_free(&b.p);
		free(t);
	}
	T_EQ_U64(agree, fast_yes);
	T_CHECK(fast_yes > 100 && full_yes >= fast_yes);
}

static void test_stream(void)
{
	size_t len, n;
	char *all = concat_all(&len, &n);
	T_CHECK(all != NULL);
	if (!all)
		return;
	/* Memory stream, fast and slow. */
	for (int slow = 0; slow < 2; slow++) {
		struct vmx_stream *st = vmx_stream_open_mem(all, len, "all");
		vmx_stream_set_slow(st, slow);
		struct vmx_stream_item *it;
		struct vmx_diag d;
		size_t k = 0;
		long line = 1;
		int r;
		while ((r = vmx_stream_next(st, &it, &d)) > 0) {
			const struct vmx_embedded_profile *e = vmx_embedded_at(k);
			struct vmx_profile p;
			vmx_profile_parse(e->text, e->len, e->name, &p, &d);
			T_CHECK(vmx_snapshot_equal(&it->snap, &p.cpus[0].snap));
			T_EQ_U64(it->index, k);
			T_EQ_U64(it->line, line);
			const char *nm = vmx_profile_meta(&p, "name");
			if (nm)
				T_EQ_STR(it->label, nm);
			for (size_t i = 0; i < e->len; i++)
				line += e->text[i] == '\n';
			vmx_profile_free(&p);
			k++;
		}
		T_EQ_U64(r, 0);
		T_EQ_U64(k, n);
		vmx_stream_close(st);
	}
	/* A file larger than the read buffer (refills across profile boundaries). */
	char path[] = "/tmp/vmxcfg-test-stream-XXXXXX";
	int fd = mkstemp(path);
	T_CHECK(fd >= 0);
	size_t reps = ((size_t)9 << 20) / len + 1;
	for (size_t r = 0; r < reps; r++)
		T_CHECK(write(fd, all, len) == (ssize_t)len);
	close(fd);
	struct vmx_diag d;
	struct vmx_stream *st = vmx_stream_open(path, &d);
	T_CHECK(st != NULL);
	struct vmx_stream_item *it;
	size_t k = 0, bad = 0;
	long expect_line = 1, lines_all = 0;
	for (size_t i = 0; i < len; i++)
		lines_all += all[i] == '\n';
	static struct vmx_snapshot ref;
	while (st && vmx_stream_next(st, &it, &d) > 0) {
		if (k % n == 0) {
			struct vmx_profile p;
			vmx_profile_parse(vmx_embedded_at(0)->text, vmx_embedded_at(0)->len, "x", &p, &d);
			ref = p.cpus[0].snap;
			vmx_profile_free(&p);
			bad += !vmx_snapshot_equal(&it->snap, &ref);
			bad += it->line != expect_line;
			expect_line += lines_all;
		}
		k++;
	}
	T_EQ_U64(k, reps * n);
	T_EQ_U64(bad, 0);
	vmx_stream_close(st);
	unlink(path);

	/* An error in the third profile: the full parser's message, at the stream's line number. */
	const struct vmx_embedded_profile *e0 = vmx_embedded_at(0), *e1 = vmx_embedded_at(1), *e2 = vmx_embedded_at(2);
	size_t blen = e0->len + e1->len + e2->len + 64;
	char *b = malloc(blen);
	size_t o = 0;
	memcpy(b + o, e0->text, e0->len);
	o += e0->len;
	memcpy(b + o, e1->text, e1->len);
	o += e1->len;
	/* The header plus one bad line. */
	const char *nl = memchr(e2->text, '\n', e2->len);
	size_t hl = (size_t)(nl - e2->text) + 1;
	memcpy(b + o, e2->text, hl);
	o += hl;
	o += (size_t)sprintf(b + o, "msr 0x480 0xzz\n");
	long first_lines = 0;
	for (size_t i = 0; i < e0->len + e1->len; i++)
		first_lines += b[i] == '\n';
	st = vmx_stream_open_mem(b, o, "fleet.txt");
	int r, got = 0;
	while ((r = vmx_stream_next(st, &it, &d)) > 0)
		got++;
	T_EQ_U64(got, 2);
	T_EQ_U64((uint64_t)(int64_t)r, (uint64_t)(int64_t)-1);
	T_EQ_U64(d.line, first_lines + 2);
	T_EQ_STR(d.file, "fleet.txt");
	T_CHECK(strstr(d.msg, "'z' is not a hexadecimal digit") != NULL);
	vmx_stream_close(st);
	/* Text before the first header is an error at line 1; an empty stream has no profiles. */
	st = vmx_stream_open_mem("msr 0x480 0x1\n", 14, "x");
	T_EQ_U64((uint64_t)(int64_t)vmx_stream_next(st, &it, &d), (uint64_t)(int64_t)-1);
	T_EQ_U64(d.line, 1);
	vmx_stream_close(st);
	st = vmx_stream_open_mem("", 0, "x");
	T_EQ_U64(vmx_stream_next(st, &it, &d), 0);
	vmx_stream_close(st);
	/* cpu blocks go through the full parser and keep every CPU. */
	const char *multi = "# vmxcfg-profile 1\n# name: two\nmsr 0x480 0x00da040000000004\ncpu 0\nmsr 0x481 0x1\n"
			    "cpu 1\nmsr 0x481 0x2\n# vmxcfg-profile 1\nmsr 0x480 0x5\n";
	st = vmx_stream_open_mem(multi, strlen(multi), "m");
	T_EQ_U64(vmx_stream_next(st, &it, &d), 1);
	T_CHECK(it->full != NULL && it->full->n_cpus == 2);
	T_EQ_STR(it->label, "two");
	T_EQ_U64(it->snap.msr[VMX_MSR_PINBASED], 1);
	T_EQ_U64(vmx_stream_next(st, &it, &d), 1);
	T_CHECK(it->full == NULL);
	T_EQ_U64(it->line, 8);
	T_EQ_STR(it->label, "m#2");
	T_EQ_U64(vmx_stream_next(st, &it, &d), 0);
	vmx_stream_close(st);
	free(b);
	free(all);
}

int main(void)
{
	test_fast_equals_full();
	test_mutations();
	test_stream();
	return T_DONE();
}

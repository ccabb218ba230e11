/* SPDX-License-Identifier: MIT */
/*
 * Profile streams (src/host/stream.c) on arbitrary text, differentially: the stream is read once with the fast
 * path and once with every profile through vmx_profile_parse; both must give the same profiles (labels, lines,
 * snapshots) and the same error (file, line, message) at the same place.  Also vmx_profile_parse_fast alone:
 * whatever it accepts, vmx_profile_parse must accept with the same first CPU.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "host/stream.h"

struct item {
	long line;
	char label[320];
	struct vmx_snapshot snap;
};

static int read_all(const uint8_t *data, size_t size, int slow, struct item **items, size_t *n, struct vmx_diag *d)
{
	struct vmx_stream *st = vmx_stream_open_mem((const char *)data, size, "fuzz.stream");
	FUZZ_ASSERT(st);
	vmx_stream_set_slow(st, slow);
	struct vmx_stream_item *it;
	int rc;
	*n = 0;
	*items = NULL;
	while ((rc = vmx_stream_next(st, &it, d)) == 1) {
		struct item *ni = realloc(*items, (*n + 1) * sizeof(**items));
		FUZZ_ASSERT(ni);
		*items = ni;
		ni[*n].line = it->line;
		memcpy(ni[*n].label, it->label, sizeof(it->label));
		ni[*n].snap = it->snap;
		FUZZ_ASSERT(it->index == *n);
		(*n)++;
		FUZZ_ASSERT(*n < 100000);
	}
	vmx_stream_close(st);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct item *a, *b;
	size_t na, nb;
	struct vmx_diag da, db;
	memset(&da, 0, sizeof(da));
	memset(&db, 0, sizeof(db));
	int ra = read_all(data, size, 0, &a, &na, &da);
	int rb = read_all(data, size, 1, &b, &nb, &db);
	FUZZ_ASSERT(ra == rb && na == nb);
	for (size_t i = 0; i < na; i++) {
		FUZZ_ASSERT(a[i].line == b[i].line);
		FUZZ_ASSERT(strcmp(a[i].label, b[i].label) == 0);
		FUZZ_ASSERT(vmx_snapshot_equal(&a[i].snap, &b[i].snap));
	}
	if (ra < 0) {
		FUZZ_ASSERT(strcmp(da.file, db.file) == 0 && da.line == db.line);
		if (strcmp(da.msg, db.msg) != 0) {
			fprintf(stderr, "fast: %s:%d: %s\nslow: %s:%d: %s\n", da.file, da.line, da.msg, db.file, db.line,
				db.msg);
			abort();
		}
	}
	free(a);
	free(b);

	/* The fast parser on its own. */
	static struct vmx_snapshot s;
	const char *name;
	size_t name_len;
	long lines;
	if (vmx_profile_parse_fast((const char *)data, size, &s, &name, &name_len, &lines) == 1) {
		struct vmx_profile p;
		struct vmx_diag d;
		if (vmx_profile_parse((const char *)data, size, "fuzz", &p, &d) != 0) {
			fprintf(stderr, "fast parser accepted what vmx_profile_parse rejects: %s:%d: %s\n", d.file,
				d.line, d.msg);
			abort();
		}
		FUZZ_ASSERT(vmx_snapshot_equal(&s, &p.cpus[0].snap));
		if (name) {
			const char *m = vmx_profile_meta(&p, "name");
			FUZZ_ASSERT(m && strlen(m) == name_len && memcmp(m, name, name_len) == 0);
		}
		vmx_profile_free(&p);
	}
	return 0;
}

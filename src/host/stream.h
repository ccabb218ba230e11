/* SPDX-License-Identifier: MIT */
/*
 * A stream of profiles: one file (or stdin) holding many profiles, each starting with its
 * `# vmxcfg-profile 1` header line.  Profiles are read one at a time through a bounded buffer, so memory does
 * not grow with the length of the stream.  Each profile is checked by the same rules as vmx_profile_parse()
 * (a fast path for the common shape; anything unusual, and every error, goes through vmx_profile_parse itself,
 * so the messages are identical).  Line numbers in diagnostics count from the start of the stream.
 */
#ifndef VMXCFG_HOST_STREAM_H
#define VMXCFG_HOST_STREAM_H

#include <stddef.h>

#include <vmxcfg/snapshot.h>

#include "host/profile.h"

struct vmx_stream;

struct vmx_stream_item {
	size_t index;      /* 0-based number of the profile in the stream */
	long line;         /* line of its header in the stream */
	const char *name;  /* `# name:` metadata, or NULL */
	char label[320];   /* name, or FILE (single profile), or FILE#N */
	struct vmx_snapshot snap;      /* the boot CPU (the first CPU block) */
	const struct vmx_profile *full; /* all CPUs and metadata, only when the profile has `cpu N` blocks; else NULL */
};

/* Open a file ("-" = stdin).  NULL with *d set on error. */
struct vmx_stream *vmx_stream_open(const char *path, struct vmx_diag *d);
/* A stream over memory (not copied; must outlive the stream).  name is used in diagnostics. */
struct vmx_stream *vmx_stream_open_mem(const char *buf, size_t len, const char *name);
void vmx_stream_close(struct vmx_stream *st);
/* Next profile: 1 with *item set (valid until the next call), 0 at the end, -1 with *d on error. */
int vmx_stream_next(struct vmx_stream *st, struct vmx_stream_item **item, struct vmx_diag *d);
/* Disable the fast path (every profile through vmx_profile_parse): for tests and benchmarks. */
void vmx_stream_set_slow(struct vmx_stream *st, int slow);

/*
 * The fast parser alone: 1 = parsed into *s (and *name, *name_len when a `# name:` is present), 0 = not
 * decided here (an error, or a shape it leaves to vmx_profile_parse: `cpu` blocks, many metadata lines).
 * *lines gets the number of lines.
 */
int vmx_profile_parse_fast(const char *text, size_t len, struct vmx_snapshot *s, const char **name,
			   size_t *name_len, long *lines);

#endif

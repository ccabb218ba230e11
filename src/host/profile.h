/* SPDX-License-Identifier: MIT */
/* Profile files (docs/profile-format.md): reader, writer, embedded database. */
#ifndef VMXCFG_HOST_PROFILE_H
#define VMXCFG_HOST_PROFILE_H

#include <stddef.h>
#include <stdio.h>

#include <vmxcfg/snapshot.h>

#define VMX_META_MAX 16
#define VMX_META_KEY 32
#define VMX_META_VAL 512
#define VMX_LINE_MAX 4096

/* A diagnostic: "FILE:LINE: message".  line 0 = no line (whole file or option). */
struct vmx_diag {
	char file[256];
	int line;
	char msg[512];
};

struct vmx_meta {
	char key[VMX_META_KEY];
	char value[VMX_META_VAL];
};

struct vmx_profile_cpu {
	int id; /* -1: the file has no `cpu` lines (one CPU, or identical CPUs) */
	struct vmx_snapshot snap;
};

struct vmx_profile {
	size_t n_meta;
	struct vmx_meta meta[VMX_META_MAX];
	size_t n_cpus;
	struct vmx_profile_cpu *cpus; /* malloc'ed; vmx_profile_free releases it */
	size_t cap_cpus;
};

void vmx_profile_init(struct vmx_profile *p);
void vmx_profile_free(struct vmx_profile *p);
/* Metadata value for key ("name", "source", ...), or NULL. */
const char *vmx_profile_meta(const struct vmx_profile *p, const char *key);
/* Add or replace metadata. Returns 0, or -1 when full. */
int vmx_profile_set_meta(struct vmx_profile *p, const char *key, const char *value);

/*
 * Parse profile text.  fname is used in diagnostics.  Returns 0 on success;
 * -1 with *d filled (file, line, what was expected) on error; *p is then empty.
 */
int vmx_profile_parse(const char *text, size_t len, const char *fname, struct vmx_profile *p, struct vmx_diag *d);
/* Read a whole file (at most 64 MiB) into a NUL-terminated buffer; -1 with *d on error. */
int vmx_read_file(const char *path, char **buf, size_t *len, struct vmx_diag *d);
/* Load a profile file. */
int vmx_profile_load(const char *path, struct vmx_profile *p, struct vmx_diag *d);
/* Does the text start like a profile (first line "# vmxcfg-profile")? */
int vmx_profile_looks_like(const char *text, size_t len);
/* The value of a hex digit (0-9, a-f, A-F), -1 for any other character; shared with the importers. */
int vmx_hex_digit(char ch);

/*
 * Write a profile.  Snapshots of all CPUs; when every CPU is equal only one block is written,
 * otherwise common records first and `cpu N` blocks for the rest.
 */
int vmx_profile_write(FILE *f, const struct vmx_profile *p);
/* Append a CPU (copy of *s) with the given id. Returns 0 or -1 (out of memory). */
int vmx_profile_add_cpu(struct vmx_profile *p, int id, const struct vmx_snapshot *s);

/* Embedded profiles (data/profiles compiled in). */
struct vmx_embedded_profile {
	const char *name; /* file name without .profile, e.g. "skylake-core-i7-6700k" */
	const char *text;
	size_t len;
};
size_t vmx_embedded_count(void);
const struct vmx_embedded_profile *vmx_embedded_at(size_t i);
const struct vmx_embedded_profile *vmx_embedded_find(const char *name);

/* Diagnostics helper: format into d. */
void vmx_diag_set(struct vmx_diag *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Importers: turn what users already have (a VirtualBox VBox.log, a VMware vmware.log, QEMU's vmxcap output,
 * a /proc/cpuinfo with "vmx flags") into profiles.
 *
 * Entry points for callers and fuzz harnesses work on a byte buffer: (text, len, fname) -> profiles or one
 * diagnostic.  The buffer need not be NUL-terminated and may hold any bytes; nothing is printed.  On error
 * the diagnostic names the file, the line (0 = the whole file) and what was expected, and nothing is
 * returned: a bad or misleading log never yields a profile.
 *
 *   struct vmx_import_result r;
 *   struct vmx_diag d;
 *   if (vmx_import_buf(text, len, "VBox.log", VMX_IMPORT_AUTO, &r, &d) == 0) {
 *           ... r.hosts[i].prof ...
 *           vmx_import_result_free(&r);
 *   }
 *
 * Rules (tests/import/README.md and docs/import.md):
 * - only host values: VirtualBox `Hst:` lines, VMware `hostCPUID level` lines; guest values never leak;
 * - CPUID leaves above the CPU's own maxima (CPUID.0.EAX, CPUID.80000000h.EAX) and leaves outside the
 *   basic/extended ranges (hypervisor 0x4xxxxxxx, Centaur 0xCxxxxxxx) are dropped;
 * - the first value of a leaf or MSR wins; a repeated MSR with another value within one capture is an error;
 * - VMware prints 0 for an MSR the CPU lacks: a 0 is dropped when the CPU's own capability bits say the MSR
 *   does not exist, kept otherwise; a `# note:` line of the profile says which rule decided;
 * - a log with several captures (several product headers) gives one profile per distinct host;
 * - a capture from a VM on another hypervisor (CPUID.1:ECX[31] in the host values, a hypervisor CPUID
 *   signature, or every VMX MSR zero) is an error that says so.
 */
#ifndef VMXCFG_HOST_IMPORT_H
#define VMXCFG_HOST_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "host/profile.h"

enum vmx_import_format {
	VMX_IMPORT_AUTO = 0, /* detect from the content */
	VMX_IMPORT_VBOX,     /* VirtualBox VBox.log */
	VMX_IMPORT_VMWARE,   /* VMware vmware.log */
	VMX_IMPORT_VMXCAP,   /* QEMU scripts/kvm/vmxcap output */
	VMX_IMPORT_CPUINFO,  /* /proc/cpuinfo with a "vmx flags" line */
	VMX_IMPORT_PROFILE,  /* already a vmxcfg profile (detection only) */
	VMX_IMPORT_FORMAT_COUNT
};

/* "auto", "vbox", "vmware", "vmxcap", "cpuinfo", "profile". */
const char *vmx_import_format_name(enum vmx_import_format f);
/* Format by name (the names above); -1 when unknown. */
int vmx_import_format_by_name(const char *name);

/*
 * Detect the format from the content (never the file name).  Returns the format, or VMX_IMPORT_AUTO when
 * nothing is recognised; on that or on ambiguity (markers of two formats), *d says why (may be NULL).
 */
enum vmx_import_format vmx_import_detect(const char *text, size_t len, const char *fname, struct vmx_diag *d);

/* One distinct host found in the input. */
struct vmx_import_host {
	struct vmx_profile prof; /* metadata (name, source, format, product, notes) and one CPU */
	int first_line, last_line; /* lines of the first capture of this host */
	int n_captures;            /* captures (VM starts) merged into this host */
};

struct vmx_import_result {
	enum vmx_import_format format; /* the format used */
	size_t n_hosts;
	struct vmx_import_host *hosts; /* malloc'ed; vmx_import_result_free releases it */
};

/*
 * Import a buffer.  fmt VMX_IMPORT_AUTO detects the format.  Returns 0 with r->n_hosts >= 1, or -1 with *d
 * filled and *r empty.  A profile given as input is an error (it needs no import).
 */
int vmx_import_buf(const char *text, size_t len, const char *fname, enum vmx_import_format fmt,
		   struct vmx_import_result *r, struct vmx_diag *d);
/* Read a file (or "-" for stdin) and import it. */
int vmx_import_file(const char *path, enum vmx_import_format fmt, struct vmx_import_result *r, struct vmx_diag *d);
void vmx_import_result_free(struct vmx_import_result *r);

/*
 * Exactly one host: import and move that host's profile into *p.  host = 0 requires the input to hold one
 * host (several are an error naming the choices); host = N >= 1 picks the N-th.  0 or -1 with *d.
 */
int vmx_import_one(const char *text, size_t len, const char *fname, enum vmx_import_format fmt, int host,
		   struct vmx_profile *p, struct vmx_diag *d);
/*
 * For `--profile FILE`: load FILE as a profile when it looks like one, else import it (one host).
 * *imported is set to the format used (VMX_IMPORT_PROFILE for a plain profile).  0 or -1 with *d.
 */
int vmx_import_load_any(const char *path, struct vmx_profile *p, enum vmx_import_format *imported,
			struct vmx_diag *d);

/* Describe the hosts of a result in one line for messages: "1: <name> (lines A-B), 2: ...". */
void vmx_import_describe_hosts(const struct vmx_import_result *r, char *buf, size_t len);

/*
 * Pasted text, undecorated (src/host/import_paste.c): what a mail, a Markdown note or a terminal adds around a
 * log, removed before any parser sees it.  vmx_import_detect, vmx_import_buf and the /proc/cpuinfo reader
 * (vmx_cpuinfo_parse) all run it first.  Per line:
 *   - the line end: CR of Windows line ends (also "\r\r\n"), trailing blanks;
 *   - quote marks: "> ", nested "> > " or ">>", each '>' with at most one space after it (so the indentation
 *     of the quoted text survives), also when blanks come before them;
 *   - a shell prompt line ("$ cmd", "# cmd", "user@host:~$ cmd", "[user@host dir]$ cmd", "user@host dir % cmd",
 *     "host:dir user$ cmd", "PS C:\dir> cmd", each optionally after "(venv) ") becomes an empty line, except
 *     when the output's first line follows the command on the same line ("$ sudo ./vmxcap    Basic VMX
 *     Information", "... processor	: 0", "... VirtualBox ... release log"): then that part is kept, at the
 *     prompt's indentation;
 * and in the whole text a UTF-8 byte order mark at the start is dropped and a non-breaking space (UTF-8 C2 A0)
 * becomes a space.  Indentation is left alone: every parser accepts leading blanks (vmxcap compares a line's
 * indentation with its first section title's), so no block-wide rule has to guess what is common to a block.
 *
 * The result has exactly as many lines as the input, so every line number a parser reports is the line of
 * the original text; it is never longer than the input, NUL-terminated, malloc'ed (NULL when out of memory),
 * and running it again changes nothing.
 */
char *vmx_paste_clean(const char *text, size_t len, size_t *out_len);

/* ---- For the per-format parsers (src/host/import_*.c); not for callers. --------------------------------- */

#define VMX_IMPORT_LEAF_MAX 1024
#define VMX_IMPORT_NOTE_MAX 6

/* One capture: the records of one VM start (from one product header to the next). */
struct vmx_import_capture {
	int first_line, last_line;
	char product[160]; /* "VirtualBox 7.0.22 r165102 linux.amd64", "" when the log has no header */
	char cpu_name[128]; /* CPU name when the format gives one without a CPUID brand string ("" = none) */
	uint32_t msr_seen; /* bit per enum vmx_msr_slot */
	uint64_t msr[VMX_MSR_COUNT];
	int msr_line[VMX_MSR_COUNT];
	uint64_t known[VMX_MSR_COUNT]; /* partial formats (vmxcap, cpuinfo): known bits; else all ones */
	int partial;
	size_t n_leaf;
	struct vmx_cpuid_leaf leaf[VMX_IMPORT_LEAF_MAX];
	int leaf_line[VMX_IMPORT_LEAF_MAX];
	int guest_lines;  /* guest CPUID lines seen (to tell a guest-only log) */
	int n_notes;
	char notes[VMX_IMPORT_NOTE_MAX][VMX_META_VAL];
};

struct vmx_import_ctx {
	const char *fname;
	enum vmx_import_format fmt;
	struct vmx_diag *d;
	struct vmx_import_capture *caps;
	size_t n_caps, cap_caps;
	int lines; /* lines in the input */
};

/* Start a new capture at `line` (product may be "" or NULL). NULL (with *d) when out of memory or too many. */
struct vmx_import_capture *vmx_imp_capture(struct vmx_import_ctx *c, int line, const char *product);
/* The current capture, starting one at `line` if there is none. */
struct vmx_import_capture *vmx_imp_cur(struct vmx_import_ctx *c, int line);
/*
 * Record a host MSR / CPUID value seen at `line`.  A repeat with the same value is ignored; an MSR repeated
 * with another value is an error (-1 with *d); a CPUID leaf repeated with other values keeps the first and
 * adds a note.  MSRs other than 0x3a/0x480-0x493 are ignored.
 */
int vmx_imp_msr(struct vmx_import_ctx *c, int line, uint32_t index, uint64_t value);
int vmx_imp_cpuid(struct vmx_import_ctx *c, int line, uint32_t leaf, uint32_t subleaf, const uint32_t regs[4]);
/* Add a note (printf-style) to a capture; silently dropped past VMX_IMPORT_NOTE_MAX. */
void vmx_imp_note(struct vmx_import_capture *cap, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Line iteration over a buffer: returns 1 with *line and *n (CR stripped) and advances, 0 at the end. */
struct vmx_imp_lines {
	const char *p, *end;
	int lineno;
};
int vmx_imp_next_line(struct vmx_imp_lines *it, const char **line, size_t *n);

/* Small scanning helpers shared by the parsers (all bounded by n, no NUL needed). */
const char *vmx_imp_find(const char *s, size_t n, const char *needle); /* first occurrence or NULL */
int vmx_imp_starts(const char *s, size_t n, const char *prefix);
/* Parse hex digits (optional 0x) at *p < end, at most maxdigits; skips leading blanks. 0 or -1. */
int vmx_imp_hex(const char **p, const char *end, unsigned maxdigits, uint64_t *out);
void vmx_imp_skip_blank(const char **p, const char *end);
/* Skip a leading VirtualBox timestamp "HH:MM:SS.ffffff " (and the blanks after it) if there is one. */
void vmx_imp_skip_vbox_stamp(const char **p, const char *end);

/* Per-format parsers: fill c->caps; 0 or -1 with *c->d. */
int vmx_import_parse_vbox(struct vmx_import_ctx *c, const char *text, size_t len);
int vmx_import_parse_vmware(struct vmx_import_ctx *c, const char *text, size_t len);
int vmx_import_parse_vmxcap(struct vmx_import_ctx *c, const char *text, size_t len);
int vmx_import_parse_cpuinfo(struct vmx_import_ctx *c, const char *text, size_t len);

#endif

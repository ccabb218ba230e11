/* SPDX-License-Identifier: MIT */
/*
 * CLI conventions.  Every subcommand is `int cmd_NAME(int argc, char **argv, FILE *out)`: argv[0] is the
 * subcommand name; it writes its result to `out` (a memory buffer that main() copies to stdout only when the
 * exit code is 0, 1 or 3, so a usage error or bad input never leaves partial output); messages go to stderr.
 * Exit codes, the same for every command (README "Exit codes", docs/vmxcfg.1 EXIT STATUS, CLI_EXIT_HELP):
 *   0 CLI_OK       yes: success / kvm_intel would load / the controls pass / ready
 *   1 CLI_NO       no: a negative verdict
 *   2 CLI_BAD      usage error or malformed input: stderr names the option or FILE:LINE; nothing on stdout
 *   3 CLI_UNKNOWN  no verdict: what is known does not decide it (a partial /proc/cpuinfo source, a check that
 *                  could not be made); the report is on stdout and stderr says which records would decide it
 */
#ifndef VMXCFG_CLI_H
#define VMXCFG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <vmxcfg/release.h>

#include "host/profile.h"

#define CLI_OK 0
#define CLI_NO 1
#define CLI_BAD 2
#define CLI_UNKNOWN 3

/*
 * The one line every command prints when only the firmware state is unknown (no IA32_FEATURE_CONTROL in the
 * source): the verdict is then computed as if firmware enabled VMX.
 */
#define CLI_FW_ASSUMED "IA32_FEATURE_CONTROL (0x3a) not recorded: assuming firmware enabled VMX"

/* The exit-code table every command's --help ends with (src/cli/common.c). */
extern const char CLI_EXIT_HELP[];

/* Print "vmxcfg: <message>" on stderr; returns CLI_BAD. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a diagnostic "vmxcfg: FILE:LINE: message" on stderr; returns CLI_BAD. */
int cli_diag(const struct vmx_diag *d);
/* Print "vmxcfg: <message>" on stderr (which records would decide it); returns CLI_UNKNOWN. */
int cli_unknown(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Where the capabilities come from. */
enum cli_source_kind { CLI_SRC_NONE = 0, CLI_SRC_PROFILE, CLI_SRC_CPU, CLI_SRC_LIVE, CLI_SRC_CPUINFO };

struct cli_source {
	enum cli_source_kind kind;
	const char *arg;     /* file name, embedded profile name, cpuinfo file (NULL = /proc/cpuinfo) */
	const char *sysroot; /* --sysroot DIR (or $VMXCFG_SYSROOT) for live sources */
	bool no_vmx_ok;      /* set by the command: when this machine has no VMX ("vmx flags" absent for lack of
			      * VMX), load a CPUID-only snapshot (VMX bit clear) instead of failing, so that
			      * kvm_intel's precheck answers */
	struct vmx_profile prof; /* filled by cli_source_load */
	char label[300];     /* for output: file name or embedded name */
};

void cli_source_init(struct cli_source *s);
/*
 * If argv[*i] is a source option (--profile F, --cpu NAME, --live, --cpuinfo [F], --sysroot DIR), consume it
 * (and its argument) and return 1; return 0 if it is not a source option; print an error and return -1 on a
 * missing argument or a second, conflicting source.
 */
int cli_source_opt(struct cli_source *s, int argc, char **argv, int *i);
/*
 * Load the chosen source (the default, if none was given, is `def`; CLI_SRC_LIVE is "this machine": the msr
 * devices under --sysroot, else /proc/cpuinfo with a note). Returns CLI_OK or CLI_BAD (message printed).
 */
int cli_source_load(struct cli_source *s, enum cli_source_kind def);
void cli_source_free(struct cli_source *s);

/* Hook for live/cpuinfo sources, implemented in src/cli/source_live.c. Returns CLI_OK or CLI_BAD. */
int cli_source_load_live(struct cli_source *s);

/*
 * The whole command line (argv[0] = program, argv[1] = subcommand): dispatch to the subcommand and copy its
 * output to `sink` only when it completes with CLI_OK, CLI_NO or CLI_UNKNOWN.  Returns the exit code.
 * src/cli/run.c.
 */
int cli_run(int argc, char **argv, FILE *sink);

/* Option helpers: does argv[*i] equal name; fetch its value (error if missing). */
bool cli_is(const char *arg, const char *name);
const char *cli_value(int argc, char **argv, int *i, const char *name);
/* calloc, printing "out of memory" when it fails. */
void *cli_calloc(size_t n, size_t size);
/* Is arg the option name, alone or as name=VALUE? */
bool cli_opt(const char *arg, const char *name);
/* Is arg an option (a '-' followed by something), not a file operand or "-" (stdin)? */
bool cli_is_option(const char *arg);

/*
 * The end of every subcommand's option loop, for an argument no other branch took: --help / -h print the
 * command's usage to out and give CLI_OK; anything else prints "vmxcfg: CMD: unknown option 'ARG'" and the
 * usage on stderr and gives CLI_BAD.
 */
int cli_common_opt(const char *cmd, const char *arg, void (*usage)(FILE *), FILE *out);
/*
 * Options several subcommands share, each accepted only where its pointer is not NULL: --json (sets *json),
 * --kernel V (*kernel = V), -o FILE / --output FILE (*output = FILE).  Consumes argv[*i] (and its value) and
 * returns 1; 0 if argv[*i] is none of them; -1 after printing an error (missing value).
 */
int cli_shared_opt(int argc, char **argv, int *i, bool *json, const char **kernel, const char **output);

/*
 * --kernel V: every command resolves V with kvm_release_resolve (include/vmxcfg/release.h): "5.15", "6.6.87",
 * `uname -r` strings such as "5.15.0-91-generic" (docs/kernel-versions.md, "Version strings").
 */
struct cli_kernel {
	const struct kvm_policy *pol; /* the release that answers */
	bool given;                   /* V was given (else the newest release answers, asked is NULL in JSON) */
	struct kvm_release_info info;
};
/*
 * Resolve V (NULL: the newest release).  Unless quiet, the notes go to stderr as "vmxcfg: note: --kernel V: ..."
 * lines.  A refusal (too old, not a version) prints "vmxcfg: --kernel V: ..." naming the modelled range and
 * returns NULL.  k may be NULL.
 */
const struct kvm_policy *cli_kernel_resolve(const char *kernel, bool quiet, struct cli_kernel *k);
/* cli_kernel_resolve(kernel, false, NULL): the release that answers for V, notes on stderr; NULL when refused. */
const struct kvm_policy *cli_kernel_policy(const char *kernel);
/* Why info (TOO_OLD or MALFORMED) was refused, one sentence without the string itself. */
void cli_kernel_refusal(const struct kvm_release_info *info, char *buf, size_t n);
/* The sentence of one KVM_RN_* note of k, specific to the string and the release that answers. */
void cli_kernel_note(const struct cli_kernel *k, uint32_t note, char *buf, size_t n);
/* The notes of k in a few words each, "; "-separated ("sublevel unknown: as of v5.15.100; ..."); "" if none. */
void cli_kernel_summary(const struct cli_kernel *k, char *buf, size_t n);
/* Every note of k, one line each: prefix, sentence, newline. */
void cli_kernel_notes(FILE *f, const struct cli_kernel *k, const char *prefix);
/* "5.12-5.19": the consecutive releases whose setup_vmcs_config is p's ("6.0" when alone). */
void cli_kernel_behaviour(const struct kvm_policy *p, char *buf, size_t n);
/* The value of the "kernel_info" key: {"asked", "release", "behaviour", "exact", "sublevel", ...}. */
void cli_kernel_json(FILE *out, const struct cli_kernel *k);
/*
 * Load the source (default: this machine, as CLI_SRC_LIVE) for a command that needs every VMX MSR.  CLI_OK;
 * CLI_BAD (printed) when it cannot be read; CLI_UNKNOWN (printed: which records would decide it) when it is a
 * partial (/proc/cpuinfo) source.
 */
int cli_source_load_msrs(struct cli_source *s);

#endif

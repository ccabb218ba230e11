/* SPDX-License-Identifier: MIT */
/*
 * Inputs of `vmxcfg vmcs`: VMCS control fields from
 *   - text: `FIELD = VALUE` lines (SDM field names, hypervisor identifiers,
 *     our short names, or 16-bit encodings such as 0x4002; the encoding of a
 *     64-bit field plus one, e.g. 0x201B, sets its high 32 bits); '#' comments;
 *   - JSON: one object with the same names as keys, values as numbers or
 *     strings ("0x..."); or the report `vmxcfg vmcs --json` prints (its
 *     "fields" object is read, the other members are ignored);
 *   - KVM's dump_vmcs output as pasted from dmesg/journalctl/xl dmesg: the
 *     "*** Control State ***" part (and CR0/CR4/RFLAGS/EFER/interruptibility/
 *     activity state from "*** Guest State ***").
 * Fields not given stay unknown (struct vmcs_fields.known).
 */
#ifndef VMXCFG_HOST_VMCS_INPUT_H
#define VMXCFG_HOST_VMCS_INPUT_H

#include <stddef.h>

#include <vmxcfg/vmcs.h>

#include "host/profile.h"

enum vmcs_input_format { VMCS_IN_AUTO = 0, VMCS_IN_TEXT, VMCS_IN_JSON, VMCS_IN_DUMP };

/* Name of a format ("text", "json", "dump_vmcs"). */
const char *vmcs_input_format_name(enum vmcs_input_format f);
/* Guess the format of a text: dump_vmcs if it has "*** Control State ***" or "PinBased=", JSON if it starts with '{'. */
enum vmcs_input_format vmcs_input_detect(const char *text, size_t len);

/*
 * Look a field up by name (case-insensitive; ' ', '-' and '_' are the same) or encoding ("0x4002", "4002H").
 * *high is set when the name is the encoding of the high half of a 64-bit field.  NULL if unknown.
 */
const struct vmcs_field_info *vmcs_field_lookup(const char *name, size_t len, int *high);

/*
 * Parse.  fname is used in diagnostics.  Returns 0, or -1 with *d = "FILE:LINE: what was expected".
 * *used_fmt (may be NULL) receives the format actually parsed.
 */
int vmcs_input_parse(const char *text, size_t len, const char *fname, enum vmcs_input_format fmt, struct vmcs_fields *f,
		     enum vmcs_input_format *used_fmt, struct vmx_diag *d);
/* Read and parse a file ("-" = standard input). */
int vmcs_input_load(const char *path, enum vmcs_input_format fmt, struct vmcs_fields *f,
		    enum vmcs_input_format *used_fmt, struct vmx_diag *d);

#endif

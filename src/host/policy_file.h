/* SPDX-License-Identifier: MIT */
/* Policy files for `vmxcfg negotiate` (format: data/policies/README.md). */
#ifndef VMXCFG_HOST_POLICY_FILE_H
#define VMXCFG_HOST_POLICY_FILE_H

#include <stddef.h>

#include <vmxcfg/policy.h>

#include "host/profile.h"

/* Parse policy text; fname for diagnostics.  0 on success, -1 with *d = "FILE:LINE: what was expected". */
int vmx_policy_parse(const char *text, size_t len, const char *fname, struct vmx_policy *p, struct vmx_diag *d);
/* Read and parse a policy file. */
int vmx_policy_load(const char *path, struct vmx_policy *p, struct vmx_diag *d);

#endif

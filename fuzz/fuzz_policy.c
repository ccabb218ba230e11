/* SPDX-License-Identifier: MIT */
/*
 * Policy files for `vmxcfg negotiate` (src/host/policy_file.c) on arbitrary text, and the negotiation engine
 * (vmx_negotiate) on each accepted policy against two snapshots: the tail of the input decoded as a binary
 * snapshot (fuzz_common.h layout) after the first NUL byte, and a fixed real one.  Invariants: a rejected
 * policy names the file; negotiation never fails on valid arguments, stays within its event array and reports
 * a failing event exactly when the status is FAIL.
 */
#include <string.h>

#include <vmxcfg/policy.h>

#include "fuzz_common.h"
#include "host/policy_file.h"

static void check(const struct vmx_policy *p, const struct vmx_snapshot *s)
{
	static struct vmx_negotiation r;
	FUZZ_ASSERT(vmx_negotiate(p, s, &r) == VMX_OK);
	FUZZ_ASSERT(r.n_events <= VMX_NEG_MAX_EVENTS);
	if (r.status == VMX_NEG_FAIL)
		FUZZ_ASSERT(r.fail_event >= 0 && (size_t)r.fail_event < r.n_events);
	else
		FUZZ_ASSERT(r.status == VMX_NEG_OK && r.fail_event == -1);
	for (size_t i = 0; i < r.n_events; i++)
		FUZZ_ASSERT(r.events[i].kind <= VMX_NEG_FAILED &&
			    (r.events[i].cls < VMX_CLASS_COUNT ||
			     (r.events[i].kind == VMX_NEG_FAILED && r.events[i].cls == VMX_CLASS_COUNT)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmx_policy p;
	static struct vmx_snapshot s, real;
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct vmx_diag d;
	memset(&d, 0, sizeof(d));
	if (vmx_policy_parse((const char *)data, tlen, "fuzz.policy", &p, &d) != 0) {
		FUZZ_ASSERT(strcmp(d.file, "fuzz.policy") == 0 && d.msg[0] != 0 && d.line >= 0);
		return 0;
	}
	struct fz z = { nul ? nul + 1 : data + size, nul ? size - tlen - 1 : 0 };
	fz_snapshot(&z, &s);
	check(&p, &s);
	static const uint64_t msr[][2] = {
		{ 0x3a, 0x5 }, { 0x480, 0x00da040000000004 }, { 0x481, 0x0000007f00000016 },
		{ 0x482, 0xfff9fffe0401e172 }, { 0x483, 0x01ffffff00036dff }, { 0x484, 0x0003ffff000011ff },
		{ 0x485, 0x7004c1e7 }, { 0x48b, 0x001ffcff00000000 }, { 0x48c, 0x00000f0106334141 },
		{ 0x48d, 0x0000007f00000016 }, { 0x48e, 0xfff9fffe04006172 }, { 0x48f, 0x01ffffff00036dfb },
		{ 0x490, 0x0003ffff000011fb }, { 0x491, 0x1 },
	};
	vmx_snapshot_init(&real);
	for (size_t i = 0; i < sizeof(msr) / sizeof(msr[0]); i++)
		vmx_snapshot_set_msr(&real, (uint32_t)msr[i][0], msr[i][1]);
	struct vmx_cpuid_leaf l1 = { 1, 0, 0x000506e3, 0x00100800, 0x7ffafbff, 0xbfebfbff };
	vmx_snapshot_set_cpuid(&real, &l1);
	check(&p, &real);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * VMCS field files (src/host/vmcs_input.c: FIELD = VALUE text, JSON, KVM's dump_vmcs) on arbitrary text.  The
 * first byte picks the format (auto, text, json, dump); the rest is the file.  Invariants: a rejected input
 * names the file; an accepted one only marks real fields known, and vmcs_check runs on the result against a
 * fixed Skylake-like snapshot and an empty one.
 */
#include <string.h>

#include <vmxcfg/vmcs.h>

#include "fuzz_common.h"
#include "host/vmcs_input.h"

static void skylake(struct vmx_snapshot *s)
{
	static const uint64_t msr[][2] = {
		{ 0x3a, 0x5 }, { 0x480, 0x00da040000000004 }, { 0x481, 0x0000007f00000016 },
		{ 0x482, 0xfff9fffe0401e172 }, { 0x483, 0x01ffffff00036dff }, { 0x484, 0x0003ffff000011ff },
		{ 0x485, 0x7004c1e7 }, { 0x48b, 0x001ffcff00000000 }, { 0x48c, 0x00000f0106334141 },
		{ 0x48d, 0x0000007f00000016 }, { 0x48e, 0xfff9fffe04006172 }, { 0x48f, 0x01ffffff00036dfb },
		{ 0x490, 0x0003ffff000011fb }, { 0x491, 0x1 },
	};
	vmx_snapshot_init(s);
	for (size_t i = 0; i < sizeof(msr) / sizeof(msr[0]); i++)
		vmx_snapshot_set_msr(s, (uint32_t)msr[i][0], msr[i][1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmx_snapshot s, empty;
	static struct vmcs_result r;
	if (size < 1)
		return 0;
	enum vmcs_input_format fmt = (enum vmcs_input_format)(data[0] % 4);
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	(void)vmcs_input_detect(text, len);
	struct vmcs_fields f;
	struct vmx_diag d;
	enum vmcs_input_format used = VMCS_IN_AUTO;
	memset(&d, 0, sizeof(d));
	if (vmcs_input_parse(text, len, "fuzz.vmcs", fmt, &f, &used, &d) != 0) {
		FUZZ_ASSERT(strcmp(d.file, "fuzz.vmcs") == 0 && d.msg[0] != 0 && d.line >= 0);
		return 0;
	}
	FUZZ_ASSERT(used != VMCS_IN_AUTO && vmcs_input_format_name(used) != NULL);
	FUZZ_ASSERT((f.known & ~VMCS_KNOWN_ALL) == 0);
	skylake(&s);
	vmx_snapshot_init(&empty);
	FUZZ_ASSERT(vmcs_check(&s, 39, &f, 0, &r) == VMX_OK && r.n <= VMCS_MAX_FINDINGS);
	FUZZ_ASSERT(vmcs_check(&empty, 52, &f, VMCS_CHECK_NO_WARNINGS, &r) == VMX_OK);
	/* The name lookup on the raw text. */
	int high;
	const struct vmcs_field_info *fi = vmcs_field_lookup(text, len < 64 ? len : 64, &high);
	FUZZ_ASSERT(!fi || fi->field < VMCS_F_COUNT);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Embedding the vmxcfg core the way a hypervisor would: read the VMX capability MSRs and a few CPUID leaves
 * once per CPU into a struct vmx_snapshot, negotiate the controls with a KVM policy, and check the VMCS control
 * fields it would program against the VM-entry rules before the first VMLAUNCH.  The core needs no libc and no
 * allocation, so the same calls work in a kernel or a ring-0 loader; this example is a hosted program and uses
 * printf only to show the results.
 *
 * Build against an installed vmxcfg:  cc embed.c $(pkg-config --cflags --libs vmxcfg) -o embed
 * Run:  ./embed          (exit 0: the negotiated controls pass every VM-entry control check)
 */
#include <inttypes.h>
#include <stdio.h>

#include <vmxcfg/vmcs.h>
#include <vmxcfg/vmxcfg.h>

/*
 * Stand-ins for the hypervisor's own rdmsr and cpuid.  A real one executes the instructions (rdmsr after
 * checking CPUID.1:ECX.VMX, so no MSR read faults); here they return the values of an Intel Core i7-6700.
 */
static const struct {
	uint32_t index;
	uint64_t value;
} fake_msrs[] = {
	{ 0x3a, 0x0000000000000005 },  { 0x480, 0x00da040000000004 }, { 0x481, 0x0000007f00000016 },
	{ 0x482, 0xfff9fffe0401e172 }, { 0x483, 0x01ffffff00036dff }, { 0x484, 0x0003ffff000011ff },
	{ 0x485, 0x000000007004c1e7 }, { 0x486, 0x0000000080000021 }, { 0x487, 0x00000000ffffffff },
	{ 0x488, 0x0000000000002000 }, { 0x489, 0x00000000003767ff }, { 0x48a, 0x000000000000002e },
	{ 0x48b, 0x001ffcff00000000 }, { 0x48c, 0x00000f0106334141 }, { 0x48d, 0x0000007f00000016 },
	{ 0x48e, 0xfff9fffe04006172 }, { 0x48f, 0x01ffffff00036dfb }, { 0x490, 0x0003ffff000011fb },
	{ 0x491, 0x0000000000000001 },
};

/* Returns 0 and the value, or -1 where a real rdmsr would raise #GP (the MSR does not exist on this CPU). */
static int hv_rdmsr(uint32_t index, uint64_t *value)
{
	for (size_t i = 0; i < sizeof(fake_msrs) / sizeof(fake_msrs[0]); i++) {
		if (fake_msrs[i].index == index) {
			*value = fake_msrs[i].value;
			return 0;
		}
	}
	return -1;
}

static void hv_cpuid(uint32_t leaf, uint32_t subleaf, struct vmx_cpuid_leaf *out)
{
	static const struct vmx_cpuid_leaf leaves[] = {
		{ 0x0, 0, 0x00000016, 0x756e6547, 0x6c65746e, 0x49656e69 },
		{ 0x1, 0, 0x000506e3, 0x00100800, 0x7ffafbff, 0xbfebfbff },
		{ 0x7, 0, 0x00000000, 0x029c6fbf, 0x00000000, 0x00000000 },
		{ 0x80000008, 0, 0x00003027, 0x00000000, 0x00000000, 0x00000000 },
	};
	*out = (struct vmx_cpuid_leaf){ leaf, subleaf, 0, 0, 0, 0 };
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		if (leaves[i].leaf == leaf && leaves[i].subleaf == subleaf)
			*out = leaves[i];
}

/* Step 1: one snapshot per CPU, taken once at module load. */
static int take_snapshot(struct vmx_snapshot *s)
{
	static const uint32_t leaves[][2] = { { 0x0, 0 }, { 0x1, 0 }, { 0x7, 0 }, { 0x12, 0 }, { 0x80000008, 0 } };
	vmx_snapshot_init(s);
	for (int slot = 0; slot < VMX_MSR_COUNT; slot++) {
		uint32_t index = vmx_msr_index((enum vmx_msr_slot)slot);
		uint64_t v;
		if (hv_rdmsr(index, &v) == 0 && vmx_snapshot_set_msr(s, index, v) != VMX_OK)
			return -1;
	}
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct vmx_cpuid_leaf l;
		hv_cpuid(leaves[i][0], leaves[i][1], &l);
		if (vmx_snapshot_set_cpuid(s, &l) != VMX_OK)
			return -1;
	}
	return 0;
}

int main(void)
{
	static struct vmx_snapshot snap; /* large: keep it off a small kernel stack */
	static struct kvm_result kr;
	static struct vmcs_result vr;
	if (take_snapshot(&snap) != 0)
		return 2;

	/* Step 2: may VMX be used at all (CPUID.1:ECX.VMX, IA32_FEATURE_CONTROL)? */
	enum kvm_precheck pre = kvm_precheck(&snap);
	if (pre != KVM_PRE_OK) {
		printf("VMX unusable (precheck %d)\n", (int)pre);
		return 1;
	}

	/* Step 3: negotiate the controls as a given KVM version would. */
	const struct kvm_policy *pol = kvm_policy_find("6.6");
	struct kvm_input in;
	kvm_input_init(&in, &snap);
	if (!pol || kvm_setup_vmcs_config(pol, &in, &kr) != VMX_OK)
		return 2;
	if (kr.status != KVM_STATUS_OK) {
		const struct kvm_rule_info *ri = kvm_rule_get((enum kvm_rule)kr.events[kr.fail_event].rule);
		printf("negotiation fails: %s (%s)\n", ri->name, ri->reason);
		return 1;
	}
	printf("kvm %s: pin 0x%08" PRIx32 " primary 0x%08" PRIx32 " secondary 0x%08" PRIx32 " exit 0x%08" PRIx32
	       " entry 0x%08" PRIx32 "\n",
	       pol->version, kr.cfg.pin, kr.cfg.primary, kr.cfg.secondary, kr.cfg.exit, kr.cfg.entry);
	for (size_t i = 0; i < kr.n_events; i++) {
		const struct kvm_event *e = &kr.events[i];
		if (e->kind == KVM_EV_CLEARED)
			printf("  cleared by %s: 0x%" PRIx64 "\n", kvm_rule_get((enum kvm_rule)e->rule)->name, e->bits);
	}

	/* Step 4: before VMLAUNCH, check the control fields the hypervisor programs against the entry rules. */
	struct vmcs_kvm_params params;
	struct vmcs_fields fields;
	vmcs_kvm_params_from(&kr, &snap, &params);
	vmcs_from_kvm(&kr, &params, &fields);
	unsigned maxphyaddr = vmx_snapshot_cpuid_reg(&snap, 0x80000008, 0, 0) & 0xff;
	if (vmcs_check(&snap, maxphyaddr, &fields, VMCS_CHECK_NO_WARNINGS, &vr) != VMX_OK)
		return 2;
	for (uint32_t i = 0; i < vr.n; i++) {
		const struct vmcs_finding *f = &vr.f[i];
		printf("  VM entry would fail: %s %s\n", vmcs_rule_get((enum vmcs_rule)f->rule)->id,
		       vmcs_detail_text((enum vmcs_detail)f->detail));
	}
	printf("VM-entry control checks: %" PRIu32 " errors\n", vr.n_errors);
	return vr.n_errors ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * kvm_intel module parameters after hardware_setup(), per kernel version.
 * Facts: docs/kernel-versions.md, "Module parameters"; checked against the
 * real code's results in tests/golden/expected-post.
 */
#include <vmxcfg/params.h>

#define ALL KVM_PV_ALL
static const struct kvm_param_info infos[KVM_P_COUNT] = {
	{ KVM_P_VPID, "vpid", "kvm_intel", KVM_PT_BOOL, "tag TLB entries with a VPID per vCPU", ALL },
	{ KVM_P_EPT, "ept", "kvm_intel", KVM_PT_BOOL, "use EPT instead of shadow page tables", ALL },
	{ KVM_P_EPTAD, "eptad", "kvm_intel", KVM_PT_BOOL, "use EPT accessed/dirty flags", ALL },
	{ KVM_P_UNRESTRICTED_GUEST, "unrestricted_guest", "kvm_intel", KVM_PT_BOOL,
	  "run real-mode and unpaged guest code directly", ALL },
	{ KVM_P_FLEXPRIORITY, "flexpriority", "kvm_intel", KVM_PT_BOOL, "TPR shadow with APIC-access virtualization",
	  ALL },
	{ KVM_P_VNMI, "vnmi", "kvm_intel", KVM_PT_BOOL, "virtual NMIs", ALL },
	{ KVM_P_ENABLE_APICV, "enable_apicv", "kvm_intel", KVM_PT_BOOL,
	  "APIC virtualization: APIC-register virtualization, virtual-interrupt delivery, posted interrupts", ALL },
	{ KVM_P_ENABLE_IPIV, "enable_ipiv", "kvm_intel", KVM_PT_BOOL, "IPI virtualization", KVM_PV_IPIV },
	{ KVM_P_PML, "pml", "kvm_intel", KVM_PT_BOOL, "page-modification logging for dirty tracking", ALL },
	{ KVM_P_PREEMPTION_TIMER, "preemption_timer", "kvm_intel", KVM_PT_BOOL,
	  "VMX-preemption timer for the guest's LAPIC timer", ALL },
	{ KVM_P_PLE_GAP, "ple_gap", "kvm_intel", KVM_PT_UINT, "PAUSE-loop exiting gap (0 disables PLE)", ALL },
	{ KVM_P_PLE_WINDOW, "ple_window", "kvm_intel", KVM_PT_UINT, "PAUSE-loop exiting window", ALL },
	{ KVM_P_PT_MODE, "pt_mode", "kvm_intel", KVM_PT_INT, "Intel PT mode: 0 system, 1 host-guest", KVM_PV_PT_MODE },
	{ KVM_P_SGX, "sgx", "kvm_intel", KVM_PT_BOOL, "SGX for guests (ENCLS exiting)", KVM_PV_SGX },
	{ KVM_P_NESTED, "nested", "kvm_intel", KVM_PT_BOOL, "offer VMX to guests (nested virtualization)", ALL },
	{ KVM_P_ENABLE_SHADOW_VMCS, "enable_shadow_vmcs", "kvm_intel", KVM_PT_BOOL,
	  "VMCS shadowing for L1's VMREAD/VMWRITE", ALL },
	{ KVM_P_CET, "cet", "kvm_intel", KVM_PT_BOOL, "CET (shadow stacks, IBT) for guests", KVM_PV_CET },
	{ KVM_P_ERROR_ON_INCONSISTENT, "error_on_inconsistent_vmcs_config", "kvm_intel", KVM_PT_BOOL,
	  "fail the load (-EIO) on inconsistent capability MSRs instead of warning", KVM_PV_EOIVC },
	{ KVM_P_ENABLE_PMU, "enable_pmu", "kvm", KVM_PT_BOOL, "virtual PMU (kvm.ko); Intel PT for guests needs it",
	  KVM_PV_PMU },
	{ KVM_P_ALLOW_SMALLER_MAXPHYADDR, "allow_smaller_maxphyaddr", "kvm_intel", KVM_PT_BOOL,
	  "allow guests a smaller MAXPHYADDR than the host's (set by the kernel when ept is off)",
	  KVM_PV_SMALLER_MAXPHYADDR },
	{ KVM_P_DUMP_INVALID_VMCS, "dump_invalid_vmcs", "kvm_intel", KVM_PT_BOOL,
	  "print the VMCS when VM entry fails (no CPU rule)", KVM_PV_DUMP_INVALID },
	{ KVM_P_NESTED_EARLY_CHECK, "nested_early_check", "kvm_intel", KVM_PT_BOOL,
	  "check L2's VMCS on hardware before entry (no CPU rule)", KVM_PV_EARLY_CHECK },
	{ KVM_P_WARN_ON_MISSED_CC, "warn_on_missed_cc", "kvm_intel", KVM_PT_BOOL,
	  "warn when hardware catches a nested consistency check KVM missed (no CPU rule)", KVM_PV_MISSED_CC },
	{ KVM_P_ENABLE_DEVICE_POSTED_IRQS, "enable_device_posted_irqs", "kvm", KVM_PT_BOOL,
	  "post device interrupts to vCPUs through the IOMMU (needs enable_apicv and VT-d posted interrupts)",
	  KVM_PV_DEV_POSTED },
	{ KVM_P_TDX, "tdx", "kvm_intel", KVM_PT_BOOL, "TDX trust domains (needs a TDX module)", KVM_PV_TDX },
	{ KVM_P_ENABLE_MEDIATED_PMU, "enable_mediated_pmu", "kvm", KVM_PT_BOOL,
	  "mediated (pass-through) vPMU (needs kvm.enable_pmu, PMU version 4, full-width counter writes)",
	  KVM_PV_MEDIATED_PMU },
};

const struct kvm_param_info *kvm_param_get(enum kvm_param id)
{
	return (unsigned)id < KVM_P_COUNT ? &infos[id] : (const struct kvm_param_info *)0;
}

static bool name_is(const char *s, size_t len, const char *name)
{
	size_t i = 0;
	for (; i < len && name[i]; i++)
		if (s[i] != name[i])
			return false;
	return i == len && name[i] == 0;
}

int kvm_param_by_name(const char *name, size_t len)
{
	for (int i = 0; i < KVM_P_COUNT; i++)
		if (name_is(name, len, infos[i].name))
			return i;
	return -1;
}

uint32_t kvm_post_flags(const struct kvm_policy *p)
{
	return p ? p->post_flags : 0;
}

bool kvm_param_present(const struct kvm_policy *p, enum kvm_param id, const char **why)
{
	bool ok = (unsigned)id < KVM_P_COUNT && p && (!infos[id].exists || (p->post_flags & infos[id].exists));
	if (why)
		*why = ok ? (const char *)0 : "not a parameter of this release";
	return ok;
}

bool kvm_param_releases(enum kvm_param id, unsigned *first, unsigned *last)
{
	bool any = false;
	for (size_t i = 0; i < kvm_policy_count(); i++) {
		const struct kvm_policy *p = kvm_policy_at(i);
		if (!kvm_param_present(p, id, (const char **)0))
			continue;
		if (!any || p->rel < *first)
			*first = p->rel;
		if (!any || p->rel > *last)
			*last = p->rel;
		any = true;
	}
	return any;
}

int64_t kvm_param_default(const struct kvm_policy *p, enum kvm_param id)
{
	switch (id) {
	case KVM_P_PLE_GAP:
		return 128;
	case KVM_P_PLE_WINDOW:
		return 4096;
	case KVM_P_PT_MODE:
	case KVM_P_ALLOW_SMALLER_MAXPHYADDR:
	case KVM_P_DUMP_INVALID_VMCS:
	case KVM_P_NESTED_EARLY_CHECK:
	case KVM_P_WARN_ON_MISSED_CC:
	case KVM_P_TDX:
	case KVM_P_ENABLE_MEDIATED_PMU:
		return 0;
	case KVM_P_NESTED:
		return (kvm_post_flags(p) & KVM_PV_NESTED_OFF) ? 0 : 1;
	default:
		return 1;
	}
}

int kvm_param_parse(enum kvm_param id, const char *s, size_t len, int64_t *out)
{
	const struct kvm_param_info *pi = kvm_param_get(id);
	if (!pi || !s || !out)
		return VMX_ERR_INVALID;
	if (pi->type == KVM_PT_BOOL) {
		/* kstrtobool: first character decides; "on"/"off" need the second. */
		if (len == 0)
			return VMX_ERR_INVALID;
		switch (s[0]) {
		case 'y': case 'Y': case '1':
			*out = 1;
			return VMX_OK;
		case 'n': case 'N': case '0':
			*out = 0;
			return VMX_OK;
		case 'o': case 'O':
			if (len >= 2 && (s[1] == 'n' || s[1] == 'N')) {
				*out = 1;
				return VMX_OK;
			}
			if (len >= 2 && (s[1] == 'f' || s[1] == 'F')) {
				*out = 0;
				return VMX_OK;
			}
			return VMX_ERR_INVALID;
		default:
			return VMX_ERR_INVALID;
		}
	}
	size_t i = 0;
	bool neg = false;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		neg = s[i] == '-';
		i++;
	}
	if (neg && pi->type == KVM_PT_UINT)
		return VMX_ERR_INVALID;
	unsigned base = 10;
	if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	} else if (i + 1 < len && s[i] == '0') {
		base = 8;
		i++;
	}
	if (i >= len)
		return VMX_ERR_INVALID;
	uint64_t v = 0;
	/* A trailing newline is accepted, as by the kernel's parsers. */
	if (len > i && s[len - 1] == '\n')
		len--;
	for (; i < len; i++) {
		unsigned d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return VMX_ERR_INVALID;
		if (d >= base)
			return VMX_ERR_INVALID;
		v = v * base + d;
		if (v > 0xffffffffull)
			return VMX_ERR_INVALID;
	}
	if (pi->type == KVM_PT_INT) {
		if (neg ? v > 0x80000000ull : v > 0x7fffffffull)
			return VMX_ERR_INVALID;
		*out = neg ? -(int64_t)v : (int64_t)v;
	} else {
		*out = (int64_t)v;
	}
	return VMX_OK;
}

void kvm_params_input_init(struct kvm_params_input *in, const struct kvm_policy *p, const struct vmx_snapshot *s)
{
	in->snap = s;
	for (int i = 0; i < KVM_P_COUNT; i++)
		in->value[i] = kvm_param_default(p, (enum kvm_param)i);
	in->given = 0;
	in->tsc_khz = 0;
	in->config_broken = false;
	in->host_cet = false;
	in->kernel_32bit = false;
	in->prove_ve = false;
	in->sublevel = -1;
}

int kvm_params_set(struct kvm_params_input *in, const struct kvm_policy *p, enum kvm_param id, int64_t v)
{
	if (!in || (unsigned)id >= KVM_P_COUNT || !kvm_param_present(p, id, (const char **)0))
		return VMX_ERR_INVALID;
	if (id == KVM_P_PT_MODE && (kvm_post_flags_at(p, in->sublevel, (uint32_t *)0) & KVM_PV_PT_BROKEN) &&
	    !in->config_broken)
		return VMX_ERR_INVALID;
	in->value[id] = v;
	in->given |= 1u << id;
	return VMX_OK;
}

const char *kvm_post_status_name(enum kvm_post_status s)
{
	switch (s) {
	case KVM_POST_OK: return "ok";
	case KVM_POST_EIO: return "eio";
	case KVM_POST_EOPNOTSUPP: return "eopnotsupp";
	case KVM_POST_EINVAL: return "einval";
	default: return "?";
	}
}

#define TIMER_LIMIT (0xffffffffull / 10u)

bool kvm_timer_usable(uint64_t tsc_khz, unsigned rate)
{
	return ((tsc_khz * 1000u) >> (rate & 31u)) <= TIMER_LIMIT;
}

/* Largest TSC (kHz) at which the timer is still used; binary search (no 64-bit division: freestanding i386). */
static uint64_t timer_max_khz(unsigned rate)
{
	uint64_t lo = 0, hi = 1ull << 50;
	while (lo < hi) {
		uint64_t mid = lo + ((hi - lo + 1) >> 1);
		if (kvm_timer_usable(mid, rate))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* ---- evaluation ---- */

struct ev {
	const struct kvm_params_input *in;
	const struct vmx_snapshot *s;
	struct kvm_post *o;
	const struct vmcs_config *c;
	uint32_t f; /* KVM_PV_* */
};

static void add_lack(struct kvm_param_value *v, enum vmx_class cls, uint64_t bits, bool any_of)
{
	if (!bits || v->n_lack >= KVM_PARAM_MAX_LACK)
		return;
	v->lack[v->n_lack].cls = (uint8_t)cls;
	v->lack[v->n_lack].bits = bits;
	v->lack[v->n_lack].any_of = any_of;
	v->n_lack++;
}

/* Require all `want` bits in `have`; record the missing ones. */
static void need(struct kvm_param_value *v, enum vmx_class cls, uint64_t have, uint64_t want)
{
	add_lack(v, cls, want & ~have, false);
}

/* Require one of `want` bits in `have`. */
static void need_any(struct kvm_param_value *v, enum vmx_class cls, uint64_t have, uint64_t want)
{
	if (!(have & want))
		add_lack(v, cls, want, true);
}

static bool on(const struct ev *e, enum kvm_param id)
{
	return e->o->p[id].value != 0;
}

/* Start a parameter: requested value, default/given; returns false when it is already off (or absent). */
static bool begin(struct ev *e, enum kvm_param id, const char *needs)
{
	struct kvm_param_value *v = &e->o->p[id];
	v->needs = needs;
	if (!v->present)
		return false;
	if (v->given && v->requested == 0 && infos[id].type == KVM_PT_BOOL) {
		v->why = KVM_WHY_USER_OFF;
		return false;
	}
	return v->requested != 0;
}

/* After the checks: off if something lacks. */
static void finish_cpu(struct kvm_param_value *v)
{
	if (v->n_lack) {
		v->value = 0;
		v->why = KVM_WHY_CPU;
	}
}

static bool depends(struct kvm_param_value *v, const struct ev *e, enum kvm_param dep)
{
	if (on(e, dep))
		return false;
	v->value = 0;
	v->why = KVM_WHY_DEPENDS;
	v->dep = (int)dep;
	return true;
}

#define SEC(x) VMX_B(SECONDARY, x)
#define PRI(x) VMX_B(PRIMARY, x)
#define PIN(x) VMX_B(PIN, x)
#define ENT(x) VMX_B(ENTRY, x)
#define EXI(x) VMX_B(EXIT, x)
#define CAP(x) VMX_B(EPT_VPID, x)
#define MSC(x) VMX_B(MISC, x)

static uint64_t capword(const struct ev *e)
{
	return (uint64_t)e->o->setup.ept | ((uint64_t)e->o->setup.vpid << 32);
}

static void p_vpid(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_VPID];
	if (!begin(e, KVM_P_VPID,
		   "secondary control 'enable VPID', INVVPID, and single-context or all-context INVVPID"))
		return;
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, SEC(VPID));
	need(v, VMX_CLASS_EPT_VPID, capword(e), CAP(INVVPID));
	need_any(v, VMX_CLASS_EPT_VPID, capword(e), CAP(INVVPID_SINGLE) | CAP(INVVPID_ALL));
	finish_cpu(v);
}

static void p_ept(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_EPT];
	if (!begin(e, KVM_P_EPT,
		   "secondary control 'enable EPT', page-walk length 4, write-back EPTP and all-context INVEPT"))
		return;
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, SEC(EPT));
	need(v, VMX_CLASS_EPT_VPID, capword(e), CAP(EPT_WALK4) | CAP(EPTP_WB) | CAP(INVEPT_ALL));
	finish_cpu(v);
}

static void p_eptad(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_EPTAD];
	if (!begin(e, KVM_P_EPTAD, "ept=1 and EPT accessed/dirty flags (IA32_VMX_EPT_VPID_CAP bit 21)"))
		return;
	need(v, VMX_CLASS_EPT_VPID, capword(e), CAP(EPT_AD));
	finish_cpu(v);
	if (!v->n_lack)
		depends(v, e, KVM_P_EPT);
}

static void p_simple_sec(struct ev *e, enum kvm_param id, const char *needs, uint64_t sec_bits, int dep)
{
	struct kvm_param_value *v = &e->o->p[id];
	if (!begin(e, id, needs))
		return;
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, sec_bits);
	finish_cpu(v);
	if (!v->n_lack && dep >= 0)
		depends(v, e, (enum kvm_param)dep);
}

static void p_flexpriority(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_FLEXPRIORITY];
	if (!begin(e, KVM_P_FLEXPRIORITY, "primary control 'use TPR shadow' and secondary 'virtualize APIC accesses'"))
		return;
	need(v, VMX_CLASS_PRIMARY, e->c->primary, PRI(TPR_SHADOW));
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, SEC(VIRT_APIC_ACCESSES));
	finish_cpu(v);
}

static void p_vnmi(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_VNMI];
	bool win = (e->f & KVM_PV_VNMI_NMI_WINDOW) != 0;
	if (!begin(e, KVM_P_VNMI,
		   win ? "pin control 'virtual NMIs' and primary control 'NMI-window exiting'"
		       : "pin control 'virtual NMIs'"))
		return;
	need(v, VMX_CLASS_PIN, e->c->pin, PIN(VIRTUAL_NMIS));
	if (win)
		need(v, VMX_CLASS_PRIMARY, e->c->primary, PRI(NMI_WINDOW_EXITING));
	finish_cpu(v);
}

static void p_ple(struct ev *e, enum kvm_param id)
{
	struct kvm_param_value *v = &e->o->p[id];
	v->needs = "secondary control 'PAUSE-loop exiting' (all PLE parameters become 0 without it)";
	if (!v->present || v->requested == 0)
		return;
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, SEC(PAUSE_LOOP_EXITING));
	finish_cpu(v);
}

static void p_apicv(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_ENABLE_APICV];
	if (!begin(e, KVM_P_ENABLE_APICV,
		   "secondary 'APIC-register virtualization' and 'virtual-interrupt delivery', and pin 'process "
		   "posted interrupts'"))
		return;
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, SEC(APIC_REGISTER_VIRT) | SEC(VIRT_INTR_DELIVERY));
	need(v, VMX_CLASS_PIN, e->c->pin, PIN(POSTED_INTR));
	finish_cpu(v);
}

static void p_ipiv(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_ENABLE_IPIV];
	if (!begin(e, KVM_P_ENABLE_IPIV, "enable_apicv=1 and tertiary control 'IPI virtualization'"))
		return;
	if (depends(v, e, KVM_P_ENABLE_APICV))
		return;
	need(v, VMX_CLASS_TERTIARY, e->c->tertiary, VMX_B(TERTIARY, IPI_VIRT));
	finish_cpu(v);
}

static void p_pml(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_PML];
	if (!begin(e, KVM_P_PML, "ept=1, eptad=1 and secondary control 'enable PML'"))
		return;
	if (depends(v, e, KVM_P_EPT) || depends(v, e, KVM_P_EPTAD))
		return;
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, SEC(PML));
	finish_cpu(v);
}

static void p_timer(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_PREEMPTION_TIMER];
	struct kvm_post *o = e->o;
	if (!begin(e, KVM_P_PREEMPTION_TIMER,
		   "pin control 'activate VMX-preemption timer' (after the broken-timer list) and a timer that does "
		   "not tick faster than 0xffffffff/10 per second: (TSC Hz >> IA32_VMX_MISC[4:0]) <= 429496729"))
		return;
	if (e->in->kernel_32bit) {
		v->value = 0;
		v->why = KVM_WHY_NOT_EVALUATED;
		v->note = "32-bit kernels do not use the VMX-preemption timer";
		return;
	}
	if (!(e->f & KVM_PV_TIMER_RULE)) {
		v->why = KVM_WHY_NO_RULE;
		v->note = "before 5.3 the kernel never changes preemption_timer: without the pin control (or with a "
			  "fast TSC) the timer simply goes unused";
		return;
	}
	/* The timer may be allowed by the CPU yet dropped by the broken-timer rule: blame the erratum. */
	for (size_t i = 0; i < o->setup.n_events; i++) {
		const struct kvm_event *ev = &o->setup.events[i];
		if (ev->rule == KVM_R_BROKEN_PREEMPTION_TIMER) {
			v->value = 0;
			v->why = KVM_WHY_ERRATUM;
			v->note = kvm_event_ref(o->policy, ev);
			return;
		}
	}
	need(v, VMX_CLASS_PIN, e->c->pin, PIN(PREEMPTION_TIMER));
	finish_cpu(v);
	if (v->n_lack)
		return;
	if (!kvm_timer_usable(o->tsc_khz, o->timer_rate)) {
		v->value = 0;
		v->why = KVM_WHY_TIMER_RATE;
	}
}

static void p_pt_mode(struct ev *e)
{
	struct kvm_post *o = e->o;
	struct kvm_param_value *v = &o->p[KVM_P_PT_MODE];
	bool old = (e->f & KVM_PV_PT_OLD) != 0;
	v->needs = old ? "ept=1, IA32_VMX_MISC bit 14 (PT in VMX), secondary 'PT uses guest physical addresses', "
			 "VM-exit 'clear IA32_RTIT_CTL' and VM-entry 'load IA32_RTIT_CTL'"
		       : "ept=1, kvm.enable_pmu=1, IA32_VMX_MISC bit 14 (PT in VMX), secondary 'PT uses guest physical "
			 "addresses' and VM-entry 'load IA32_RTIT_CTL'";
	if (!v->present)
		return;
	if ((e->f & KVM_PV_PT_BROKEN) && !e->in->config_broken) {
		v->why = KVM_WHY_NOT_SETTABLE;
		v->note = "pt_mode is a module parameter only on kernels built with CONFIG_BROKEN (6.1+): fixed at 0";
		v->value = 0;
		return;
	}
	if (v->requested != 0 && v->requested != 1) {
		o->status = KVM_POST_EINVAL;
		o->failed_in = "hardware_setup";
		o->fail_reason = "pt_mode must be 0 (system) or 1 (host-guest): hardware_setup returns -EINVAL";
		return;
	}
	if (v->requested == 0)
		return;
	if (depends(v, e, KVM_P_EPT))
		return;
	if ((e->f & KVM_PV_PT_PMU) && depends(v, e, KVM_P_ENABLE_PMU))
		return;
	need(v, VMX_CLASS_MISC, vmx_snapshot_msr(e->s, VMX_MSR_MISC), MSC(PT_IN_VMX));
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, SEC(PT_USE_GPA));
	if (old)
		need(v, VMX_CLASS_EXIT, e->c->exit, EXI(CLEAR_RTIT_CTL));
	need(v, VMX_CLASS_ENTRY, e->c->entry, ENT(LOAD_RTIT_CTL));
	finish_cpu(v);
}

static void p_shadow_vmcs(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_ENABLE_SHADOW_VMCS];
	if (!begin(e, KVM_P_ENABLE_SHADOW_VMCS,
		   "nested=1 (only evaluated then), secondary control 'VMCS shadowing' and IA32_VMX_MISC bit 29 "
		   "(VMWRITE to any field)"))
		return;
	if (!on(e, KVM_P_NESTED) && !(e->f & KVM_PV_SHADOW_ALWAYS)) {
		v->why = KVM_WHY_NOT_EVALUATED;
		v->note = "nested=0: nested setup does not run, the parameter keeps its value and has no effect";
		return;
	}
	need(v, VMX_CLASS_SECONDARY, e->c->secondary, SEC(SHADOW_VMCS));
	need(v, VMX_CLASS_MISC, vmx_snapshot_msr(e->s, VMX_MSR_MISC), MSC(VMWRITE_ANY));
	finish_cpu(v);
}

static void p_sgx(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_SGX];
	if (!(e->f & KVM_PV_SGX_RULE)) {
		if (v->present && begin(e, KVM_P_SGX, (const char *)0)) {
			v->why = KVM_WHY_NO_RULE;
			v->note = "this release keeps sgx=1 without ENCLS exiting (the rule came with 6.1 and the 5.15.y/6.0.y "
				  "stable backports)";
		}
		return;
	}
	p_simple_sec(e, KVM_P_SGX, "secondary control 'enable ENCLS exiting' (kept only when CPUID enumerates SGX)",
		     SEC(ENCLS_EXITING), -1);
}

/* Parameters decided by the host beyond the VMX capability MSRs: known off when what they need is off. */
static void p_host(struct ev *e, enum kvm_param id, const char *needs, const enum kvm_param *deps, size_t n_deps,
		   const char *note)
{
	struct kvm_param_value *v = &e->o->p[id];
	if (!begin(e, id, needs))
		return;
	for (size_t i = 0; i < n_deps; i++)
		if (depends(v, e, deps[i]))
			return;
	v->why = KVM_WHY_HOST;
	v->note = note;
}

static void p_after_setup(struct ev *e)
{
	static const enum kvm_param posted_deps[] = { KVM_P_ENABLE_APICV };
	static const enum kvm_param tdx_deps[] = { KVM_P_EPT, KVM_P_EPTAD, KVM_P_ENABLE_APICV };
	static const enum kvm_param mpmu_deps[] = { KVM_P_ENABLE_PMU };
	p_host(e, KVM_P_ENABLE_DEVICE_POSTED_IRQS, "enable_apicv=1 and an IOMMU with posted interrupts (VT-d PI)",
	       posted_deps, 1, "kept only if the IOMMU's interrupt remapping offers posted interrupts: not in the VMX "
			       "capabilities");
	p_host(e, KVM_P_TDX, "ept, eptad, enable_apicv, a TDX module and TDX private KeyIDs", tdx_deps, 3,
	       "needs a loaded TDX module, TDX KeyIDs and kvm.enable_virt_at_load=1: not in the VMX capabilities");
	struct kvm_param_value *m = &e->o->p[KVM_P_ENABLE_MEDIATED_PMU];
	if (begin(e, KVM_P_ENABLE_MEDIATED_PMU, "kvm.enable_pmu, VM-entry and VM-exit 'load IA32_PERF_GLOBAL_CTRL', "
						"PMU version 4 and full-width counter writes")) {
		need(m, VMX_CLASS_ENTRY, e->c->entry, ENT(LOAD_PERF_GLOBAL_CTRL));
		need(m, VMX_CLASS_EXIT, e->c->exit, EXI(LOAD_PERF_GLOBAL_CTRL));
		finish_cpu(m);
		if (!m->n_lack)
			p_host(e, KVM_P_ENABLE_MEDIATED_PMU, m->needs, mpmu_deps, 1,
			       "also needs a perf with mediated-PMU support, PMU version 4 and IA32_PERF_CAPABILITIES bit 13");
	}
	/* vmx_init (hardware_setup from 6.18): shadow paging lets guests use a smaller MAXPHYADDR. */
	struct kvm_param_value *a = &e->o->p[KVM_P_ALLOW_SMALLER_MAXPHYADDR];
	if (a->present && !on(e, KVM_P_EPT) && a->value == 0) {
		a->value = 1;
		a->why = KVM_WHY_KERNEL_SET;
		a->note = "set to 1 by the kernel because ept is 0 (shadow paging handles any guest MAXPHYADDR)";
	}
}

static void p_cet(struct ev *e)
{
	struct kvm_param_value *v = &e->o->p[KVM_P_CET];
	if (!begin(e, KVM_P_CET, "VM-entry control 'load CET state' (kept only with its VM-exit pair)"))
		return;
	need(v, VMX_CLASS_ENTRY, e->c->entry, ENT(LOAD_CET_STATE));
	finish_cpu(v);
}

/* Mark every parameter not decided yet as not evaluated (load failed before it). */
static void not_evaluated_from(struct kvm_post *o, const bool *done, const char *note)
{
	for (int i = 0; i < KVM_P_COUNT; i++) {
		struct kvm_param_value *v = &o->p[i];
		if (!v->present || done[i])
			continue;
		v->value = v->requested;
		v->why = KVM_WHY_NOT_EVALUATED;
		v->note = note;
		v->n_lack = 0;
		v->dep = -1;
	}
}

int kvm_post_setup(const struct kvm_policy *p, const struct kvm_params_input *in, struct kvm_post *o)
{
	if (!p || !in || !in->snap || !o)
		return VMX_ERR_INVALID;
	struct ev e = { in, in->snap, o, &o->setup.cfg, kvm_post_flags_at(p, in->sublevel, &o->flags_uncertain) };
	o->policy = p;
	o->flags = e.f;
	o->status = KVM_POST_OK;
	o->failed_in = (const char *)0;
	o->fail_reason = (const char *)0;
	o->tsc_khz = in->tsc_khz ? in->tsc_khz : KVM_DEFAULT_TSC_KHZ;
	o->tsc_assumed = in->tsc_khz == 0;
	o->timer_rate = (unsigned)(vmx_snapshot_msr(in->snap, VMX_MSR_MISC) & 0x1fu);
	o->timer_max_tsc_khz = timer_max_khz(o->timer_rate);
	o->has_nx = (vmx_snapshot_cpuid_reg(in->snap, 0x80000001u, 0, 3) >> 20) & 1u;
	o->guest_cet = false;
	o->timer_tsc_matters = false;
	for (int i = 0; i < KVM_P_COUNT; i++) {
		struct kvm_param_value *v = &o->p[i];
		const char *why = (const char *)0;
		v->present = kvm_param_present(p, (enum kvm_param)i, &why);
		v->given = v->present && ((in->given >> i) & 1u);
		v->requested = v->present ? in->value[i] : 0;
		v->value = v->requested;
		v->why = !v->present ? KVM_WHY_ABSENT : v->given ? KVM_WHY_GIVEN : KVM_WHY_DEFAULT;
		v->needs = (const char *)0;
		v->note = why;
		v->dep = -1;
		v->n_lack = 0;
	}

	struct kvm_input kin;
	kvm_input_init(&kin, in->snap);
	kin.error_on_inconsistent_vmcs_config =
		!o->p[KVM_P_ERROR_ON_INCONSISTENT].present || o->p[KVM_P_ERROR_ON_INCONSISTENT].requested != 0;
	kin.kernel_32bit = in->kernel_32bit;
	kin.prove_ve = in->prove_ve;
	kvm_setup_vmcs_config(p, &kin, &o->setup);

	bool done[KVM_P_COUNT] = { false };
	done[KVM_P_ERROR_ON_INCONSISTENT] = done[KVM_P_ENABLE_PMU] = done[KVM_P_NESTED] = true;
	/* No CPU rule touches these. */
	done[KVM_P_DUMP_INVALID_VMCS] = done[KVM_P_NESTED_EARLY_CHECK] = done[KVM_P_WARN_ON_MISSED_CC] = true;
	if (o->setup.status != KVM_STATUS_OK) {
		o->status = KVM_POST_EIO;
		o->failed_in = (e.f & KVM_PV_SETUP_IN_INIT) ? "vmx_init" : "hardware_setup";
		not_evaluated_from(o, done, "kvm_intel did not load (setup_vmcs_config failed): the value is the "
					    "requested one");
		return VMX_OK;
	}
	const char *stop = "hardware_setup stopped before this parameter: the value is the requested one";
	/* hardware_setup order (docs/kernel-versions.md). */
	p_vpid(&e);
	done[KVM_P_VPID] = true;
	p_ept(&e);
	done[KVM_P_EPT] = true;
	p_cet(&e); /* 7.1: right after the EPT checks, before the NX check */
	done[KVM_P_CET] = true;
	if ((e.f & KVM_PV_NX_CHECK) && !on(&e, KVM_P_EPT) && !o->has_nx) {
		o->status = KVM_POST_EOPNOTSUPP;
		o->failed_in = "hardware_setup";
		o->fail_reason = "EPT ends up off and the CPU has no NX (CPUID 0x80000001:EDX[20]): shadow paging "
				 "needs NX, \"NX (Execute Disable) not supported\", -EOPNOTSUPP";
		not_evaluated_from(o, done, stop);
		return VMX_OK;
	}
	p_eptad(&e);
	p_simple_sec(&e, KVM_P_UNRESTRICTED_GUEST, "ept=1 and secondary control 'unrestricted guest'",
		     SEC(UNRESTRICTED_GUEST), KVM_P_EPT);
	p_flexpriority(&e);
	p_vnmi(&e);
	p_sgx(&e);
	p_ple(&e, KVM_P_PLE_GAP);
	p_ple(&e, KVM_P_PLE_WINDOW);
	p_apicv(&e);
	p_ipiv(&e);
	p_pml(&e);
	p_timer(&e);
	for (int i = 0; i <= KVM_P_PREEMPTION_TIMER; i++)
		done[i] = true;
	done[KVM_P_SGX] = done[KVM_P_PLE_GAP] = done[KVM_P_PLE_WINDOW] = true;
	o->timer_tsc_matters = (o->setup.cfg.pin & PIN(PREEMPTION_TIMER)) && !in->kernel_32bit &&
			       o->timer_max_tsc_khz < 10000000u;
	p_pt_mode(&e);
	if (o->status != KVM_POST_OK) {
		not_evaluated_from(o, done, stop);
		return VMX_OK;
	}
	p_shadow_vmcs(&e);
	p_after_setup(&e);
	/* Guest CET (vmx_set_cpu_caps): SHSTK/IBT survive only with load-CET, unrestricted guest, BASIC bit 56. */
	if ((e.f & KVM_PV_GUEST_CET) && in->host_cet) {
		bool cet_param = !o->p[KVM_P_CET].present || on(&e, KVM_P_CET);
		o->guest_cet = cet_param && (o->setup.cfg.entry & ENT(LOAD_CET_STATE)) &&
			       on(&e, KVM_P_UNRESTRICTED_GUEST) &&
			       (vmx_snapshot_msr(in->snap, VMX_MSR_BASIC) & VMX_B(BASIC, NO_HW_ERRCODE_CC));
	}
	return VMX_OK;
}

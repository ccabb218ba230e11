/* SPDX-License-Identifier: MIT */
/*
 * VM-entry checks on VMX controls (VM-instruction error 7, SDM Vol. 3C
 * "Checks on VMX Controls") as a pure function of a capability snapshot,
 * MAXPHYADDR and the VMCS fields those checks read.
 *
 * Rule ids are the stable ids of the reference sdm-entry-checks.md (CAP-01,
 * EXEC-07, ENTRY-03, ...).  The validator reports every violated rule, not
 * just the first; rules the reference marks unverified, peer-only or "not
 * error 7" are reported as warnings, which a flag switches off.
 *
 * Freestanding: only <stdint.h>, <stddef.h>, <stdbool.h>; no allocation, the
 * result lives in a caller-provided struct.
 */
#ifndef VMXCFG_VMCS_H
#define VMXCFG_VMCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm.h"
#include "snapshot.h"

/*
 * The fields the checks read.  X(ID, encoding, width, "IDENT", "SDM name", "short")
 * encoding: 16-bit VMCS encoding (full form for 64-bit fields), or 0xFFFF for
 *           pseudo-fields that are not in the VMCS (VTPR: byte 80H of the
 *           virtual-APIC page);
 * width:    16, 32 or 64 bits;
 * IDENT:    upper-case identifier as hypervisor sources spell it;
 * short:    the name used in our JSON output.
 */
#define VMCS_FIELDS(X) \
	X(VPID, 0x0000, 16, "VIRTUAL_PROCESSOR_ID", "Virtual-processor identifier (VPID)", "vpid") \
	X(POSTED_INTR_NV, 0x0002, 16, "POSTED_INTR_NV", "Posted-interrupt notification vector", "posted_intr_nv") \
	X(HLAT_PREFIX_SIZE, 0x0006, 16, "HLAT_PREFIX_SIZE", "HLAT prefix size", "hlat_prefix_size") \
	X(IO_BITMAP_A, 0x2000, 64, "IO_BITMAP_A", "Address of I/O bitmap A", "io_bitmap_a") \
	X(IO_BITMAP_B, 0x2002, 64, "IO_BITMAP_B", "Address of I/O bitmap B", "io_bitmap_b") \
	X(MSR_BITMAP, 0x2004, 64, "MSR_BITMAP", "Address of MSR bitmaps", "msr_bitmap") \
	X(EXIT_MSR_STORE_ADDR, 0x2006, 64, "VM_EXIT_MSR_STORE_ADDR", "VM-exit MSR-store address", "exit_msr_store_addr") \
	X(EXIT_MSR_LOAD_ADDR, 0x2008, 64, "VM_EXIT_MSR_LOAD_ADDR", "VM-exit MSR-load address", "exit_msr_load_addr") \
	X(ENTRY_MSR_LOAD_ADDR, 0x200A, 64, "VM_ENTRY_MSR_LOAD_ADDR", "VM-entry MSR-load address", "entry_msr_load_addr") \
	X(PML_ADDRESS, 0x200E, 64, "PML_ADDRESS", "PML address", "pml_address") \
	X(VIRTUAL_APIC_ADDR, 0x2012, 64, "VIRTUAL_APIC_PAGE_ADDR", "Virtual-APIC address", "virtual_apic_addr") \
	X(APIC_ACCESS_ADDR, 0x2014, 64, "APIC_ACCESS_ADDR", "APIC-access address", "apic_access_addr") \
	X(PI_DESC_ADDR, 0x2016, 64, "POSTED_INTR_DESC_ADDR", "Posted-interrupt descriptor address", "posted_intr_desc_addr") \
	X(VMFUNC_CONTROLS, 0x2018, 64, "VM_FUNCTION_CONTROL", "VM-function controls", "vmfunc_controls") \
	X(EPTP, 0x201A, 64, "EPT_POINTER", "EPT pointer (EPTP)", "eptp") \
	X(EPTP_LIST_ADDR, 0x2024, 64, "EPTP_LIST_ADDRESS", "EPTP-list address", "eptp_list_addr") \
	X(VMREAD_BITMAP, 0x2026, 64, "VMREAD_BITMAP", "VMREAD-bitmap address", "vmread_bitmap") \
	X(VMWRITE_BITMAP, 0x2028, 64, "VMWRITE_BITMAP", "VMWRITE-bitmap address", "vmwrite_bitmap") \
	X(VE_INFO_ADDR, 0x202A, 64, "VE_INFORMATION_ADDRESS", "Virtualization-exception information address", "ve_info_addr") \
	X(SPPTP, 0x2030, 64, "SPPT_POINTER", "Sub-page-permission-table pointer (SPPTP)", "spptp") \
	X(TSC_MULTIPLIER, 0x2032, 64, "TSC_MULTIPLIER", "TSC multiplier", "tsc_multiplier") \
	X(TERTIARY, 0x2034, 64, "TERTIARY_VM_EXEC_CONTROL", "Tertiary processor-based VM-execution controls", "tertiary") \
	X(HLATP, 0x2040, 64, "HLAT_POINTER", "Hypervisor-managed linear-address translation pointer (HLATP)", "hlatp") \
	X(PID_POINTER_TABLE, 0x2042, 64, "PID_POINTER_TABLE", "PID-pointer table address", "pid_pointer_table") \
	X(EXIT2, 0x2044, 64, "SECONDARY_VM_EXIT_CONTROLS", "Secondary VM-exit controls", "exit2") \
	X(LINK_POINTER, 0x2800, 64, "VMCS_LINK_POINTER", "VMCS link pointer", "vmcs_link_pointer") \
	X(GUEST_EFER, 0x2806, 64, "GUEST_IA32_EFER", "Guest IA32_EFER", "guest_efer") \
	X(PIN, 0x4000, 32, "PIN_BASED_VM_EXEC_CONTROL", "Pin-based VM-execution controls", "pin") \
	X(PRIMARY, 0x4002, 32, "CPU_BASED_VM_EXEC_CONTROL", "Primary processor-based VM-execution controls", "primary") \
	X(CR3_TARGET_COUNT, 0x400A, 32, "CR3_TARGET_COUNT", "CR3-target count", "cr3_target_count") \
	X(EXIT, 0x400C, 32, "VM_EXIT_CONTROLS", "Primary VM-exit controls", "exit") \
	X(EXIT_MSR_STORE_COUNT, 0x400E, 32, "VM_EXIT_MSR_STORE_COUNT", "VM-exit MSR-store count", "exit_msr_store_count") \
	X(EXIT_MSR_LOAD_COUNT, 0x4010, 32, "VM_EXIT_MSR_LOAD_COUNT", "VM-exit MSR-load count", "exit_msr_load_count") \
	X(ENTRY, 0x4012, 32, "VM_ENTRY_CONTROLS", "VM-entry controls", "entry") \
	X(ENTRY_MSR_LOAD_COUNT, 0x4014, 32, "VM_ENTRY_MSR_LOAD_COUNT", "VM-entry MSR-load count", "entry_msr_load_count") \
	X(ENTRY_INTR_INFO, 0x4016, 32, "VM_ENTRY_INTR_INFO_FIELD", "VM-entry interruption-information field", "entry_intr_info") \
	X(ENTRY_EXC_ERRCODE, 0x4018, 32, "VM_ENTRY_EXCEPTION_ERROR_CODE", "VM-entry exception error code", "entry_exception_error_code") \
	X(ENTRY_INSTR_LEN, 0x401A, 32, "VM_ENTRY_INSTRUCTION_LEN", "VM-entry instruction length", "entry_instruction_len") \
	X(TPR_THRESHOLD, 0x401C, 32, "TPR_THRESHOLD", "TPR threshold", "tpr_threshold") \
	X(SECONDARY, 0x401E, 32, "SECONDARY_VM_EXEC_CONTROL", "Secondary processor-based VM-execution controls", "secondary") \
	X(GUEST_INTERRUPTIBILITY, 0x4824, 32, "GUEST_INTERRUPTIBILITY_INFO", "Guest interruptibility state", "guest_interruptibility") \
	X(GUEST_ACTIVITY, 0x4826, 32, "GUEST_ACTIVITY_STATE", "Guest activity state", "guest_activity_state") \
	X(GUEST_CR0, 0x6800, 64, "GUEST_CR0", "Guest CR0", "guest_cr0") \
	X(GUEST_CR4, 0x6804, 64, "GUEST_CR4", "Guest CR4", "guest_cr4") \
	X(GUEST_RFLAGS, 0x6820, 64, "GUEST_RFLAGS", "Guest RFLAGS", "guest_rflags") \
	X(VTPR, 0xFFFF, 16, "VTPR", "Virtual TPR (byte 80H of the virtual-APIC page)", "vtpr")

#define VMCS_FIELD_ENUM_(id, enc, w, ident, sdm, s) VMCS_F_##id,
enum vmcs_field { VMCS_FIELDS(VMCS_FIELD_ENUM_) VMCS_F_COUNT, VMCS_F_NONE = 0xff };
#undef VMCS_FIELD_ENUM_

#define VMCS_BIT(f) (1ull << (VMCS_F_##f))
#define VMCS_KNOWN_ALL ((1ull << VMCS_F_COUNT) - 1)

/*
 * The field values.  A field whose bit is clear in `known` was not given: a
 * rule that needs it is reported as "undecided" (a warning), never passed or
 * failed silently.  Set known = VMCS_KNOWN_ALL when every value is real.
 */
struct vmcs_fields {
	uint64_t known;                  /* bit VMCS_F_x: field x was given */
	uint64_t v[VMCS_F_COUNT];        /* value of each field, zero-extended */
};

/* Rules.  X(ID, "stable id", "name", class, "one-line rule") */
#define VMCS_RC_ERROR7 0      /* error-7 rule, enforced */
#define VMCS_RC_UNVERIFIED 1  /* reference: UNVERIFIED -> warning */
#define VMCS_RC_PEER_ONLY 2   /* reference: non-SDM, one peer only -> warning */
#define VMCS_RC_NOT_ERROR7 3  /* a related check that fails with another error -> warning */
#define VMCS_RC_INFO 4        /* advisory (undefined behaviour, not an entry check) -> warning */
#define VMCS_RC_NONE 5        /* the reference states there is no check; never reported */

#define VMCS_RULES(X) \
	X(CAP_01, "CAP-01", "PIN", VMCS_RC_ERROR7, "pin-based controls must fit IA32_VMX_(TRUE_)PINBASED_CTLS") \
	X(CAP_02, "CAP-02", "PROC", VMCS_RC_ERROR7, "primary processor-based controls must fit IA32_VMX_(TRUE_)PROCBASED_CTLS") \
	X(CAP_03, "CAP-03", "PROC2", VMCS_RC_ERROR7, "secondary controls (when activated) must fit IA32_VMX_PROCBASED_CTLS2") \
	X(CAP_04, "CAP-04", "PROC3", VMCS_RC_ERROR7, "tertiary controls (when activated) must fit IA32_VMX_PROCBASED_CTLS3") \
	X(CAP_05, "CAP-05", "EXIT", VMCS_RC_ERROR7, "VM-exit controls must fit IA32_VMX_(TRUE_)EXIT_CTLS") \
	X(CAP_06, "CAP-06", "EXIT2", VMCS_RC_ERROR7, "secondary VM-exit controls (when activated) must fit IA32_VMX_EXIT_CTLS2") \
	X(CAP_07, "CAP-07", "ENTRY", VMCS_RC_ERROR7, "VM-entry controls must fit IA32_VMX_(TRUE_)ENTRY_CTLS") \
	X(CAP_08, "CAP-08", "VMFUNC", VMCS_RC_ERROR7, "VM-function controls (when enabled) must fit IA32_VMX_VMFUNC") \
	X(EXEC_01, "EXEC-01", "CR3CNT", VMCS_RC_ERROR7, "CR3-target count must not exceed IA32_VMX_MISC[24:16]") \
	X(EXEC_02, "EXEC-02", "IOBMP", VMCS_RC_ERROR7, "with I/O bitmaps, bitmap addresses A and B must be 4-KByte aligned and within the physical-address width") \
	X(EXEC_03, "EXEC-03", "MSRBMP", VMCS_RC_ERROR7, "with MSR bitmaps, the MSR-bitmap address must be 4-KByte aligned and within the physical-address width") \
	X(EXEC_04, "EXEC-04", "VAPIC", VMCS_RC_ERROR7, "with TPR shadow, the virtual-APIC address must be 4-KByte aligned and within the physical-address width") \
	X(EXEC_05, "EXEC-05", "TPRTH-RSVD", VMCS_RC_ERROR7, "with TPR shadow and without virtual-interrupt delivery, TPR threshold bits 31:4 must be 0") \
	X(EXEC_06, "EXEC-06", "TPRTH-VTPR", VMCS_RC_ERROR7, "with TPR shadow, without APIC-access virtualization and virtual-interrupt delivery, TPR threshold[3:0] must not exceed VTPR[7:4]") \
	X(EXEC_07, "EXEC-07", "NMI-VNMI", VMCS_RC_ERROR7, "virtual NMIs require NMI exiting") \
	X(EXEC_08, "EXEC-08", "VNMI-NMIWIN", VMCS_RC_ERROR7, "NMI-window exiting requires virtual NMIs") \
	X(EXEC_09, "EXEC-09", "APICACC", VMCS_RC_ERROR7, "with APIC-access virtualization, the APIC-access address must be 4-KByte aligned and within the physical-address width") \
	X(EXEC_10, "EXEC-10", "APICV-NEEDS-TPR", VMCS_RC_ERROR7, "x2APIC virtualization, APIC-register virtualization and virtual-interrupt delivery require TPR shadow") \
	X(EXEC_11, "EXEC-11", "X2APIC-XOR-VAA", VMCS_RC_ERROR7, "virtualize x2APIC mode and virtualize APIC accesses must not both be 1") \
	X(EXEC_12, "EXEC-12", "VID-NEEDS-EXTINT", VMCS_RC_ERROR7, "virtual-interrupt delivery requires external-interrupt exiting") \
	X(EXEC_13A, "EXEC-13a", "PI-VID", VMCS_RC_ERROR7, "posted interrupts require virtual-interrupt delivery") \
	X(EXEC_13B, "EXEC-13b", "PI-ACK", VMCS_RC_ERROR7, "posted interrupts require the acknowledge-interrupt-on-exit VM-exit control") \
	X(EXEC_13C, "EXEC-13c", "PI-NV", VMCS_RC_ERROR7, "with posted interrupts, notification vector bits 15:8 must be 0") \
	X(EXEC_13D, "EXEC-13d", "PI-DESC", VMCS_RC_ERROR7, "with posted interrupts, the descriptor address must be 64-byte aligned and within the physical-address width") \
	X(EXEC_14, "EXEC-14", "VPID", VMCS_RC_ERROR7, "with VPID enabled, the VPID must not be 0000H") \
	X(EXEC_15A, "EXEC-15a", "EPTP-MT", VMCS_RC_ERROR7, "EPTP memory type must be UC or WB as IA32_VMX_EPT_VPID_CAP allows") \
	X(EXEC_15B, "EXEC-15b", "EPTP-PWL", VMCS_RC_ERROR7, "EPTP page-walk length must be 4 or 5 as IA32_VMX_EPT_VPID_CAP allows") \
	X(EXEC_15C, "EXEC-15c", "EPTP-AD", VMCS_RC_ERROR7, "EPTP accessed/dirty enable requires IA32_VMX_EPT_VPID_CAP[21]") \
	X(EXEC_15D, "EXEC-15d", "EPTP-SSS", VMCS_RC_ERROR7, "EPTP supervisor shadow-stack control requires IA32_VMX_EPT_VPID_CAP[23]") \
	X(EXEC_15E, "EXEC-15e", "EPTP-RSVD", VMCS_RC_ERROR7, "EPTP bits 11:8 and bits beyond the physical-address width must be 0") \
	X(EXEC_16, "EXEC-16", "PML", VMCS_RC_ERROR7, "PML requires EPT and a 4-KByte aligned PML address within the physical-address width") \
	X(EXEC_17, "EXEC-17", "URG-EPT", VMCS_RC_ERROR7, "unrestricted guest requires EPT") \
	X(EXEC_18, "EXEC-18", "MBEC-EPT", VMCS_RC_ERROR7, "mode-based execute control requires EPT") \
	X(EXEC_19, "EXEC-19", "EPTP-SWITCH", VMCS_RC_ERROR7, "EPTP switching requires EPT and a 4-KByte aligned EPTP-list address within the physical-address width") \
	X(EXEC_20, "EXEC-20", "SHADOW", VMCS_RC_ERROR7, "with VMCS shadowing, VMREAD/VMWRITE bitmap addresses must be 4-KByte aligned and within the physical-address width") \
	X(EXEC_21, "EXEC-21", "VE-INFO", VMCS_RC_ERROR7, "with EPT-violation #VE, the #VE information address must be 4-KByte aligned and within the physical-address width") \
	X(EXEC_22, "EXEC-22", "SPP", VMCS_RC_ERROR7, "sub-page write permissions require EPT and a 4-KByte aligned SPPTP within the physical-address width") \
	X(EXEC_23, "EXEC-23", "PREEMPT-SAVE", VMCS_RC_ERROR7, "saving the VMX-preemption timer value requires activating the timer") \
	X(EXEC_24, "EXEC-24", "ENCLS", VMCS_RC_NONE, "ENCLS/ENCLV exiting: no check beyond CAP-03") \
	X(EXEC_25, "EXEC-25", "TER", VMCS_RC_UNVERIFIED, "tertiary-feature and PT-uses-GPA dependencies (unverified against a current SDM)") \
	X(EXEC_26, "EXEC-26", "TSCMULT", VMCS_RC_PEER_ONLY, "TSC scaling with a zero TSC multiplier (Bochs only, not an SDM rule)") \
	X(EXIT_01, "EXIT-01", "MSRSTORE", VMCS_RC_ERROR7, "VM-exit MSR-store area must be 16-byte aligned and lie within the physical-address width") \
	X(EXIT_02, "EXIT-02", "MSRLOAD", VMCS_RC_ERROR7, "VM-exit MSR-load area must be 16-byte aligned and lie within the physical-address width") \
	X(INFO_MSRLIST, "INFO-MSRLIST", "MSR-LIST-SIZE", VMCS_RC_INFO, "MSR-list counts above 512*(IA32_VMX_MISC[27:25]+1) give undefined behaviour") \
	X(ENTRY_01, "ENTRY-01", "TYPE", VMCS_RC_ERROR7, "injected event type must not be 1, and 7 only if monitor trap flag is supported") \
	X(ENTRY_02, "ENTRY-02", "VECTOR", VMCS_RC_ERROR7, "injected vector must suit the type (NMI: 2, hardware exception: <= 31, other event: 0)") \
	X(ENTRY_03, "ENTRY-03", "ERRCODE-BIT", VMCS_RC_ERROR7, "deliver-error-code must match the event type, vector and guest mode") \
	X(ENTRY_04, "ENTRY-04", "RSVD", VMCS_RC_ERROR7, "interruption-information bits 30:12 must be 0") \
	X(ENTRY_05, "ENTRY-05", "ERRCODE-VAL", VMCS_RC_ERROR7, "a delivered error code must have bits 31:16 clear") \
	X(ENTRY_06, "ENTRY-06", "INSTLEN", VMCS_RC_ERROR7, "software interrupts/exceptions need an instruction length of 1..15 (0 only if IA32_VMX_MISC[30])") \
	X(ENTRY_07, "ENTRY-07", "MSRLOAD", VMCS_RC_ERROR7, "VM-entry MSR-load area must be 16-byte aligned and lie within the physical-address width") \
	X(ENTRY_08, "ENTRY-08", "SMM", VMCS_RC_ERROR7, "outside SMM, entry to SMM and deactivate dual-monitor treatment must be 0") \
	X(ENTRY_09, "ENTRY-09", "SMM-BOTH", VMCS_RC_ERROR7, "entry to SMM and deactivate dual-monitor treatment must not both be 1") \
	X(X_01, "X-01", "ADDR-SIZE", VMCS_RC_NOT_ERROR7, "host address-space size vs IA-32e mode guest and the host mode (error 8, host state)") \
	X(X_02, "X-02", "IA32E-GUEST", VMCS_RC_NOT_ERROR7, "IA-32e mode guest vs guest CR0.PG, CR4.PAE and EFER (entry failure, exit reason 33)") \
	X(X_03, "X-03", "INJECT-GUEST", VMCS_RC_NOT_ERROR7, "event injection vs guest RFLAGS.IF, interruptibility and activity state (exit reason 33)") \
	X(X_04, "X-04", "LINK-PTR", VMCS_RC_NOT_ERROR7, "VMCS link pointer must be all ones or a 4-KByte aligned address within the width (exit reason 33)")

#define VMCS_RULE_ENUM_(id, sid, name, cls, text) VMCS_R_##id,
enum vmcs_rule { VMCS_RULES(VMCS_RULE_ENUM_) VMCS_R_COUNT };
#undef VMCS_RULE_ENUM_

struct vmcs_rule_info {
	enum vmcs_rule rule;
	const char *id;    /* "EXEC-13a" */
	const char *name;  /* "PI-VID" */
	uint8_t cls;       /* VMCS_RC_* */
	const char *text;  /* one line */
};
/* Id, name, class and text of a rule; NULL when r >= VMCS_R_COUNT. */
const struct vmcs_rule_info *vmcs_rule_get(enum vmcs_rule r);
/* By stable id ("CAP-01", case-insensitive), or NULL. */
const struct vmcs_rule_info *vmcs_rule_by_id(const char *id);

struct vmcs_field_info {
	enum vmcs_field field;
	uint16_t encoding; /* 0xFFFF: not a VMCS field */
	uint8_t width;
	const char *ident;
	const char *sdm;
	const char *name;
};
/* Encoding, width and names of a field; NULL when f >= VMCS_F_COUNT. */
const struct vmcs_field_info *vmcs_field_get(enum vmcs_field f);
/* Field by full encoding (0x4002) or NULL. */
const struct vmcs_field_info *vmcs_field_by_encoding(uint32_t enc);

/* What exactly failed (one finding = one rule + one detail). */
#define VMCS_DETAILS(X) \
	X(SET_NOT_ALLOWED, "bits set that the capability MSR does not allow (allowed-1 = 0)") \
	X(CLEAR_REQUIRED, "bits clear that the capability MSR requires (allowed-0 = 1)") \
	X(TOO_LARGE, "value exceeds the limit") \
	X(MISALIGNED, "address is not aligned") \
	X(BEYOND_WIDTH, "address sets bits beyond the physical-address width") \
	X(AREA_END_BEYOND, "last byte of the area lies beyond the physical-address width") \
	X(RESERVED_SET, "reserved bits set") \
	X(REQUIRES, "a control this one depends on is 0") \
	X(CONFLICT, "controls that exclude each other are both 1") \
	X(ZERO, "value must not be 0") \
	X(UNSUPPORTED, "value not supported by IA32_VMX_EPT_VPID_CAP") \
	X(INVALID_VALUE, "value is invalid") \
	X(BIT_MUST_BE_1, "bit must be 1") \
	X(BIT_MUST_BE_0, "bit must be 0") \
	X(UNDECIDED, "cannot decide: a field this rule reads was not given") \
	X(CAP_UNKNOWN, "cannot decide: the TRUE capability MSR is not in the snapshot (default1 bits left 0)")

#define VMCS_DETAIL_ENUM_(id, text) VMCS_D_##id,
enum vmcs_detail { VMCS_DETAILS(VMCS_DETAIL_ENUM_) VMCS_D_COUNT };
#undef VMCS_DETAIL_ENUM_
/* One-line text of a finding detail; NULL when d >= VMCS_D_COUNT. */
const char *vmcs_detail_text(enum vmcs_detail d);

/* Finding kinds. */
#define VMCS_K_ERROR 0     /* VM entry fails with VM-instruction error 7 */
#define VMCS_K_WARNING 1   /* unverified/peer-only/not-error-7/advisory rule fired */
#define VMCS_K_UNDECIDED 2 /* a rule could not be evaluated: input missing */

struct vmcs_finding {
	uint8_t rule;   /* enum vmcs_rule */
	uint8_t kind;   /* VMCS_K_* */
	uint8_t detail; /* enum vmcs_detail */
	uint8_t field;  /* enum vmcs_field at fault, or VMCS_F_NONE */
	uint8_t field2; /* a second field involved (the gate, the partner control), or VMCS_F_NONE */
	uint64_t bits;  /* offending bits of `field` (0 for whole-value rules) */
	uint64_t bits2; /* bits of `field2` involved */
	uint64_t value; /* value of `field` */
	uint64_t limit; /* limit, required value or physical-address width, per rule */
};

#define VMCS_MAX_FINDINGS 96

struct vmcs_result {
	uint32_t n;             /* findings stored */
	uint32_t n_errors;      /* VMCS_K_ERROR findings (counted even if not stored) */
	uint32_t n_warnings;    /* VMCS_K_WARNING + VMCS_K_UNDECIDED findings */
	bool truncated;         /* more findings than VMCS_MAX_FINDINGS */
	uint8_t paw;            /* physical-address width used */
	bool true_ctls;         /* TRUE capability MSRs used (IA32_VMX_BASIC[55]) */
	uint64_t failed[2];     /* bit r: rule r has an ERROR finding */
	uint64_t warned[2];     /* bit r: rule r has a WARNING/UNDECIDED finding */
	struct vmcs_finding f[VMCS_MAX_FINDINGS];
};

/* Did rule `rule` produce an ERROR finding in *r?  Counted even past VMCS_MAX_FINDINGS (truncated). */
static inline bool vmcs_rule_failed(const struct vmcs_result *r, enum vmcs_rule rule)
{
	return (r->failed[(unsigned)rule >> 6] >> ((unsigned)rule & 63)) & 1u;
}
/* Did rule `rule` produce a WARNING or UNDECIDED finding in *r? */
static inline bool vmcs_rule_warned(const struct vmcs_result *r, enum vmcs_rule rule)
{
	return (r->warned[(unsigned)rule >> 6] >> ((unsigned)rule & 63)) & 1u;
}

/* Flags of vmcs_check(). */
#define VMCS_CHECK_NO_WARNINGS 0x01u   /* report only error-7 findings */
#define VMCS_CHECK_IN_SMM 0x02u        /* the logical processor is in SMM (ENTRY-08) */
#define VMCS_CHECK_STRICT_ERRCODE 0x04u /* ENTRY-05 with SDM16's bits 31:15 (default 31:16; bit 15 = warning) */
#define VMCS_CHECK_HOST_64 0x08u       /* host runs in IA-32e mode */
#define VMCS_CHECK_HOST_32 0x10u       /* host runs outside IA-32e mode; neither: unknown */
#define VMCS_CHECK_NO_FASTPATH 0x80u   /* testing: always take the detailed path (same result, slower) */

/*
 * Capability MSRs used: with IA32_VMX_BASIC[55] = 1 the TRUE MSRs only.  A
 * snapshot that has BASIC[55] = 1 but lacks a TRUE MSR (a partial capture)
 * is checked against the legacy MSR for allowed-1 and for the non-default1
 * must-be-1 bits (the two MSRs agree there, SDM A.3); a default1 bit left 0
 * is then reported as undecided.
 *
 * Validate one field set.  maxphyaddr: CPUID.80000008H:EAX[7:0] (1..64);
 * IA32_VMX_BASIC[48] = 1 overrides it with 32.  Fills the header of *r and
 * r->f[0 .. r->n); findings come in catalogue order.  Set known fields for
 * every input (VMCS_KNOWN_ALL) to get the fast path: ~20-45 ns per call.
 * Returns VMX_OK (whatever the verdict) or VMX_ERR_INVALID (NULL pointer,
 * maxphyaddr out of range); r->n_errors == 0 means VM entry passes the
 * control checks.
 */
int vmcs_check(const struct vmx_snapshot *snap, unsigned maxphyaddr, const struct vmcs_fields *f,
	       uint32_t flags, struct vmcs_result *r);

/* Helpers for building field sets. */
static inline void vmcs_fields_init(struct vmcs_fields *f)
{
	unsigned i;
	f->known = 0;
	for (i = 0; i < VMCS_F_COUNT; i++)
		f->v[i] = 0;
}
/* Set field `id` (< VMCS_F_COUNT) to v and mark it known. */
static inline void vmcs_set(struct vmcs_fields *f, enum vmcs_field id, uint64_t v)
{
	f->v[id] = v;
	f->known |= 1ull << id;
}

/*
 * KVM's per-vCPU controls (docs/kernel-versions.md): the
 * values a freshly created vCPU of a VM with an in-kernel LAPIC runs with,
 * derived from the negotiated vmcs_config and the effective module
 * parameters.
 */
struct vmcs_kvm_params {
	bool ept, vpid, unrestricted_guest, flexpriority, vnmi, enable_apicv, enable_ipiv, pml;
	bool preemption_timer, cet, pt_mode_system;
	bool ple; /* PAUSE-loop exiting stays on (ple_gap != 0 and the VM does not disable pause exits) */
};
/*
 * Module parameters at their defaults as kvm_intel computes them after setup_vmcs_config (docs/kernel-versions.md
 * table; TSC 3 GHz).  `vmxcfg vmcs --from-kvm` takes them from kvm_post_setup (params.h) instead, which
 * also applies user-given parameters; the two agree on every embedded profile (tests/unit/test_vmcs_kvm.c
 * checks these against tests/golden/expected-post).
 */
void vmcs_kvm_params_from(const struct kvm_result *kr, const struct vmx_snapshot *snap, struct vmcs_kvm_params *p);
/*
 * Fill *f with every field vmcs_check reads, as KVM programs them for a new
 * vCPU (addresses: page-aligned placeholders below 4 GiB; VPID 1; EPTP WB
 * with a 4- or 5-level walk as the capabilities say).
 */
void vmcs_from_kvm(const struct kvm_result *kr, const struct vmcs_kvm_params *p, struct vmcs_fields *f);

#endif

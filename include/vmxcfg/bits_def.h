/* SPDX-License-Identifier: MIT */
/*
 * The single source of every named VMX capability bit.
 *
 * One X-macro list per control class or capability MSR.  Each entry is
 *   X(bit, IDENT, "short", "SDM name", linux, qemu)
 * bit    bit number inside the control field (for capability MSRs: inside the
 *        64-bit MSR value),
 * IDENT  C identifier suffix (constants VMX_<CLASS>_<IDENT> are generated),
 * short  the name users type (policy files, --json keys); unique per class,
 * SDM    the control's name in the Intel SDM (Vol. 3C, ch. 25 / App. A),
 * linux  the /proc/cpuinfo "vmx flags" name (Linux's vmx feature-name table) or NULL,
 * qemu   QEMU's vmx-* feature name (qemu-vmx-names.md §3) or NULL.
 *
 * Bits marked "default1" are reserved bits that must be 1 unless the TRUE
 * capability MSRs say otherwise (SDM A.2).  They carry names so every set bit
 * can be shown.
 */
#ifndef VMXCFG_BITS_DEF_H
#define VMXCFG_BITS_DEF_H

/* Pin-based VM-execution controls (SDM table 25-5; caps 0x481 / 0x48D). */
#define VMX_PIN_BITS(X) \
	X(0, EXT_INTR_EXITING, "ext_intr_exiting", "External-interrupt exiting", NULL, "vmx-intr-exit") \
	X(1, RESERVED1, "reserved1", "Reserved (default1)", NULL, NULL) \
	X(2, RESERVED2, "reserved2", "Reserved (default1)", NULL, NULL) \
	X(3, NMI_EXITING, "nmi_exiting", "NMI exiting", NULL, "vmx-nmi-exit") \
	X(4, RESERVED4, "reserved4", "Reserved (default1)", NULL, NULL) \
	X(5, VIRTUAL_NMIS, "virtual_nmis", "Virtual NMIs", "vnmi", "vmx-vnmi") \
	X(6, PREEMPTION_TIMER, "preemption_timer", "Activate VMX-preemption timer", "preemption_timer", "vmx-preemption-timer") \
	X(7, POSTED_INTR, "posted_intr", "Process posted interrupts", "posted_intr", "vmx-posted-intr")

/* Primary processor-based VM-execution controls (table 25-6; 0x482 / 0x48E). */
#define VMX_PRIMARY_BITS(X) \
	X(1, RESERVED1, "reserved1", "Reserved (default1)", NULL, NULL) \
	X(2, INTR_WINDOW_EXITING, "intr_window_exiting", "Interrupt-window exiting", NULL, "vmx-vintr-pending") \
	X(3, TSC_OFFSETTING, "tsc_offsetting", "Use TSC offsetting", "tsc_offset", "vmx-tsc-offset") \
	X(4, RESERVED4, "reserved4", "Reserved (default1)", NULL, NULL) \
	X(5, RESERVED5, "reserved5", "Reserved (default1)", NULL, NULL) \
	X(6, RESERVED6, "reserved6", "Reserved (default1)", NULL, NULL) \
	X(7, HLT_EXITING, "hlt_exiting", "HLT exiting", NULL, "vmx-hlt-exit") \
	X(8, RESERVED8, "reserved8", "Reserved (default1)", NULL, NULL) \
	X(9, INVLPG_EXITING, "invlpg_exiting", "INVLPG exiting", NULL, "vmx-invlpg-exit") \
	X(10, MWAIT_EXITING, "mwait_exiting", "MWAIT exiting", NULL, "vmx-mwait-exit") \
	X(11, RDPMC_EXITING, "rdpmc_exiting", "RDPMC exiting", NULL, "vmx-rdpmc-exit") \
	X(12, RDTSC_EXITING, "rdtsc_exiting", "RDTSC exiting", NULL, "vmx-rdtsc-exit") \
	X(13, RESERVED13, "reserved13", "Reserved (default1)", NULL, NULL) \
	X(14, RESERVED14, "reserved14", "Reserved (default1)", NULL, NULL) \
	X(15, CR3_LOAD_EXITING, "cr3_load_exiting", "CR3-load exiting", NULL, "vmx-cr3-load-noexit") \
	X(16, CR3_STORE_EXITING, "cr3_store_exiting", "CR3-store exiting", NULL, "vmx-cr3-store-noexit") \
	X(17, TERTIARY_CONTROLS, "tertiary_controls", "Activate tertiary controls", NULL, NULL) \
	X(19, CR8_LOAD_EXITING, "cr8_load_exiting", "CR8-load exiting", NULL, "vmx-cr8-load-exit") \
	X(20, CR8_STORE_EXITING, "cr8_store_exiting", "CR8-store exiting", NULL, "vmx-cr8-store-exit") \
	X(21, TPR_SHADOW, "tpr_shadow", "Use TPR shadow", "vtpr", "vmx-flexpriority") \
	X(22, NMI_WINDOW_EXITING, "nmi_window_exiting", "NMI-window exiting", NULL, "vmx-vnmi-pending") \
	X(23, MOV_DR_EXITING, "mov_dr_exiting", "MOV-DR exiting", NULL, "vmx-movdr-exit") \
	X(24, UNCOND_IO_EXITING, "uncond_io_exiting", "Unconditional I/O exiting", NULL, "vmx-io-exit") \
	X(25, IO_BITMAPS, "io_bitmaps", "Use I/O bitmaps", NULL, "vmx-io-bitmap") \
	X(26, RESERVED26, "reserved26", "Reserved (default1)", NULL, NULL) \
	X(27, MONITOR_TRAP_FLAG, "monitor_trap_flag", "Monitor trap flag", "mtf", "vmx-mtf") \
	X(28, MSR_BITMAPS, "msr_bitmaps", "Use MSR bitmaps", NULL, "vmx-msr-bitmap") \
	X(29, MONITOR_EXITING, "monitor_exiting", "MONITOR exiting", NULL, "vmx-monitor-exit") \
	X(30, PAUSE_EXITING, "pause_exiting", "PAUSE exiting", NULL, "vmx-pause-exit") \
	X(31, SECONDARY_CONTROLS, "secondary_controls", "Activate secondary controls", NULL, "vmx-secondary-ctls")

/* Secondary processor-based VM-execution controls (table 25-7; 0x48B). */
#define VMX_SECONDARY_BITS(X) \
	X(0, VIRT_APIC_ACCESSES, "virt_apic_accesses", "Virtualize APIC accesses", "vapic", "vmx-apicv-xapic") \
	X(1, EPT, "ept", "Enable EPT", "ept", "vmx-ept") \
	X(2, DESC_EXITING, "desc_exiting", "Descriptor-table exiting", NULL, "vmx-desc-exit") \
	X(3, RDTSCP, "rdtscp", "Enable RDTSCP", NULL, "vmx-rdtscp-exit") \
	X(4, VIRT_X2APIC, "virt_x2apic", "Virtualize x2APIC mode", NULL, "vmx-apicv-x2apic") \
	X(5, VPID, "vpid", "Enable VPID", "vpid", "vmx-vpid") \
	X(6, WBINVD_EXITING, "wbinvd_exiting", "WBINVD exiting", NULL, "vmx-wbinvd-exit") \
	X(7, UNRESTRICTED_GUEST, "unrestricted_guest", "Unrestricted guest", "unrestricted_guest", "vmx-unrestricted-guest") \
	X(8, APIC_REGISTER_VIRT, "apic_register_virt", "APIC-register virtualization", "vapic_reg", "vmx-apicv-register") \
	X(9, VIRT_INTR_DELIVERY, "virt_intr_delivery", "Virtual-interrupt delivery", "vid", "vmx-apicv-vid") \
	X(10, PAUSE_LOOP_EXITING, "pause_loop_exiting", "PAUSE-loop exiting", "ple", "vmx-ple") \
	X(11, RDRAND_EXITING, "rdrand_exiting", "RDRAND exiting", NULL, "vmx-rdrand-exit") \
	X(12, INVPCID, "invpcid", "Enable INVPCID", NULL, "vmx-invpcid-exit") \
	X(13, VMFUNC, "vmfunc", "Enable VM functions", NULL, "vmx-vmfunc") \
	X(14, SHADOW_VMCS, "shadow_vmcs", "VMCS shadowing", "shadow_vmcs", "vmx-shadow-vmcs") \
	X(15, ENCLS_EXITING, "encls_exiting", "Enable ENCLS exiting", NULL, "vmx-encls-exit") \
	X(16, RDSEED_EXITING, "rdseed_exiting", "RDSEED exiting", NULL, "vmx-rdseed-exit") \
	X(17, PML, "pml", "Enable PML", "pml", "vmx-pml") \
	X(18, EPT_VIOLATION_VE, "ept_violation_ve", "EPT-violation #VE", "ept_violation_ve", NULL) \
	X(19, PT_CONCEAL_VMX, "pt_conceal_vmx", "Conceal VMX from PT", NULL, NULL) \
	X(20, XSAVES, "xsaves", "Enable XSAVES/XRSTORS", NULL, "vmx-xsaves") \
	X(21, PASID_TRANSLATION, "pasid_translation", "PASID translation", NULL, NULL) \
	X(22, MODE_BASED_EPT_EXEC, "mode_based_ept_exec", "Mode-based execute control for EPT", "ept_mode_based_exec", NULL) \
	X(23, SPP, "spp", "Sub-page write permissions for EPT", NULL, NULL) \
	X(24, PT_USE_GPA, "pt_use_gpa", "Intel PT uses guest physical addresses", NULL, NULL) \
	X(25, TSC_SCALING, "tsc_scaling", "Use TSC scaling", "tsc_scaling", "vmx-tsc-scaling") \
	X(26, USR_WAIT_PAUSE, "usr_wait_pause", "Enable user wait and pause", "usr_wait_pause", "vmx-enable-user-wait-pause") \
	X(27, PCONFIG, "pconfig", "Enable PCONFIG", NULL, NULL) \
	X(28, ENCLV_EXITING, "enclv_exiting", "Enable ENCLV exiting", NULL, NULL) \
	X(30, BUS_LOCK_DETECTION, "bus_lock_detection", "VMM bus-lock detection", NULL, NULL) \
	X(31, NOTIFY_VM_EXITING, "notify_vm_exiting", "Instruction timeout (notify VM exiting)", "notify_vm_exiting", NULL)

/* Tertiary processor-based VM-execution controls (64-bit; 0x492, allowed-1 only). */
#define VMX_TERTIARY_BITS(X) \
	X(0, LOADIWKEY_EXITING, "loadiwkey_exiting", "LOADIWKEY exiting", NULL, NULL) \
	X(1, HLAT, "hlat", "Enable HLAT", NULL, NULL) \
	X(2, EPT_PAGING_WRITE, "ept_paging_write", "EPT paging-write control", NULL, NULL) \
	X(3, GUEST_PAGING_VERIFY, "guest_paging_verify", "Guest-paging verification", NULL, NULL) \
	X(4, IPI_VIRT, "ipi_virt", "IPI virtualization", "ipi_virt", NULL) \
	X(6, MSR_LIST_INSNS, "msr_list_insns", "Enable MSR-list instructions", NULL, NULL) \
	X(7, VIRT_SPEC_CTRL, "virt_spec_ctrl", "Virtualize IA32_SPEC_CTRL", NULL, NULL) \
	X(8, APIC_TIMER_VIRT, "apic_timer_virt", "APIC-timer virtualization", NULL, NULL)

/* Primary VM-exit controls (table 25-13; 0x483 / 0x48F). */
#define VMX_EXIT_BITS(X) \
	X(0, RESERVED0, "reserved0", "Reserved (default1)", NULL, NULL) \
	X(1, RESERVED1, "reserved1", "Reserved (default1)", NULL, NULL) \
	X(2, SAVE_DEBUG_CONTROLS, "save_debug_controls", "Save debug controls", NULL, "vmx-exit-nosave-debugctl") \
	X(3, RESERVED3, "reserved3", "Reserved (default1)", NULL, NULL) \
	X(4, RESERVED4, "reserved4", "Reserved (default1)", NULL, NULL) \
	X(5, RESERVED5, "reserved5", "Reserved (default1)", NULL, NULL) \
	X(6, RESERVED6, "reserved6", "Reserved (default1)", NULL, NULL) \
	X(7, RESERVED7, "reserved7", "Reserved (default1)", NULL, NULL) \
	X(8, RESERVED8, "reserved8", "Reserved (default1)", NULL, NULL) \
	X(9, HOST_ADDR_SPACE_SIZE, "host_addr_space_size", "Host address-space size", NULL, NULL) \
	X(10, RESERVED10, "reserved10", "Reserved (default1)", NULL, NULL) \
	X(11, RESERVED11, "reserved11", "Reserved (default1)", NULL, NULL) \
	X(12, LOAD_PERF_GLOBAL_CTRL, "load_perf_global_ctrl", "Load IA32_PERF_GLOBAL_CTRL", NULL, "vmx-exit-load-perf-global-ctrl") \
	X(13, RESERVED13, "reserved13", "Reserved (default1)", NULL, NULL) \
	X(14, RESERVED14, "reserved14", "Reserved (default1)", NULL, NULL) \
	X(15, ACK_INTR_ON_EXIT, "ack_intr_on_exit", "Acknowledge interrupt on exit", NULL, "vmx-exit-ack-intr") \
	X(16, RESERVED16, "reserved16", "Reserved (default1)", NULL, NULL) \
	X(17, RESERVED17, "reserved17", "Reserved (default1)", NULL, NULL) \
	X(18, SAVE_PAT, "save_pat", "Save IA32_PAT", NULL, "vmx-exit-save-pat") \
	X(19, LOAD_PAT, "load_pat", "Load IA32_PAT", NULL, "vmx-exit-load-pat") \
	X(20, SAVE_EFER, "save_efer", "Save IA32_EFER", NULL, "vmx-exit-save-efer") \
	X(21, LOAD_EFER, "load_efer", "Load IA32_EFER", NULL, "vmx-exit-load-efer") \
	X(22, SAVE_PREEMPTION_TIMER, "save_preemption_timer", "Save VMX-preemption timer value", NULL, "vmx-exit-save-preemption-timer") \
	X(23, CLEAR_BNDCFGS, "clear_bndcfgs", "Clear IA32_BNDCFGS", NULL, "vmx-exit-clear-bndcfgs") \
	X(24, PT_CONCEAL_PIP, "pt_conceal_pip", "Conceal VMX from PT", NULL, NULL) \
	X(25, CLEAR_RTIT_CTL, "clear_rtit_ctl", "Clear IA32_RTIT_CTL", NULL, "vmx-exit-clear-rtit-ctl") \
	X(26, CLEAR_LBR_CTL, "clear_lbr_ctl", "Clear IA32_LBR_CTL", NULL, NULL) \
	X(27, CLEAR_UINV, "clear_uinv", "Clear UINV", NULL, NULL) \
	X(28, LOAD_CET_STATE, "load_cet_state", "Load CET state", NULL, NULL) \
	X(29, LOAD_PKRS, "load_pkrs", "Load PKRS", NULL, "vmx-exit-load-pkrs") \
	X(30, SAVE_PERF_GLOBAL_CTRL, "save_perf_global_ctrl", "Save IA32_PERF_GLOBAL_CTRL", NULL, NULL) \
	X(31, SECONDARY_CONTROLS, "secondary_controls", "Activate secondary VM-exit controls", NULL, "vmx-exit-secondary-ctls")

/* Secondary VM-exit controls (64-bit; 0x493, allowed-1 only). */
#define VMX_EXIT2_BITS(X) \
	X(0, SAVE_FRED, "save_fred", "Save FRED state", NULL, NULL) \
	X(1, LOAD_FRED, "load_fred", "Load FRED state", NULL, NULL) \
	X(2, LOAD_SPEC_CTRL, "load_spec_ctrl", "Load host IA32_SPEC_CTRL", NULL, NULL) \
	X(3, PREMATURE_BUSY_SHSTK, "premature_busy_shstk", "Prematurely busy shadow stack", NULL, NULL)

/* VM-entry controls (table 25-15; 0x484 / 0x490). */
#define VMX_ENTRY_BITS(X) \
	X(0, RESERVED0, "reserved0", "Reserved (default1)", NULL, NULL) \
	X(1, RESERVED1, "reserved1", "Reserved (default1)", NULL, NULL) \
	X(2, LOAD_DEBUG_CONTROLS, "load_debug_controls", "Load debug controls", NULL, "vmx-entry-noload-debugctl") \
	X(3, RESERVED3, "reserved3", "Reserved (default1)", NULL, NULL) \
	X(4, RESERVED4, "reserved4", "Reserved (default1)", NULL, NULL) \
	X(5, RESERVED5, "reserved5", "Reserved (default1)", NULL, NULL) \
	X(6, RESERVED6, "reserved6", "Reserved (default1)", NULL, NULL) \
	X(7, RESERVED7, "reserved7", "Reserved (default1)", NULL, NULL) \
	X(8, RESERVED8, "reserved8", "Reserved (default1)", NULL, NULL) \
	X(9, IA32E_MODE, "ia32e_mode", "IA-32e mode guest", NULL, "vmx-entry-ia32e-mode") \
	X(10, SMM, "smm", "Entry to SMM", NULL, NULL) \
	X(11, DEACT_DUAL_MONITOR, "deact_dual_monitor", "Deactivate dual-monitor treatment", NULL, NULL) \
	X(12, RESERVED12, "reserved12", "Reserved (default1)", NULL, NULL) \
	X(13, LOAD_PERF_GLOBAL_CTRL, "load_perf_global_ctrl", "Load IA32_PERF_GLOBAL_CTRL", NULL, "vmx-entry-load-perf-global-ctrl") \
	X(14, LOAD_PAT, "load_pat", "Load IA32_PAT", NULL, "vmx-entry-load-pat") \
	X(15, LOAD_EFER, "load_efer", "Load IA32_EFER", NULL, "vmx-entry-load-efer") \
	X(16, LOAD_BNDCFGS, "load_bndcfgs", "Load IA32_BNDCFGS", NULL, "vmx-entry-load-bndcfgs") \
	X(17, PT_CONCEAL_PIP, "pt_conceal_pip", "Conceal VMX from PT", NULL, NULL) \
	X(18, LOAD_RTIT_CTL, "load_rtit_ctl", "Load IA32_RTIT_CTL", NULL, "vmx-entry-load-rtit-ctl") \
	X(19, LOAD_UINV, "load_uinv", "Load UINV", NULL, NULL) \
	X(20, LOAD_CET_STATE, "load_cet_state", "Load CET state", NULL, NULL) \
	X(21, LOAD_LBR_CTL, "load_lbr_ctl", "Load guest IA32_LBR_CTL", NULL, NULL) \
	X(22, LOAD_PKRS, "load_pkrs", "Load PKRS", NULL, "vmx-entry-load-pkrs") \
	X(23, LOAD_FRED, "load_fred", "Load FRED state", NULL, "vmx-entry-load-fred") \
	X(24, LOAD_SPEC_CTRL, "load_spec_ctrl", "Load IA32_SPEC_CTRL", NULL, NULL)

/* Single-bit flags of IA32_VMX_BASIC (0x480; SDM A.1).  Multi-bit fields are decoded by helpers. */
#define VMX_BASIC_BITS(X) \
	X(48, ADDR32, "addr32", "VMXON/VMCS addresses limited to 32 bits", NULL, NULL) \
	X(49, DUAL_MONITOR, "dual_monitor", "Dual-monitor treatment of SMI and SMM", NULL, NULL) \
	X(54, INS_OUTS, "ins_outs", "VM-exit instruction information for INS/OUTS", NULL, "vmx-ins-outs") \
	X(55, TRUE_CTLS, "true_ctls", "TRUE capability MSRs for default1 controls", NULL, "vmx-true-ctls") \
	X(56, NO_HW_ERRCODE_CC, "no_hw_errcode_cc", "Hardware exception injection without error-code check", NULL, "vmx-any-errcode") \
	X(58, NESTED_EXCEPTION, "nested_exception", "VMX nested-exception support", NULL, "vmx-nested-exception")

/* Single-bit flags of IA32_VMX_MISC (0x485; SDM A.6). */
#define VMX_MISC_BITS(X) \
	X(5, STORE_LMA, "store_lma", "VM exit stores EFER.LMA into IA-32e mode guest", NULL, "vmx-store-lma") \
	X(6, ACTIVITY_HLT, "activity_hlt", "HLT activity state", NULL, "vmx-activity-hlt") \
	X(7, ACTIVITY_SHUTDOWN, "activity_shutdown", "Shutdown activity state", NULL, "vmx-activity-shutdown") \
	X(8, ACTIVITY_WAIT_SIPI, "activity_wait_sipi", "Wait-for-SIPI activity state", NULL, "vmx-activity-wait-sipi") \
	X(14, PT_IN_VMX, "pt_in_vmx", "Intel PT usable in VMX operation", NULL, NULL) \
	X(15, SMBASE_READ, "smbase_read", "RDMSR of IA32_SMBASE in SMM", NULL, NULL) \
	X(28, SMM_MONITOR_CTL_B2, "smm_monitor_ctl_b2", "IA32_SMM_MONITOR_CTL bit 2 may be set", NULL, NULL) \
	X(29, VMWRITE_ANY, "vmwrite_any", "VMWRITE to any VMCS field", NULL, "vmx-vmwrite-vmexit-fields") \
	X(30, ZERO_LEN_INJECT, "zero_len_inject", "Injection with instruction length 0", NULL, "vmx-zero-len-inject")

/*
 * IA32_VMX_EPT_VPID_CAP (0x48C; SDM A.10), bit numbers of the 64-bit MSR.
 * QEMU names bits 41 and 43 with INVEPT names by mistake (qemu-vmx-names.md
 * §3.7); we keep QEMU's spelling because it is the name users must type.
 */
#define VMX_EPT_VPID_BITS(X) \
	X(0, EPT_EXEC_ONLY, "ept_exec_only", "Execute-only EPT translations", "ept_x_only", "vmx-ept-execonly") \
	X(6, EPT_WALK4, "ept_walk4", "Page-walk length 4", NULL, "vmx-page-walk-4") \
	X(7, EPT_WALK5, "ept_walk5", "Page-walk length 5", "ept_5level", "vmx-page-walk-5") \
	X(8, EPTP_UC, "eptp_uc", "EPTP memory type UC", NULL, NULL) \
	X(14, EPTP_WB, "eptp_wb", "EPTP memory type WB", NULL, NULL) \
	X(16, EPT_2MB, "ept_2mb", "2-MB EPT pages", NULL, "vmx-ept-2mb") \
	X(17, EPT_1GB, "ept_1gb", "1-GB EPT pages", "ept_1gb", "vmx-ept-1gb") \
	X(20, INVEPT, "invept", "INVEPT instruction", NULL, "vmx-invept") \
	X(21, EPT_AD, "ept_ad", "EPT accessed and dirty flags", "ept_ad", "vmx-eptad") \
	X(22, EPT_ADV_EXITINFO, "ept_adv_exitinfo", "Advanced VM-exit information for EPT violations", NULL, "vmx-ept-advanced-exitinfo") \
	X(23, EPT_SSS, "ept_sss", "Supervisor shadow-stack control", NULL, NULL) \
	X(25, INVEPT_SINGLE, "invept_single", "Single-context INVEPT", NULL, "vmx-invept-single-context") \
	X(26, INVEPT_ALL, "invept_all", "All-context INVEPT", NULL, "vmx-invept-all-context") \
	X(32, INVVPID, "invvpid", "INVVPID instruction", "invvpid", "vmx-invvpid") \
	X(40, INVVPID_ADDR, "invvpid_addr", "Individual-address INVVPID", NULL, "vmx-invvpid-single-addr") \
	X(41, INVVPID_SINGLE, "invvpid_single", "Single-context INVVPID", NULL, "vmx-invept-single-context") \
	X(42, INVVPID_ALL, "invvpid_all", "All-context INVVPID", NULL, "vmx-invvpid-all-context") \
	X(43, INVVPID_SINGLE_NOGLOBAL, "invvpid_single_noglobal", "Single-context-retaining-globals INVVPID", NULL, "vmx-invept-single-context-noglobals")

/*
 * IA32_VMX_VMFUNC (0x491; SDM A.11).  Linux's "eptp_switching" flag is read
 * from the MSR's high half (bit 32), not bit 0 (a quirk of Linux's vmx flags decoder).
 */
#define VMX_VMFUNC_BITS(X) \
	X(0, EPTP_SWITCHING, "eptp_switching", "EPTP switching", NULL, "vmx-eptp-switching")

#endif

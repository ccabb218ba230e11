#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference rendering of the vmxcap layout, written from the format rules, independent of vmxcfg's C code.

Used once to write tests/caps/*.vmxcap (the expected texts, reviewed by hand and committed); the tests compare
`vmxcfg caps --format vmxcap` against those files, never against this script's live output.

Format rules (QEMU scripts/kvm/vmxcap, as ../shared/reference/vmxcap-sample-output.txt shows):
- groups in this order, each a title line then one line per entry: "  %-40s %s" (name, value);
- "Misc" groups (Basic, Miscellaneous data, VPID and EPT, VM Functions) start with "  Hex: 0x%x" of the MSR,
  then each entry: multi-bit fields as a decimal number, single bits as yes/no;
- "Control" groups (32-bit allowed-0/allowed-1 MSRs): per bit, with zero = allowed-0 bit clear,
  one = allowed-1 bit set, and the TRUE MSR's halves (0 when there is no TRUE MSR or it is absent):
  default if the group has a TRUE MSR and TRUE allowed-0 clear, TRUE allowed-1 set, one and not zero;
  else no (zero, not one); forced (one, not zero); yes (one and zero); otherwise "?";
- 64-bit allowed-1 groups (tertiary, secondary VM-exit): yes/no;
- an MSR that cannot be read reads as 0.
"""
import sys

BASIC = [((0, 30), 'Revision'), ((32, 44), 'VMCS size'), (48, 'VMCS restricted to 32 bit addresses'),
         (49, 'Dual-monitor support'), ((50, 53), 'VMCS memory type'), (54, 'INS/OUTS instruction information'),
         (55, 'IA32_VMX_TRUE_*_CTLS support'), (56, 'Skip checks on event error code'),
         (58, 'VMX nested exception support')]
PIN = [(0, 'External interrupt exiting'), (3, 'NMI exiting'), (5, 'Virtual NMIs'),
       (6, 'Activate VMX-preemption timer'), (7, 'Process posted interrupts')]
PRIMARY = [(2, 'Interrupt window exiting'), (3, 'Use TSC offsetting'), (7, 'HLT exiting'), (9, 'INVLPG exiting'),
           (10, 'MWAIT exiting'), (11, 'RDPMC exiting'), (12, 'RDTSC exiting'), (15, 'CR3-load exiting'),
           (16, 'CR3-store exiting'), (17, 'Activate tertiary controls'), (19, 'CR8-load exiting'),
           (20, 'CR8-store exiting'), (21, 'Use TPR shadow'), (22, 'NMI-window exiting'), (23, 'MOV-DR exiting'),
           (24, 'Unconditional I/O exiting'), (25, 'Use I/O bitmaps'), (27, 'Monitor trap flag'),
           (28, 'Use MSR bitmaps'), (29, 'MONITOR exiting'), (30, 'PAUSE exiting'),
           (31, 'Activate secondary control')]
SECONDARY = [(0, 'Virtualize APIC accesses'), (1, 'Enable EPT'), (2, 'Descriptor-table exiting'),
             (3, 'Enable RDTSCP'), (4, 'Virtualize x2APIC mode'), (5, 'Enable VPID'), (6, 'WBINVD exiting'),
             (7, 'Unrestricted guest'), (8, 'APIC register emulation'), (9, 'Virtual interrupt delivery'),
             (10, 'PAUSE-loop exiting'), (11, 'RDRAND exiting'), (12, 'Enable INVPCID'),
             (13, 'Enable VM functions'), (14, 'VMCS shadowing'), (15, 'Enable ENCLS exiting'),
             (16, 'RDSEED exiting'), (17, 'Enable PML'), (18, 'EPT-violation #VE'),
             (19, 'Conceal non-root operation from PT'), (20, 'Enable XSAVES/XRSTORS'),
             (22, 'Mode-based execute control (XS/XU)'), (23, 'Sub-page write permissions'),
             (24, 'GPA translation for PT'), (25, 'TSC scaling'), (26, 'User wait and pause'),
             (28, 'ENCLV exiting')]
TERTIARY = [(4, 'Enable IPI virtualization')]
EXIT = [(2, 'Save debug controls'), (9, 'Host address-space size'), (12, 'Load IA32_PERF_GLOBAL_CTRL'),
        (15, 'Acknowledge interrupt on exit'), (18, 'Save IA32_PAT'), (19, 'Load IA32_PAT'), (20, 'Save IA32_EFER'),
        (21, 'Load IA32_EFER'), (22, 'Save VMX-preemption timer value'), (23, 'Clear IA32_BNDCFGS'),
        (24, 'Conceal VM exits from PT'), (25, 'Clear IA32_RTIT_CTL'), (31, 'Activate secondary VM-exit controls')]
EXIT2 = [(0, 'Save IA32 FRED MSRs'), (1, 'Load IA32 FRED MSRs')]
ENTRY = [(2, 'Load debug controls'), (9, 'IA-32e mode guest'), (10, 'Entry to SMM'),
         (11, 'Deactivate dual-monitor treatment'), (13, 'Load IA32_PERF_GLOBAL_CTRL'), (14, 'Load IA32_PAT'),
         (15, 'Load IA32_EFER'), (16, 'Load IA32_BNDCFGS'), (17, 'Conceal VM entries from PT'),
         (18, 'Load IA32_RTIT_CTL'), (23, 'Load IA32 FRED MSRs')]
MISC = [((0, 4), 'VMX-preemption timer scale (log2)'), (5, 'Store EFER.LMA into IA-32e mode guest control'),
        (6, 'HLT activity state'), (7, 'Shutdown activity state'), (8, 'Wait-for-SIPI activity state'),
        (14, 'PT in VMX operation'), (15, 'IA32_SMBASE support'), ((16, 24), 'Number of CR3-target values'),
        ((25, 27), 'MSR-load/store count recommendation'), (28, 'IA32_SMM_MONITOR_CTL[2] can be set to 1'),
        (29, 'VMWRITE to VM-exit information fields'), (30, 'Inject event with insn length=0'),
        ((32, 63), 'MSEG revision identifier')]
EPT = [(0, 'Execute-only EPT translations'), (6, 'Page-walk length 4'), (7, 'Page-walk length 5'),
       (8, 'Paging-structure memory type UC'), (14, 'Paging-structure memory type WB'), (16, '2MB EPT pages'),
       (17, '1GB EPT pages'), (20, 'INVEPT supported'), (21, 'EPT accessed and dirty flags'),
       (22, 'Advanced VM-exit information for EPT violations'), (25, 'Single-context INVEPT'),
       (26, 'All-context INVEPT'), (32, 'INVVPID supported'), (40, 'Individual-address INVVPID'),
       (41, 'Single-context INVVPID'), (42, 'All-context INVVPID'), (43, 'Single-context-retaining-globals INVVPID')]
VMFUNC = [(0, 'EPTP Switching')]


def misc(out, title, v, entries):
    out.append(title)
    out.append('  Hex: 0x%x' % v)
    for key, name in entries:
        if isinstance(key, tuple):
            lo, hi = key
            val = str((v >> lo) & ((1 << (hi - lo + 1)) - 1))
        else:
            val = 'yes' if (v >> key) & 1 else 'no'
        out.append('  %-40s %s' % (name, val))


def control(out, title, v, tv, has_true, entries):
    out.append(title)
    a0, a1, t0, t1 = v & 0xffffffff, v >> 32, tv & 0xffffffff, tv >> 32
    for bit, name in entries:
        zero, one = not (a0 >> bit) & 1, bool((a1 >> bit) & 1)
        tzero, tone = not (t0 >> bit) & 1, bool((t1 >> bit) & 1)
        if has_true and tzero and tone and one and not zero:
            s = 'default'
        elif zero and not one:
            s = 'no'
        elif one and not zero:
            s = 'forced'
        elif one and zero:
            s = 'yes'
        else:
            s = '?'
        out.append('  %-40s %s' % (name, s))


def control64(out, title, v, entries):
    out.append(title)
    for bit, name in entries:
        out.append('  %-40s %s' % (name, 'yes' if (v >> bit) & 1 else 'no'))


def main():
    msrs = {}
    for line in open(sys.argv[1]):
        f = line.split()
        if f and f[0] == 'cpu':
            break
        if len(f) == 3 and f[0] == 'msr':
            msrs[int(f[1], 16)] = int(f[2], 16)
    m = lambda i: msrs.get(i, 0)
    out = []
    misc(out, 'Basic VMX Information', m(0x480), BASIC)
    control(out, 'pin-based controls', m(0x481), m(0x48d), True, PIN)
    control(out, 'primary processor-based controls', m(0x482), m(0x48e), True, PRIMARY)
    control(out, 'secondary processor-based controls', m(0x48b), 0, False, SECONDARY)
    control64(out, 'tertiary processor-based controls', m(0x492), TERTIARY)
    control(out, 'VM-Exit controls', m(0x483), m(0x48f), True, EXIT)
    control64(out, 'secondary VM-Exit controls', m(0x493), EXIT2)
    control(out, 'VM-Entry controls', m(0x484), m(0x490), True, ENTRY)
    misc(out, 'Miscellaneous data', m(0x485), MISC)
    misc(out, 'VPID and EPT capabilities', m(0x48c), EPT)
    misc(out, 'VM Functions', m(0x491), VMFUNC)
    print('\n'.join(out))


if __name__ == '__main__':
    main()

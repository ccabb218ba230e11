#!/bin/sh
# vmxcfg caps: vmxcap layout against expected texts, JSON of every embedded profile checked bit by bit,
# reserved bits shown, lints with ids, /proc/cpuinfo partial views (5.10, 6.1, 7.x formats), bad input.
. tests/sh/lib.sh
V=$VMXCFG
C=tests/caps

# 1. --format vmxcap against expected texts written from the vmxcap format rules (tests/caps/vmxcap_ref.py).
for p in skylake-core-i7-6700k penryn-core2-duo-e7500 alderlake-core-i5-12400 tigerlake-core-i5-1135g7; do
	t_run 0 "$V" caps --cpu "$p" --format vmxcap
	if cmp -s "$T_TMP/out" "$C/$p.vmxcap"; then t_ok; else t_bad "vmxcap layout of $p: $(diff "$T_TMP/out" "$C/$p.vmxcap" | head -5)"; fi
done
# The Skylake expectation is real vmxcap output (Core i5-6500, same MSRs) but for IA32_VMX_VMFUNC (0x491 = 1 here).
diff "$C/skylake-core-i7-6700k.vmxcap" "$C/vmxcap-sample-core-i5-6500.txt" > "$T_TMP/d"
if [ "$(grep -c '^[<>]' "$T_TMP/d")" -eq 4 ] && grep -q '^<   EPTP Switching  *yes' "$T_TMP/d"; then t_ok; else
	t_bad "expected Skylake text differs from real vmxcap output beyond VM Functions"; fi
t_run 0 "$V" caps --profile "$C/reserved-bits.profile" --format=vmxcap
t_stdout_has "Activate tertiary controls               no"

# 2. JSON: every MSR of every embedded profile, values and every bit's state (independent rules).
out=$(python3 "$C/check_caps_json.py" "$V" data/profiles 2>&1)
last=$(printf '%s\n' "$out" | tail -n 1)
case "$last" in *" passed, 0 failed") t_ok ;; *) t_bad "caps --json check: $(printf '%s\n' "$out" | tail -n 5)" ;; esac

# 3. Text shows every bit: named ones and every set bit without a name.
t_run 0 "$V" caps --profile "$C/reserved-bits.profile"
for s in "bit 30 (reserved)                                    yes" "bit 57 (reserved)" "bit  0  Reserved (default1)" \
	"bit 0 (reserved)                                     ?" "bit 18 (reserved)" "bit 29 (reserved)                                    allowed" \
	"bit  5  Enable VPID                                  not allowed" "bit 13 (reserved)" "bit 12 (reserved)" \
	"bits 27:25 MSR-list limit (recommended max)          0: 512 x (0 + 1) = 512 entries" \
	"bits 24:16 number of CR3-target values               4" "bit 13  CR4.VMXE                                     ? (fixed to 1" \
	"bits 9:1   highest index of VMCS field encodings     0x17" "bit 1 (reserved)                                     yes" "memory type of VMCS and structures        6 = write-back (WB)" \
	"bit  2  Enable VMX outside SMX operation             yes" "bits 4:0   VMX-preemption timer rate                 7: the timer counts down every 128 TSC cycles" \
	"bit  3  Use TSC offsetting                           yes" "bit 15  CR3-load exiting                             default" \
	"bit 17  Activate tertiary controls                   no" "bit  4  IPI virtualization                           not allowed" \
	"bit 9 (reserved)                                     allowed" "VMX (CPUID.1:ECX bit 5)                              yes"; do
	t_stdout_has "$s"
done
# Lints, each with its id.
for id in allowed0-not-allowed1 vpid-cap-without-vpid entry-exit-asymmetric cr-fixed-inconsistent basic-fields; do
	t_stdout_has "[$id]"
done
t_run 0 "$V" caps --profile "$C/lints2.profile"
for id in true-legacy-mismatch default1-not-forced ept-cap-without-ept msr-missing; do t_stdout_has "[$id]"; done
t_stdout_has "VMX disabled by firmware"
t_run 0 "$V" caps --profile "$C/lints2.profile" --json
t_json_ok
t_stdout_has '"id": "default1-not-forced"'
t_run 0 "$V" caps --cpu skylake-x-core-i9-9980xe
t_stdout_has "[msr-missing] IA32_VMX_VMFUNC (0x491)"
t_run 0 "$V" caps --cpu skylake-core-i7-6700k
t_stdout_has "Lints: 0"

t_run 0 "$V" caps --profile "$C/no-vmx-amd.profile"
t_stdout_has "no VMX: IA32_VMX_BASIC (0x480) is absent and CPUID.1:ECX.VMX = 0"
t_stdout_has "VMX (CPUID.1:ECX bit 5)                              no"

# 4. /proc/cpuinfo: partial views say "unknown", never "no", for what the line cannot tell.
t_run 0 "$V" caps --cpuinfo "$C/cpuinfo/k5.10-cascadelake.cpuinfo"
t_stdout_has "partial: only the allowed-1 bits"
t_stdout_has "names of Linux 5.6-6.0, inferred"
t_stdout_has "bit 31  Instruction timeout (notify VM exiting)      unknown"
t_stdout_has "bit 26  Enable user wait and pause                   not allowed"
t_stdout_has "bit  7  HLT exiting                                  unknown"
t_stdout_has "bit  1  Enable EPT                                   allowed"
t_stdout_has "IA32_VMX_BASIC (0x480) unknown (not in /proc/cpuinfo)"
t_run 0 "$V" caps --cpuinfo "$C/cpuinfo/k6.1-sapphirerapids.cpuinfo"
t_stdout_has "names of Linux 6.1-6.15, inferred"
t_stdout_has "bit 31  Instruction timeout (notify VM exiting)      allowed"
t_stdout_has "bit  4  IPI virtualization                           allowed"
t_stdout_has "bit  7  Page-walk length 5                           unknown"
t_run 0 "$V" caps --cpuinfo "$C/cpuinfo/k7.x-graniterapids.cpuinfo"
t_stdout_has "names of Linux 6.16+, inferred"
t_stdout_has "bit  7  Page-walk length 5                           yes"
t_stdout_has "bit 18  EPT-violation #VE                            allowed"
t_run 0 "$V" caps --cpuinfo "$C/cpuinfo/k6.1-mixed.cpuinfo"
t_stdout_has "CPU 1, differences from CPU 0:"
t_stdout_has "allowed on CPU 0 only: notify_vm_exiting"
t_stdout_has "not computed from a partial snapshot"
t_run 0 "$V" caps --cpuinfo "$C/cpuinfo/k5.10-cascadelake.cpuinfo" --format vmxcap
t_stdout_has "  Hex: unknown (partial snapshot)"
t_stdout_has "  HLT exiting                              unknown"
t_stdout_has "  Enable EPT                               allowed"
t_run 0 "$V" caps --cpuinfo "$C/cpuinfo/k5.10-cascadelake.cpuinfo" --json
t_json_ok
t_stdout_has '"partial": true'
t_stdout_has '"known": "0x'
t_run 0 "$V" caps --cpuinfo "$C/cpuinfo/raptorlake-u-core-i7-1355u-hybrid.cpuinfo"
t_stdout_has "12" # model name or cpu list: the sample parsed

# 5. Bad input: exit 2, message with file and line, nothing on stdout.
t_run 2 "$V" caps --cpuinfo "$C/cpuinfo/bad-unknown-flag.cpuinfo"
t_stderr_has "bad-unknown-flag.cpuinfo:21: unknown vmx flag 'bogus_flag'"
t_stdout_empty
t_run 2 "$V" caps --cpuinfo "$C/cpuinfo/amd-epyc.cpuinfo"
t_stderr_has "AuthenticAMD"
t_stderr_has "--cpu NAME"
t_stdout_empty
t_run 2 "$V" caps --cpuinfo "$C/cpuinfo/kabylake-core-i5-7200u-vmx-fw-disabled.cpuinfo"
t_stderr_has "disabled by firmware"
t_run 2 "$V" caps --cpuinfo "$C/cpuinfo/sandybridge-ep-xeon-e5-2670-kernel3x-no-vmxflags.cpuinfo"
t_stderr_has "older than 5.6"
t_run 2 "$V" caps --cpuinfo "$T_TMP/nonexistent"
t_stderr_has "cannot open"
t_run 2 "$V" caps --cpu skylake-core-i7-6700k --format xml
t_stderr_has "expected text, json or vmxcap"
t_run 2 "$V" caps --cpu skylake-core-i7-6700k --json --format vmxcap
t_stdout_empty
t_run 2 "$V" caps --cpu skylake-core-i7-6700k --bogus
t_stdout_empty
t_run 0 "$V" caps --help
t_stdout_has "--format vmxcap"
t_done

#!/bin/sh
# vmxcfg kvm on live-style sources: a /proc/cpuinfo (partial) source says what it can and cannot conclude;
# a multi-CPU source gets kvm_intel's per-CPU verdict ("Inconsistent VMCS config on CPU N").
. tests/sh/lib.sh
. tests/fakesys/lib.sh
fakesys_build || { t_bad "shim"; t_done; exit 1; }
V=$VMXCFG
CI=tests/caps/cpuinfo
SKL=data/profiles/skylake-core-i7-6700k.profile

# 1. Partial source: no verdict (exit 3, report on stdout, what would decide it on stderr), names the unknown
# required controls.
t_run 3 "$V" kvm --cpuinfo "$CI/k6.1-sapphirerapids.cpuinfo" --kernel 6.1
t_stdout_has "cannot conclude whether kvm_intel 6.1 loads"
t_stdout_has "primary   required, unknown: intr_window_exiting hlt_exiting"
t_stdout_has "secondary offered: virt_apic_accesses ept vpid"
t_stdout_has "tertiary  offered: ipi_virt"
t_stdout_has "kvm_intel passes its precheck"
t_stderr_has "kvm: no verdict (exit 3): /proc/cpuinfo does not show whether kvm_intel loads: read the MSRs (root, 'modprobe msr', --live) or give a profile"
t_run 3 "$V" kvm --cpuinfo "$CI/k5.10-cascadelake.cpuinfo" --kernel all
t_stdout_has "kernels 4.19 to 7.1: "
t_stdout_has "cannot conclude: required controls unknown"
t_stdout_has "    primary   required, unknown: +intr_window_exiting"
t_stdout_has " in full:"
t_run 3 "$V" kvm --cpuinfo "$CI/k5.10-cascadelake.cpuinfo" --json
t_stderr_has "no verdict (exit 3)"
t_json_ok
t_stdout_has '"status": "unknown"'
t_stdout_has '"partial": true'
# A required control known missing from the flags is a certain -EIO: TSC offsetting (a 5.10 name) absent.
sed 's/ tsc_offset / /' "$CI/k5.10-cascadelake.cpuinfo" > "$T_TMP/notsc.cpuinfo"
t_run 1 "$V" kvm --cpuinfo "$T_TMP/notsc.cpuinfo" --kernel 7.1
t_stdout_has "kvm_intel 7.1 fails with -EIO: a required control is known not allowed"
t_stdout_has "primary   required, known not allowed: tsc_offsetting"

# 2. Live fallback to /proc/cpuinfo (no msr driver) goes the same way.
S=$T_TMP/s; sysroot_new "$S" 0-1 6.1.0; cp "$CI/k6.1-sapphirerapids.cpuinfo" "$S/proc/cpuinfo"
t_run 3 live "$V" kvm --live --sysroot "$S" --kernel 6.1
t_stderr_has "modprobe msr"
t_stdout_has "cannot conclude whether kvm_intel 6.1 loads"

# 3. Multi-CPU source where CPU 2 lacks PML: the kernel refuses to load; text names CPU, field and bit.
S=$T_TMP/m; sysroot_new "$S" 0-2 6.6.0
sed 's/^msr 0x48b 0x001ffcff00000000/msr 0x48b 0x001dfcff00000000/' "$SKL" > "$T_TMP/nopml.profile"
sysroot_cpu "$S" 0 "$SKL"; sysroot_cpu "$S" 1 "$SKL"; sysroot_cpu "$S" 2 "$T_TMP/nopml.profile"
t_run 1 live "$V" kvm --live --sysroot "$S" --kernel 6.6
t_stdout_has "per-CPU consistency (3 CPUs"
t_stdout_has "kernel log: Inconsistent VMCS config on CPU 2"
t_stdout_has "offset 16 secondary"
t_stdout_has "only on CPU 0: pml"
t_run 1 live "$V" kvm --live --sysroot "$S" --kernel 7.1
t_stdout_has "VMCS config on CPU 2 doesn't match reference config:"
t_run 1 live "$V" kvm --live --sysroot "$S" --kernel 6.6 --json
t_json_ok
# The same through a dumped profile.
live "$V" dump --sysroot "$S" -o "$T_TMP/m.profile" 2>/dev/null
t_run 1 "$V" kvm --profile "$T_TMP/m.profile" --kernel 6.1
t_stdout_has "kvm: CPU 2 feature inconsistency!"
# Identical CPUs: loads.
S=$T_TMP/same; sysroot_new "$S" 0-1 6.6.0; sysroot_cpu "$S" 0 "$SKL"; sysroot_cpu "$S" 1 "$SKL"
t_run 0 live "$V" kvm --live --sysroot "$S" --kernel 6.6
t_stdout_has "every CPU computes the same vmcs_config as the boot CPU 0 (2 CPUs)"

# 4. No source option: this machine, as --live (here the fake machine under --sysroot or $VMXCFG_SYSROOT).
t_run 0 live "$V" kvm --sysroot "$S" --kernel 6.6
t_stdout_has "every CPU computes the same vmcs_config as the boot CPU 0 (2 CPUs)"
t_stdout_has "CPU: "
t_run 0 live env VMXCFG_SYSROOT="$S" "$V" kvm --kernel 6.6 --json
t_json_ok
t_stdout_has '"status": "ok"'
t_run 0 live "$V" nested --sysroot "$S"
t_stdout_has "L1"
t_run 0 live "$V" negotiate --policy data/policies/simplevisor.policy --sysroot "$S"
t_run 0 live "$V" vmcs --from-kvm --sysroot "$S"
t_run 2 "$V" vmcs tests/vmcs/controls-good.json --sysroot "$S"
t_stderr_has "no CPU given"
# no msr device, an Intel /proc/cpuinfo: falls back with a note; kvm reports what it can (no verdict: 3),
# nested and negotiate need every MSR (no verdict: 3, nothing on stdout).
S=$T_TMP/ci; sysroot_new "$S" 0-1 6.1.0; cp "$CI/k6.1-sapphirerapids.cpuinfo" "$S/proc/cpuinfo"
t_run 3 "$V" kvm --sysroot "$S" --kernel 6.1
t_stderr_has "modprobe msr"
t_stderr_has "falling back to /proc/cpuinfo"
t_stderr_has "no verdict (exit 3)"
t_stdout_has "cannot conclude whether kvm_intel 6.1 loads"
t_run 3 "$V" nested --sysroot "$S"
t_stdout_empty
t_stderr_has "only part of the VMX capabilities is known (/proc/cpuinfo): read the MSRs"
t_run 3 "$V" negotiate --policy data/policies/simplevisor.policy --sysroot "$S"
t_stdout_empty
t_stderr_has "no verdict (exit 3)"
# a machine without VMX (AMD; an Intel CPU whose kernel shows no 'vmx' flag): kvm_intel's precheck answers, exit 1.
S=$T_TMP/amd; sysroot_new "$S" 0 6.6.0; cp "$CI/amd-epyc.cpuinfo" "$S/proc/cpuinfo"
t_run 1 "$V" kvm --sysroot "$S"
t_stdout_has "kvm_intel stops before setup_vmcs_config with -EOPNOTSUPP: VMX not supported by CPU"
t_stderr_has "no usable VMX (vendor AuthenticAMD)"
t_stderr_has "modprobe msr"
t_run 1 "$V" kvm --sysroot "$S" --json
t_json_ok
t_stdout_has '"precheck": {"status": "eopnotsupp"'
t_run 1 "$V" nested --sysroot "$S"
t_stdout_has "L1 gets no VMX"
t_run 1 "$V" vmcs --from-kvm --sysroot "$S"
S=$T_TMP/fwoff; sysroot_new "$S" 0 6.6.0; cp "$CI/kabylake-core-i5-7200u-vmx-fw-disabled.cpuinfo" "$S/proc/cpuinfo"
t_run 1 "$V" kvm --sysroot "$S"
t_stderr_has "no 'vmx' flag"
t_stdout_has "-EOPNOTSUPP"
# nothing readable at all (no msr device, no /proc/cpuinfo): the source cannot be read, exit 2, stdout empty.
S=$T_TMP/empty; sysroot_new "$S" 0 6.6.0
t_run 2 "$V" kvm --sysroot "$S"
t_stdout_empty
t_stderr_has "falling back to /proc/cpuinfo failed too"
t_done

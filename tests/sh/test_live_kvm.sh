#!/bin/sh
# vmxcfg kvm on live-style sources: a /proc/cpuinfo (partial) source says what it can and cannot conclude;
# a multi-CPU source gets kvm_intel's per-CPU verdict ("Inconsistent VMCS config on CPU N").
. tests/sh/lib.sh
. tests/fakesys/lib.sh
fakesys_build || { t_bad "shim"; t_done; exit 1; }
V=$VMXCFG
CI=tests/caps/cpuinfo
SKL=data/profiles/skylake-core-i7-6700k.profile

# 1. Partial source: cannot conclude (exit 2, report on stdout), names the unknown required controls.
t_run 2 "$V" kvm --cpuinfo "$CI/k6.1-sapphirerapids.cpuinfo" --kernel 6.1
t_stdout_has "cannot conclude whether kvm_intel 6.1 loads"
t_stdout_has "primary   required, unknown: intr_window_exiting hlt_exiting"
t_stdout_has "secondary offered: virt_apic_accesses ept vpid"
t_stdout_has "tertiary  offered: ipi_virt"
t_stdout_has "kvm_intel passes its precheck"
t_stderr_has "cannot tell from /proc/cpuinfo"
t_run 2 "$V" kvm --cpuinfo "$CI/k5.10-cascadelake.cpuinfo" --kernel all
t_stdout_has "kernels 4.19 to 7.1: "
t_stdout_has "cannot conclude: required controls unknown"
t_stdout_has "    primary   required, unknown: +intr_window_exiting"
t_stdout_has " in full:"
t_run 2 "$V" kvm --cpuinfo "$CI/k5.10-cascadelake.cpuinfo" --json
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
t_run 2 live "$V" kvm --live --sysroot "$S" --kernel 6.1
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
t_done

#!/bin/sh
# Live source through fake sysroots: msr/cpuid devices (LD_PRELOAD shim with the drivers' semantics), missing
# and permission-denied devices, absent MSRs (EIO), mixed CPUs, dump -> profile -> caps round trip, read-only.
. tests/sh/lib.sh
. tests/fakesys/lib.sh
fakesys_build || { t_bad "shim"; t_done; exit 1; }
P=data/profiles
SKL=$P/skylake-core-i7-6700k.profile
V=$VMXCFG

# 1. Two identical CPUs: live caps = embedded caps (vmxcap layout: exact).
S=$T_TMP/s1; sysroot_new "$S" 0-1 6.1.0-18-amd64
sysroot_cpu "$S" 0 "$SKL"; sysroot_cpu "$S" 1 "$SKL"
t_run 0 live "$V" caps --live --sysroot "$S" --format vmxcap
cp "$T_TMP/out" "$T_TMP/live.vmxcap"
t_run 0 "$V" caps --cpu skylake-core-i7-6700k --format vmxcap
if cmp -s "$T_TMP/out" "$T_TMP/live.vmxcap"; then t_ok; else t_bad "live vmxcap differs from the profile's"; fi
t_run 0 live "$V" caps --sysroot "$S"
t_stdout_has "CPUs: 0,1 (all identical)"
t_stdout_has "kvm_intel 7.1: every CPU computes the same vmcs_config"
# $VMXCFG_SYSROOT works as --sysroot
VMXCFG_SYSROOT=$S t_run 0 live "$V" caps --format vmxcap
if cmp -s "$T_TMP/out" "$T_TMP/live.vmxcap"; then t_ok; else t_bad "VMXCFG_SYSROOT"; fi

# 2. dump -> profile -> caps round trip; same records as the source profile; no cpu blocks for equal CPUs.
t_run 0 live "$V" dump --sysroot "$S" -o "$T_TMP/d1.profile"
t_stderr_has "wrote $T_TMP/d1.profile: 2 CPUs"
grep -E '^(msr) ' "$T_TMP/d1.profile" | sort > "$T_TMP/a"; grep -E '^(msr) ' "$SKL" | sort > "$T_TMP/b"
if cmp -s "$T_TMP/a" "$T_TMP/b"; then t_ok; else t_bad "dumped MSRs differ from the source profile"; fi
if grep -q '^cpu ' "$T_TMP/d1.profile"; then t_bad "cpu blocks for identical CPUs"; else t_ok; fi
for k in '# source: live /dev/cpu/N/msr' 'host fakehost' 'kernel 6.1.0-18-amd64' '# date: 20'; do
	if grep -qF -- "$k" "$T_TMP/d1.profile"; then t_ok; else t_bad "dump lacks '$k'"; fi
done
t_run 0 "$V" caps --profile "$T_TMP/d1.profile" --format vmxcap
if cmp -s "$T_TMP/out" "$T_TMP/live.vmxcap"; then t_ok; else t_bad "round trip: caps of the dump differs"; fi
t_run 0 "$V" caps --profile "$T_TMP/d1.profile" --json
t_json_ok
t_run 0 live "$V" dump --sysroot "$S"
if grep -q '^msr 0x480 0x00da040000000004$' "$T_TMP/out"; then t_ok; else t_bad "dump to stdout"; fi

# 3. Read-only: every open of a device was O_RDONLY, none for writing.
if grep -q 'WRITE-OPEN' "$T_TMP/fakesys.log"; then t_bad "a device was opened for writing"; else t_ok; fi
if grep -q 'open .*/dev/cpu/1/msr rdonly' "$T_TMP/fakesys.log"; then t_ok; else t_bad "CPU 1 msr not read"; fi

# 4. Mixed CPUs: CPU 2 lacks PML -> caps names the CPU, MSR, bit; predicts the kernel's refusal; exit 1.
S=$T_TMP/s2; sysroot_new "$S" 0-2 6.1.0-18-amd64
sed 's/^msr 0x48b 0x001ffcff00000000/msr 0x48b 0x001dfcff00000000/' "$SKL" > "$T_TMP/nopml.profile"
sysroot_cpu "$S" 0 "$SKL"; sysroot_cpu "$S" 1 "$SKL"; sysroot_cpu "$S" 2 "$T_TMP/nopml.profile"
t_run 1 live "$V" caps --sysroot "$S"
t_stdout_has "CPUs: 0,1,2 (1 differ from CPU 0"
t_stdout_has "CPU 2, differences from CPU 0:"
t_stdout_has "    IA32_VMX_PROCBASED_CTLS2 (0x48b) = 0x001dfcff00000000"
t_stdout_has "allowed on CPU 0 only: pml"
t_stdout_has "CPUs 0-1: the boot CPU's capabilities"
t_stdout_has "kernel log: VMCS config on CPU 2 doesn't match reference config:"
t_stdout_has "offset 16 secondary"
t_run 1 live "$V" caps --sysroot "$S" --kernel 6.6
t_stdout_has "Inconsistent VMCS config on CPU 2"
t_run 1 live "$V" caps --sysroot "$S" --json
t_json_ok
t_stdout_has '"mismatch_cpu": 2'
t_run 0 live "$V" dump --sysroot "$S" -o "$T_TMP/d2.profile"
if grep -q '^cpu 2$' "$T_TMP/d2.profile" && [ "$(grep -c '^msr 0x48b' "$T_TMP/d2.profile")" -eq 3 ]; then t_ok; else
	t_bad "mixed dump: expected cpu blocks with 0x48b"; fi
live "$V" caps --sysroot "$S" --json > "$T_TMP/live.json" 2>/dev/null
t_run 1 "$V" caps --profile "$T_TMP/d2.profile" --json
sed '/"source"\|"origin"/d' "$T_TMP/out" > "$T_TMP/a"; sed '/"source"\|"origin"/d' "$T_TMP/live.json" > "$T_TMP/b"
if cmp -s "$T_TMP/a" "$T_TMP/b"; then t_ok; else t_bad "mixed round trip: caps --json differs"; fi

# 5. Absent MSRs (EIO): VMFUNC missing on the device -> shown absent, lint msr-missing.
S=$T_TMP/s3; sysroot_new "$S" 0 6.1.0
sysroot_cpu "$S" 0 "$SKL" '$2=="0x491"'
t_run 0 live "$V" caps --sysroot "$S"
t_stdout_has "IA32_VMX_VMFUNC (0x491) absent"
t_stdout_has "[msr-missing] IA32_VMX_VMFUNC (0x491) is absent"
t_run 0 live "$V" dump --sysroot "$S"
if grep -q '^msr 0x491' "$T_TMP/out"; then t_bad "absent MSR dumped"; else t_ok; fi

# 6. Missing msr device (driver not loaded): says so (modprobe msr), falls back to /proc/cpuinfo.
S=$T_TMP/s4; sysroot_new "$S" 0-1 6.1.0-18-amd64
cp tests/caps/cpuinfo/k6.1-sapphirerapids.cpuinfo "$S/proc/cpuinfo"
t_run 0 live "$V" caps --sysroot "$S"
t_stderr_has "/dev/cpu/0/msr does not exist"
t_stderr_has "modprobe msr"
t_stderr_has "falling back to /proc/cpuinfo"
t_stdout_has "partial: only the allowed-1 bits"
t_stdout_has "Basic VMX information: IA32_VMX_BASIC (0x480) unknown"
t_run 2 live "$V" dump --sysroot "$S"
t_stderr_has "modprobe msr"
t_stdout_empty
rm -f "$S/proc/cpuinfo"
t_run 2 live "$V" caps --sysroot "$S"
t_stderr_has "modprobe msr"
t_stderr_has "falling back to /proc/cpuinfo failed too"
t_stdout_empty

# 7. Permission denied (not root / no CAP_SYS_RAWIO).
S=$T_TMP/s5; sysroot_new "$S" 0 6.1.0
sysroot_cpu "$S" 0 "$SKL"; echo "errno EACCES" > "$S/dev/cpu/0/msr"
cp tests/caps/cpuinfo/alderlake-s-core-i5-12400.cpuinfo "$S/proc/cpuinfo"
t_run 0 live "$V" caps --sysroot "$S"
t_stderr_has "Permission denied"
t_stderr_has "CAP_SYS_RAWIO"
t_stdout_has "allowed"
t_run 2 live "$V" dump --sysroot "$S"
t_stderr_has "root or CAP_SYS_RAWIO"

# 8. One CPU of several without a device (offline in the driver): the error names it.
S=$T_TMP/s6; sysroot_new "$S" 0-1 6.1.0
sysroot_cpu "$S" 0 "$SKL"; echo "errno ENXIO" > "$S/dev/cpu/0/cpuid"
t_run 2 live "$V" dump --sysroot "$S"
t_stderr_has "/dev/cpu/1/msr"

# 9. No cpuid driver (and a sysroot, so no CPUID instruction): MSRs still read, the dump says CPUID is missing.
S=$T_TMP/s7; sysroot_new "$S" 0 6.1.0
sysroot_cpu "$S" 0 "$SKL"; rm -f "$S/dev/cpu/0/cpuid"
t_run 0 live "$V" dump --sysroot "$S"
t_stdout_has "# note: CPUID not read: no /dev/cpu/N/cpuid ('modprobe cpuid')"
if grep -q '^cpuid ' "$T_TMP/out"; then t_bad "cpuid records without a cpuid device"; else t_ok; fi
t_run 0 live "$V" caps --sysroot "$S"
t_stdout_has "not in the source: CPU vendor and the VMX bit are unknown"

# 10. The real machine: whatever it has, no crash, a clear message when the msr driver is absent.
"$V" caps --live > "$T_TMP/out" 2> "$T_TMP/err"; rc=$?
if [ "$rc" -le 2 ]; then t_ok; else t_bad "caps --live on this machine: exit $rc"; fi
if [ ! -e /dev/cpu/0/msr ]; then t_stderr_has "modprobe msr"; fi
t_done

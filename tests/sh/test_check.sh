#!/bin/sh
# vmxcfg check through fake sysroots: ready, firmware-disabled, no msr driver, permission denied, AMD, mixed
# CPUs, kvm_intel not loaded; and the real machine (no crash, a plain answer).
. tests/sh/lib.sh
. tests/fakesys/lib.sh
fakesys_build || { t_bad "shim"; t_done; exit 1; }
V=$VMXCFG
P=data/profiles
SKL=$P/skylake-core-i7-6700k.profile
CI=tests/caps/cpuinfo

# 1. Ready: VMX enabled, kvm_intel loaded, /dev/kvm usable, setup_vmcs_config succeeds on every CPU.
S=$T_TMP/ok; sysroot_new "$S" 0-1 6.1.0-18-amd64; sysroot_kvm "$S"
sysroot_cpu "$S" 0 "$SKL"; sysroot_cpu "$S" 1 "$SKL"
cp "$CI/k5.10-cascadelake.cpuinfo" "$S/proc/cpuinfo"
t_run 0 live "$V" check --sysroot "$S"
t_stdout_has "vmxcfg check: host fakehost, kernel 6.1.0-18-amd64"
t_stdout_has "PASS  CPU vendor                   GenuineIntel"
t_stdout_has "PASS  CPUID VMX bit"
t_stdout_has "PASS  IA32_FEATURE_CONTROL         0x5: locked, VMX outside SMX enabled"
t_stdout_has "PASS  /proc/cpuinfo vmx flags      present on 2 CPUs"
t_stdout_has "PASS  kvm_intel module             loaded; parameters: ept=Y error_on_inconsistent_vmcs_config=Y nested=Y"
t_stdout_has "PASS  kvm_intel prediction         kvm_intel 6.1 loads: setup_vmcs_config succeeds on 2 CPUs"
t_stdout_has "result: READY for KVM"
if grep -q '^FAIL' "$T_TMP/out"; then t_bad "FAIL line on a ready machine"; else t_ok; fi
t_stdout_has "INFO  kvm_intel parameters         all 3 readable parameters agree"
if [ -c "$S/dev/kvm" ]; then t_stdout_has "PASS  /dev/kvm                     present, character device"; fi
echo N > "$S/sys/module/kvm_intel/parameters/ept"
t_run 0 live "$V" check --sysroot "$S"
t_stdout_has "differ: ept=N (predicted 1)"
t_stdout_has "modprobe option"
echo Y > "$S/sys/module/kvm_intel/parameters/ept"
t_run 0 live "$V" check --sysroot "$S" --kernel 4.19
t_stdout_has "kvm_intel 4.19 loads"
if grep -q 'WRITE-OPEN' "$T_TMP/fakesys.log"; then t_bad "check opened a device for writing"; else t_ok; fi

# 2. VMX disabled by firmware: FEATURE_CONTROL locked without VMX; the kernel hid the vmx flag.
S=$T_TMP/fw; sysroot_new "$S" 0 5.15.0-141-generic
sysroot_cpu "$S" 0 "$P/kabylake-core-i5-7200u-fwdisabled.profile"
cp "$CI/kabylake-core-i5-7200u-vmx-fw-disabled.cpuinfo" "$S/proc/cpuinfo"
t_run 1 live "$V" check --sysroot "$S"
t_stdout_has "FAIL  IA32_FEATURE_CONTROL"
t_stdout_has "VMX is disabled by firmware"
t_stdout_has "HINT: enable Intel Virtualization Technology (VT-x) in the BIOS/UEFI setup"
t_stdout_has "FAIL  /proc/cpuinfo vmx flags      missing"
t_stdout_has "stops with -EOPNOTSUPP (VMX disabled by firmware)"
t_stdout_has "result: NOT READY"

# 3. No msr driver: what can be checked is checked; the prediction cannot be made -> no verdict: exit 3, report on
# stdout, what would decide it on stderr.
S=$T_TMP/nomsr; sysroot_new "$S" 0-1 6.6.0; sysroot_kvm "$S"
cp "$CI/k6.1-sapphirerapids.cpuinfo" "$S/proc/cpuinfo"
t_run 3 live "$V" check --sysroot "$S"
t_stderr_has "check: no verdict (exit 3): 1 check could not be made"
t_stderr_has "read the MSRs (root, 'modprobe msr'"
t_stdout_has "WARN  IA32_FEATURE_CONTROL         not readable: "
t_stdout_has "modprobe msr"
t_stdout_has "PASS  /proc/cpuinfo vmx flags"
t_stdout_has "WARN  kvm_intel prediction         cannot tell"
t_stdout_has "result: COULD NOT TELL"

# 4. Permission denied: says root / CAP_SYS_RAWIO.
S=$T_TMP/perm; sysroot_new "$S" 0 6.6.0; sysroot_kvm "$S"
sysroot_cpu "$S" 0 "$SKL"; echo "errno EACCES" > "$S/dev/cpu/0/msr"
cp "$CI/k6.1-sapphirerapids.cpuinfo" "$S/proc/cpuinfo"
t_run 3 live "$V" check --sysroot "$S"
t_stdout_has "CAP_SYS_RAWIO"
t_stdout_has "HINT: run vmxcfg check as root"

# 5. AMD: says so plainly and suggests --cpu; exit 1.
S=$T_TMP/amd; sysroot_new "$S" 0 6.1.0
cp "$CI/amd-epyc.cpuinfo" "$S/proc/cpuinfo"
t_run 1 live "$V" check --sysroot "$S"
t_stdout_has "FAIL  CPU vendor                   AuthenticAMD"
t_stdout_has "--cpu NAME"
t_stdout_has "result: NOT READY for KVM"

# 6. Mixed CPUs: the kernel's per-CPU check refuses to load.
S=$T_TMP/mixed; sysroot_new "$S" 0-1 6.1.0; sysroot_kvm "$S"
sed 's/^msr 0x48b 0x001ffcff00000000/msr 0x48b 0x001dfcff00000000/' "$SKL" > "$T_TMP/nopml.profile"
sysroot_cpu "$S" 0 "$SKL"; sysroot_cpu "$S" 1 "$T_TMP/nopml.profile"
cp "$CI/k5.10-cascadelake.cpuinfo" "$S/proc/cpuinfo"
t_run 1 live "$V" check --sysroot "$S"
t_stdout_has "FAIL  kvm_intel prediction         kvm_intel 6.1 refuses to load: kvm: CPU 1 feature inconsistency!"
t_run 1 live "$V" check --sysroot "$S" --kernel 7.1
t_stdout_has "VMCS config on CPU 1 doesn't match reference config:"

# 7. kvm_intel not loaded, no /dev/kvm.
S=$T_TMP/nokvm; sysroot_new "$S" 0 6.1.0
sysroot_cpu "$S" 0 "$SKL"; cp "$CI/k5.10-cascadelake.cpuinfo" "$S/proc/cpuinfo"
t_run 1 live "$V" check --sysroot "$S"
t_stdout_has "FAIL  /dev/kvm                     missing"
t_stdout_has "FAIL  kvm_intel module             not loaded"
t_stdout_has "HINT: 'modprobe kvm_intel'"
t_stdout_has "PASS  kvm_intel prediction"

# 8. A CPU that kvm_intel rejects (Penryn lacks required controls on 6.1? no: use a required-bit failure).
S=$T_TMP/eio; sysroot_new "$S" 0 6.1.0; sysroot_kvm "$S"
sed 's/^msr 0x482 0xf7f9fffe0401e172/msr 0x482 0xf7f9ff7e0401e172/' "$P/penryn-core2-duo-e7500.profile" > "$T_TMP/nohlt.profile"
sysroot_cpu "$S" 0 "$T_TMP/nohlt.profile"; cp "$CI/k5.10-cascadelake.cpuinfo" "$S/proc/cpuinfo"
t_run 1 live "$V" check --sysroot "$S"
t_stdout_has "fails with -EIO in setup_vmcs_config"
t_stdout_has "'vmxcfg kvm --kernel 6.1' explains"

# 9. Usage errors.
t_run 2 "$V" check --cpu skylake
t_stderr_has "vmxcfg kvm --cpu NAME"
t_stdout_empty
t_run 2 "$V" check --kernel 4.9 --sysroot "$T_TMP/ok"
t_stderr_has "--kernel 4.9: 4.9 is older than every modelled release (4.19 … 7.1)"

# 10. This machine, for real: never a crash; on a machine without VMX a plain answer and --cpu.
"$V" check > "$T_TMP/out" 2> "$T_TMP/err"; rc=$?
if [ "$rc" -le 1 -o "$rc" -eq 3 ] && grep -q '^result: ' "$T_TMP/out"; then t_ok; else t_bad "check on this machine: exit $rc"; fi
if grep -q 'CPUID.1:ECX\[5\] = 0' "$T_TMP/out"; then
	[ "$rc" -eq 1 ] && t_ok || t_bad "no VMX but exit $rc"
	t_stdout_has "--cpu NAME"
	t_stdout_has "no usable VMX"
fi
t_done

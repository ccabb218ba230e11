#!/bin/sh
# vmxcfg nested / kvm params / negotiate at the CLI: the chain L0 -> L1 -> L2 -> L3 on several CPUs and kernels,
# profiles written with -o are valid input, L(n+1) offers nothing L(n) lacks, bad input exits 2 with nothing on stdout.
. tests/sh/lib.sh

# subset A B: every allowed-1 bit of B's control/capability MSRs is in A's (B offers nothing A lacks).
subset() {
	python3 - "$1" "$2" <<'PY'
import sys
def load(fn):
    m = {}
    for l in open(fn):
        f = l.split()
        if len(f) == 3 and f[0] == "msr":
            m[int(f[1], 16)] = int(f[2], 16)
    return m
a, b = load(sys.argv[1]), load(sys.argv[2])
for idx in (0x481, 0x482, 0x483, 0x484, 0x48b, 0x48d, 0x48e, 0x48f, 0x490):
    if (b.get(idx, 0) >> 32) & ~(a.get(idx, 0) >> 32):
        sys.exit("0x%x offers more in %s" % (idx, sys.argv[2]))
if b.get(0x48c, 0) & ~a.get(0x48c, 0):
    sys.exit("0x48c offers more")
PY
}

for cpu in alderlake-core-i5-12400 skylake-core-i7-6700k haswell-core-i7-4770 westmere-core-i5-650 \
	   icelake-core-i7-1065g7 sandybridge-core-i5-2520m; do
	for k in 7.1 6.6 5.10; do
		d=$T_TMP/$cpu-$k; mkdir -p "$d"
		t_run 0 $VMXCFG nested --kernel $k --cpu $cpu -o "$d/l1.profile"
		t_stdout_has "what L1 loses compared with L0"
		t_run 0 $VMXCFG kvm --kernel $k --profile "$d/l1.profile" --json
		t_json_ok
		t_stdout_has '"status": "ok"'
		t_run 0 $VMXCFG nested --kernel $k --profile "$d/l1.profile" -o "$d/l2.profile"
		t_run 0 $VMXCFG kvm --kernel $k --profile "$d/l2.profile"
		t_run 0 $VMXCFG nested --kernel $k --profile "$d/l2.profile" -o "$d/l3.profile"
		if subset "$d/l1.profile" "$d/l2.profile" && subset "$d/l2.profile" "$d/l3.profile"; then t_ok; else t_bad "$cpu $k: a deeper level offers more"; fi
		# from L2 on the chain is a fixed point: KVM exposes to L3 exactly what it sees in L2
		if [ "$(grep '^msr' "$d/l2.profile")" = "$(grep '^msr' "$d/l3.profile")" ]; then t_ok; else t_bad "$cpu $k: L3 differs from L2"; fi
		if grep -q '^# level: 2' "$d/l2.profile"; then t_ok; else t_bad "$cpu $k: l2 lacks level 2"; fi
	done
done
# -o - writes the profile to stdout; it is a valid profile
t_run 0 $VMXCFG nested --cpu 6700k -o -
t_stdout_has "# vmxcfg-profile 1"
cp "$T_TMP/out" "$T_TMP/std.profile"
t_run 0 $VMXCFG kvm --profile "$T_TMP/std.profile"
# JSON: MSRs 0x480..0x492 with 0x492 null, lost/added lists
t_run 0 $VMXCFG nested --cpu 12400 --json
t_json_ok
t_stdout_has '"0x492": null'
t_stdout_has '"lost": {'
# ept=0 on L0: L1 has no EPT, so KVM in L1 runs without EPT and its L2 neither
t_run 0 $VMXCFG nested --cpu 12400 --param ept=0 -o "$T_TMP/noept.profile"
t_run 0 $VMXCFG kvm --profile "$T_TMP/noept.profile" --json
t_stdout_has '"ept": {"value": false, "why": "cpu"'
# no VMX for L1: nested=0, kvm_intel not loading, 4.19's default nested=0; -o file not written
t_run 1 $VMXCFG nested --cpu 12400 --param nested=0 -o "$T_TMP/none.profile"
t_stdout_has "L1 gets no VMX: nested=0"
if [ -e "$T_TMP/none.profile" ]; then t_bad "profile written although L1 has no VMX"; else t_ok; fi
t_run 1 $VMXCFG nested --cpu yonah-core-duo-t2600 --json
t_json_ok
t_stdout_has '"nested": null'
t_run 1 $VMXCFG nested --kernel 4.19 --cpu 12400
t_run 0 $VMXCFG nested --kernel 4.19 --cpu 12400 --param nested=1

# module parameters
t_run 0 $VMXCFG kvm --cpu 12400 --json
t_json_ok
t_stdout_has '"enable_ipiv": {"value": false, "why": "cpu"'
t_stdout_has '"ple_gap": {"value": 128'
t_stdout_has '"absent_params": ["nested_early_check"]'
t_run 0 $VMXCFG kvm --kernel 5.10 --cpu 12400 --json
t_stdout_has '"absent_params": ["enable_ipiv", "sgx", "cet", "error_on_inconsistent_vmcs_config", "enable_pmu", "warn_on_missed_cc", "enable_device_posted_irqs", "tdx", "enable_mediated_pmu"]'
# preemption timer at rate 0 (made-up Alder Lake variant): off at the assumed 3 GHz, on at 400 MHz
sed 's/^msr 0x485 0x000000007004c1e7/msr 0x485 0x000000007004c1e0/' data/profiles/alderlake-core-i5-12400.profile >"$T_TMP/rate0.profile"
t_run 0 $VMXCFG kvm --profile "$T_TMP/rate0.profile"
t_stdout_has "the TSC matters on this CPU"
t_stdout_has "assumes a TSC 3000000 kHz (give --tsc-khz)"
t_run 0 $VMXCFG kvm --profile "$T_TMP/rate0.profile" --json
t_stdout_has '"preemption_timer": {"value": false, "why": "timer_rate"'
t_run 0 $VMXCFG kvm --profile "$T_TMP/rate0.profile" --tsc-khz 400000 --json
t_stdout_has '"preemption_timer": {"value": true'
t_stdout_has '"tsc_khz": {"value": 400000, "assumed": false, "timer_rate": 0, "timer_max_tsc_khz": 429496, "matters": true}'
t_run 0 $VMXCFG kvm --cpu 12400 --param kvm_intel.ple-gap=0 --json
t_stdout_has '"ple_gap": {"value": 0, "why": "given"'
t_run 2 $VMXCFG kvm --kernel 5.10 --cpu 12400 --param enable_ipiv=0
t_stdout_empty
t_stderr_has "kvm_intel 5.10 has no such parameter: enable_ipiv exists in 6.0-7.1"
t_run 2 $VMXCFG kvm --cpu 12400 --param pt_mode=1
t_stdout_empty
t_stderr_has "CONFIG_BROKEN"
t_run 0 $VMXCFG kvm --cpu 12400 --param pt_mode=1 --config-broken --json
t_stdout_has '"pt_mode": {"value": 1'
t_run 1 $VMXCFG kvm --cpu 12400 --param pt_mode=2 --config-broken --json
t_stdout_has '"status": "einval"'
t_run 2 $VMXCFG kvm --cpu 12400 --param ept=maybe
t_stdout_empty
t_stderr_has "expected a boolean"
t_run 2 $VMXCFG kvm --cpu 12400 --param bogus=1
t_stderr_has "unknown module parameter"
t_run 2 $VMXCFG kvm --cpu 12400 --param ept
t_stderr_has "expected NAME=VALUE"
t_run 2 $VMXCFG kvm --cpu 12400 --tsc-khz fast
t_stdout_empty
t_stderr_has "--tsc-khz fast"
t_run 2 $VMXCFG nested --cpu 12400 -o /nonexistent-dir/x.profile
t_stdout_empty
t_stderr_has "/nonexistent-dir/x.profile"

# several CPUs: kvm_intel compares every CPU's vmcs_config (CPU 1 without secondary controls here)
grep -v '^msr 0x48b' data/profiles/skylake-core-i7-6700k.profile >"$T_TMP/mc.profile"
printf 'cpu 0\n%s\ncpu 1\nmsr 0x48b 0x0000000000000000\n' "$(grep '^msr 0x48b' data/profiles/skylake-core-i7-6700k.profile)" >>"$T_TMP/mc.profile"
t_run 1 $VMXCFG kvm --profile "$T_TMP/mc.profile" --json
t_json_ok
t_stdout_has '"per_cpu": {"cpus": 2, "consistent": false}'
t_run 1 $VMXCFG kvm --profile "$T_TMP/mc.profile"
t_stdout_has "per-CPU consistency (2 CPUs"
# /proc/cpuinfo knows only part of the MSRs: no verdict (exit 3, nothing to report on stdout, what would decide it)
if [ -e fuzz/corpus/cpuinfo/alderlake-s-core-i5-12400.cpuinfo ]; then
	t_run 3 $VMXCFG nested --cpuinfo fuzz/corpus/cpuinfo/alderlake-s-core-i5-12400.cpuinfo
	t_stdout_empty
	t_stderr_has "only part of the VMX capabilities is known"
	t_stderr_has "read the MSRs (root, 'modprobe msr', --live) or give a profile"
fi

# --kernel all (grouped by result; tests/sh/test_kvm_all.sh tests it in depth)
t_run 0 $VMXCFG kvm --kernel all --cpu 12400
t_stdout_has "    entry     +load_cet_state"
t_run 0 $VMXCFG kvm --kernel all --cpu 12400 --json
t_json_ok
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); n=len(d["kernels"]); assert n >= 9 and len(d["diffs"])==n-1; assert all({"kernel","status","vmcs_config","vmx_capability","rules","missing","params"} <= set(k) for k in d["kernels"])' "$T_TMP/out"; then t_ok; else t_bad "kvm --kernel all --json shape"; fi
t_run 1 $VMXCFG kvm --kernel all --cpu yonah-core-duo-t2600
t_stdout_has "no     -EIO in setup_vmcs_config: primary lacks cr8_load_exiting cr8_store_exiting"

# negotiate
t_run 0 $VMXCFG negotiate --policy data/policies/simplevisor.policy --cpu 12400
t_stdout_has "capability MSRs used: TRUE"
t_stdout_has "rdtscp invpcid xsaves"
t_run 0 $VMXCFG negotiate --policy data/policies/kvm-7.1.policy --cpu 12400 --json
t_json_ok
t_run 1 $VMXCFG negotiate --policy data/policies/kvm-7.1.policy --cpu yonah-core-duo-t2600
t_stdout_has "REQUIRED but not allowed by the CPU"
printf 'required primary hlt_exiting\noptional secondary ept bogus_bit\n' >"$T_TMP/bad.policy"
t_run 2 $VMXCFG negotiate --policy "$T_TMP/bad.policy" --cpu 12400
t_stdout_empty
t_stderr_has "bad.policy:2: unknown secondary control 'bogus_bit'"
t_run 2 $VMXCFG negotiate --policy /nonexistent.policy --cpu 12400
t_stdout_empty
t_run 2 $VMXCFG negotiate --cpu 12400
t_stderr_has "--policy FILE"
t_done

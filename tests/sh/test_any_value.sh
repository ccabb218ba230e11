#!/bin/sh
# A profile is a record of what was read: every 64-bit value in every capability MSR gets a prediction (exit 0
# or 1), never "bad input" (exit 2).  Cases the kernel answers with -EIO must say which rule fired.
. tests/sh/lib.sh
F=tests/any-value
# VMCS larger than a page: setup_vmcs_config returns -EIO (basic_vmcs_size).
t_run 1 $VMXCFG kvm --profile $F/vmcs-size-4097.profile
t_stdout_has "reports a VMCS size of 4097 bytes (more than 4096)"
t_run 1 $VMXCFG kvm --profile $F/vmcs-size-4097.profile --json
t_stdout_has '"status": "eio"'
t_stdout_has '"basic_vmcs_size"'
# VMCS size 0: the kernel checks only the upper bound, so it loads; caps lints the value.
t_run 0 $VMXCFG kvm --profile $F/vmcs-size-0.profile
t_stdout_has "setup_vmcs_config() succeeds"
t_run 0 $VMXCFG caps --profile $F/vmcs-size-0.profile
t_stdout_has "0 bytes"
# IA32_VMX_BASIC absent although CPUID says VMX: the kernel's read gives 0, memory type 0 -> -EIO.
t_run 1 $VMXCFG kvm --profile $F/missing-basic.profile
t_stdout_has "IA32_VMX_BASIC (0x480) is not in the profile"
t_stdout_has "basic_memory_type"
# An allowed-0 bit that is not allowed-1 (a buggy L0): the adjust step keeps every must-be-1 bit; caps lints it.
t_run 0 $VMXCFG caps --profile $F/allowed0-not-in-allowed1.profile
t_stdout_has '[allowed0-not-allowed1] IA32_VMX_PROCBASED_CTLS (0x482): bit(s) 0 must be 1 (allowed-0)' 
t_run 0 $VMXCFG kvm --profile $F/allowed0-not-in-allowed1.profile --json
t_stdout_has '"status": "ok"'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert int(d["vmcs_config"]["primary"],16) & 1' "$T_TMP/out" \
	&& t_ok || t_bad "primary bit 0 (must-be-1) not kept"
for cmd in "nested" "vmcs --from-kvm"; do
	for f in vmcs-size-4097 vmcs-size-0 missing-basic allowed0-not-in-allowed1; do
		$VMXCFG $cmd --profile $F/$f.profile >"$T_TMP/out" 2>"$T_TMP/err"
		rc=$?
		if [ $rc -le 1 ]; then t_ok; else t_bad "$cmd --profile $f: exit $rc: $(head -c 200 "$T_TMP/err")"; fi
	done
done
# Random values in every MSR of real profiles (seeded): kvm, nested and vmcs --from-kvm never exit 2.
python3 - "$T_TMP" "${GOLDEN_SAMPLE:-}" <<'PY'
import random, sys, os
rnd = random.Random(20261207)
src = sorted(f for f in os.listdir("data/profiles") if f.endswith(".profile"))
for n in range(12 if sys.argv[2] == "1" else 60):  # fewer under valgrind/sanitizers (GOLDEN_SAMPLE=1)
    lines = open(os.path.join("data/profiles", rnd.choice(src))).read().splitlines()
    out = []
    for l in lines:
        w = l.split()
        if len(w) == 3 and w[0] == "msr" and rnd.random() < 0.5:
            v = rnd.choice([rnd.getrandbits(64), 0, (1 << 64) - 1, rnd.getrandbits(64) & 0xffffffff])
            l = "msr %s 0x%016x" % (w[1], v)
        out.append(l)
    open(os.path.join(sys.argv[1], "rnd%02d.profile" % n), "w").write("\n".join(out) + "\n")
PY
for f in "$T_TMP"/rnd*.profile; do
	for cmd in "kvm" "kvm --kernel 4.19" "kvm --kernel 6.0" "nested" "vmcs --from-kvm"; do
		$VMXCFG $cmd --profile "$f" >"$T_TMP/out" 2>"$T_TMP/err"
		rc=$?
		if [ $rc -le 1 ]; then t_ok; else t_bad "$cmd --profile $(basename "$f"): exit $rc: $(head -c 200 "$T_TMP/err")"; fi
	done
done
t_done

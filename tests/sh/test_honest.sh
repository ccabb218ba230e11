# Honest answers: a partial source names what it really was, an unknown firmware state is assumed enabled (and
# said so), and a host where kvm_intel would not load has no L1 offer in diff and baseline.
. tests/sh/lib.sh
V=$VMXCFG
ASSUME="IA32_FEATURE_CONTROL (0x3a) not recorded: assuming firmware enabled VMX"

# 1. A vmxcap-imported profile (msr ... known MASK records, no IA32_FEATURE_CONTROL): named as vmxcap output,
#    the firmware state unknown, never the /proc/cpuinfo wording.
t_run 0 $V import tests/import/skylake-sample.vmxcap.txt -o "$T_TMP/vmxcap.profile"
t_run 0 $V kvm --profile "$T_TMP/vmxcap.profile"
t_stdout_has "partial source: QEMU vmxcap output shows only the bits vmxcap names"
t_stdout_has "$ASSUME"
if grep -qF -e "/proc/cpuinfo shows" -e "printed \"vmx flags\"" -e "passes its precheck" "$T_TMP/out"; then
	t_bad "vmxcap profile described as /proc/cpuinfo"; else t_ok; fi
t_run 0 $V kvm --profile "$T_TMP/vmxcap.profile" --json
t_json_ok
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "vmxcap profile: JSON source_format / precheck"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["source_format"] == "vmxcap", d["source_format"]
assert d["precheck"]["status"] == "unknown", d["precheck"]
PY
# the log itself (imported on the fly) says the same, every release too
t_run 0 $V kvm --profile tests/import/skylake-sample.vmxcap.txt --kernel all
t_stdout_has "by what QEMU vmxcap output shows"
t_stdout_has "$ASSUME"
# a real /proc/cpuinfo still says what its "vmx flags" line shows
t_run 3 $V kvm --cpuinfo tests/import/kabylake-r-core-i7-8650u.cpuinfo
t_stdout_has "partial source: /proc/cpuinfo shows only"
t_stdout_has "known: the kernel printed \"vmx flags\", so VMX is enabled by firmware"
t_stderr_has "/proc/cpuinfo does not show whether kvm_intel loads"

# 2. No msr 0x3a: every command assumes firmware enabled VMX, says so, and exits with the KVM verdict.
for c in e7500 9980xe i5-650; do
	t_run 0 $V vmcs --from-kvm --cpu $c
	t_stdout_has "$ASSUME"
	if grep -qF "would not load" "$T_TMP/out"; then t_bad "vmcs --from-kvm --cpu $c: would not load"; else t_ok; fi
	t_run 0 $V kvm --cpu $c
	t_stdout_has "$ASSUME"
	t_run 0 $V nested --cpu $c
	t_stdout_has "$ASSUME"
done
t_run 0 $V vmcs --from-kvm --cpu e7500 --json
t_json_ok
t_stdout_has "\"status\": \"unknown\""
t_run 0 $V kvm --cpu e7500 --kernel all
t_stdout_has "$ASSUME"
t_run 0 $V diff e7500 penryn-core2-duo-e7500
t_stdout_has "A: $ASSUME"
# firmware known disabled: still "would not load"
t_run 1 $V vmcs --from-kvm --cpu skylake-core-i5-6200u-fwdisabled
t_stdout_has "would not load on this CPU (VMX disabled by firmware)"

# 3. kvm_intel would not load: no L1 offer, said plainly in diff and baseline (text and JSON).
t_run 1 $V diff skylake-core-i5-6200u skylake-core-i5-6200u-fwdisabled
t_stdout_has "B: no L1 offer: kvm_intel would not load: VMX disabled by firmware"
t_stdout_has "B does not offer everything A does"
if grep -qF "Nested (L1) features B offers and A lacks" "$T_TMP/out"; then t_bad "diff: B offer section"; else t_ok; fi
t_run 1 $V diff skylake-core-i5-6200u skylake-core-i5-6200u-fwdisabled --json
t_json_ok
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "diff --json: l1_offer"
import json, sys
d = json.load(open(sys.argv[1]))
n = d["nested"]
assert n["available"] is False and n["a"]["l1_offer"] is True, n
assert n["b"]["l1_offer"] is None and "would not load" in n["b"]["l1_offer_reason"], n
assert d["b_covers_a"] is False
PY
# B with an offer covers an A without one (A's guests get no VMX to lose)
t_run 0 $V diff skylake-core-i5-6200u-fwdisabled skylake-core-i5-6200u
t_stdout_has "A: no L1 offer"
t_run 1 $V baseline data/profiles/skylake-core-i5-6200u-fwdisabled.profile
t_stdout_has "# qemu-cpu-features: none (kernel 7.1): kvm_intel would not load: VMX disabled by firmware"
t_stdout_has "no QEMU -cpu line can be derived from KVM"
if grep -qF "vmx-ept=" "$T_TMP/out"; then t_bad "baseline: QEMU list from the raw MSRs"; else t_ok; fi
t_run 1 $V baseline data/profiles/skylake-core-i5-6200u-fwdisabled.profile -o "$T_TMP/b.profile"
t_stdout_has "QEMU: none (kernel 7.1): kvm_intel would not load"
t_run 1 $V baseline data/profiles/skylake-core-i5-6200u-fwdisabled.profile --json
t_json_ok
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "baseline --json: l1_offer"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["l1_offer"] is None and "would not load" in d["l1_offer_reason"], d
assert d["qemu_cpu"] is None and d["qemu_on"] == [] and d["kvm_loads"] is False
PY
# a host that loads keeps its QEMU line
t_run 0 $V baseline data/profiles/skylake-core-i5-6200u.profile --json
t_stdout_has "\"l1_offer\": true"
t_done

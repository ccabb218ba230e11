# `vmxcfg vmcs`: verdicts and rule ids on the fixtures in tests/vmcs, bad input, --from-kvm on every profile.
. tests/sh/lib.sh
V=$VMXCFG
CPU="--cpu skylake-core-i7-6700"

# KVM 5.x dump from syslog: a valid 64-bit guest on the host it came from
t_run 0 $V vmcs tests/vmcs/dump-kvm-5x-syslog.txt $CPU
t_stdout_has "(dump_vmcs)"
t_stdout_has "PASS"
# a Sapphire-Rapids-era KVM dump does not fit a Skylake: posted interrupts, tertiary controls, APICv, TSC scaling
t_run 1 $V vmcs tests/vmcs/dump-kvm-6x-spr.txt $CPU --no-warnings
for r in "CAP-01 " "CAP-02 " "CAP-03 " "CAP-04 " "posted_intr" "tertiary_controls" "ipi_virt"; do t_stdout_has "$r"; done
t_run 1 $V vmcs tests/vmcs/dump-kvm-6x-spr.txt $CPU --json
t_json_ok
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "SPR dump: failed_rules"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["failed_rules"] == ["CAP-01", "CAP-02", "CAP-03", "CAP-04"], d["failed_rules"]
assert d["fields"]["CPU_BASED_VM_EXEC_CONTROL"] == "0xb5a26dfa" and d["fields"]["TERTIARY_VM_EXEC_CONTROL"] == "0x10"
assert d["fields"]["EPT_POINTER"] == "0x10d2c805e" and d["fields"]["VIRTUAL_PROCESSOR_ID"] == "0x4"
assert d["fields"]["GUEST_CR0"] == "0x30" and d["fields"]["VM_ENTRY_CONTROLS"] == "0xd1ff"
assert any(f["kind"] == "undecided" for f in d["findings"])
PY
# Xen's vmcs dump (same control-state keys)
t_run 0 $V vmcs tests/vmcs/dump-xen.txt $CPU --no-warnings
t_stdout_has "PASS"
# hand-written text with five mistakes: exactly these rules
t_run 1 $V vmcs tests/vmcs/controls-bad.txt $CPU --json
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "controls-bad: failed_rules"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["failed_rules"] == ["EXEC-03", "EXEC-07", "ENTRY-05", "ENTRY-08", "ENTRY-09"], d["failed_rules"]
PY
# in SMM ENTRY-08 is gone, ENTRY-09 stays: exit stays 1
t_run 1 $V vmcs tests/vmcs/controls-bad.txt $CPU --in-smm --no-warnings --json
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "controls-bad --in-smm"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["failed_rules"] == ["EXEC-03", "EXEC-07", "ENTRY-05", "ENTRY-09"], d["failed_rules"]
PY
# JSON input that passes; the same on a CPU without EPT fails CAP-03
t_run 0 $V vmcs tests/vmcs/controls-good.json $CPU
t_stdout_has "PASS: the controls pass"
t_run 1 $V vmcs tests/vmcs/controls-good.json --cpu merom-core2-x6800 --no-warnings
t_stdout_has "CAP-0"
# --zero-missing turns undecided rules into decided ones
t_run 0 $V vmcs tests/vmcs/dump-kvm-5x-syslog.txt $CPU --zero-missing --json
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "--zero-missing leaves undecided findings"
import json, sys
d = json.load(open(sys.argv[1]))
assert not any(f["kind"] == "undecided" for f in d["findings"]), d["findings"]
PY
# stdin and --maxphyaddr: an address above 2^36 fails with width 36, passes with 39
printf 'CPU_BASED_VM_EXEC_CONTROL = 0x14006172\nMSR_BITMAP = 0x1000000000\n' > "$T_TMP/in.txt"
t_run 1 $V vmcs "$T_TMP/in.txt" $CPU --maxphyaddr 36 --no-warnings
t_stdout_has "EXEC-03"
t_run 0 $V vmcs - $CPU --maxphyaddr 39 --no-warnings < "$T_TMP/in.txt"

# bad input: exit 2, file:line on stderr, nothing on stdout
chk_bad() { # file expected-stderr-fragment
	t_run 2 $V vmcs "$1" $CPU
	t_stdout_empty
	t_stderr_has "$2"
}
chk_bad tests/vmcs/bad-unknown-field.txt "bad-unknown-field.txt:2: unknown VMCS field 'CPU_BASED_VM_EXEC_CONTROLS'"
chk_bad tests/vmcs/bad-value.txt "bad-value.txt:4: malformed value '0x11fg'"
chk_bad tests/vmcs/bad-width.txt "bad-width.txt:1: value 0x1ffffffff does not fit the 32-bit field"
chk_bad tests/vmcs/bad-duplicate.txt "bad-duplicate.txt:2: VIRTUAL_PROCESSOR_ID given twice (first on line 1)"
chk_bad tests/vmcs/bad-json.json "bad-json.json:3: expected ':'"
chk_bad tests/vmcs/bad-dump-unknown.txt "bad-dump-unknown.txt:3: unknown dump_vmcs field 'Bogus'"
chk_bad tests/vmcs/bad-dump-value.txt "bad-dump-value.txt:2: malformed value 'zzzz'"
chk_bad tests/vmcs/no-such-file.txt "no-such-file.txt"
t_run 2 $V vmcs tests/vmcs/controls-good.json $CPU --maxphyaddr 65
t_stdout_empty
t_run 2 $V vmcs $CPU
t_run 2 $V vmcs tests/vmcs/controls-good.json
t_stderr_has "no CPU given"
t_run 2 $V vmcs tests/vmcs/controls-good.json $CPU --kernel 6.6
t_run 2 $V vmcs --from-kvm $CPU --kernel 4.9
t_stdout_empty

# --from-kvm: KVM's own controls pass where kvm_intel loads (exit 1 = does not load).  Every 5th embedded profile
# here (the unit test test_vmcs_kvm covers all of them and every kernel version in process).
n_pass=0
for p in $(ls data/profiles/*.profile | awk 'NR % 5 == 1'); do
	name=$(basename "$p" .profile)
	$V vmcs --from-kvm --cpu "$name" --no-warnings >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
	if [ $rc -eq 0 ] && grep -q "^PASS" "$T_TMP/out"; then n_pass=$((n_pass + 1)); t_ok
	elif [ $rc -eq 1 ] && grep -q "would not load" "$T_TMP/out"; then t_ok
	else t_bad "--from-kvm $name: exit $rc: $(grep -v '^ ' "$T_TMP/out" | head -5)"; fi
done
[ "$n_pass" -ge 9 ] && t_ok || t_bad "--from-kvm passed on only $n_pass profiles"
t_run 0 $V vmcs --from-kvm $CPU --kernel 5.10 --param ept=0 --json
t_json_ok
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "--from-kvm ept=0 still has EPT"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kernel"] == "5.10" and d["verdict"] == "pass"
sec = int(d["fields"]["SECONDARY_VM_EXEC_CONTROL"], 16)
pri = int(d["fields"]["CPU_BASED_VM_EXEC_CONTROL"], 16)
assert not (sec & 2) and not (sec & 0x80), hex(sec)   # no EPT, no unrestricted guest
assert pri & (1 << 15) and pri & (1 << 16), hex(pri)  # CR3 exits back without EPT
PY
# migration: the controls KVM uses on an Ice Lake, fed back from --json, pass there and fail on a Skylake
$V vmcs --from-kvm --cpu icelake-core-i7-1065g7 --json > "$T_TMP/icl.json" 2>/dev/null
t_run 0 $V vmcs "$T_TMP/icl.json" --cpu icelake-core-i7-1065g7 --no-warnings
t_run 1 $V vmcs "$T_TMP/icl.json" --cpu skylake-core-i7-6700 --no-warnings --json
python3 - "$T_TMP/out" <<'PY' && t_ok || t_bad "Ice Lake controls on Skylake"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["failed_rules"] == ["CAP-01", "CAP-03"], d["failed_rules"]
PY
t_done

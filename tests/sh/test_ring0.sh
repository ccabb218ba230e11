#!/bin/sh
# Ring-0 runner self-test: the checks of `make ring0-check` must be able to fail.
# One Bochs model (corei7_haswell_4770) is booted seven times (~0.5 s each):
# a good run passes (also with the legacy BIOS, which leaves IA32_FEATURE_CONTROL unlocked); a wrong user-space vmcs_config, a kernel that never prints
# its result, a launch with a forbidden control, and inverted validator
# verdicts must each be reported as FAIL.  Skipped when Bochs is not installed.
. tests/sh/lib.sh

# 0. rule-level comparison (ring0/rules.awk) on a synthetic log: a match, a mismatch, an unmapped message
cat > "$T_TMP/bochs.log" <<'EOF'
00000001e[CPU0  ] RDMSR: Unknown register 0xc0de0000
00000002e[CPU0  ] VMFAIL: VMCS EXEC CTRL: VMX pin-based controls allowed 1-settings [0x00000080]
00000003e[CPU0  ] RDMSR: Unknown register 0xc0de0001
00000004e[CPU0  ] VMFAIL: VMCS EXEC CTRL: guest VPID == 0
00000005e[CPU0  ] RDMSR: Unknown register 0xc0de0002
00000006e[CPU0  ] VMFAIL: something Bochs never said
EOF
cat > "$T_TMP/serial" <<'EOF'
set 0 agree bochs=e7 val=e7 rules=CAP-01,CAP-03 mut=pin^b7
set 1 agree bochs=e7 val=e7 rules=CAP-02 mut=vpid=0
set 2 agree bochs=e7 val=e7 rules=CAP-05 mut=exit^b1
EOF
awk -f ring0/rules.awk "$T_TMP/bochs.log" "$T_TMP/serial" > "$T_TMP/rules"
if grep -q "^rules: 3 sets with error 7 on both sides, 1 name the same rule, 0 known (EXEC-26 first), 1 mismatch, 1 unmapped" "$T_TMP/rules" &&
	grep -q "^rule-mismatch set 1: .*expects EXEC-14" "$T_TMP/rules"; then t_ok; else t_bad "rules.awk: $(cat "$T_TMP/rules")"; fi

if ! command -v bochs-bin >/dev/null 2>&1; then
	echo "test_ring0: bochs-bin not installed; skipped" >&2
	t_done
	exit $?
fi
if ! make -s -C ring0 all >"$T_TMP/build.log" 2>&1; then
	t_bad "make -C ring0 failed: $(tail -5 "$T_TMP/build.log")"
	t_done
	exit 1
fi
M=corei7_haswell_4770
R="ring0/run.sh --build ring0/build --vmxcfg $VMXCFG --out $T_TMP/run --sets 20"

# 1. a good run passes, its profile is readable by the hosted tool, and the vmcs_config matches
t_run 0 $R $M
t_stdout_has "1 passed, 0 failed"
t_stdout_has "vmcs_config == user space"
t_stdout_has "sets: 20 run"
t_run 0 $VMXCFG kvm --profile "$T_TMP/run/$M/profile"
t_stdout_has "bochs $M"

# 1b. with BIOS-bochs-legacy IA32_FEATURE_CONTROL is 0: the kernel must set and lock it itself
if [ -f /usr/share/bochs/BIOS-bochs-legacy ]; then
	t_run 0 $R --bios /usr/share/bochs/BIOS-bochs-legacy $M
	if grep -q "^vmx: IA32_FEATURE_CONTROL was unlocked, set to 0x5" "$T_TMP/run/$M/serial.clean"; then t_ok; else t_bad "legacy BIOS: IA32_FEATURE_CONTROL not set by the kernel"; fi
fi

# 2. a user-space result that differs from ring 0 in one bit is a failure
cat > "$T_TMP/fake-vmxcfg" <<EOF
#!/bin/sh
[ "\$1" = kvm ] && [ "\$2" = --help ] && { echo "usage: vmxcfg kvm"; exit 0; }
$VMXCFG "\$@" | sed 's/"pin": "0x\([0-9a-f]*\)f"/"pin": "0x\1e"/'
EOF
chmod +x "$T_TMP/fake-vmxcfg"
t_run 1 ring0/run.sh --build ring0/build --vmxcfg "$T_TMP/fake-vmxcfg" --out "$T_TMP/run" --sets 0 $M
t_stdout_has "vmcs_config differs from user space: pin(ring0"

# 3. a kernel that never reaches its RESULT line fails on the time limit
t_run 1 $R --flags 4 --timeout 3 $M
t_stdout_has "no RESULT line within 3s"

# 4. the negotiated set with a forbidden pin-based bit: the launch must fail, so the run fails
t_run 1 $R --flags 8 $M
t_stdout_has "negotiated control set did not launch/resume as expected"
if grep -q "^launch: vmfailvalid error 7" "$T_TMP/run/$M/serial.clean"; then t_ok; else t_bad "no 'launch: vmfailvalid error 7'"; fi

# 5. validator verdicts inverted: every set disagrees and is listed with its Bochs log line
t_run 1 $R --flags 16 $M
t_stdout_has "DISAGREE"
if grep -q "^sets: 20 run.* 0 disagree" "$T_TMP/run/$M/serial.clean"; then t_bad "inverted verdicts did not disagree"; else t_ok; fi
t_stdout_has "bochs.log: VMFAIL"

t_done

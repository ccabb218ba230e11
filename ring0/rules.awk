# SPDX-License-Identifier: MIT
# Rule-level agreement: for every control set that both Bochs and the validator
# reject with error 7, the check Bochs names in bochs.log must be among the
# validator's failed rules.
#
#   awk -f rules.awk bochs.log serial.clean
#
# Bochs stops at its first failing check; the validator reports all of them.
# Prints one line per mismatch ("rule-mismatch set K: bochs '<msg>' (expects RULE) validator rules=...")
# or per message without a mapping ("rule-unmapped ..."), then
# "rules: N sets with error 7 on both sides, M name the same rule, K known (EXEC-26 first), X mismatch, U unmapped".

# Bochs 2.7 VMFAIL message (regex) -> the catalogue rule(s) it checks (regex over rule ids).
function rule_for(msg) {
	if (msg ~ /pin-based controls allowed/) return "CAP-01"
	if (msg ~ /proc-based controls allowed/) return "CAP-02"
	if (msg ~ /secondary controls allowed/) return "CAP-03"
	if (msg ~ /tertiary controls allowed/) return "CAP-04"
	if (msg ~ /vmexit controls allowed/) return "CAP-05"
	if (msg ~ /vmentry controls allowed/) return "CAP-07"
	if (msg ~ /VM Functions control reserved bits/) return "CAP-08"
	if (msg ~ /too may CR3 targets/) return "EXEC-01"
	if (msg ~ /I\/O bitmap [AB] phy addr/) return "EXEC-02"
	if (msg ~ /MSR bitmap phy addr/) return "EXEC-03"
	if (msg ~ /virtual apic phy addr/) return "EXEC-04"
	if (msg ~ /TPR threshold too big/) return "EXEC-05"
	if (msg ~ /TPR threshold > TPR shadow/) return "EXEC-06"
	if (msg ~ /misconfigured virtual NMI control/) return "EXEC-0[78]"
	if (msg ~ /apic access page phy addr/) return "EXEC-09"
	if (msg ~ /apic virtualization is enabled without TPR shadow/) return "EXEC-10"
	if (msg ~ /virtualize X2APIC mode enabled together with APIC access/) return "EXEC-11"
	if (msg ~ /virtual interrupt delivery must be set together with external interrupt exiting/) return "EXEC-12"
	if (msg ~ /posted interrupts/) return "EXEC-13[abcd]"
	if (msg ~ /guest VPID == 0/) return "EXEC-14"
	if (msg ~ /invalid EPTPTR value/) return "EXEC-15[abcde]"
	if (msg ~ /PML/) return "EXEC-16"
	if (msg ~ /unrestricted guest without EPT/) return "EXEC-17"
	if (msg ~ /VM[A-Z]* bitmap phy addr/) return "EXEC-20"
	if (msg ~ /save_VMX_preemption_timer/) return "EXEC-23"
	if (msg ~ /TSC multiplier/) return "EXEC-26"
	if (msg ~ /VMEXIT CTRL: msr store addr/) return "EXIT-01"
	if (msg ~ /VMEXIT CTRL: msr load addr/) return "EXIT-02"
	if (msg ~ /VMENTRY CTRL: msr load addr/) return "ENTRY-07"
	if (msg ~ /bad injected event type/) return "ENTRY-01"
	if (msg ~ /bad injected event vector/) return "ENTRY-02"
	if (msg ~ /broken error code/) return "ENTRY-03"
	if (msg ~ /broken interruption info field/) return "ENTRY-04"
	if (msg ~ /bad error code/) return "ENTRY-05"
	if (msg ~ /instr length/) return "ENTRY-06"
	if (msg ~ /SMM/) return "ENTRY-0[89]"
	return ""
}

FNR == 1 { file++ }

# bochs.log: the first VMFAIL line after each set's marker (RDMSR of 0xc0de0000 + K)
file == 1 && /RDMSR: Unknown register 0xc0de/ {
	cur = $NF
	sub(/^0xc0de/, "", cur)
	cur = "k" cur
	next
}
file == 1 && /VMFAIL: / && cur != "" && !(cur in msg) {
	m = $0
	sub(/^.*VMFAIL: /, "", m)
	msg[cur] = m
	next
}

# serial: "set K agree bochs=e7 val=e7 rules=A,B ..."
file == 2 && /^set [0-9]+ / && / bochs=e7 / && / val=e7 / {
	k = sprintf("k%04x", $2)
	rules = ""
	warn = ""
	for (i = 3; i <= NF; i++) {
		if ($i ~ /^rules=/)
			rules = substr($i, 7)
		if ($i ~ /^warn=/)
			warn = substr($i, 6)
	}
	both++
	m = (k in msg) ? msg[k] : ""
	want = rule_for(m)
	if (want == "") {
		unmapped++
		printf "rule-unmapped set %d: bochs '%s' validator rules=%s\n", $2, m, rules
		next
	}
	if (("," rules ",") ~ ("," want ",")) {
		same++
	} else if (want == "EXEC-26" && ("," warn ",") ~ /,EXEC-26,/) {
		# Bochs checks its own TSC-multiplier rule first; the validator only warns (bochs-ring0.md)
		known++
		printf "rule-known set %d: bochs '%s' (EXEC-26, Bochs only) validator rules=%s warn=%s\n", $2, m, rules, warn
	} else {
		bad++
		printf "rule-mismatch set %d: bochs '%s' (expects %s) validator rules=%s\n", $2, m, want, rules
	}
}

END {
	printf "rules: %d sets with error 7 on both sides, %d name the same rule, %d known (EXEC-26 first), %d mismatch, %d unmapped\n",
		both, same, known, bad, unmapped
}

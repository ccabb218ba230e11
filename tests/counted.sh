# SPDX-License-Identifier: MIT
# Sourced by the test runners (tests/check.sh, tests/run-unit.sh, tests/check.d/*.sh).  Every test command
# ends with a line "N passed, M failed"; this is the one place that reads it.
#
# counted CMD...: runs CMD (stderr merged into stdout) and sets
#   c_out   its output             c_rc    its exit code
#   c_last  its last "N passed, M failed" line, empty if there is none
#   c_pass, c_fail  N and M; 0 and 1 when there is no such line; M is at least 1 when CMD exited non-zero
counted() {
	c_out=$("$@" 2>&1); c_rc=$?
	c_last=$(printf '%s\n' "$c_out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	c_pass=$(printf '%s' "$c_last" | sed -n 's/^\([0-9]*\) passed, .*/\1/p')
	c_fail=$(printf '%s' "$c_last" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
	[ -n "$c_pass" ] || { c_pass=0; c_fail=1; }
	[ "$c_rc" -ne 0 ] && [ "$c_fail" -eq 0 ] && c_fail=1
	return 0
}

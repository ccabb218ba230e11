#!/bin/sh
# Runs unit test binaries and shell tests; prints the summed "N passed, M failed".
. "$(dirname "$0")/counted.sh"
build=$1; shift
pass=0; fail=0
for t in "$@"; do
	[ -e "$t" ] || continue
	case "$t" in *.sh) counted env BUILD="$build" sh "$t" ;; *) counted "$t" ;; esac
	[ -n "$c_last" ] || echo "$t: no summary line (exit $c_rc)"
	[ "$c_rc" -ne 0 ] && echo "$t: exit $c_rc"
	[ "$c_fail" -ne 0 ] && printf '%s\n' "$c_out" | grep -v '^[0-9]* passed' | tail -n 30
	echo "  $(basename "$t"): $c_pass passed, $c_fail failed"
	pass=$((pass + c_pass)); fail=$((fail + c_fail))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

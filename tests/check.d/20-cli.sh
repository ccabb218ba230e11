#!/bin/sh
# Shell-level CLI tests (tests/sh/test_*.sh), each printing "N passed, M failed".
BUILD=${BUILD:-build}
. tests/counted.sh
pass=0; fail=0
for t in tests/sh/test_*.sh; do
	[ -e "$t" ] || continue
	counted env BUILD="$BUILD" sh "$t"
	[ "$c_fail" -ne 0 ] && printf '%s\n' "$c_out" | tail -n 30
	echo "  $(basename "$t"): $c_pass passed, $c_fail failed"
	pass=$((pass + c_pass)); fail=$((fail + c_fail))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

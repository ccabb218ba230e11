#!/bin/sh
# Shell-level CLI tests (tests/sh/test_*.sh), each printing "N passed, M failed".
BUILD=${BUILD:-build}
pass=0; fail=0
for t in tests/sh/test_*.sh; do
	[ -e "$t" ] || continue
	out=$(BUILD=$BUILD sh "$t" 2>&1); rc=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	p=$(printf '%s' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	f=$(printf '%s' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	[ -n "$p" ] || { p=0; f=1; }
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	[ "$f" -ne 0 ] && printf '%s\n' "$out" | tail -n 30
	echo "  $(basename "$t"): $p passed, $f failed"
	pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Runs unit test binaries and shell tests; prints the summed "N passed, M failed".
build=$1; shift
pass=0; fail=0
for t in "$@"; do
	[ -e "$t" ] || continue
	case "$t" in *.sh) out=$(BUILD=$build sh "$t" 2>&1) ;; *) out=$("$t" 2>&1) ;; esac
	rc=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	p=$(printf '%s' "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p')
	f=$(printf '%s' "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p')
	if [ -z "$p" ]; then p=0; f=1; printf '%s\n' "$out" | tail -n 20; echo "$t: no summary line (exit $rc)"; fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$t: exit $rc"; fi
	[ "$f" -ne 0 ] && printf '%s\n' "$out" | grep -v '^[0-9]* passed' | tail -n 30
	echo "  $(basename "$t"): $p passed, $f failed"
	pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

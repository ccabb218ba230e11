#!/bin/sh
# The whole test suite once under valgrind memcheck (the plain gcc build in $BUILD): unit tests, the golden
# comparison, every tests/check.d section numbered below 50 (through wrappers in build-vg/ that run $BUILD's
# binaries under valgrind) and the fuzz corpus replay.  Passes only with zero memcheck errors and zero definite or
# indirect leaks in every process (each writes build-vg/logs/vg.PID.log).  Two lanes run side by side (2 cores).
# Prints "N passed, M failed".
BUILD=${BUILD:-build}
VG=build-vg
# The golden checks (here and in 30-post) run a fixed sample of releases and profiles (tests/golden/golden_common.py,
# SAMPLE_*): a vmxcfg process costs ~40 times a plain run under memcheck (760 ms against 19 ms on the 2-core VM
# under load); the plain sections run them all.
export GOLDEN_SAMPLE=1
command -v valgrind >/dev/null || { echo "valgrind not installed"; echo "0 passed, 1 failed"; exit 1; }
rm -rf "$VG"; mkdir -p "$VG/tests" "$VG/logs"; chmod 1777 "$VG/logs"
top=$(pwd)
vgcmd="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --log-file=$top/$VG/logs/vg.%p.log"
wrap() { # target wrapper
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$vgcmd" "$top/$1" >"$2"
	chmod +x "$2"
}
wrap "$BUILD/vmxcfg" "$VG/vmxcfg"
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && wrap "$t" "$VG/tests/$(basename "$t")"
done
pass=0; fail=0
# sub NAME CMD...: one sub-section; its report goes to $VG/sub.N (run in two lanes, one per core).
k=0
. tests/counted.sh
sub() {
	k=$((k + 1))
	name=$1; shift
	counted "$@"
	if [ "$c_fail" -eq 0 ]; then
		echo "ok   $name ($c_last)" >"$VG/sub.$LANE.$k"
	else
		{ echo "FAIL $name (exit $c_rc)"; printf '%s\n' "$c_out" | tail -n 15; } >"$VG/sub.$LANE.$k"
	fi
}
lane_a() {
	LANE=a
	# shellcheck disable=SC2046
	sub "unit tests" tests/run-unit.sh "$VG" $(ls "$VG"/tests/test_* 2>/dev/null)
	sub "golden" python3 tests/golden/check_kvm.py "$VG/vmxcfg" .
	for s in tests/check.d/[0-4]*.sh; do
		case "$s" in *-cli.sh | *-readonly.sh | *-bad.sh) continue ;; esac
		[ -e "$s" ] && sub "$(basename "$s" .sh)" env BUILD="$VG" VMXCFG="$top/$VG/vmxcfg" sh "$s"
	done
}
lane_b() {
	LANE=b
	for s in tests/check.d/[0-4]*-cli.sh tests/check.d/[0-4]*-bad.sh; do
		[ -e "$s" ] && sub "$(basename "$s" .sh)" env BUILD="$VG" VMXCFG="$top/$VG/vmxcfg" sh "$s"
	done
	sub "fuzz corpus replay" make -s --no-print-directory -f fuzz/fuzz.mk fuzz-replay BUILD="$BUILD" CC=gcc \
		REPLAY_WRAP="$vgcmd"
}
lane_a & pa=$!
lane_b & pb=$!
wait $pa; wait $pb
for r in "$VG"/sub.*; do
	sed 's/^/  /' "$r"
	case "$(head -n 1 "$r")" in ok*) pass=$((pass + 1)) ;; *) fail=$((fail + 1)) ;; esac
done
n=$(ls "$VG"/logs | wc -l)
bad=$(grep -lE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]|Invalid (read|write)|uninitialised|Conditional jump' "$VG"/logs/* 2>/dev/null)
errs=0
for l in $bad; do errs=$((errs + 1)); echo "  memcheck errors in $l:"; head -n 30 "$l"; done
[ -z "$bad" ] && { [ "$n" -gt 0 ] && pass=$((pass + 1)) || fail=$((fail + 1)); }
[ -n "$bad" ] && fail=$((fail + 1))
echo "  $n processes ran under memcheck, $errs with errors"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

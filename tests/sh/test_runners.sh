#!/bin/sh
# The test runners themselves (tests/counted.sh, tests/run-unit.sh): a test counts as passed only when it
# exits 0 and its last "N passed, M failed" line has M = 0; a crash, a missing summary or a non-zero exit
# after "0 failed" must each show up as a failure in the total, or `make check` could report green on a
# broken test.
. tests/sh/lib.sh
. tests/counted.sh
fake() { # name, shell body
	printf '#!/bin/sh\n%s\n' "$2" >"$T_TMP/$1"; chmod +x "$T_TMP/$1"
}
fake good 'echo "noise"; echo "5 passed, 0 failed"'
fake failing 'echo "4 passed, 1 failed"; exit 1'
fake liar 'echo "3 passed, 0 failed"; exit 3'
fake silent 'echo "all fine"'
fake crash 'echo "2 passed, 0 failed"; kill -SEGV $$'
fake early 'echo "9 passed, 0 failed"; echo "1 passed, 2 failed"'
# counted CMD -> "pass fail rc"
for c in "good 5 0 0" "failing 4 1 1" "liar 3 1 3" "silent 0 1 0" "crash 2 1 139" "early 1 2 0"; do
	set -- $c
	counted "$T_TMP/$1" 2>/dev/null # the shell reports the SIGSEGV on its stderr
	got="$c_pass $c_fail $c_rc"
	if [ "$got" = "$2 $3 $4" ]; then t_ok; else t_bad "counted $1: got '$got', expected '$2 $3 $4'"; fi
done
# run-unit.sh sums and fails when any one test fails
t_run 0 tests/run-unit.sh "$BUILD" "$T_TMP/good" "$T_TMP/good"
t_stdout_has "10 passed, 0 failed"
for bad in failing liar silent crash; do
	t_run 1 tests/run-unit.sh "$BUILD" "$T_TMP/good" "$T_TMP/$bad"
	t_stdout_has "  $bad: "
done
t_run 1 tests/run-unit.sh "$BUILD" "$T_TMP/silent"
t_stdout_has "no summary line"
t_done

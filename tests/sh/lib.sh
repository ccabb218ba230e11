# Helpers for shell-level tests. Source it; call `t_done` at the end (prints "N passed, M failed").
: "${BUILD:=build}"
VMXCFG=${VMXCFG:-$BUILD/vmxcfg}
T_PASS=0; T_FAIL=0
T_TMP=$(mktemp -d); trap 'rm -rf "$T_TMP"' EXIT
t_ok() { T_PASS=$((T_PASS + 1)); }
t_bad() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*" >&2; }
# t_run EXPECTED_EXIT cmd...: runs, keeps stdout in $T_TMP/out and stderr in $T_TMP/err, checks the exit code.
t_run() {
	want=$1; shift
	"$@" >"$T_TMP/out" 2>"$T_TMP/err"; got=$?
	if [ "$got" -eq "$want" ]; then t_ok; else t_bad "$* -> exit $got, expected $want; stderr: $(head -c 300 "$T_TMP/err")"; fi
}
# Assertions on the last t_run.
t_stdout_empty() { if [ -s "$T_TMP/out" ]; then t_bad "stdout not empty: $(head -c 200 "$T_TMP/out")"; else t_ok; fi; }
t_stderr_has() { if grep -qF -- "$1" "$T_TMP/err"; then t_ok; else t_bad "stderr lacks '$1': $(head -c 300 "$T_TMP/err")"; fi; }
t_stdout_has() { if grep -qF -- "$1" "$T_TMP/out"; then t_ok; else t_bad "stdout lacks '$1'"; fi; }
t_json_ok() { if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/out" 2>/dev/null; then t_ok; else t_bad "stdout is not valid JSON"; fi; }
# t_profiles: the embedded profiles a per-profile loop runs over: all of them, or every 5th when GOLDEN_SAMPLE=1
# (set by the valgrind and sanitizer sections, where one vmxcfg run costs 10-40 times a plain one).
t_profiles() {
	if [ "${GOLDEN_SAMPLE:-}" = 1 ]; then ls data/profiles/*.profile | awk 'NR % 5 == 1'; else ls data/profiles/*.profile; fi
}
t_done() { echo "$T_PASS passed, $T_FAIL failed"; [ "$T_FAIL" -eq 0 ]; }

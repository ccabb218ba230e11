#!/bin/sh
# Run libFuzzer harnesses (see fuzz/fuzz.mk), FUZZ_JOBS at a time (default 1: one after another).  Prints one line
# per harness with the executions, coverage (cov = edges, ft = features), corpus size and the verdict, in the
# order given, then "N passed, M failed".
FB=${FB:-build-fuzz}
mkdir -p "$FB"
# Absolute paths: a harness may change directory (fuzz_cli works in a scratch directory).
FB=$(cd "$FB" && pwd)
top=$(pwd)
rm -f "$FB"/result.*
one() { # harness: runs it, writes its report line(s) to $FB/result.<harness> and its verdict to .ok/.failed
	h=$1
	bin=$FB/fuzz_$h
	work=$FB/corpus/$h
	mkdir -p "$work" "$FB/artifacts"
	seeds=fuzz/corpus/$h
	[ -d "$seeds" ] || seeds=
	# fuzz/NAME.seeds: more seed directories in the tree (e.g. tests/import), one per line.
	[ -f "fuzz/$h.seeds" ] && seeds="$seeds $(cat "fuzz/$h.seeds")"
	[ -n "$seeds" ] && seeds=$(for s in $seeds; do printf '%s/%s ' "$top" "$s"; done)
	dict=
	[ -f "fuzz/$h.dict" ] && dict=-dict=$top/fuzz/$h.dict
	maxlen=-max_len=${FUZZ_MAX_LEN:-8192}
	# fuzz/NAME.options: extra libFuzzer flags for one harness (e.g. a larger -max_len for long logs).
	[ -f "fuzz/$h.options" ] && maxlen=$(cat "fuzz/$h.options")
	if [ -n "${FUZZ_RUNS:-}" ]; then limit=-runs=$FUZZ_RUNS; else limit=-max_total_time=${FUZZ_SECONDS:-60}; fi
	log=$FB/fuzz_$h.log
	start=$(date +%s)
	# shellcheck disable=SC2086
	${FUZZ_NICE:-} "$bin" $limit $dict $maxlen -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$FB/artifacts/$h-" "$work" $seeds >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	out=$FB/result.$h
	if [ "$rc" -eq 0 ] && ! grep -qE '^==[0-9]+==ERROR|runtime error|invariant failed|deadly signal' "$log"; then
		verdict=ok; : >"$out.ok"
	else
		verdict="FAILED (exit $rc; see $log)"; : >"$out.failed"
		grep -E 'ERROR|runtime error|invariant failed|SUMMARY|Test unit written' "$log" | head -n 8 >"$out"
	fi
	echo "fuzz_$h: ${execs:-0} executions in ${secs}s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}: $verdict" >>"$out"
}
# Lane k of FUZZ_JOBS runs every FUZZ_JOBS-th harness starting at the k-th.
jobs=${FUZZ_JOBS:-1}
k=0
while [ "$k" -lt "$jobs" ]; do
	(
		i=0
		for h in "$@"; do
			[ $((i % jobs)) -eq "$k" ] && one "$h"
			i=$((i + 1))
		done
	) &
	k=$((k + 1))
done
wait
pass=0; fail=0
for h in "$@"; do
	cat "$FB/result.$h" 2>/dev/null || echo "fuzz_$h: no result (the lane running it died)"
	if [ -e "$FB/result.$h.ok" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

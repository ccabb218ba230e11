#!/bin/sh
# Static analysis, warnings are failures:
# - cppcheck --enable=warning,portability,performance (bugs, undefined or implementation-defined behaviour and
#   needless copies; "style" is left out: it reports taste, not defects) on src/, fuzz/, examples/, tests/readonly;
# - clang-tidy with the check list and its justification in .clang-tidy, one process per file, two at a time
#   (a crash or a parse error in one file is reported for that file).
# Prints "N passed, M failed" (one per tool per file group).
pass=0; fail=0
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
if command -v cppcheck >/dev/null; then
	if cppcheck --quiet --std=c11 --enable=warning,portability,performance --inline-suppr --error-exitcode=1 \
		-Iinclude -Isrc -Ifuzz -D__x86_64__ -D__linux__ --suppress=missingIncludeSystem \
		src fuzz examples tests/readonly >"$T/cppcheck" 2>&1; then
		pass=$((pass + 1)); echo "  ok   cppcheck"
	else
		fail=$((fail + 1)); echo "  FAIL cppcheck"; head -n 40 "$T/cppcheck"
	fi
else
	fail=$((fail + 1)); echo "  FAIL cppcheck not installed"
fi
if command -v clang-tidy >/dev/null; then
	# One file per clang-tidy process, two at a time; $T/tidy.<file> holds each report.
	ls src/core/*.c src/host/*.c src/cli/*.c fuzz/*.c examples/*.c 2>/dev/null |
		xargs -P "${JOBS:-2}" -I{} sh -c 'out=$1/tidy.$(echo "$2" | tr / :)
			clang-tidy --quiet "$2" -- -std=c11 -Iinclude -Isrc -Ifuzz >"$out" 2>&1 || echo "clang-tidy exit $?" >>"$out"' \
			_ "$T" {}
	bad=0; n=0
	for r in "$T"/tidy.*; do
		n=$((n + 1))
		if grep -qE '(warning|error):|clang-tidy exit' "$r"; then
			bad=$((bad + 1)); echo "  clang-tidy: $(basename "$r" | sed 's/^tidy\.//; s/:/\//g')"
			grep -E -A3 '(warning|error):|clang-tidy exit' "$r" | head -n 20
		fi
	done
	if [ "$bad" -eq 0 ] && [ "$n" -gt 0 ]; then pass=$((pass + 1)); echo "  ok   clang-tidy ($n files)"; else
		fail=$((fail + 1)); echo "  FAIL clang-tidy: $bad of $n files"; fi
else
	fail=$((fail + 1)); echo "  FAIL clang-tidy not installed"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

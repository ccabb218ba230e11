#!/bin/sh
# `make check`: builds with gcc and clang, runs every test section, prints one summary line at the end.
# A section is a command whose last output line is "N passed, M failed"; sections are listed below and
# in tests/check.d/*.sh (run in name order with the gcc build in $BUILD).
set -u
cd "$(dirname "$0")/.."
total_pass=0; total_fail=0
jobs=${JOBS:-2}
. tests/counted.sh
section() { # name, command...
	echo "== $1"; shift
	counted "$@"
	printf '%s\n' "$c_out" | tail -n 40
	[ -n "$c_last" ] || echo "   (no summary line; exit $c_rc)"
	total_pass=$((total_pass + c_pass)); total_fail=$((total_fail + c_fail))
}
build() { # dir cc
	if make -s -j"$jobs" BUILD="$1" CC="$2" all >"$1.log" 2>&1 && make -s -j"$jobs" BUILD="$1" CC="$2" \
		$(ls tests/unit/test_*.c 2>/dev/null | sed "s|tests/unit/\(.*\)\.c|$1/tests/\1|") >>"$1.log" 2>&1; then
		echo "1 passed, 0 failed"
	else
		cat "$1.log"; echo "0 passed, 1 failed"
	fi
}
mkdir -p build
section "build (gcc)" build build gcc
section "build (clang)" build build-clang clang
section "unit tests (gcc)" tests/run-unit.sh build $(ls build/tests/test_* 2>/dev/null)
section "unit tests (clang)" tests/run-unit.sh build-clang $(ls build-clang/tests/test_* 2>/dev/null)
section "freestanding core (gcc, x86_64 + i386)" make -s freestanding CC=gcc
section "freestanding core (clang, x86_64 + i386)" make -s freestanding CC=clang
section "golden: vmxcfg kvm --json vs tests/golden/expected (every release with real-code results x all profiles)" \
	python3 tests/golden/check_kvm.py build/vmxcfg .
for s in tests/check.d/*.sh; do
	[ -e "$s" ] || continue
	# QUICK=1 (developers only; CI runs everything) skips the slow sanitizer, valgrind, analyser and fuzz sections.
	case "${QUICK:-}:$(basename "$s")" in 1:50-sanitize.sh | 1:55-valgrind.sh | 1:60-analyse.sh | 1:65-fuzz.sh) continue ;; esac
	section "$(basename "$s" .sh)" env BUILD=build sh "$s"
done
echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

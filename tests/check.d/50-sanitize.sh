#!/bin/sh
# The whole test suite again under AddressSanitizer + UndefinedBehaviorSanitizer, built with gcc and with clang
# (build-asan, build-asan-clang): unit tests, the golden comparison, every tests/check.d section numbered below 50,
# and a replay of the fuzz corpora and every input a fuzzer ever crashed on (fuzz/regress).  Any sanitizer report
# aborts the process (-fno-sanitize-recover=all, leaks included), which fails the section it happens in.
# Prints "N passed, M failed" (one pass per sub-section).
JOBS=${JOBS:-2}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
export ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0:abort_on_error=0:exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87
# The golden checks (here and in 30-post) run a fixed sample of releases and profiles (tests/golden/golden_common.py,
# SAMPLE_*): a vmxcfg process costs ~7 times a plain run under ASan+UBSan (138 ms against 19 ms on the 2-core VM
# under load); the plain sections run them all.
export GOLDEN_SAMPLE=1
. tests/counted.sh
pass=0; fail=0
sub() { # name, command...: passes when the command's tests all pass and no sanitizer report appears
	name=$1; shift
	counted "$@"
	if [ "$c_fail" -eq 0 ] && ! printf '%s\n' "$c_out" | grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:'; then
		pass=$((pass + 1)); echo "  ok   $name ($c_last)"
	else
		fail=$((fail + 1)); echo "  FAIL $name (exit $c_rc)"
		printf '%s\n' "$c_out" | grep -E -A12 'ERROR: |runtime error:|FAIL' | head -n 40
	fi
}
# The shell tests run vmxcfg under LD_PRELOAD shims (tests/fakesys, the fake msr/cpuid drivers): the ASan
# runtime must be a shared library for a preloaded library to interpose open/pread (gcc's libasan is; clang
# needs -shared-libasan, found through LD_LIBRARY_PATH), and verify_asan_link_order=0 lets the shim come first.
san_gcc=$SAN
san_clang="$SAN -shared-libasan"
for cc in gcc clang; do
	b=build-asan; [ "$cc" = clang ] && b=build-asan-clang
	if [ "$cc" = clang ]; then
		SAN=$san_clang
		LD_LIBRARY_PATH=$(dirname "$(clang -print-file-name=libclang_rt.asan-x86_64.so)")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
		export LD_LIBRARY_PATH
	else
		SAN=$san_gcc
	fi
	tests=$(ls tests/unit/test_*.c 2>/dev/null | sed "s|tests/unit/\(.*\)\.c|$b/tests/\1|" | tr "\n" " ")
	# shellcheck disable=SC2086
	sub "build ($cc, ASan+UBSan)" sh -c "make -s -j$JOBS BUILD=$b CC=$cc SAN='$SAN' all $tests && echo '1 passed, 0 failed'"
	# shellcheck disable=SC2086
	sub "unit tests ($cc)" tests/run-unit.sh "$b" $tests
	sub "golden ($cc)" python3 tests/golden/check_kvm.py "$b/vmxcfg" .
	for s in tests/check.d/[0-4]*.sh; do
		[ -e "$s" ] || continue
		case "$s" in *-readonly.sh) continue ;; esac # an LD_PRELOAD guard; not a memory-safety test
		sub "$(basename "$s" .sh) ($cc)" env BUILD="$b" sh "$s"
	done
	sub "fuzz corpus + regressions replay ($cc)" make -s --no-print-directory -f fuzz/fuzz.mk fuzz-replay \
		BUILD="$b" CC="$cc" SAN="$SAN"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Every libFuzzer harness briefly (FUZZ_SECONDS each, default 60), two at a time (one per core): a crash, leak,
# sanitizer report or broken invariant fails the section; fuzz/regress/ keeps the inputs for the replay in
# 50-sanitize.  `make fuzz FUZZ_RUNS=10000000` is the long run (figures in fuzz/README.md).
FUZZ_JOBS=${FUZZ_JOBS:-2} make -s --no-print-directory fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}" FUZZ_NICE= 2>&1

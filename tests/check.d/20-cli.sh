#!/bin/sh
# Shell-level CLI tests (tests/sh/test_*.sh), each printing "N passed, M failed"; run-unit.sh runs and sums them.
exec tests/run-unit.sh "${BUILD:-build}" tests/sh/test_*.sh

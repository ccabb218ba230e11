#!/bin/sh
# Golden: module parameters (vmxcfg kvm --json "params") and nested L1 MSRs (vmxcfg nested --json) against
# tests/golden/expected-post (every release whose parameter and nested code was run, with -ept0 / -apicv0 variants).
BUILD=${BUILD:-build}
exec python3 tests/golden/check_post.py "$BUILD/vmxcfg" .

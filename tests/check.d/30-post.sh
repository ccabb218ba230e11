#!/bin/sh
# Golden: module parameters (vmxcfg kvm --json "params") and nested L1 MSRs (vmxcfg nested --json) against
# tests/golden/expected-post (7.1, 6.6, 5.10 and their -ept0 / -apicv0 variants).
BUILD=${BUILD:-build}
exec python3 tests/golden/check_post.py "$BUILD/vmxcfg" .

#!/usr/bin/env python3
"""Golden test: `vmxcfg kvm --json` against KVM's real outcomes (tests/golden/expected, copied from shared/expected).

For every expected/<version>/<profile>.json whose version the tool supports: status must match; on "ok" also every
vmcs_config field and vmx_capability.  Every output is parsed with Python's json module.
Prints one line per failure and the summary line "N passed, M failed".
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from golden_common import Tally, golden_cases, kvm_exit_code, run_json

vmxcfg, root = sys.argv[1], sys.argv[2]
versions = sys.argv[3].split(",") if len(sys.argv) > 3 else None
tally = Tally()
for ver, name, exp, prof in golden_cases(root, "expected", versions):
    rc, got, err = run_json([vmxcfg, "kvm", "--kernel", ver, "--profile", prof, "--json"])
    if got is None:
        tally.case(f"{ver}/{name}", [err])
        continue
    errs = []
    if got.get("kernel") != exp["kernel"]:
        errs.append(f"kernel {got.get('kernel')} != {exp['kernel']}")
    if got.get("status") != exp["status"]:
        errs.append(f"status {got.get('status')} != {exp['status']}")
    elif exp["status"] == "ok":
        for k, v in exp["vmcs_config"].items():
            if got["vmcs_config"].get(k) != v:
                errs.append(f"vmcs_config.{k} {got['vmcs_config'].get(k)} != {v}")
        for k, v in exp["vmx_capability"].items():
            if got["vmx_capability"].get(k) != v:
                errs.append(f"vmx_capability.{k} {got['vmx_capability'].get(k)} != {v}")
    want_rc = kvm_exit_code(exp["status"], got)
    if rc != want_rc:
        errs.append(f"exit code {rc} != {want_rc}")
    tally.case(f"{ver}/{name}", errs)
tally.finish()

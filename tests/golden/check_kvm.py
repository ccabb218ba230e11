#!/usr/bin/env python3
"""Golden test: `vmxcfg kvm --json` against KVM's real outcomes (tests/golden/expected, copied from shared/expected).

For every expected/<version>/<profile>.json whose version the tool supports: status must match; on "ok" also every
vmcs_config field and vmx_capability.  Every output is parsed with Python's json module.
Prints one line per failure and the summary line "N passed, M failed".
"""
import json, os, subprocess, sys

vmxcfg, root = sys.argv[1], sys.argv[2]
versions = sys.argv[3].split(",") if len(sys.argv) > 3 else None
profiles_dir = os.path.join(root, "data", "profiles")
exp_dir = os.path.join(root, "tests", "golden", "expected")
passed = failed = 0
for ver in sorted(os.listdir(exp_dir)):
    vdir = os.path.join(exp_dir, ver)
    if not os.path.isdir(vdir) or (versions and ver not in versions):
        continue
    for fn in sorted(os.listdir(vdir)):
        if not fn.endswith(".json"):
            continue
        name = fn[:-5]
        exp = json.load(open(os.path.join(vdir, fn)))
        prof = os.path.join(profiles_dir, name + ".profile")
        p = subprocess.run([vmxcfg, "kvm", "--kernel", ver, "--profile", prof, "--json"],
                           capture_output=True, text=True)
        try:
            got = json.loads(p.stdout)
        except ValueError as e:
            failed += 1
            print(f"FAIL {ver}/{name}: output is not JSON ({e}); stderr: {p.stderr.strip()}")
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
        pre = got.get("precheck", {}).get("status")
        want_rc = 0 if exp["status"] == "ok" and pre != "eopnotsupp" else 1
        if p.returncode != want_rc:
            errs.append(f"exit code {p.returncode} != {want_rc}")
        if errs:
            failed += 1
            print(f"FAIL {ver}/{name}: " + "; ".join(errs))
        else:
            passed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

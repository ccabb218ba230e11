#!/usr/bin/env python3
"""Golden test: module parameters and nested (L1) MSRs against KVM's real code (tests/golden/expected-post,
copied from shared/expected-post).

For every expected-post/<version>[-ept0|-apicv0]/<profile>.json: `vmxcfg kvm --json` must give the same status,
every parameter value (and no value for the absent ones), and `vmxcfg nested --json` every MSR 0x480-0x492
(null = not exposed).  The fixed inputs of the golden data are passed as options: --tsc-khz 3000000
(enable_pmu=1, nested=1, no guest CET are the defaults).  Prints one line per failing profile, the field counts
and the summary line "N passed, M failed" (N, M count profiles).
"""
import json, os, subprocess, sys

vmxcfg, root = sys.argv[1], sys.argv[2]
only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
profiles_dir = os.path.join(root, "data", "profiles")
exp_dir = os.path.join(root, "tests", "golden", "expected-post")
VARIANTS = {"": [], "ept0": ["--param", "ept=0"], "apicv0": ["--param", "enable_apicv=0"]}
passed = failed = fields_ok = fields_bad = 0


def run(args):
    p = subprocess.run([vmxcfg] + args, capture_output=True, text=True)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError as e:
        return p.returncode, None, f"output is not JSON ({e}); stderr: {p.stderr.strip()}"


for d in sorted(os.listdir(exp_dir)):
    vdir = os.path.join(exp_dir, d)
    if not os.path.isdir(vdir) or (only and d not in only):
        continue
    ver, _, var = d.partition("-")
    extra = VARIANTS[var] + ["--tsc-khz", "3000000"]
    for fn in sorted(os.listdir(vdir)):
        if not fn.endswith(".json"):
            continue
        name = fn[:-5]
        exp = json.load(open(os.path.join(vdir, fn)))
        prof = os.path.join(profiles_dir, name + ".profile")
        errs = []
        ok_fields = 0
        rc, got, err = run(["kvm", "--kernel", ver, "--profile", prof, "--json"] + extra)
        if got is None:
            errs.append("kvm: " + err)
        else:
            if got.get("status") == exp["status"]:
                ok_fields += 1
            else:
                errs.append(f"status {got.get('status')} != {exp['status']}")
            want_rc = 0 if exp["status"] == "ok" and got.get("precheck", {}).get("status") != "eopnotsupp" else 1
            if rc != want_rc:
                errs.append(f"kvm exit code {rc} != {want_rc}")
            gp = got.get("params", {})
            for k, v in exp["params"].items():
                if k == "tsc_khz":
                    continue
                g = gp.get(k, {}).get("value")
                if g is None:
                    errs.append(f"params.{k} missing")
                elif int(g) != v:
                    errs.append(f"params.{k} {int(g)} != {v} ({gp[k].get('reason')})")
                else:
                    ok_fields += 1
            # error_on_inconsistent_vmcs_config is not part of the golden data: compare the parameters it covers.
            covered = set(exp["params"]) | set(exp.get("absent_params", []))
            if sorted(k for k in got.get("absent_params", []) if k in covered) != sorted(exp.get("absent_params", [])):
                errs.append(f"absent_params {got.get('absent_params')} != {exp.get('absent_params')}")
            else:
                ok_fields += 1
            for k in exp.get("absent_params", []):
                if k in gp:
                    errs.append(f"params.{k} reported although the version lacks it")
        rc, got, err = run(["nested", "--kernel", ver, "--profile", prof, "--json"] + extra)
        if got is None:
            errs.append("nested: " + err)
        else:
            en, gn = exp.get("nested"), got.get("nested")
            if en is None or gn is None:
                if (en is None) != (gn is None):
                    errs.append(f"nested {'null' if gn is None else 'present'} != {'null' if en is None else 'present'}")
                else:
                    ok_fields += 1
            else:
                for k, v in en.items():
                    if gn.get(k) != v:
                        errs.append(f"nested[{k}] {gn.get(k)} != {v}")
                    else:
                        ok_fields += 1
            want_rc = 0 if en is not None else 1
            if rc != want_rc:
                errs.append(f"nested exit code {rc} != {want_rc}")
        fields_ok += ok_fields
        fields_bad += len(errs)
        if errs:
            failed += 1
            print(f"FAIL {d}/{name}: " + "; ".join(errs))
        else:
            passed += 1
print(f"fields: {fields_ok} matched, {fields_bad} differ")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

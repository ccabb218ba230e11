#!/usr/bin/env python3
"""Golden test: module parameters and nested (L1) MSRs against KVM's real code (tests/golden/expected-post,
copied from shared/expected-post).

For every expected-post/<version>[-ept0|-apicv0]/<profile>.json: `vmxcfg kvm --json` must give the same status,
every parameter value (and no value for the absent ones), and `vmxcfg nested --json` every MSR 0x480-0x492
(null = not exposed).  The fixed inputs of the golden data are passed as options: --tsc-khz 3000000
(enable_pmu=1, nested=1, no guest CET are the defaults).  Prints one line per failing profile, the field counts
and the summary line "N passed, M failed" (N, M count profiles).
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from golden_common import Tally, golden_cases, kvm_exit_code, run_json

vmxcfg, root = sys.argv[1], sys.argv[2]
only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
VARIANTS = {"": [], "ept0": ["--param", "ept=0"], "apicv0": ["--param", "enable_apicv=0"]}
tally = Tally()
fields_ok = fields_bad = 0


def run(args):
    return run_json([vmxcfg] + args)


for d, name, exp, prof in golden_cases(root, "expected-post", only):
    ver, _, var = d.partition("-")
    extra = VARIANTS[var] + ["--tsc-khz", "3000000"]
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
        want_rc = kvm_exit_code(exp["status"], got)
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
    tally.case(f"{d}/{name}", errs)
print(f"fields: {fields_ok} matched, {fields_bad} differ")
tally.finish()

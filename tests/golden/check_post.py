#!/usr/bin/env python3
"""Golden test: module parameters and nested (L1) MSRs against KVM's real code (tests/golden/expected-post, see its
README.md).

usage: check_post.py VMXCFG ROOT [DIR,...]

For every expected-post/<release>[-ept0|-apicv0]/<profile>.json: `vmxcfg kvm --json` must give the same status,
every parameter value (and no value for the absent ones), and `vmxcfg nested --json` every MSR 0x480-0x492
(null = not exposed).  The fixed inputs of the golden data are passed as options: --tsc-khz 3000000
(enable_pmu=1, nested=1, no guest CET are the defaults).  Where kvm_intel stops before the functions (firmware
left VMX disabled), `vmxcfg nested` must report no L1 offer (exit 1) instead of the functions' values.  The directories run in parallel
(golden_common.run_dirs).  When ../shared/expected-post exists next to ROOT, every directory there must have its
copy here (one failed case each; skipped when a DIR list is given).  GOLDEN_SAMPLE=1 in the environment: only a
fixed subset (golden_common.SAMPLE_POST_RELEASES, every SAMPLE_PROFILE_STRIDE-th profile; for the sanitizer and
valgrind sections).
Prints one line per failing profile, the field counts and the summary line "N passed, M failed" (N, M count
profiles); exit 1 on any failure.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from golden_common import (SAMPLE_POST_RELEASES, SAMPLE_PROFILE_STRIDE, Tally, dir_cases, golden_dirs,
                           kvm_exit_code, missing_copies, run_dirs, run_json, sampled)

VARIANTS = {"": [], "ept0": ["--param", "ept=0"], "apicv0": ["--param", "enable_apicv=0"]}


def check_profile(vmxcfg, ver, var, exp, prof):
    """(errors, number of matching fields) for one profile."""
    extra = VARIANTS[var] + ["--tsc-khz", "3000000"]
    errs = []
    ok_fields = 0
    rc, got, err = run_json([vmxcfg, "kvm", "--kernel", ver, "--profile", prof, "--json"] + extra)
    # The golden data runs the kernel functions alone.  When firmware left VMX off (or CPUID has no VMX),
    # kvm_intel stops before them: there is no L1 offer at all, whatever the functions would compute.
    stopped = got is not None and got.get("precheck", {}).get("status") == "eopnotsupp"
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
    rc, got, err = run_json([vmxcfg, "nested", "--kernel", ver, "--profile", prof, "--json"] + extra)
    if got is None:
        errs.append("nested: " + err)
    else:
        en, gn = exp.get("nested"), got.get("nested")
        if stopped:
            if gn is None and rc == 1 and got.get("l1_vmx") is False:
                ok_fields += 1
            else:
                errs.append(f"kvm_intel stops before setup (precheck), yet nested gives exit {rc}, "
                            f"l1_vmx {got.get('l1_vmx')}, nested {'null' if gn is None else 'present'}")
            return errs, ok_fields
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
    return errs, ok_fields


def check_dir(d, vmxcfg, root, stride):
    """Every stride-th case of expected-post/<d>: a list of (label, errors, matching fields)."""
    ver, _, var = d.partition("-")
    out = []
    for name, exp, prof in dir_cases(root, "expected-post", d, stride):
        errs, ok_fields = check_profile(vmxcfg, ver, var, exp, prof)
        out.append((f"{d}/{name}", errs, ok_fields))
    return out


def main():
    vmxcfg, root = sys.argv[1], sys.argv[2]
    only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
    tally = Tally()
    fields_ok = fields_bad = 0
    sample = sampled()
    dirs = golden_dirs(root, "expected-post", only, SAMPLE_POST_RELEASES if sample else None)
    stride = SAMPLE_PROFILE_STRIDE if sample else 1
    if sample:
        print(f"GOLDEN_SAMPLE: {' '.join(dirs)}, every {stride}th profile; completeness not checked")
    elif only is None:
        for d in missing_copies(root, "expected-post"):
            tally.case(f"completeness {d}", [f"../shared/expected-post/{d}/ exists but has no copy in "
                                             f"tests/golden/expected-post/{d}/"])
    for _, results in run_dirs(dirs, check_dir, vmxcfg, root, stride):
        for label, errs, ok_fields in results:
            fields_ok += ok_fields or 0
            fields_bad += len(errs)
            tally.case(label, errs)
    print(f"fields: {fields_ok} matched, {fields_bad} differ")
    tally.finish()


if __name__ == "__main__":
    main()

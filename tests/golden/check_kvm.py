#!/usr/bin/env python3
"""Golden test: `vmxcfg kvm --json` against KVM's real outcomes (tests/golden/expected, see its README.md).

usage: check_kvm.py VMXCFG ROOT [RELEASE,...]

For every expected/<release>/<profile>.json (one vmxcfg process per file): status must match; on "ok" also every
vmcs_config field and vmx_capability; the exit code must match the status.  Every output is parsed with Python's
json module.  The releases run in parallel (golden_common.run_dirs).

Completeness (each problem is one failed case): every release vmxcfg models (golden_common.modelled_releases:
asked of the binary, else read from src/core/kvm_policies.c) must have a directory, except
golden_common.RELEASES_WITHOUT_RESULTS; and when ../shared/expected exists next to ROOT, every release directory
there must have its copy here.  Both are skipped when a RELEASE list is given.
GOLDEN_SAMPLE=1 in the environment: only a fixed subset (golden_common.SAMPLE_RELEASES, every
SAMPLE_PROFILE_STRIDE-th profile; for the sanitizer and valgrind sections).
Prints one line per failure and the summary line "N passed, M failed"; exit 1 on any failure.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from golden_common import (RELEASES_WITHOUT_RESULTS, SAMPLE_PROFILE_STRIDE, SAMPLE_RELEASES, Tally, dir_cases,
                           golden_dirs, kvm_exit_code, missing_copies, modelled_releases, run_dirs, run_json, sampled)


def check_release(ver, vmxcfg, root, stride):
    """Every stride-th case of expected/<ver>: a list of (label, errors, None)."""
    out = []
    for name, exp, prof in dir_cases(root, "expected", ver, stride):
        rc, got, err = run_json([vmxcfg, "kvm", "--kernel", ver, "--profile", prof, "--json"])
        if got is None:
            out.append((f"{ver}/{name}", [err], None))
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
        out.append((f"{ver}/{name}", errs, None))
    return out


def main():
    vmxcfg, root = sys.argv[1], sys.argv[2]
    versions = sys.argv[3].split(",") if len(sys.argv) > 3 else None
    tally = Tally()
    sample = sampled()
    dirs = golden_dirs(root, "expected", versions, SAMPLE_RELEASES if sample else None)
    stride = SAMPLE_PROFILE_STRIDE if sample else 1
    if sample:
        print(f"GOLDEN_SAMPLE: releases {' '.join(dirs)}, every {stride}th profile; completeness not checked")
    elif versions is None:
        modelled, why = modelled_releases(vmxcfg, root)
        if modelled is None:
            tally.case("completeness", [why])
        else:
            for ver in modelled:
                if ver not in dirs and ver not in RELEASES_WITHOUT_RESULTS:
                    tally.case(f"completeness {ver}", [f"vmxcfg models kernel {ver} but tests/golden/expected/{ver}/ "
                                                       "does not exist (and it is not a release known to have no "
                                                       "real-code results)"])
        for d in missing_copies(root, "expected"):
            tally.case(f"completeness {d}", [f"../shared/expected/{d}/ exists but has no copy in "
                                             f"tests/golden/expected/{d}/"])
    for _, results in run_dirs(dirs, check_release, vmxcfg, root, stride):
        for label, errs, _ in results:
            tally.case(label, errs)
    tally.finish()


if __name__ == "__main__":
    main()

# SPDX-License-Identifier: MIT
"""Shared by the golden checks (check_kvm.py, check_post.py): walking the golden data and running vmxcfg."""
import json, os, subprocess, sys


def golden_cases(root, expected, only=None):
    """Yield (dir, profile name, expected JSON, profile path) for every tests/golden/<expected>/<dir>/<name>.json
    below root, in sorted order; only: the dir names to keep (None: all).  The profile is
    data/profiles/<name>.profile."""
    exp_dir = os.path.join(root, "tests", "golden", expected)
    profiles_dir = os.path.join(root, "data", "profiles")
    for d in sorted(os.listdir(exp_dir)):
        vdir = os.path.join(exp_dir, d)
        if not os.path.isdir(vdir) or (only and d not in only):
            continue
        for fn in sorted(os.listdir(vdir)):
            if not fn.endswith(".json"):
                continue
            with open(os.path.join(vdir, fn)) as f:
                exp = json.load(f)
            yield d, fn[:-5], exp, os.path.join(profiles_dir, fn[:-5] + ".profile")


def run_json(cmd):
    """Run cmd; return (exit code, parsed stdout or None, stderr or why stdout is not JSON)."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError as e:
        return p.returncode, None, f"output is not JSON ({e}); stderr: {p.stderr.strip()}"


class Tally:
    """Pass/fail count of the cases (one per golden file)."""

    def __init__(self):
        self.passed = self.failed = 0

    def case(self, label, errs):
        """A case passes without errors; otherwise prints them on one line "FAIL <label>: ..."."""
        if errs:
            self.failed += 1
            print(f"FAIL {label}: " + "; ".join(errs))
        else:
            self.passed += 1

    def finish(self):
        """Prints the summary line "N passed, M failed" and exits (1 if any case failed)."""
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def kvm_exit_code(exp_status, got):
    """The exit code `vmxcfg kvm` must give: 0 when KVM loads (status ok and the precheck is not eopnotsupp)."""
    return 0 if exp_status == "ok" and got.get("precheck", {}).get("status") != "eopnotsupp" else 1

# SPDX-License-Identifier: MIT
"""Shared by the golden checks (check_kvm.py, check_post.py): walking the golden data, running vmxcfg, running the
cases in parallel and counting them.

A case is one golden file: one vmxcfg run (or two for check_post.py) and one comparison.  The cases of one
directory (one kernel release or release-variant) form one work unit; the units run in os.cpu_count() worker
processes and their results are printed in sorted directory/profile order, so the output does not depend on the
scheduling."""
import concurrent.futures, glob, json, os, re, subprocess, sys

# Releases vmxcfg models for which no real-code result exists, so they have no tests/golden/expected directory:
# 5.1 (its source was found late; it behaves like 5.0), 5.5 and 5.17 (only release candidates were read),
# 5.13 and 6.15 (no source found; the model is inferred from their neighbours).
RELEASES_WITHOUT_RESULTS = {"5.1", "5.5", "5.13", "5.17", "6.15"}

# GOLDEN_SAMPLE=1 in the environment (exported by tests/check.d/50-sanitize.sh and 55-valgrind.sh, where every
# vmxcfg process runs under ASan+UBSan or valgrind and costs many times a plain run): a fixed subset, to keep
# those sections' time bounded.  The full golden comparison runs in the plain sections of `make check`.
# - check_kvm.py: the first release of each setup_vmcs_config() behaviour group of docs/kernel-versions.md, and
#   7.1 (the default);
# - check_post.py: 5.10, 6.6 and 7.1 with their -ept0/-apicv0 variants (spread over the parameter rules'
#   history: 5.10 before the 6.0/6.1 changes, 6.6 between 6.1 and 6.11, 7.1 the newest);
# - both: every SAMPLE_PROFILE_STRIDE-th golden file of a directory in sorted order, starting with the first.
# A sampled run does not check completeness.
SAMPLE_RELEASES = ("4.19", "5.0", "5.2", "5.4", "5.6", "5.12", "6.0", "6.1", "6.10", "6.12", "6.18", "7.0", "7.1")
SAMPLE_POST_RELEASES = ("5.10", "6.6", "7.1")
SAMPLE_PROFILE_STRIDE = 5


def sampled():
    """Whether GOLDEN_SAMPLE asks for the fixed subset (any value but empty and 0)."""
    return os.environ.get("GOLDEN_SAMPLE", "") not in ("", "0")


def golden_dirs(root, expected, only=None, releases=None):
    """The sorted directory names below tests/golden/<expected>; only: the names to keep (None: all); releases:
    the releases to keep, a directory <release>[-variant] being of release <release> (None: all)."""
    exp_dir = os.path.join(root, "tests", "golden", expected)
    return [d for d in sorted(os.listdir(exp_dir))
            if os.path.isdir(os.path.join(exp_dir, d)) and (not only or d in only)
            and (releases is None or d.partition("-")[0] in releases)]


def dir_cases(root, expected, d, stride=1):
    """Yield (profile name, expected JSON, profile path) for every stride-th tests/golden/<expected>/<d>/<name>.json
    below root, in sorted order, starting with the first.  The profile is data/profiles/<name>.profile."""
    vdir = os.path.join(root, "tests", "golden", expected, d)
    profiles_dir = os.path.join(root, "data", "profiles")
    names = sorted(fn for fn in os.listdir(vdir) if fn.endswith(".json"))
    for fn in names[::stride]:
        with open(os.path.join(vdir, fn)) as f:
            exp = json.load(f)
        yield fn[:-5], exp, os.path.join(profiles_dir, fn[:-5] + ".profile")


def run_json(cmd):
    """Run cmd; return (exit code, parsed stdout or None, stderr or why stdout is not JSON)."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError as e:
        return p.returncode, None, f"output is not JSON ({e}); stderr: {p.stderr.strip()}"


def modelled_releases(vmxcfg, root):
    """The kernel releases vmxcfg models: (list, None), or (None, why) when they cannot be found.  Asks the binary
    first (`vmxcfg kvm --kernel all --json` on a profile of data/profiles: one "kernels" entry per release); if
    that gives no list, reads the ROW(major, minor, ...) lines of src/core/kvm_policies.c."""
    profiles = sorted(glob.glob(os.path.join(root, "data", "profiles", "*.profile")))
    why = "data/profiles has no profile"
    if profiles:
        cmd = [vmxcfg, "kvm", "--kernel", "all", "--profile", profiles[0], "--json"]
        rc, got, err = run_json(cmd)
        try:
            rels = [k["kernel"] for k in got["kernels"]]
            if rels and all(re.fullmatch(r"\d+\.\d+", r) for r in rels):
                return rels, None
            why = f"`{' '.join(cmd)}` lists no releases"
        except (TypeError, KeyError) as e:
            why = (f"`{' '.join(cmd)}` (exit {rc}) gives no kernels[].kernel ({type(e).__name__} {e}; "
                   f"{err.strip()[:200]})")
    try:
        with open(os.path.join(root, "src", "core", "kvm_policies.c")) as f:
            rels = [f"{a}.{b}" for a, b in re.findall(r"^\s*ROW\(\s*(\d+)\s*,\s*(\d+)\s*,", f.read(), re.M)]
    except OSError as e:
        return None, f"{why}; and src/core/kvm_policies.c cannot be read ({e})"
    if not rels:
        return None, f"{why}; and src/core/kvm_policies.c has no ROW(major, minor, ...) line"
    return rels, None


def missing_copies(root, expected):
    """Guard for the project's own tree: when ../shared/<expected> (next to the repository root) exists, the
    names of its directories that have no copy in tests/golden/<expected>.  Empty when it does not exist."""
    src = os.path.join(root, "..", "shared", expected)
    if not os.path.isdir(src):
        return []
    have = os.path.join(root, "tests", "golden", expected)
    return [d for d in sorted(os.listdir(src))
            if os.path.isdir(os.path.join(src, d)) and not os.path.isdir(os.path.join(have, d))]


def run_dirs(dirs, check_dir, *args):
    """Run check_dir(d, *args) for every d in dirs in os.cpu_count() worker processes (one unit per directory).
    check_dir returns a list of (label, errors, extra); yields (d, that list) in the order of dirs.  A unit that
    raises yields one failing case naming the exception."""
    workers = max(1, min(os.cpu_count() or 1, len(dirs)))
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [(d, pool.submit(check_dir, d, *args)) for d in dirs]
        for d, fut in futures:
            try:
                yield d, fut.result()
            except Exception as e:  # noqa: BLE001 - a broken unit is a failed case, not a crash of the check
                yield d, [(f"{d}/*", [f"checker raised {type(e).__name__}: {e}"], None)]


class Tally:
    """Pass/fail count of the cases (one per golden file, plus one per completeness problem)."""

    def __init__(self):
        self.passed = self.failed = 0

    def case(self, label, errs):
        """A case passes without errors; otherwise prints them on one line "FAIL <label>: ..."."""
        if errs:
            self.failed += 1
            print(f"FAIL {label}: " + "; ".join(errs), flush=True)
        else:
            self.passed += 1

    def finish(self):
        """Prints the summary line "N passed, M failed" and exits (1 if any case failed)."""
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        sys.exit(1 if self.failed else 0)


def kvm_exit_code(exp_status, got):
    """The exit code `vmxcfg kvm` must give: 0 when KVM loads (status ok and the precheck is not eopnotsupp)."""
    return 0 if exp_status == "ok" and got.get("precheck", {}).get("status") != "eopnotsupp" else 1

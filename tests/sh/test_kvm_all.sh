#!/bin/sh
# vmxcfg kvm --kernel all and --kernel A..B: consecutive releases with the same result as one group (text and
# JSON), what changed between groups, ranges, and the usage errors (exit 2, nothing on stdout).
. tests/sh/lib.sh
CI=tests/caps/cpuinfo

# The groups of one run, checked against the run's own per-release "kernels" (JSON) and against the text view:
#   - groups cover the releases exactly once, oldest first, and their releases concatenate to the whole span;
#   - every release of a group has the same result (status, vmcs_config, EPT/VPID, parameter values, rules that
#     changed something; a parameter only one release has counts only if the CPU decided its value), and
#     neighbouring groups differ in it;
#   - changes_from_previous is null for the first group only and names the two releases at the border;
#   - the text lists the same groups (label, inferred/rc marks, loads) in the same order.
# check_groups NAME JSON TEXT [FIRST LAST]: one t_ok / t_bad per property.
check_groups() {
	python3 - "$@" >"$T_TMP/check.txt" 2>&1 <<'PY'
import json, re, sys
name, jf, tf = sys.argv[1:4]
want = sys.argv[4:6]
d = json.load(open(jf))
text = open(tf).read().splitlines()
out = []
def check(ok, what):
    out.append(("ok " if ok else "FAIL %s: " % name) + what)
kern = [k["kernel"] for k in d["kernels"]][::-1]  # "kernels" is newest first; groups oldest first
by = {k["kernel"]: k for k in d["kernels"]}
groups = d["groups"]
flat = [r for g in groups for r in g["releases"]]
check(flat == kern, "groups' releases concatenate to the releases of the run, in order")
check(len(flat) == len(set(flat)), "every release in exactly one group")
check(all(g["first"] == g["releases"][0] and g["last"] == g["releases"][-1] for g in groups), "first/last")
check(len(d["diffs"]) == len(kern) - 1, "one diff per pair of neighbouring releases")
if want:
    check([kern[0], kern[-1]] == want, "span %s..%s (got %s..%s)" % (want[0], want[1], kern[0], kern[-1]))
def result(k):
    return (k["status"], json.dumps(k.get("precheck")), json.dumps(k["vmcs_config"], sort_keys=True),
            json.dumps(k["vmx_capability"], sort_keys=True),
            json.dumps(sorted({e["rule"] for e in k["rules"] if e["kind"] != "denied"})),
            json.dumps(k["missing"], sort_keys=True))
NEUTRAL = {"default", "given", "no_rule", "not_evaluated", "not_settable", "host"}
def same(a, b):
    if result(a) != result(b):
        return False
    pa, pb = a["params"], b["params"]
    for p in set(pa) | set(pb):
        if p in pa and p in pb:
            if pa[p]["value"] != pb[p]["value"]:
                return False
        elif (pa.get(p) or pb.get(p))["why"] not in NEUTRAL:
            return False
    return True
same_inside = all(same(by[r], by[g["first"]]) for g in groups for r in g["releases"])
check(same_inside, "the releases of a group have the same result")
differ = all(not same(by[a["last"]], by[b["first"]]) for a, b in zip(groups, groups[1:]))
check(differ, "neighbouring groups differ")
check(all(g["status"] == by[g["first"]]["status"] for g in groups), "group status is its releases' status")
chg = [g["changes_from_previous"] for g in groups]
check(chg[0] is None and all(c is not None for c in chg[1:]), "changes_from_previous null only for the first group")
check(all(c["from"] == a["last"] and c["to"] == b["first"] for a, b, c in zip(groups, groups[1:], chg[1:])),
      "changes name the border releases")
# the text: header line "releases  loads  ...", then a line per group (indented lines are changes)
try:
    i = next(n for n, l in enumerate(text) if l.startswith("releases "))
except StopIteration:
    i = None
check(i is not None, "text has the group table")
rows = []
for l in (text[i + 1:] if i is not None else []):
    if not l:
        break  # the table ends at the first blank line
    if not l.startswith(" "):
        rows.append(l)
labels = []
for l in rows:
    m = re.match(r"^(\S+)(?: \(([^)]*)\))?\s+(yes|no)\s+\S", l)
    labels.append(m.groups() if m else None)
check(len(rows) == len(groups) and None not in labels, "text: one line per group (%d lines, %d groups)" % (len(rows), len(groups)))
if len(rows) == len(groups) and None not in labels:
    ok = True
    for (span, notes, loads), g in zip(labels, groups):
        a, _, b = span.partition("-")
        marks = sorted(["%s inferred" % r for r in g["inferred"]] + ["%s rc" % r for r in g["rc_only"]],
                       key=lambda s: kern.index(s.split()[0]))
        ok &= a == g["first"] and (b or a) == g["last"] and (loads == "yes") == g["loads"]
        ok &= (notes.split(", ") if notes else []) == marks
    check(ok, "text groups, marks and loads match the JSON groups")
print("\n".join(out))
PY
	while read -r line; do
		case "$line" in "ok "*) t_ok ;; *) t_bad "$line" ;; esac
	done <"$T_TMP/check.txt"
}

# run_both EXIT NAME ARGS...: text and --json of `vmxcfg kvm ARGS`, both with exit EXIT; JSON in $T_TMP/NAME.json.
run_both() {
	want=$1; n=$2; shift 2
	t_run "$want" $VMXCFG kvm "$@"
	cp "$T_TMP/out" "$T_TMP/$n.txt"
	t_run "$want" $VMXCFG kvm "$@" --json
	t_json_ok
	cp "$T_TMP/out" "$T_TMP/$n.json"
}

# 1. Embedded CPUs: Skylake (SGX hardware, SGX off in CPUID), Alder Lake, Nehalem, Ice Lake with SGX on,
#    Yonah (no CR8 exits: fails everywhere), firmware-disabled VMX.
run_both 0 skl --kernel all --cpu skylake-core-i7-6700k
check_groups skl "$T_TMP/skl.json" "$T_TMP/skl.txt"
run_both 0 adl --kernel all --cpu alderlake-core-i7-12700
check_groups adl "$T_TMP/adl.json" "$T_TMP/adl.txt"
run_both 0 nhm --kernel all --cpu nehalem-xeon-x3430
check_groups nhm "$T_TMP/nhm.json" "$T_TMP/nhm.txt"
run_both 0 icl --kernel all --cpu icelake-core-i7-1065g7
check_groups icl "$T_TMP/icl.json" "$T_TMP/icl.txt"
run_both 1 yonah --kernel all --cpu yonah-core-duo-t2600
check_groups yonah "$T_TMP/yonah.json" "$T_TMP/yonah.txt"
run_both 1 fwoff --kernel all --cpu skylake-core-i5-6200u-fwdisabled
check_groups fwoff "$T_TMP/fwoff.json" "$T_TMP/fwoff.txt"

# Grouping does group: far fewer groups than releases on a modern CPU.
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["groups"]) * 2 <= len(d["kernels"])' "$T_TMP/skl.json"; then t_ok; else t_bad "6700k: at most half as many groups as releases"; fi

# 6.1 clears ENCLS exiting without SGX in CPUID: on the 6700K (ENCLS exiting allowed, SGX off) the group that
# starts at 6.1 names encls_needs_sgx, and sgx stays forced off; on an Ice Lake with SGX on, neither.
if python3 - "$T_TMP/skl.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = next(g for g in d["groups"] if g["first"] == "6.1")
c = g["changes_from_previous"]
assert "encls_needs_sgx" in c["rules"]["added"], c
assert "cr8_exits_under_tpr_shadow" in c["rules"]["removed"], c
assert "sgx" in g["forced_off"]
assert "intr_window_exiting" in c["vmcs_config"]["primary"]["added"]
PY
then t_ok; else t_bad "6700k: group at 6.1 names encls_needs_sgx"; fi
grep -A12 '^6\.1[- ]' "$T_TMP/skl.txt" >"$T_TMP/skl61.txt"
if grep -q '^    rules: .*+encls_needs_sgx' "$T_TMP/skl61.txt" && grep -q '^    primary   +intr_window_exiting' "$T_TMP/skl61.txt"; then
	t_ok
else
	t_bad "6700k text: the changes under the 6.1 group name encls_needs_sgx and primary +intr_window_exiting"
fi
# the sgx parameter: 5.15.y carries the 6.1 rule (sgx forced off), 5.16 does not (value and reason shown)
if grep -q '^    sgx Y -> N: forced to 0: needs secondary control' "$T_TMP/skl.txt" && grep -q '^    sgx N -> Y: ' "$T_TMP/skl.txt"; then
	t_ok
else
	t_bad "6700k text: sgx Y -> N / N -> Y with reasons"
fi
if python3 - "$T_TMP/icl.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = next(g for g in d["groups"] if "6.1" in g["releases"])
assert "sgx" not in g["forced_off"], g
for g in d["groups"][1:]:
    assert "encls_needs_sgx" not in g["changes_from_previous"]["rules"]["added"], g
PY
then t_ok; else t_bad "Ice Lake with SGX: no encls_needs_sgx, sgx kept"; fi
# marks: inferred and release-candidate-only releases in the group label
if grep -q '^[0-9.-]* ([^)]*5\.13 inferred' "$T_TMP/skl.txt" && grep -q '^[0-9.-]* ([^)]*5\.17 rc' "$T_TMP/skl.txt"; then t_ok; else t_bad "labels mark 5.13 inferred and 5.17 rc"; fi
# new parameters at their defaults at a group border, the list of parameters that come and go (they do not split
# groups), a parameter the CPU forces off in a new release
if grep -q '^    new parameters: .*nested_early_check=N' "$T_TMP/skl.txt" &&
	grep -q '^module parameters of only some of these releases:.* nested_early_check (4.20-6.18),' "$T_TMP/skl.txt" &&
	grep -q '^module parameters of only some of these releases:.* cet (7.1+),' "$T_TMP/skl.txt" &&
	grep -q '^    cet (new) N: forced to 0' "$T_TMP/skl.txt"; then
	t_ok
else
	t_bad "6700k text: new / gone / forced parameters"
fi
# a failing CPU: every group says why
if ! grep -v '^ ' "$T_TMP/yonah.txt" | grep '^[0-9]' | grep -qv 'no     -EIO in setup_vmcs_config: primary lacks cr8_load_exiting'; then t_ok; else t_bad "Yonah: every group fails with the missing CR8 exits"; fi
if grep -q '^[0-9.-]* .*no     -EOPNOTSUPP before setup_vmcs_config: VMX disabled by firmware' "$T_TMP/fwoff.txt"; then t_ok; else t_bad "fw-disabled: precheck named"; fi
# --param applies to the releases that have it; still grouped
run_both 0 par --kernel all --cpu alderlake-core-i7-12700 --param enable_ipiv=0 --param ept=0
check_groups par "$T_TMP/par.json" "$T_TMP/par.txt"
if grep -q '^parameters: enable_ipiv=0 ept=0 (applied to the versions that have them)' "$T_TMP/par.txt"; then t_ok; else t_bad "--param listed"; fi

# 2. Ranges: the same view restricted to A..B, inclusive, oldest first.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["kernels"][-1]["kernel"], d["kernels"][0]["kernel"])' "$T_TMP/skl.json" >"$T_TMP/ends"
read -r OLDEST NEWEST <"$T_TMP/ends"
run_both 0 r1 --kernel 5.4..6.6 --cpu skylake-core-i7-6700k
check_groups r1 "$T_TMP/r1.json" "$T_TMP/r1.txt" 5.4 6.6
t_stdout_has '"groups": ['
run_both 0 r2 --kernel 6.1.. --cpu alderlake-core-i7-12700
check_groups r2 "$T_TMP/r2.json" "$T_TMP/r2.txt" 6.1 "$NEWEST"
run_both 0 r3 --kernel ..5.10 --cpu nehalem-xeon-x3430
check_groups r3 "$T_TMP/r3.json" "$T_TMP/r3.txt" "$OLDEST" 5.10
run_both 0 r4 --kernel 5.15.0-91-generic..6.8 --cpu skylake-core-i7-6700k
check_groups r4 "$T_TMP/r4.json" "$T_TMP/r4.txt" 5.15 6.8
run_both 0 r5 --kernel 6.6..6.6 --cpu skylake-core-i7-6700k
check_groups r5 "$T_TMP/r5.json" "$T_TMP/r5.txt" 6.6 6.6
run_both 1 r6 --kernel 5.4..6.6 --cpu yonah-core-duo-t2600
check_groups r6 "$T_TMP/r6.json" "$T_TMP/r6.txt" 5.4 6.6
# the whole range written out is --kernel all
t_run 0 $VMXCFG kvm --kernel "$OLDEST..$NEWEST" --cpu skylake-core-i7-6700k
if cmp -s "$T_TMP/out" "$T_TMP/skl.txt"; then t_ok; else t_bad "$OLDEST..$NEWEST differs from all"; fi
# a group of the full run cut by the range keeps its result: 5.4..6.6 starts inside a group of "all"
if python3 - "$T_TMP/skl.json" "$T_TMP/r1.json" <<'PY'
import json, sys
a, r = (json.load(open(f)) for f in sys.argv[1:3])
for g in r["groups"][1:-1]:
    assert any(g["releases"] == h["releases"] for h in a["groups"]), g["releases"]
PY
then t_ok; else t_bad "inner groups of 5.4..6.6 are groups of all"; fi
# a stable release past the newest modelled one ends the range at the newest (note on stderr)
t_run 0 $VMXCFG kvm --kernel 6.12..99.1 --cpu skylake-core-i7-6700k
t_stderr_has "newer than every modelled release: the range ends at $NEWEST"

# 3. Usage errors: exit 2, nothing on stdout, the message names --kernel and what was expected.
for bad in 6.6..5.4 3.10..5.4 foo..6.1 5.4..bar .. 99.1.. 5.4..5.25 5.4...6.6; do
	t_run 2 $VMXCFG kvm --kernel "$bad" --cpu skylake-core-i7-6700k
	t_stdout_empty
	t_stderr_has "--kernel $bad:"
	t_stderr_has "expected"
	t_run 2 $VMXCFG kvm --kernel "$bad" --cpu skylake-core-i7-6700k --json
	t_stdout_empty
done
t_run 2 $VMXCFG kvm --kernel 6.6..5.4 --cpu skylake-core-i7-6700k
t_stderr_has "6.6 is newer than 5.4"
# a parameter no release of the range has
t_run 2 $VMXCFG kvm --kernel ..4.20 --cpu skylake-core-i7-6700k --param enable_ipiv=0
t_stdout_empty
t_stderr_has "no kernel version in the range has this parameter"
t_run 0 $VMXCFG kvm --kernel 6.0.. --cpu skylake-core-i7-6700k --param enable_ipiv=0
# no source: this machine, here a fake one without VMX under --sysroot: the precheck answers (exit 1)
mkdir -p "$T_TMP/amd/proc/sys/kernel" "$T_TMP/amd/sys/devices/system/cpu" "$T_TMP/amd/dev/cpu"
echo 0 >"$T_TMP/amd/sys/devices/system/cpu/online"; echo 6.6.0 >"$T_TMP/amd/proc/sys/kernel/osrelease"
cp "$CI/amd-epyc.cpuinfo" "$T_TMP/amd/proc/cpuinfo"
t_run 1 $VMXCFG kvm --kernel 5.4..6.6 --sysroot "$T_TMP/amd"
t_stdout_has "kernels 5.4 to 6.6: "

# 4. /proc/cpuinfo (partial) sources: grouped the same way; nothing certain, so no verdict: exit 3 with the report.
t_run 3 $VMXCFG kvm --cpuinfo "$CI/k5.10-cascadelake.cpuinfo" --kernel all
t_stderr_has "no verdict (exit 3)"
t_stdout_has "kernels $OLDEST to $NEWEST: "
t_stdout_has "releases"
t_stdout_has "    primary   required, unknown: +intr_window_exiting"
t_stdout_has " in full:"
grep -c '^[0-9]' "$T_TMP/out" >"$T_TMP/n"
if [ "$(cat "$T_TMP/n")" -lt 20 ]; then t_ok; else t_bad "cpuinfo --kernel all: $(cat "$T_TMP/n") group lines"; fi
t_run 3 $VMXCFG kvm --cpuinfo "$CI/k5.10-cascadelake.cpuinfo" --kernel 6.1..6.6 --json
t_json_ok
if python3 - "$T_TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kern = [k["kernel"] for k in d["kernels"]][::-1]
assert kern[0] == "6.1" and kern[-1] == "6.6", kern
flat = [r for g in d["groups"] for r in g["releases"]]
assert flat == kern, (flat, kern)
assert all(g["status"] == "unknown" for g in d["groups"])
PY
then t_ok; else t_bad "cpuinfo range JSON groups"; fi
# a required control known missing (TSC offsetting) on every release: exit 1, grouped
sed 's/ tsc_offset / /' "$CI/k5.10-cascadelake.cpuinfo" >"$T_TMP/notsc.cpuinfo"
t_run 1 $VMXCFG kvm --cpuinfo "$T_TMP/notsc.cpuinfo" --kernel all
t_stdout_has "fails with -EIO: a required control is known not allowed"
t_run 2 $VMXCFG kvm --cpuinfo "$CI/k5.10-cascadelake.cpuinfo" --kernel 5.4..3.10
t_stdout_empty

t_done

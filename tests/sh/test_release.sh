#!/bin/sh
# --kernel with the version strings users have (uname -r of Ubuntu, Debian, Fedora, Arch, RHEL, SUSE; stable
# releases): which release answers, "kernel_info" in the JSON, notes on stderr, refusals, stable backports, and
# every subcommand taking --kernel; vmxcfg check on a host's uname -r (docs/kernel-versions.md, "Version strings").
. tests/sh/lib.sh
. tests/fakesys/lib.sh
V=$VMXCFG
P=data/profiles
SKL=$P/skylake-core-i7-6700k.profile
CI=tests/caps/cpuinfo

# kinfo STRING RELEASE SUBLEVEL DISTRO EXACT NOTE_IDS BEHAVIOUR POST_FROM: `kvm --kernel STRING --json` answers
# with RELEASE and this kernel_info ("-" = null; NOTE_IDS comma-separated, "" = none), exit 0, no note on stderr.
kinfo() {
	t_run 0 "$V" kvm --kernel "$1" --cpu 6700k --json
	t_json_ok
	if python3 - "$T_TMP/out" "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s, rel, sub, distro, exact, ids, beh, post = sys.argv[2:10]
k = d["kernel_info"]
null = lambda v: None if v == "-" else v
want = {"asked": s, "release": rel, "sublevel": None if sub == "-" else int(sub), "distro": null(distro),
        "exact": exact == "true", "note_ids": [i for i in ids.split(",") if i], "behaviour": beh, "post_from": post}
bad = {key: (k.get(key), v) for key, v in want.items() if k.get(key) != v}
assert d["kernel"] == rel, ("kernel", d["kernel"], rel)
assert not bad, bad
assert len(k["notes"]) == len(k["note_ids"]) and all(len(n) > 30 for n in k["notes"]), k["notes"]
assert k["exact"] == (not k["notes"])
EOF
	then t_ok; else t_bad "kernel_info of --kernel $1"; fi
	if grep -q 'note:' "$T_TMP/err"; then t_bad "--json $1: notes on stderr"; else t_ok; fi
}

kinfo 5.15 5.15 - - false sub_unknown,backport_guess 5.12-5.19 5.15
kinfo 5.15.16 5.15 16 - true "" 5.12-5.19 5.15
kinfo 5.15.50 5.15 50 - false backport_guess 5.12-5.19 5.15
kinfo 5.15.100 5.15 100 - true "" 5.12-5.19 5.15
kinfo 5.15.0-91-generic 5.15 - Ubuntu false sub_unknown,backport_guess 5.12-5.19 5.15
kinfo 6.8.0-45-generic 6.8 - Ubuntu false sub_unknown 6.1-6.9 6.8
kinfo 6.1.0-18-amd64 6.1 - Debian false sub_unknown,backport_guess,post_nearest 6.1-6.9 6.6
kinfo 6.12.9+bpo-amd64 6.12 9 Debian true "" 6.12-6.17 6.12
kinfo 6.11.4-301.fc41.x86_64 6.11 4 Fedora false backport_guess,post_nearest 6.10-6.11 6.12
kinfo 6.12.1-arch1-1 6.12 1 "Arch Linux" true "" 6.12-6.17 6.12
kinfo 6.6.87 6.6 87 - true "" 6.1-6.9 6.6
kinfo 6.6.47 6.6 47 - true "" 6.1-6.9 6.6
kinfo 6.1.119 6.1 119 - false post_nearest 6.1-6.9 6.6
kinfo 5.14.0-427.el9.x86_64 5.14 - RHEL false enterprise,post_nearest 5.12-5.19 5.15
kinfo 5.14.21-150500.55.39-default 5.14 21 SUSE false enterprise,post_nearest 5.12-5.19 5.15
kinfo 7.2 7.1 - - false newer 7.0-7.1 7.1
kinfo 8.0.1 7.1 - - false newer 7.0-7.1 7.1
kinfo 6.15 6.15 - - false inferred,no_setup_golden,post_nearest 6.12-6.17 6.12
kinfo 5.13 5.13 - - false inferred,no_setup_golden,post_nearest 5.12-5.19 5.15
kinfo 5.17 5.17 - - false rc_only,no_setup_golden,post_nearest 5.12-5.19 5.15

# The notes name where the answer comes from.
t_run 0 "$V" kvm --kernel 5.15.0-91-generic --cpu 6700k --json
t_stdout_has "Ubuntu's placeholder"
t_stdout_has "as of v5.15.100"
t_stdout_has "the sgx rule of 6.1"
t_run 0 "$V" kvm --kernel 5.14.0-427.el9.x86_64 --cpu 6700k --json
t_stdout_has "/sys/module/kvm_intel/parameters"
t_run 0 "$V" kvm --kernel 7.2 --cpu 6700k --json
t_stdout_has "answered with 7.1 (facts from v7.1.3), not verified against 7.2"
t_run 0 "$V" kvm --cpu 6700k --json
t_stdout_has '"kernel_info": {"asked": null, "release": "7.1"'

# Text: the header names the asked string, the distribution, the behaviour range and the notes; the notes
# also go to stderr as "vmxcfg: note:" lines.
t_run 0 "$V" kvm --kernel 5.15.0-91-generic --cpu 6700k
t_stdout_has "kernel: 5.15 (facts from v5.15.100), asked as 5.15.0-91-generic (Ubuntu); setup_vmcs_config as in 5.12-5.19"
t_stdout_has "  not exact: sublevel unknown: as of v5.15.100; stable backport assumed: the sgx rule of 6.1"
t_stderr_has "vmxcfg: note: --kernel 5.15.0-91-generic: the .0 of 5.15.0-91-generic is Ubuntu's placeholder"
t_run 0 "$V" kvm --kernel 6.6.87 --cpu 6700k
t_stdout_has "kernel: 6.6 (facts from v6.6.87), asked as 6.6.87; setup_vmcs_config as in 6.1-6.9"
if grep -q 'not exact' "$T_TMP/out"; then t_bad "6.6.87 is exact"; else t_ok; fi
if [ -s "$T_TMP/err" ]; then t_bad "6.6.87: stderr not empty"; else t_ok; fi
t_run 0 "$V" kvm --kernel 6.15 --cpu 6700k
t_stdout_has "kernel: 6.15 (no source read: inferred); setup_vmcs_config as in 6.12-6.17"
# Notes never change the exit code: kvm_intel fails on a Core Duo whatever the notes say.
t_run 1 "$V" kvm --kernel 5.17 --cpu yonah-core-duo-t2600
t_stderr_has "vmxcfg: note: --kernel 5.17: only v5.17-rc5, a release candidate, was read"
t_run 1 "$V" kvm --kernel 5.15.0-91-generic --cpu yonah-core-duo-t2600 --json
t_json_ok

# Refusals: exit 2, nothing on stdout, the option, the string and the modelled range.
refused() {
	r_msg=$1; shift # (t_run uses $want)
	for cmd in "kvm --cpu 6700k" "nested --cpu 6700k"; do
		# shellcheck disable=SC2086
		t_run 2 "$V" $cmd --kernel "$@"
		t_stdout_empty
		t_stderr_has "$r_msg"
	done
}
refused "vmxcfg: --kernel 4.18.0-513.el8_9.x86_64: 4.18 is older than every modelled release (4.19 … 7.1); the closest is 4.19" 4.18.0-513.el8_9.x86_64
refused "vmxcfg: --kernel 4.14.0: 4.14 is older than every modelled release (4.19 … 7.1); the closest is 4.19" 4.14.0
refused "vmxcfg: --kernel 3.10.0-1160.el7.x86_64: 3.10 is older than every modelled release (4.19 … 7.1)" 3.10.0-1160.el7.x86_64
refused "vmxcfg: --kernel abc: not a kernel version" abc
refused "vmxcfg: --kernel 6.x: not a kernel version" 6.x
refused "vmxcfg: --kernel 6: not a kernel version" 6
refused "vmxcfg: --kernel '': not a kernel version" ""
refused "vmxcfg: --kernel 99999.1: not a kernel version" 99999.1
refused "vmxcfg: --kernel 5.25: 5.25 is not a Linux release: vmxcfg models every release 4.19 … 7.1" 5.25
long=$(printf '6.6.87-%0500d' 0)
t_run 0 "$V" kvm --cpu 6700k --kernel "$long" --json
t_json_ok
long=$(printf 'x%0500d' 0)
t_run 2 "$V" kvm --cpu 6700k --kernel "$long"
t_stderr_has "vmxcfg: --kernel x000000000"
t_stderr_has "...: not a kernel version"
if [ "$(wc -c < "$T_TMP/err")" -lt 400 ]; then t_ok; else t_bad "a long string is echoed whole"; fi

# Stable backports: the sgx rule of 6.1 reached 5.15 between .16 (read without it) and .100 (with it).  The
# i7-6700K has SGX but no ENCLS exiting: sgx=1 stays 1 without the rule and is forced to 0 with it.
sgx() {
	t_run 0 "$V" kvm --kernel "$1" --cpu 6700k --param sgx=1 --json
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["params"]["sgx"]; assert p["value"] == (sys.argv[2] == "1"), p' "$T_TMP/out" "$2"; then t_ok; else t_bad "--kernel $1 --param sgx=1: expected sgx=$2"; fi
}
sgx 5.15.16 1
sgx 5.15.100 0
sgx 5.15.50 0
sgx 5.15 0
sgx 5.15.0-91-generic 0
sgx 5.14.21-150500.55.39-default 1
t_run 0 "$V" kvm --kernel 5.15.50 --cpu 6700k --param sgx=1
t_stdout_has "sgx                                N  forced to 0"
t_stderr_has "5.15.50 is assumed to carry the sgx rule of 6.1"
t_stderr_has "the stable release that brought it is not known"
t_run 0 "$V" kvm --kernel 5.15.16 --cpu 6700k --param sgx=1
t_stdout_has "sgx                                Y"
# The pt_mode rule of 6.12 reached 6.6 after .47: pt_mode is settable on 6.6.47, needs CONFIG_BROKEN on 6.6.87.
t_run 0 "$V" kvm --kernel 6.6.47 --cpu 6700k --param pt_mode=1 --json
t_json_ok
t_run 2 "$V" kvm --kernel 6.6.87 --cpu 6700k --param pt_mode=1
t_stderr_has "CONFIG_BROKEN"
t_run 2 "$V" nested --kernel 6.1.0-18-amd64 --cpu 6700k --param pt_mode=1
t_stderr_has "CONFIG_BROKEN"
t_run 0 "$V" vmcs --from-kvm --cpu 6700k --kernel 6.6.47 --param pt_mode=1
t_run 2 "$V" vmcs --from-kvm --cpu 6700k --kernel 6.6.87 --param pt_mode=1

# Every subcommand taking --kernel accepts a distribution string, and its JSON carries kernel_info.
U=5.15.0-91-generic
kjson() { # KEYPATH: python expression on d giving the kernel_info object
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=eval(sys.argv[2]); assert k["release"] == "5.15" and k["asked"] == "'$U'" and k["distro"] == "Ubuntu", k' "$T_TMP/out" "$1"; then t_ok; else t_bad "kernel_info at $1"; fi
}
t_run 0 "$V" kvm --kernel $U --cpu 6700k --json; kjson 'd["kernel_info"]'
t_run 0 "$V" nested --kernel $U --cpu 6700k --json; kjson 'd["kernel_info"]'
t_run 0 "$V" nested --kernel $U --cpu 6700k -o "$T_TMP/l1.profile"
t_stderr_has "vmxcfg: note: --kernel $U:"
t_run 0 "$V" vmcs --from-kvm --cpu 6700k --kernel $U --json; kjson 'd["kernel_info"]'
t_run 0 "$V" vmcs --from-kvm --cpu 6700k --kernel $U
t_run 0 "$V" diff skylake-core-i7-6700k skylake-core-i7-6700k --kernel $U --json; kjson 'd["kvm"]["kernel_info"]'
t_run 0 "$V" diff skylake-core-i7-6700k skylake-core-i7-6700k --kernel $U
t_stderr_has "vmxcfg: note: --kernel $U:"
t_run 0 "$V" baseline skylake-core-i7-6700k --kernel $U --json; kjson 'd["kernel_info"]'
t_run 0 "$V" baseline skylake-core-i7-6700k --kernel $U -o "$T_TMP/b.profile"
t_run 0 "$V" group skylake-core-i7-6700k --kernel $U --json
if python3 -c 'import json,sys; rows=[json.loads(l) for l in open(sys.argv[1])]; assert rows and all(r["kernel"] == "5.15" and r["kernel_info"]["distro"] == "Ubuntu" for r in rows)' "$T_TMP/out"; then t_ok; else t_bad "group --json kernel_info"; fi
t_run 0 "$V" group skylake-core-i7-6700k --kernel $U
t_stdout_has "kernel 5.15"
t_run 0 "$V" caps --cpu 6700k --kernel $U
t_run 0 "$V" caps --cpu 6700k --kernel $U --format vmxcap
t_run 2 "$V" caps --cpu 6700k --kernel 4.18.0-513.el8_9.x86_64
t_stderr_has "4.18 is older than every modelled release"
t_run 2 "$V" diff skylake-core-i7-6700k skylake-core-i7-6700k --kernel abc
t_stdout_empty
t_run 2 "$V" baseline skylake-core-i7-6700k --kernel 4.14.0
t_stdout_empty
t_run 2 "$V" group skylake-core-i7-6700k --kernel 6.20
t_stdout_empty

# vmxcfg check: the host's uname -r goes through the same resolver (fake sysroots).
if fakesys_build; then
	S=$T_TMP/ubuntu; sysroot_new "$S" 0 5.15.0-91-generic; sysroot_kvm "$S"
	sysroot_cpu "$S" 0 "$SKL"; cp "$CI/k5.10-cascadelake.cpuinfo" "$S/proc/cpuinfo"
	t_run 0 live "$V" check --sysroot "$S"
	t_stdout_has "PASS  kvm_intel prediction         kvm_intel 5.15 loads"
	t_stdout_has "      kernel 5.15.0-91-generic (Ubuntu) answered by the model of 5.15 (facts from v5.15.100; setup_vmcs_config as in 5.12-5.19)"
	t_stdout_has "      note: the .0 of 5.15.0-91-generic is Ubuntu's placeholder"
	t_run 0 live "$V" check --sysroot "$S" --kernel 6.6.47
	t_stdout_has "      --kernel 6.6.47 answered by the model of 6.6 (facts from v6.6.87; setup_vmcs_config as in 6.1-6.9)"
	if grep -q 'note:' "$T_TMP/out" "$T_TMP/err"; then t_bad "check --kernel 6.6.47 has notes"; else t_ok; fi
	S=$T_TMP/rhel8; sysroot_new "$S" 0 4.18.0-513.el8_9.x86_64; sysroot_kvm "$S"
	sysroot_cpu "$S" 0 "$SKL"; cp "$CI/k5.10-cascadelake.cpuinfo" "$S/proc/cpuinfo"
	t_run 3 live "$V" check --sysroot "$S"
	t_stderr_has "check: no verdict (exit 3): 1 check could not be made"
	t_stdout_has "WARN  kvm_intel prediction         cannot predict for kernel 4.18.0-513.el8_9.x86_64: 4.18 is older than every modelled release (4.19 … 7.1); the closest is 4.19"
	t_stdout_has "HINT: 'vmxcfg check --kernel 4.19' predicts with the closest modelled release"
	t_stdout_has "result: COULD NOT TELL"
	t_run 0 live "$V" check --sysroot "$S" --kernel 4.19
	t_stdout_has "kvm_intel 4.19 loads"
	S=$T_TMP/new; sysroot_new "$S" 0 7.3.2-1-custom; sysroot_kvm "$S"
	sysroot_cpu "$S" 0 "$SKL"; cp "$CI/k5.10-cascadelake.cpuinfo" "$S/proc/cpuinfo"
	t_run 0 live "$V" check --sysroot "$S"
	t_stdout_has "kvm_intel 7.1 loads"
	t_stdout_has "      note: 7.3 is newer than every modelled release (4.19 … 7.1): answered with 7.1"
else
	t_bad "fakesys shim"
fi
t_done

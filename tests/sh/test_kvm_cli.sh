#!/bin/sh
# vmxcfg kvm / profiles: text, JSON, exit codes, bad profiles.
. tests/sh/lib.sh
P=data/profiles

t_run 0 $VMXCFG kvm --cpu skylake-core-i7-6700k
t_stdout_has "setup_vmcs_config() succeeds"
t_stdout_has "ept_violation_ve_needs_prove_ve"
t_run 0 $VMXCFG kvm --cpu 6700k --json
t_json_ok
t_stdout_has '"status": "ok"'
t_run 0 $VMXCFG kvm --kernel 5.10 --profile $P/haswell-core-i7-4770.profile
t_stdout_has "cr8_exits_under_tpr_shadow"
# every embedded profile, both issue kernels: valid JSON with the required keys.  One vmxcfg run per case, one
# python3 for all outputs (a python3 start per case made this the slowest test); one result line per case.
mkdir "$T_TMP/each"
n_each=0
for f in $(t_profiles); do
	for k in 7.1 5.10; do
		o="$T_TMP/each/$k@$(basename "$f" .profile)"
		$VMXCFG kvm --kernel $k --profile "$f" --json >"$o.json" 2>/dev/null
		echo $? >"$o.rc"
		n_each=$((n_each + 1))
	done
done
python3 - "$T_TMP/each" "$P" >"$T_TMP/each.txt" <<'PY'
import glob, json, os, sys
for rcf in sorted(glob.glob(os.path.join(sys.argv[1], "*.rc"))):
    k, _, name = os.path.basename(rcf)[:-3].partition("@")
    rc = int(open(rcf).read())
    try:
        assert rc <= 1, "exit code"
        d = json.load(open(rcf[:-3] + ".json"))
        assert set(["kernel", "status", "vmcs_config", "vmx_capability", "rules", "missing"]) <= set(d), "keys"
        assert set(d["vmcs_config"]) == {"basic", "pin", "primary", "secondary", "tertiary", "exit", "entry", "misc"}
        for v in list(d["vmcs_config"].values()) + list(d["vmx_capability"].values()):
            assert v.startswith("0x") and v == v.lower(), "hex " + v
        if d["status"] == "eio":
            assert all(v == "0x0" for v in d["vmcs_config"].values()), "eio with vmcs_config"
        print("ok")
    except Exception as e:
        print(f"bad kvm --kernel {k} --profile {sys.argv[2]}/{name}.profile --json (exit {rc}): {type(e).__name__} {e}")
PY
while read -r res rest; do
	if [ "$res" = ok ]; then t_ok; else t_bad "$rest"; fi
done <"$T_TMP/each.txt"
n_res=$(wc -l <"$T_TMP/each.txt")
[ "$n_res" -eq "$n_each" ] && t_ok || t_bad "JSON check of every profile: $n_res results for $n_each runs"
# failures: Yonah lacks required controls; the message names MSR and bit
t_run 1 $VMXCFG kvm --cpu yonah-core-duo-t2600
t_stdout_has "kvm_intel (7.1) fails with -EIO: IA32_VMX_PROCBASED_CTLS (0x482) does not allow"
t_run 1 $VMXCFG kvm --cpu yonah --json
t_json_ok
t_stdout_has '"missing": [{"msr": "0x482"'
# firmware-disabled: precheck first, exit 1
t_run 1 $VMXCFG kvm --cpu kabylake-core-i5-7200u-fwdisabled --json
t_json_ok
t_stdout_has '"precheck": {"status": "eopnotsupp"'
t_run 1 $VMXCFG kvm --cpu kabylake-core-i5-7200u-fwdisabled
t_stdout_has "disabled by firmware"
# error_on_inconsistent_vmcs_config exists from 6.1 on
t_run 0 $VMXCFG kvm --kernel 6.1 --cpu 6700k --param error_on_inconsistent_vmcs_config=0
t_run 2 $VMXCFG kvm --kernel 5.10 --cpu 6700k --param error_on_inconsistent_vmcs_config=0
t_stdout_empty
t_stderr_has "no such parameter"
# usage errors: exit 2, nothing on stdout, message names the option
t_run 2 $VMXCFG kvm --kernel 3.2 --cpu 6700k
t_stdout_empty
t_stderr_has "--kernel 3.2: 3.2 is older than every modelled release (4.19 … 7.1)"
t_run 2 $VMXCFG kvm --cpu no-such-cpu
t_stdout_empty
t_stderr_has "unknown CPU name"
t_run 2 $VMXCFG kvm --cpu core
t_stderr_has "ambiguous"
t_run 2 $VMXCFG kvm --cpu 6700k --profile x
t_stderr_has "conflicts"
t_run 2 $VMXCFG kvm --bogus
t_stderr_has "unknown option '--bogus'"
# no source: this machine (tests/sh/test_live_kvm.sh tests it under --sysroot)
t_run 2 $VMXCFG nosuchcommand
t_stdout_empty
# bad profiles: file:line and what was expected
bad() { # name content expected-message
	printf '%b' "$2" >"$T_TMP/$1.profile"
	t_run 2 $VMXCFG kvm --profile "$T_TMP/$1.profile"
	t_stdout_empty
	t_stderr_has "$3"
}
bad empty "" "empty file"
bad noheader "msr 0x480 0x1\n" "$T_TMP/noheader.profile:1: expected the header"
bad version "# vmxcfg-profile 2\n" "unsupported profile format version '2'"
bad nonhex "# vmxcfg-profile 1\nmsr 0x480 0xzz\n" ":2: MSR value '0xzz': 'z' is not a hexadecimal digit"
bad noprefix "# vmxcfg-profile 1\nmsr 480 0x1\n" ":2: MSR index '480': expected a hexadecimal number with a 0x prefix"
bad big "# vmxcfg-profile 1\nmsr 0x480 0x10000000000000000\n" "does not fit in 64 bits"
bad neg "# vmxcfg-profile 1\nmsr 0x480 -0x1\n" "is negative"
bad dup "# vmxcfg-profile 1\nmsr 0x480 0x1\nmsr 0x480 0x1\n" ":3: MSR 0x480 given twice"
bad dupc "# vmxcfg-profile 1\ncpuid 0x1 0x0 0x1 0x2 0x3 0x4\ncpuid 0x1 0x0 0x1 0x2 0x3 0x4\n" ":3: CPUID leaf 0x1 subleaf 0x0 given twice"
bad trunc "# vmxcfg-profile 1\ncpuid 0x1 0x0 0x1 0x2\n" ":2: missing ECX"
bad unknown "# vmxcfg-profile 1\nmsrs 0x480 0x1\n" ":2: unknown record 'msrs'"
bad order "# vmxcfg-profile 1\ncpu 1\nmsr 0x480 0x1\ncpu 0\n" ":4: cpu 0 out of order"
bad othermsr "# vmxcfg-profile 1\nmsr 0x10 0x1\n" "not a VMX capability MSR"
bad trailing "# vmxcfg-profile 1\nmsr 0x480 0x1 0x2\n" "unexpected '0x2'"
bad binary "# vmxcfg-profile 1\n\0\0\n" "binary data"
bad norecords "# vmxcfg-profile 1\n# name: x\n" "no records"
t_run 2 $VMXCFG kvm --profile "$T_TMP/does-not-exist.profile"
t_stderr_has "does-not-exist.profile: cannot open: No such file or directory"
# profiles
t_run 0 $VMXCFG profiles
t_stdout_has "skylake-core-i7-6700k"
t_run 0 $VMXCFG profiles --json
t_json_ok
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T_TMP/out")
[ "$n" -eq "$(ls $P/*.profile | wc -l)" ] && t_ok || t_bad "profiles --json lists $n"
# top level: help, help CMD (= CMD --help), --version, unknown command
t_run 0 $VMXCFG help
t_stdout_has "usage: vmxcfg <command>"
t_run 0 $VMXCFG help vmcs
t_stdout_has "usage: vmxcfg vmcs FILE"
t_run 2 $VMXCFG help no-such-command
t_stdout_empty
t_stderr_has "unknown command 'no-such-command'"
t_run 2 $VMXCFG help kvm extra
t_stdout_empty
t_stderr_has "help: unexpected argument 'extra'"
t_run 0 $VMXCFG --version
t_stdout_has "vmxcfg 0."
t_run 2 $VMXCFG
t_stdout_empty
t_stderr_has "usage: vmxcfg <command>"
t_done

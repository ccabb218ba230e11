#!/bin/sh
# vmxcfg import and `--profile LOG`: every sample in tests/import imports (the profile comparison itself is
# tests/unit/test_import.c); every hand-made bad log fails with exit 2, nothing on stdout, and a message
# naming the file, the line and the reason.
cd "$(dirname "$0")/../.." || exit 2
. tests/sh/lib.sh
D=tests/import

# --- samples: import, -o, and the same kvm verdict as the reference profile ---------------------------
for log in "$D"/*.vbox.log "$D"/*.vmware.log; do
	b=$(basename "$log")
	case "$b" in bad-* | multi-*) continue ;; esac
	stem=${b%.*.log}
	t_run 0 "$VMXCFG" import "$log"
	t_stdout_has "# vmxcfg-profile 1"
	case "$b" in
	*.vbox.log) t_stdout_has "# source: VirtualBox VBox.log, VirtualBox " ;;
	*) t_stdout_has "# source: VMware vmware.log, VMware " ;;
	esac
	# the written profile is a profile vmxcfg reads
	"$VMXCFG" import "$log" -o "$T_TMP/$stem.profile" 2>/dev/null
	t_run 0 "$VMXCFG" import "$log" -o "$T_TMP/$stem.profile"
	t_stdout_empty
	# kvm on the log directly gives what kvm gives on the reference profile (bar the CPU line)
	"$VMXCFG" kvm --profile "data/profiles/$stem.profile" >"$T_TMP/want" 2>&1
	want_rc=$?
	"$VMXCFG" kvm --profile "$log" >"$T_TMP/got" 2>&1
	got_rc=$?
	if [ "$want_rc" -eq "$got_rc" ] && [ "$want_rc" -le 1 ] &&
		grep -v '^CPU:' "$T_TMP/want" >"$T_TMP/want2" && grep -v '^CPU:' "$T_TMP/got" >"$T_TMP/got2" &&
		cmp -s "$T_TMP/want2" "$T_TMP/got2"; then
		t_ok
	else
		t_bad "kvm --profile $log differs from kvm --profile data/profiles/$stem.profile (exit $got_rc vs $want_rc)"
	fi
	t_run "$want_rc" "$VMXCFG" kvm --profile "$T_TMP/$stem.profile"
done

# --- bad and misleading logs: exit 2, nothing on stdout, FILE:LINE: reason --------------------------------
# bad FILE LINE WORDS...: `import FILE` and `kvm --profile FILE` both fail so (LINE 0: no line number).
bad() {
	f=$D/$1; line=$2; shift 2
	for cmd in import kvm; do
		if [ "$cmd" = import ]; then t_run 2 "$VMXCFG" import "$f"; else t_run 2 "$VMXCFG" kvm --profile "$f"; fi
		t_stdout_empty
		if [ "$line" -gt 0 ]; then t_stderr_has "$f:$line: "; else t_stderr_has "$f"; fi
		for w in "$@"; do t_stderr_has "$w"; done
	done
}
bad bad-truncated-dump.vbox.log 36 "never ends" "truncated"
bad bad-truncated-msrs.vmware.log 58 "incomplete MSR block" "0x486"
bad bad-truncated-msrs-tail.vmware.log 111 "incomplete MSR block" "0x48b" "truncated"
bad bad-cut-line.vbox.log 42 "bad host CPUID line" "cut"
bad bad-guest-only.vbox.log 1 "guest-only"
bad bad-guest-only.vmware.log 1 "guest-only" "hostCPUID level"
bad bad-zeros.vmware.log 101 "every VMX capability MSR is 0"
bad bad-nested-kvm.vbox.log 41 "hypervisor present" "another hypervisor"
bad bad-hv-signature.vmware.log 65 "Microsoft Hv" "another hypervisor"
bad bad-amd-host.vbox.log 8 "AuthenticAMD"
bad bad-no-vtx.vbox.log 157 "no VMX capability MSR lines" "VT-x"
bad bad-msr-conflict.vmware.log 74 "contradicts 0x7f00000016 at line 64"
bad bad-mixed.log 74 "ambiguous" "VirtualBox" "VMware"
t_run 2 "$VMXCFG" import "$D/bad-unknown-format.txt"
t_stdout_empty
t_stderr_has "$D/bad-unknown-format.txt: unknown format"
# with --profile, the profile reader's message comes first
t_run 2 "$VMXCFG" kvm --profile "$D/bad-unknown-format.txt"
t_stdout_empty
t_stderr_has "$D/bad-unknown-format.txt:1: expected the header '# vmxcfg-profile 1'"
t_stderr_has "nor is it a VBox.log"
bad bad-two-hosts.vbox.log 0 "2 different hosts" "E3-1230 v5" "i7-8700K" "--host"

# --- vmxcap output and /proc/cpuinfo: partial profiles ------------------------------------------------
t_run 0 "$VMXCFG" import "$D/skylake-sample.vmxcap.txt"
t_stdout_has "# format: vmxcap"
t_stdout_has "msr 0x481 0x0000006900000000 known 0x000000e9000000e9"
t_stdout_has "msr 0x480 0x00da040000000004"
"$VMXCFG" import "$D/skylake-sample.vmxcap.txt" -o "$T_TMP/vmxcap.profile" 2>/dev/null
"$VMXCFG" kvm --profile "$T_TMP/vmxcap.profile" >"$T_TMP/want" 2>&1
want_rc=$?
t_run "$want_rc" "$VMXCFG" kvm --profile "$D/skylake-sample.vmxcap.txt"
if [ "$want_rc" -le 1 ]; then t_ok; else t_bad "kvm on an imported vmxcap profile: exit $want_rc"; fi
bad bad-truncated.vmxcap.txt 70 "no 'VM-Exit controls' section" "truncated"
bad bad-zeros.vmxcap.txt 2 "IA32_VMX_BASIC reads 0"
for c in sandybridge-core-i5-2450m icelake-sp-xeon-gold-5318y raptorlake-u-core-i7-1355u-hybrid; do
	t_run 0 "$VMXCFG" import "$D/$c.cpuinfo"
	t_stdout_has "# format: cpuinfo"
	t_stdout_has " known 0x"
	# kvm --profile X.cpuinfo says what kvm --cpuinfo X.cpuinfo says (bar the CPU line)
	"$VMXCFG" kvm --cpuinfo "$D/$c.cpuinfo" 2>&1 | grep -v '^CPU:' >"$T_TMP/want"
	"$VMXCFG" kvm --profile "$D/$c.cpuinfo" 2>&1 | grep -v '^CPU:' >"$T_TMP/got"
	if cmp -s "$T_TMP/want" "$T_TMP/got"; then t_ok; else t_bad "kvm --profile $c.cpuinfo differs from kvm --cpuinfo"; fi
done
bad emeraldrapids-kvm-guest-nested-vmx.cpuinfo 20 "'hypervisor'" "virtual machine"
bad kabylake-core-i5-7200u-vmx-fw-disabled.cpuinfo 20 "disabled by firmware"

# --- several hosts and several captures ---------------------------------------------------------------
t_run 0 "$VMXCFG" import "$D/bad-two-hosts.vbox.log" --host 2
t_stdout_has "# name: Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz"
t_stdout_has "# product: VirtualBox 6.1.4 r136177 win.amd64"
t_run 2 "$VMXCFG" import "$D/bad-two-hosts.vbox.log" --host 3
t_stderr_has "holds 2 host"
t_run 2 "$VMXCFG" import "$D/bad-two-hosts.vbox.log" --host all
t_stderr_has "-o DIR"
mkdir -p "$T_TMP/all"
t_run 0 "$VMXCFG" import "$D/bad-two-hosts.vbox.log" --host all -o "$T_TMP/all"
t_stdout_empty
if [ -f "$T_TMP/all/bad-two-hosts.host1.profile" ] && [ -f "$T_TMP/all/bad-two-hosts.host2.profile" ]; then t_ok; else t_bad "--host all -o DIR did not write host1/host2 profiles"; fi
t_run 0 "$VMXCFG" kvm --profile "$T_TMP/all/bad-two-hosts.host1.profile"
# the same host twice: one profile, the captures merged
t_run 0 "$VMXCFG" import "$D/multi-same-host.vbox.log"
t_stdout_has "# captures: 2 captures of this host"
# several files at once need a directory
t_run 2 "$VMXCFG" import "$D/nehalem-xeon-x3430.vmware.log" "$D/penryn-core2-duo-p8600.vbox.log"
t_stderr_has "expected -o DIR"
mkdir -p "$T_TMP/two"
t_run 0 "$VMXCFG" import "$D/nehalem-xeon-x3430.vmware.log" "$D/penryn-core2-duo-p8600.vbox.log" -o "$T_TMP/two"
if [ -f "$T_TMP/two/nehalem-xeon-x3430.profile" ] && [ -f "$T_TMP/two/penryn-core2-duo-p8600.profile" ]; then t_ok; else t_bad "two files -o DIR"; fi
# one bad file among good ones: nothing written
mkdir -p "$T_TMP/none"
t_run 2 "$VMXCFG" import "$D/nehalem-xeon-x3430.vmware.log" "$D/bad-zeros.vmware.log" -o "$T_TMP/none"
if [ -z "$(ls "$T_TMP/none")" ]; then t_ok; else t_bad "files written although one input was bad"; fi

# --- formats and options --------------------------------------------------------------------------------
# the content decides, not the name
cp "$D/penryn-core2-duo-p8600.vbox.log" "$T_TMP/vmware.log"
t_run 0 "$VMXCFG" import "$T_TMP/vmware.log"
t_stdout_has "# format: vbox"
# a forced wrong format finds nothing
t_run 2 "$VMXCFG" import --format vmware "$D/penryn-core2-duo-p8600.vbox.log"
t_stdout_empty
t_stderr_has "nothing to import"
t_run 2 "$VMXCFG" import --format qemu "$D/penryn-core2-duo-p8600.vbox.log"
t_stderr_has "expected auto, vbox, vmware, vmxcap or cpuinfo"
# a profile needs no import; --profile still reads it as before
t_run 2 "$VMXCFG" import data/profiles/nehalem-xeon-x3430.profile
t_stderr_has "already a vmxcfg profile"
t_run 2 "$VMXCFG" import
t_stderr_has "no FILE given"
t_run 2 "$VMXCFG" import /nonexistent/VBox.log
t_stderr_has "/nonexistent/VBox.log"
# stdin
t_run 0 sh -c "\"$VMXCFG\" import - < $D/nehalem-xeon-x3430.vmware.log"
t_stdout_has "# format: vmware"
# VMware's zeros: the rule that decided is in the profile
t_run 0 "$VMXCFG" import "$D/nehalem-xeon-x3430.vmware.log"
t_stdout_has "dropped as absent: 0x491 IA32_VMX_VMFUNC (secondary controls allowed-1 bit 13"
t_run 0 "$VMXCFG" import --help
t_stdout_has "usage: vmxcfg import"

t_done

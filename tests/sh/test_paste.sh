#!/bin/sh
# Pasted text (tests/paste, made by tests/paste/make.sh from the clean samples of tests/import): hard-wrapped
# /proc/cpuinfo, mail quotes ("> ", "> > "), Markdown indentation, tabs, shell prompt lines (also one carrying
# vmxcap's first heading), CRLF line ends and trailing blanks must read exactly as the clean sample; a broken
# line inside a decorated paste must be reported at its own line.
cd "$(dirname "$0")/../.." || exit 2
. tests/sh/lib.sh
I=tests/import
P=tests/paste

# same_import PASTE CLEAN [EXTRA-GREP]: `import` of both is equal apart from `# source:` lines (they name the
# file and its lines) and lines matching EXTRA-GREP.
same_import() {
	paste=$1; clean=$2; extra=${3:-^\$NEVER}
	"$VMXCFG" import "$clean" 2>/dev/null | grep -v '^# source: ' >"$T_TMP/want"
	t_run 0 "$VMXCFG" import "$paste"
	grep -v '^# source: ' "$T_TMP/out" | grep -v -- "$extra" >"$T_TMP/got"
	if [ -s "$T_TMP/want" ] && cmp -s "$T_TMP/want" "$T_TMP/got"; then t_ok; else
		t_bad "import $paste differs from import $clean: $(diff "$T_TMP/want" "$T_TMP/got" | head -n 6)"
	fi
}

# same_kvm PASTE REFERENCE: `kvm --profile` gives the same exit code and output on both (bar the CPU line).
same_kvm() {
	"$VMXCFG" kvm --profile "$2" >"$T_TMP/kwant" 2>&1
	want_rc=$?
	"$VMXCFG" kvm --profile "$1" >"$T_TMP/kgot" 2>&1
	got_rc=$?
	if [ "$want_rc" -eq "$got_rc" ] && grep -v '^CPU:' "$T_TMP/kwant" >"$T_TMP/kwant2" &&
		grep -v '^CPU:' "$T_TMP/kgot" >"$T_TMP/kgot2" && cmp -s "$T_TMP/kwant2" "$T_TMP/kgot2"; then
		t_ok
	else
		t_bad "kvm --profile $1 (exit $got_rc) differs from kvm --profile $2 (exit $want_rc): $(diff "$T_TMP/kwant" "$T_TMP/kgot" | head -n 6)"
	fi
}

# same_caps PASTE CLEAN: `caps --profile X --json` equal apart from "source" and "origin" (file names, lines).
same_caps() {
	"$VMXCFG" caps --profile "$2" --json 2>/dev/null | grep -v '^ "source": \|^ "origin": ' >"$T_TMP/cwant"
	t_run 0 "$VMXCFG" caps --profile "$1" --json
	grep -v '^ "source": \|^ "origin": ' "$T_TMP/out" >"$T_TMP/cgot"
	if [ -s "$T_TMP/cwant" ] && cmp -s "$T_TMP/cwant" "$T_TMP/cgot"; then t_ok; else
		t_bad "caps --json of $1 differs from $2: $(diff "$T_TMP/cwant" "$T_TMP/cgot" | head -n 6)"
	fi
}

# bad PASTE LINE WORDS...: import and kvm --profile fail with exit 2, empty stdout, PASTE:LINE: and the words.
bad() {
	f=$P/$1; line=$2; shift 2
	for cmd in import kvm; do
		if [ "$cmd" = import ]; then t_run 2 "$VMXCFG" import "$f"; else t_run 2 "$VMXCFG" kvm --profile "$f"; fi
		t_stdout_empty
		t_stderr_has "$f:$line: "
		for w in "$@"; do t_stderr_has "$w"; done
	done
}

# --- hard-wrapped /proc/cpuinfo (Alder Lake i5-12400) ------------------------------------------------------
A=$I/alderlake-s-core-i5-12400.cpuinfo
for v in wrap72 wrap90 cut80 mail; do
	x=$P/alderlake-i5-12400.$v.cpuinfo
	same_caps "$x" "$A"
	same_kvm "$x" "$A"
	# never the false -EIO that losing the continuation lines gave ("known not allowed: tsc_offsetting")
	t_run 3 "$VMXCFG" kvm --profile "$x"
	if grep -q 'fails with -EIO' "$T_TMP/out"; then t_bad "kvm --profile $x claims -EIO"; else t_ok; fi
	t_stderr_has "no verdict (exit 3): /proc/cpuinfo does not show whether kvm_intel loads"
	# the --cpuinfo reader is the same reader
	t_run 0 "$VMXCFG" caps --cpuinfo "$x"
	"$VMXCFG" caps --cpuinfo "$A" 2>/dev/null | sed 1,2d >"$T_TMP/cw"
	sed 1,2d "$T_TMP/out" >"$T_TMP/cg"
	if cmp -s "$T_TMP/cw" "$T_TMP/cg"; then t_ok; else t_bad "caps --cpuinfo $x differs: $(diff "$T_TMP/cw" "$T_TMP/cg" | head -n 4)"; fi
done
for v in wrap72 wrap90 mail; do same_import "$P/alderlake-i5-12400.$v.cpuinfo" "$A"; done
# cut at column 80: 'ep'+'t_1gb' and 'v'+'apic_reg' are read whole, and the profile says so
same_import "$P/alderlake-i5-12400.cut80.cpuinfo" "$A" "^# note: .*broke in two"
t_stdout_has "# note: $P/alderlake-i5-12400.cut80.cpuinfo:32: vmx flags: 'ep' at the end of line 32 and 't_1gb' at the start of line 33 read as one name, 'ept_1gb'"
t_run 0 "$VMXCFG" caps --cpuinfo "$P/alderlake-i5-12400.cut80.cpuinfo"
t_stderr_has "warning: $P/alderlake-i5-12400.cut80.cpuinfo:32: vmx flags: 'ep' at the end of line 32"
# the other real samples, decorated
same_caps "$P/icelake-5318y.note.md" "$I/icelake-sp-xeon-gold-5318y.cpuinfo"
same_import "$P/icelake-5318y.note.md" "$I/icelake-sp-xeon-gold-5318y.cpuinfo"
same_kvm "$P/icelake-5318y.note.md" "$I/icelake-sp-xeon-gold-5318y.cpuinfo"
same_caps "$P/raptorlake-1355u.nested.cpuinfo" "$I/raptorlake-u-core-i7-1355u-hybrid.cpuinfo"
same_import "$P/raptorlake-1355u.nested.cpuinfo" "$I/raptorlake-u-core-i7-1355u-hybrid.cpuinfo"
same_caps "$P/haswell-1630v3.tab.cpuinfo" "$I/haswell-ep-xeon-e5-1630v3.cpuinfo"
same_import "$P/haswell-1630v3.tab.cpuinfo" "$I/haswell-ep-xeon-e5-1630v3.cpuinfo"
# refused, at the line that is wrong
bad bad-wrap-garbage.cpuinfo 35 "unknown vmx flag 'frobnicate'" "wrapped over several lines"
bad bad-cut-unjoinable.cpuinfo 32 "unknown vmx flag 'ep'"

# --- vmxcap ------------------------------------------------------------------------------------------------
for v in prompt.vmxcap.txt indent.vmxcap.md quoted.vmxcap.eml nested.vmxcap.txt tab.vmxcap.txt; do
	same_import "$P/skylake.$v" "$I/skylake-sample.vmxcap.txt"
	same_kvm "$P/skylake.$v" "$I/skylake-sample.vmxcap.txt"
done
bad bad-quoted-cut.vmxcap.eml 24 "value 'offsetting' for 'Use TSC'" "is the line cut?"
bad bad-glued-heading.vmxcap.txt 1 "'Basic VMX Information' heading follows other text on this line"

# --- VirtualBox and VMware logs ----------------------------------------------------------------------------
same_import "$P/penryn-p8600.quoted.vbox.log" "$I/penryn-core2-duo-p8600.vbox.log"
same_kvm "$P/penryn-p8600.quoted.vbox.log" data/profiles/penryn-core2-duo-p8600.profile
same_import "$P/coffeelake-8700k.nested.vbox.log" "$I/coffeelake-core-i7-8700k.vbox.log"
same_kvm "$P/coffeelake-8700k.nested.vbox.log" data/profiles/coffeelake-core-i7-8700k.profile
same_import "$P/nehalem-x3430.indent.vmware.log" "$I/nehalem-xeon-x3430.vmware.log"
same_kvm "$P/nehalem-x3430.indent.vmware.log" data/profiles/nehalem-xeon-x3430.profile
bad bad-quoted-cut.vbox.log 29 "bad host CPUID line (2 words)" "is the line cut?"

# --- what undecorating must not do --------------------------------------------------------------------------
# dmesg lines stay an unknown format, also quoted
sed 's/^/> /' "$I/bad-unknown-format.txt" >"$T_TMP/dmesg.txt"
t_run 2 "$VMXCFG" import "$T_TMP/dmesg.txt"
t_stderr_has "unknown format"
# a VBox.log and a vmware.log in one (quoted) file stay ambiguous, at the same line
sed 's/^/> /' "$I/bad-mixed.log" >"$T_TMP/mixed.log"
t_run 2 "$VMXCFG" import "$T_TMP/mixed.log"
t_stderr_has "$T_TMP/mixed.log:74: ambiguous"
# a blank line ends a processor block: a flag-like line after it is not glued to "vmx flags" (it would be
# refused: ipi_virt is not printed with the 5.6-6.0 names), nor is it a processor block
sed -n 1,27p "$A" >"$T_TMP/one.cpuinfo"
{ cat "$T_TMP/one.cpuinfo"; printf '\nept_5level ipi_virt\n'; } >"$T_TMP/blank.cpuinfo"
"$VMXCFG" caps --cpuinfo "$T_TMP/one.cpuinfo" 2>/dev/null | sed 1,2d >"$T_TMP/cw"
t_run 0 "$VMXCFG" caps --cpuinfo "$T_TMP/blank.cpuinfo"
sed 1,2d "$T_TMP/out" >"$T_TMP/cg"
if [ -s "$T_TMP/cw" ] && cmp -s "$T_TMP/cw" "$T_TMP/cg"; then t_ok; else t_bad "a line after a blank line changed the capabilities"; fi
# ... while the same line right after "vmx flags" continues it: the 6.16 name set, ept_5level known allowed
{ sed -n 1,21p "$A"; printf 'ept_5level ipi_virt\n'; sed -n 22,27p "$A"; } >"$T_TMP/cont.cpuinfo"
t_run 0 "$VMXCFG" caps --cpuinfo "$T_TMP/cont.cpuinfo"
t_stdout_has "names of Linux 6.16+, inferred"
t_done

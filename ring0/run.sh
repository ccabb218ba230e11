#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the vmxcfg ring-0 test kernel on every Bochs CPU model that has VMX and
# compares the kernel's vmcs_config with the hosted `vmxcfg kvm` result.
#
#   run.sh [--build DIR] [--vmxcfg PATH] [--jobs N] [--timeout S] [--sets N] [--seed N] [--flags N] [MODEL...]
#
# MODEL: a Bochs model name, or bx_generic_vmx1 / bx_generic_vmx2 (bx_generic
# with `cpuid: vmx=1` / `vmx=2`).  Default: all 14.
# --sets/--seed: random control sets per boot for the validator agreement (default 200, seed 1).
# --flags: kernel self-test flags (kernel.c PF_*: 4 hang, 8 break the launch set, 16 invert the
#          validator's verdicts).  --out DIR: where the per-model directories go (default DIR/run).
# --bios FILE: Bochs BIOS image (default BIOS-bochs-latest, which locks IA32_FEATURE_CONTROL;
#          BIOS-bochs-legacy leaves it 0, so the kernel sets and locks it itself).
# Prints one line per model and a last line "N passed, M failed".
# Each run leaves DIR/run/MODEL/{serial.txt,bochs.log,profile,kvm.json,disagreements,rules,summary}.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=$here/build
vmxcfg=$here/../build/vmxcfg
jobs=2
tmo=20
sets=200
seed=1
flags=0
rundir=
bios=/usr/share/bochs/BIOS-bochs-latest
one=
models=()
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--vmxcfg) vmxcfg=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--timeout) tmo=$2; shift 2 ;;
	--sets) sets=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--flags) flags=$2; shift 2 ;;
	--out) rundir=$2; shift 2 ;;
	--bios) bios=$2; shift 2 ;;
	--one) one=1; shift ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) models+=("$1"); shift ;;
	esac
done
case $build in /*) ;; *) build=$PWD/$build ;; esac
[ -n "$rundir" ] || rundir=$build/run
case $rundir in /*) ;; *) rundir=$PWD/$rundir ;; esac
case $vmxcfg in /*|'') ;; *) vmxcfg=$PWD/$vmxcfg ;; esac

ALL_MODELS="core_duo_t2400_yonah core2_penryn_t9600 corei5_lynnfield_750 corei5_arrandale_m520
corei7_sandy_bridge_2600k corei7_ivy_bridge_3770k corei7_haswell_4770 broadwell_ult corei7_skylake_x
corei3_cnl corei7_icelake_u tigerlake bx_generic_vmx1 bx_generic_vmx2"
[ ${#models[@]} -eq 0 ] && models=($ALL_MODELS)

# Write little-endian u32 $2 at byte offset $1 of file $3.
put_u32() {
	local off=$1 v=$2 f=$3
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v & 255)) $(((v >> 8) & 255)) $(((v >> 16) & 255)) $(((v >> 24) & 255)))" |
		dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# Lower-case hex without 0x and leading zeros.
norm() {
	local v=${1#0x}
	v=${v#0X}
	v=$(printf '%s' "$v" | tr 'A-F' 'a-f' | sed 's/^0*//')
	printf '%s' "${v:-0}"
}

# Value of "key": "0x..." inside the JSON object "obj" (flat objects only).
json_hex() {
	local json=$1 obj=$2 key=$3
	printf '%s' "$json" | tr -d ' \n\t' | grep -o "\"$obj\":{[^}]*}" | grep -o "\"$key\":\"0[xX][0-9a-fA-F]*\"" |
		head -1 | sed 's/.*:"\(.*\)"/\1/'
}

run_one() {
	local name=$1 model=$1 cpuidline= img=$build/vmxcfg-ring0-64.img mode=64-bit
	case $name in
	bx_generic_vmx1) model=bx_generic; cpuidline="cpuid: vmx=1" ;;
	bx_generic_vmx2) model=bx_generic; cpuidline="cpuid: vmx=2" ;;
	core_duo_t2400_yonah) img=$build/vmxcfg-ring0-32.img; mode=32-bit ;;
	esac
	local out=$rundir/$name
	rm -rf "$out"
	mkdir -p "$out"
	cp "$img" "$out/floppy.img"
	# parameters (struct params in kernel.c) at 0x1b0 of the boot sector
	printf '%s\0' "$name" | dd of="$out/floppy.img" bs=1 seek=$((0x1b0)) conv=notrunc status=none
	put_u32 $((0x1b0 + 40)) "$seed" "$out/floppy.img"
	put_u32 $((0x1b0 + 44)) "$sets" "$out/floppy.img"
	put_u32 $((0x1b0 + 48)) "$flags" "$out/floppy.img"
	sed -e "s|@IMG@|$out/floppy.img|; s|@MODEL@|$model|; s|@CPUID@|$cpuidline|; s|@OUT@|$out|g; s|@BIOS@|$bios|" \
		"$here/bochsrc.in" > "$out/bochsrc"
	printf 'c\nquit\n' > "$out/rc"
	local t0 t1
	t0=$(date +%s.%N)
	(cd "$out" && TERM=vt100 timeout -k 2 "$tmo" bochs-bin -q -f bochsrc -rc rc </dev/null >stdout.txt 2>&1)
	t1=$(date +%s.%N)
	local secs
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	tr -d '\r' < "$out/serial.txt" > "$out/serial.clean" 2>/dev/null || : > "$out/serial.clean"
	local res
	res=$(grep -m1 '^RESULT: ' "$out/serial.clean")
	local verdict=FAIL why=
	if [ -z "$res" ]; then
		why="no RESULT line within ${tmo}s"
		local p
		p=$(grep -m1 'PANIC' "$out/bochs.log" 2>/dev/null | sed 's/^[0-9a-z]*\[[A-Z0-9 ]*\] //')
		[ -n "$p" ] && why="$why ($p)"
	else
		case $res in
		"RESULT: PASS "*) verdict=PASS ;;
		*) why=${res#RESULT: }; why=${why#FAIL bochs $name }; why=${why#SKIP bochs $name } ;;
		esac
	fi
	# the profile the kernel printed
	sed -n '/^# vmxcfg-profile 1$/,/^# end of profile$/p' "$out/serial.clean" | grep -v '^# end of profile' > "$out/profile"
	local cmp="vmcs_config not compared"
	if grep -q '^kvm 7.1 status ' "$out/serial.clean"; then
		if [ -z "$vmxcfg" ] || [ ! -x "$vmxcfg" ]; then
			cmp="vmcs_config not compared (no $vmxcfg)"
		else
			# The i386 kernel negotiates as a 32-bit kvm_intel (block "kvm") and also prints the
			# x86_64 result (block "kvm64").  Compare the 32-bit block when the CLI can compute it.
			local pfx=kvm extra=()
			if grep -q '^kvm .* kernel 32bit' "$out/serial.clean"; then
				if "$vmxcfg" kvm --help 2>&1 | grep -q -- '--32bit'; then
					extra=(--32bit)
				else
					pfx=kvm64
				fi
			fi
			local json rc
			json=$("$vmxcfg" kvm --kernel 7.1 --profile "$out/profile" --json ${extra[@]+"${extra[@]}"} 2>"$out/kvm.err")
			rc=$?
			printf '%s\n' "$json" > "$out/kvm.json"
			if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
				verdict=FAIL
				why="${why:+$why; }vmxcfg kvm exit $rc: $(head -1 "$out/kvm.err")"
			else
				local diffs= k r u rs us
				rs=$(grep -m1 "^$pfx 7.1 status " "$out/serial.clean" | awk '{print $4}')
				us=$(printf '%s' "$json" | tr -d ' \n\t' | grep -o '"status":"[a-z]*"' | head -1 | sed 's/.*:"\(.*\)"/\1/')
				[ -n "$rs" ] && [ "$rs" = "$us" ] || diffs="$diffs status(ring0 ${rs:-?} user ${us:-?})"
				for k in basic pin primary secondary tertiary exit entry misc; do
					r=$(grep -m1 "^$pfx-cfg $k " "$out/serial.clean" | awk '{print $3}')
					u=$(json_hex "$json" vmcs_config "$k")
					if [ -z "$r" ] || [ -z "$u" ] || [ "$(norm "$r")" != "$(norm "$u")" ]; then
						diffs="$diffs $k(ring0 ${r:-?} user ${u:-?})"
					fi
				done
				for k in ept vpid; do
					r=$(grep -m1 "^$pfx-cap $k " "$out/serial.clean" | awk '{print $3}')
					u=$(json_hex "$json" vmx_capability "$k")
					if [ -z "$r" ] || [ -z "$u" ] || [ "$(norm "$r")" != "$(norm "$u")" ]; then
						diffs="$diffs $k(ring0 ${r:-?} user ${u:-?})"
					fi
				done
				if [ -n "$diffs" ]; then
					verdict=FAIL
					why="${why:+$why; }vmcs_config differs from user space:$diffs"
				elif [ $pfx = kvm64 ]; then
					cmp="x86_64 vmcs_config == user space (status $rs; the 32-bit result is not comparable: vmxcfg kvm has no --32bit)"
				else
					cmp="vmcs_config == user space"
				fi
			fi
		fi
	fi
	# random control sets: summary line printed by the kernel; each disagreement (and each known
	# Bochs deviation) with the Bochs log lines between its marker and the next one
	local setsum
	setsum=$(grep -m1 '^sets: ' "$out/serial.clean")
	: > "$out/disagreements"
	grep -E '^set [0-9]+ (DISAGREE|known:|setup-failed)' "$out/serial.clean" | while read -r _ k rest; do
		local mk
		mk=$(printf '0xc0de%04x' "$k")
		printf 'set %s %s\n' "$k" "$rest"
		awk -v m="$mk" '
			/RDMSR: Unknown register 0xc0de/ { on = ($NF == m); next }
			on && /(VMFAIL|VMENTER|VMEXIT|VMLAUNCH|VMRESUME|PANIC|VMABORT|check|failed)/ { sub(/^[0-9]+[a-z]\[[A-Z0-9 ]*\] /, ""); print "    bochs.log: " $0 }
		' "$out/bochs.log"
	done > "$out/disagreements"
	# rule level: the check Bochs names must be among the validator's failed rules
	local rulesum=
	if [ -n "$setsum" ]; then
		awk -f "$here/rules.awk" "$out/bochs.log" "$out/serial.clean" > "$out/rules" 2>&1
		rulesum=$(grep -m1 '^rules: ' "$out/rules")
		if grep -q '^rule-\(mismatch\|unmapped\)' "$out/rules" || [ -z "$rulesum" ]; then
			if [ $verdict = PASS ]; then
				verdict=FAIL
				why="the validator's rules differ from the check Bochs names:
$(grep '^rule-\(mismatch\|unmapped\)' "$out/rules" | head -10 | sed 's/^/    /')"
			fi
		fi
		setsum="$setsum; ${rulesum:-rules: rules.awk failed}"
	fi
	if [ $verdict = FAIL ] && grep -q '^set [0-9]* DISAGREE' "$out/disagreements"; then
		why="$why
$(grep -A3 '^set [0-9]* DISAGREE' "$out/disagreements" | sed 's/^/    /')"
	fi
	local line
	if [ $verdict = PASS ]; then
		line="PASS $name ($mode, ${secs}s): launch+resume, KVM vCPU set ok, broken set error 7, $cmp${setsum:+; ${setsum}}"
	else
		line="FAIL $name ($mode, ${secs}s): $why${setsum:+
    ${setsum}}"
	fi
	printf '%s\n' "$line" > "$out/summary"
	printf '%s\n' "$line"
}

if [ -n "$one" ]; then
	run_one "${models[0]}"
	exit 0
fi

command -v bochs-bin >/dev/null || { echo "ring0: bochs-bin not found (apt-get install bochs bochs-term bochsbios vgabios)" >&2; echo "0 passed, ${#models[@]} failed"; exit 1; }
for f in vmxcfg-ring0-64.img vmxcfg-ring0-32.img; do
	[ -f "$build/$f" ] || { echo "ring0: $build/$f missing (run make -C ring0)" >&2; exit 2; }
done
[ -n "$vmxcfg" ] && [ ! -x "$vmxcfg" ] && echo "ring0: note: $vmxcfg not built; vmcs_config comparison skipped" >&2

start=$(date +%s.%N)
# at most $jobs Bochs runs at a time; lines appear as runs finish
printf '%s\n' "${models[@]}" | xargs -P "$jobs" -I{} "$0" --one --build "$build" --vmxcfg "$vmxcfg" \
	--timeout "$tmo" --sets "$sets" --seed "$seed" --flags "$flags" --out "$rundir" --bios "$bios" {} > /dev/null
pass=0
fail=0
for m in "${models[@]}"; do
	s=$(cat "$rundir/$m/summary" 2>/dev/null || echo "FAIL $m: runner produced no summary")
	printf '%s\n' "$s"
	case $s in PASS*) pass=$((pass + 1)) ;; *) fail=$((fail + 1)) ;; esac
done
# validator agreement over all models
for m in "${models[@]}"; do grep -h '^sets: ' "$rundir/$m/serial.clean" 2>/dev/null; done | awk '
	{ n += $2; a += $6; e += substr($8, 2); v += $12; k += $15; d += $19; m++ }
	END { if (m) printf "ring0: validator vs Bochs: %d control sets on %d models: %d agree (%d both error 7, %d both valid), %d known Bochs deviations, %d disagree\n", n, m, a, e, v, k, d }'
for m in "${models[@]}"; do grep -h '^rules: ' "$rundir/$m/rules" 2>/dev/null; done | awk '
	{ b += $2; s += $10; k += $15; x += $19; u += $21; m++ }
	END { if (m) printf "ring0: rule level: %d sets with error 7 on both sides: %d name the check Bochs names, %d known (EXEC-26 first), %d mismatch, %d unmapped\n", b, s, k, x, u }'
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "ring0: wall time %.1f s\n", b - a }'
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

#!/bin/sh
# diff, baseline and group on embedded profiles and streams (hand-checked expectations; see tests/unit for more).
BUILD=${BUILD:-build}
V=$BUILD/vmxcfg
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # description, command...
	d=$1; shift
	if "$@"; then ok; else ko "$d"; fi
}
SKY=skylake-core-i7-6700k
HAS=haswell-core-i7-4770

# --- diff
$V diff $SKY $SKY > "$T/o"; rc=$?
check "diff X X exits 0" [ $rc -eq 0 ]
check "diff X X says B covers A" grep -q "B offers everything A does" "$T/o"
$V diff $SKY $HAS > "$T/o"; rc=$?
check "diff skylake haswell exits 1" [ $rc -eq 1 ]
check "diff names the lost QEMU feature vmx-xsaves" grep -q "vmx-xsaves" "$T/o"
check "diff lists xsaves in 0x48b" grep -q "0x48b) may be 1:.*xsaves" "$T/o"
$V diff $HAS $SKY > "$T/o"; rc=$?
check "diff haswell skylake exits 1 (CR4 bit 14)" [ $rc -eq 1 ]
check "haswell->skylake loses no QEMU feature" grep -A1 "could not keep on B" "$T/o" | grep -q "^  none"
$V diff --json $SKY $HAS > "$T/j"; rc=$?
check "diff --json exits 1" [ $rc -eq 1 ]
check "diff --json is JSON with b_covers_a false" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["b_covers_a"] is False; assert "vmx-xsaves" in d["qemu"]["lost_a_to_b"]' "$T/j"
$V diff $SKY no-such-cpu > "$T/o" 2> "$T/e"; rc=$?
check "diff unknown host exits 2" [ $rc -eq 2 ]
check "diff unknown host prints nothing on stdout" [ ! -s "$T/o" ]
check "diff unknown host names it" grep -q "no-such-cpu" "$T/e"
$V diff data/profiles/$SKY.profile $SKY > /dev/null
check "diff file vs embedded name of the same CPU exits 0" [ $? -eq 0 ]

# --- baseline
$V baseline $SKY > "$T/self.profile"; rc=$?
check "baseline of one host exits 0" [ $rc -eq 0 ]
grep '^msr' data/profiles/$SKY.profile | sort > "$T/a"
grep '^msr' "$T/self.profile" | sort > "$T/b"
check "baseline of a host is the host (MSRs)" cmp -s "$T/a" "$T/b"
$V baseline $SKY $SKY | grep '^msr' | sort > "$T/b"
check "baseline of a host with itself is the host (MSRs)" cmp -s "$T/a" "$T/b"
POOL="skylake-core-i7-6700k haswell-core-i7-4770 broadwell-core-i7-5600u coffeelake-core-i7-8700k tigerlake-core-i7-11800h"
$V baseline $POOL -o "$T/pool.profile" > "$T/o"; rc=$?
check "baseline of a modern pool exits 0" [ $rc -eq 0 ]
check "baseline prints the QEMU -cpu list" grep -q "^QEMU.*-cpu host,migratable=on,.*vmx-ept=on" "$T/o"
check "baseline drops what Haswell lacks (vmx-xsaves=off)" grep -q "vmx-xsaves=off" "$T/o"
$V kvm --profile "$T/pool.profile" > /dev/null
check "kvm accepts the baseline profile" [ $? -eq 0 ]
for h in $POOL; do
	$V diff "$T/pool.profile" $h > "$T/o"
	check "member $h offers everything the baseline does" [ $? -eq 0 ]
done
$V baseline --json $POOL > "$T/j"
check "baseline --json is JSON" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["hosts"] == 5; assert "vmx-ept=on" in d["qemu_cpu"]; assert "vmx-xsaves" in d["qemu_off"]' "$T/j"
# every embedded profile, through a stream on stdin
for f in data/profiles/*.profile; do cat "$f"; done > "$T/all.stream"
NHOSTS=$(ls data/profiles/*.profile | wc -l) # one host per profile file, counted here, not assumed
$V baseline - < "$T/all.stream" > "$T/all.profile"; rc=$?
check "baseline of all embedded profiles runs (exit 1: kvm_intel cannot load with it)" [ $rc -eq 1 ]
bad=0; n=0
# every 5th profile under valgrind and the sanitizers (GOLDEN_SAMPLE=1), all of them otherwise
for f in $(ls data/profiles/*.profile | awk -v s="${GOLDEN_SAMPLE:-0}" 's != 1 || NR % 5 == 1'); do
	n=$((n + 1)); $V diff "$T/all.profile" "$f" > /dev/null || bad=$((bad + 1))
done
check "every embedded profile covers the baseline of all" [ $bad -eq 0 -a $n -gt 0 ]

# --- group
$V group < "$T/all.stream" > "$T/g1"; rc=$?
check "group on stdin exits 0" [ $rc -eq 0 ]
ls data/profiles/*.profile | sort -r | while read -r f; do cat "$f"; done > "$T/rev.stream"
$V group "$T/rev.stream" > "$T/g2"
check "group output is independent of input order" cmp -s "$T/g1" "$T/g2"
check "group counts $NHOSTS hosts" grep -q "of $NHOSTS hosts" "$T/g1"
$V group --json --by caps "$T/all.stream" > "$T/gj"; rc=$?
check "group --json exits 0" [ $rc -eq 0 ]
check "group --json: JSON lines whose sizes add up to the hosts" python3 -c '
import json,sys; rows=[json.loads(l) for l in open(sys.argv[1])]; assert sum(r["size"] for r in rows) == int(sys.argv[2]); assert rows[0]["largest"]' "$T/gj" "$NHOSTS"
$V group --json --by caps "$T/rev.stream" > "$T/gj2"
check "group --json --by caps is order independent" cmp -s "$T/gj" "$T/gj2"
# a bad profile inside a stream: file and absolute line, nothing on stdout, exit 2
{ cat data/profiles/$SKY.profile; printf '# vmxcfg-profile 1\nmsr 0x480 0xzz\n'; } > "$T/bad.stream"
L=$(($(wc -l < data/profiles/$SKY.profile) + 2))
$V group "$T/bad.stream" > "$T/o" 2> "$T/e"; rc=$?
check "group on a bad stream exits 2" [ $rc -eq 2 ]
check "group on a bad stream prints nothing on stdout" [ ! -s "$T/o" ]
check "group names file and line of the error" grep -q "bad.stream:$L: " "$T/e"
printf '' | $V group > "$T/o" 2> "$T/e"; rc=$?
check "group on empty stdin exits 2" [ $rc -eq 2 ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# mkfakesys.sh DIR CPU PROFILE [MSR-FILTER]
# Fake msr/cpuid devices of one CPU for tests/fakesys/fakesys.so, from a profile's records:
#   DIR/dev/cpu/CPU/msr    "INDEX VALUE" per line  (from "msr INDEX VALUE")
#   DIR/dev/cpu/CPU/cpuid  "LEAF SUBLEAF EAX EBX ECX EDX" per line  (from "cpuid ...")
# MSR-FILTER (optional): an awk condition on $2 (index) and $3 (value) that drops records, e.g. '$2=="0x491"'.
# Only the records before the first "cpu N" line are used (single-block profiles).
set -eu
dir=$1 cpu=$2 prof=$3 filter=${4:-0}
mkdir -p "$dir/dev/cpu/$cpu"
awk '/^cpu /{exit} $1=="msr" && !('"$filter"') {print $2, $3}' "$prof" > "$dir/dev/cpu/$cpu/msr"
awk '/^cpu /{exit} $1=="cpuid" {print $2, $3, $4, $5, $6, $7}' "$prof" > "$dir/dev/cpu/$cpu/cpuid"

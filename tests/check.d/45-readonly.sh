#!/bin/sh
# Read-only guarantee for the MSR and CPUID devices (tests/readonly/guard.c, an LD_PRELOAD shim that logs every
# open of */dev/cpu/N/msr|cpuid and refuses and logs as VIOLATION any open for writing and any write or ioctl on
# such a descriptor).  Runs every live path of vmxcfg under it: through fake devices (tests/fakesys, the guard
# in front of the fake driver) and on this machine's real /dev/cpu.  Passes when no VIOLATION is logged, the
# devices were really opened (the guard was active), the guard catches a deliberate write (control), and the
# source has no path around the intercepted libc calls.  Prints "N passed, M failed".
BUILD=${BUILD:-build}
VMXCFG=${VMXCFG:-$BUILD/vmxcfg}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
CCX=${CC:-cc}
if ! $CCX -shared -fPIC -O1 -Wall -Wextra -Werror -o "$T/guard.so" tests/readonly/guard.c -ldl 2>"$T/cc.log" ||
	! $CCX -shared -fPIC -O1 -o "$T/fakesys.so" tests/fakesys/fakesys.c -ldl 2>>"$T/cc.log"; then
	cat "$T/cc.log"; echo "0 passed, 1 failed"; exit 1
fi
LOG=$T/guard.log
export FAKESYS_LOG=$T/fakesys.log
guarded() { VMXCFG_GUARD_LOG=$LOG LD_PRELOAD="$T/guard.so $T/fakesys.so" "$@" >/dev/null 2>&1; }
guarded_real() { VMXCFG_GUARD_LOG=$LOG LD_PRELOAD="$T/guard.so" "$@" >/dev/null 2>&1; }

# Control: the guard sees and refuses writes (so a pass below means something).
S=$T/sys; mkdir -p "$S/dev/cpu/0" "$S/sys/devices/system/cpu" "$S/proc/sys/kernel"
echo 0-1 > "$S/sys/devices/system/cpu/online"; echo 6.1.0-18-amd64 > "$S/proc/sys/kernel/osrelease"
echo fakehost > "$S/proc/sys/kernel/hostname"
for c in 0 1; do sh tests/fakesys/mkfakesys.sh "$S" $c data/profiles/skylake-core-i7-6700k.profile; done
VMXCFG_GUARD_LOG=$T/control.log LD_PRELOAD="$T/guard.so" sh -c "echo x > '$S/dev/cpu/0/msr'" 2>/dev/null
VMXCFG_GUARD_LOG=$T/control.log LD_PRELOAD="$T/guard.so" python3 -c "
import os
fd = os.open('$S/dev/cpu/1/cpuid', os.O_RDONLY)
try: os.write(fd, b'x')
except OSError: pass" 2>/dev/null
if grep -q "VIOLATION open $S/dev/cpu/0/msr" "$T/control.log" && grep -q "VIOLATION write fd=.*cpu/1/cpuid" "$T/control.log"; then
	ok; else bad "control: the guard did not catch a write (log: $(cat "$T/control.log" 2>/dev/null))"; fi

# Every live path through fake devices.
guarded "$VMXCFG" caps --live --sysroot "$S"
guarded "$VMXCFG" caps --sysroot "$S" --json
guarded "$VMXCFG" dump --sysroot "$S" -o "$T/dump.profile"
guarded "$VMXCFG" check --sysroot "$S"
guarded "$VMXCFG" kvm --live --sysroot "$S"
guarded "$VMXCFG" kvm --live --sysroot "$S" --json
# No source option: this machine (under --sysroot / VMXCFG_SYSROOT), the same live path.
guarded "$VMXCFG" kvm --sysroot "$S"
VMXCFG_SYSROOT=$S guarded "$VMXCFG" kvm --json
guarded "$VMXCFG" nested --sysroot "$S"
guarded "$VMXCFG" negotiate --policy data/policies/simplevisor.policy --sysroot "$S"
guarded "$VMXCFG" vmcs --from-kvm --sysroot "$S"
VMXCFG_SYSROOT=$S guarded "$VMXCFG" caps --live
for c in 0 1; do
	if grep -q "^OPEN $S/dev/cpu/$c/msr flags=0x" "$LOG"; then ok; else bad "CPU $c's msr device was never opened"; fi
	if grep -q "^OPEN $S/dev/cpu/$c/cpuid flags=0x" "$LOG"; then ok; else bad "CPU $c's cpuid device was never opened"; fi
done
# Unreadable and missing devices: the error paths open read-only too.
S2=$T/sys2; cp -r "$S" "$S2"; echo "errno EACCES" > "$S2/dev/cpu/1/msr"; rm -f "$S2/dev/cpu/0/cpuid"
guarded "$VMXCFG" caps --live --sysroot "$S2"
guarded "$VMXCFG" dump --sysroot "$S2"
rm -rf "$S2/dev/cpu"
guarded "$VMXCFG" check --sysroot "$S2"
guarded "$VMXCFG" caps --live --sysroot "$S2"
if grep -q "^OPEN $S2/dev/cpu/1/msr" "$LOG"; then ok; else bad "denied device not attempted"; fi

# This machine's real devices (/dev/cpu/N/cpuid exists here; /dev/cpu/N/msr only with the msr module).
n0=$(grep -c . "$LOG")
guarded_real "$VMXCFG" caps --live
guarded_real "$VMXCFG" dump
guarded_real "$VMXCFG" check
guarded_real "$VMXCFG" kvm --live
if grep -q "^OPEN /dev/cpu/[0-9]*/msr" "$LOG"; then ok; else bad "real /dev/cpu/N/msr was never tried (lines before: $n0)"; fi

if grep -q VIOLATION "$LOG"; then bad "vmxcfg tried to write a device:"; grep VIOLATION "$LOG" | head; else ok; fi
if grep -q WRITE-OPEN "$FAKESYS_LOG" 2>/dev/null; then bad "fake driver saw a write open"; else ok; fi
echo "  $(grep -c '^OPEN' "$LOG") device opens, all read-only: $(grep -c VIOLATION "$LOG") violations"

# Static: no way around the intercepted calls, and the device open is O_RDONLY.
raw=$(grep -rnE '\b(syscall|ioctl|pwrite|pwrite64|pwritev|writev|openat2)[[:space:]]*\(' src include | grep -v '^\S*:[0-9]*:\s*/\?\*')
if [ -z "$raw" ]; then ok; else bad "raw syscall/ioctl/pwrite in the source: $raw"; fi
opens=$(grep -rnE '(^|[^_a-zA-Z0-9.>])open(at)?(64)?\(' src --include=*.c | grep -v 'O_RDONLY' | grep -vE 'posix_open\(void')
if [ -z "$opens" ]; then ok; else bad "open() without O_RDONLY: $opens"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

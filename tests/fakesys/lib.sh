# Fake sysroots for the live-path tests (source after tests/sh/lib.sh).
# The msr/cpuid devices are faked with the LD_PRELOAD shim tests/fakesys/fakesys.c (real driver semantics:
# pread at the MSR index, EIO for an absent MSR); everything else is plain files.
FAKESYS_SO=$T_TMP/fakesys.so
fakesys_build() {
	${CC:-cc} -shared -fPIC -O1 -o "$FAKESYS_SO" tests/fakesys/fakesys.c -ldl 2>"$T_TMP/shim.log" ||
		{ echo "cannot build the fakesys shim: $(cat "$T_TMP/shim.log")" >&2; return 1; }
}
# sysroot_new DIR ONLINE RELEASE: the files every live read looks at.
sysroot_new() {
	mkdir -p "$1/sys/devices/system/cpu" "$1/proc/sys/kernel" "$1/dev/cpu"
	echo "$2" > "$1/sys/devices/system/cpu/online"
	echo "$3" > "$1/proc/sys/kernel/osrelease"
	echo fakehost > "$1/proc/sys/kernel/hostname"
}
# sysroot_cpu DIR N PROFILE [AWK-FILTER]: fake /dev/cpu/N/{msr,cpuid} from a profile's records.
sysroot_cpu() { sh tests/fakesys/mkfakesys.sh "$@"; }
# sysroot_kvm DIR: kvm_intel loaded with its parameters, /dev/kvm present.
sysroot_kvm() {
	mkdir -p "$1/sys/module/kvm_intel/parameters" "$1/sys/module/kvm"
	echo Y > "$1/sys/module/kvm_intel/parameters/nested"
	echo Y > "$1/sys/module/kvm_intel/parameters/ept"
	echo Y > "$1/sys/module/kvm_intel/parameters/error_on_inconsistent_vmcs_config"
	mknod "$1/dev/kvm" c 10 232 2>/dev/null || : > "$1/dev/kvm"
}
# live CMD...: run vmxcfg with the shim; opens of the fake devices are logged to $T_TMP/fakesys.log.
live() { FAKESYS_LOG=$T_TMP/fakesys.log LD_PRELOAD=$FAKESYS_SO "$@"; }

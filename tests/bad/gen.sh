#!/bin/sh
# Generated inputs of the bad-input catalogue that are not plain files: fake sysroots in $T.
#   $T/nomsr   one online CPU, no /dev/cpu/0/msr (driver not loaded), no /proc/cpuinfo
#   $T/denied  /dev/cpu/0/msr exists but cannot be opened (mode 000; the case runs as nobody when root)
for s in nomsr denied; do
	mkdir -p "$T/$s/sys/devices/system/cpu" "$T/$s/proc/sys/kernel" "$T/$s/dev/cpu/0"
	echo 0 > "$T/$s/sys/devices/system/cpu/online"
	echo 6.1.0-18-amd64 > "$T/$s/proc/sys/kernel/osrelease"
done
: > "$T/denied/dev/cpu/0/msr"
chmod 000 "$T/denied/dev/cpu/0/msr"
chmod -R a+rX "$T/nomsr" "$T/denied/sys" "$T/denied/proc"
chmod a+rx "$T/denied" "$T/denied/dev" "$T/denied/dev/cpu" "$T/denied/dev/cpu/0"

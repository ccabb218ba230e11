#!/bin/sh
# Proves the core is freestanding: each source compiles with -ffreestanding -nostdlib -fno-builtin for x86_64 and
# i386, includes no header beyond <stdint.h>/<stddef.h>/<stdbool.h> and the project's own, and the linked core
# needs no symbol except memcpy/memmove/memset/memcmp (which GCC requires of every freestanding environment).
# Prints "N passed, M failed".
cc=$1; flags=$2; shift 2
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
for src in "$@"; do
	bad_inc=$(grep -h '^[[:space:]]*#[[:space:]]*include' "$src" | grep -v -e '<stdint.h>' -e '<stddef.h>' -e '<stdbool.h>' -e '<vmxcfg/' -e '"vmx')
	[ -z "$bad_inc" ] && ok || bad "$src includes $bad_inc"
done
for h in include/vmxcfg/*.h; do
	bad_inc=$(grep -h '^[[:space:]]*#[[:space:]]*include' "$h" | grep -v -e '<stdint.h>' -e '<stddef.h>' -e '<stdbool.h>' -e '"[a-z_]*\.h"')
	[ -z "$bad_inc" ] && ok || bad "$h includes $bad_inc"
done
for m in -m64 -m32; do
	objs=""
	for src in "$@"; do
		o="$tmp/$(basename "$src" .c)$m.o"
		if $cc $flags $m -c "$src" -o "$o" 2>"$tmp/err"; then ok; objs="$objs $o"; else bad "$src ($m)"; cat "$tmp/err"; fi
	done
	# Link everything into one relocatable object and list what it still needs from outside.
	if ld $( [ $m = -m32 ] && echo -m elf_i386 ) -r -o "$tmp/core$m.o" $objs 2>"$tmp/err"; then
		undef=$(nm -u "$tmp/core$m.o" | awk '{print $2}' | grep -v -x -e memcpy -e memmove -e memset -e memcmp)
		[ -z "$undef" ] && ok || bad "core ($m) needs: $undef"
	else
		bad "ld -r ($m)"; cat "$tmp/err"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

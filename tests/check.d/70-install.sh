#!/bin/sh
# `make install` into a temporary DESTDIR+PREFIX, then: the expected files and the soname are there, a program
# builds against the installed library through `pkg-config --cflags --libs vmxcfg` (shared, and static with
# --static) and runs, the installed vmxcfg runs, the man page renders, and `make uninstall` removes everything.
BUILD=${BUILD:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
PREFIX=/opt/vmxcfg-test
D=$T/dest
R=$D$PREFIX
if make -s BUILD="$BUILD" PREFIX="$PREFIX" DESTDIR="$D" install >"$T/install.log" 2>&1; then ok; else
	bad "make install"; tail -n 20 "$T/install.log"; echo "$pass passed, $fail failed"; exit 1; fi
ver=$(sed -n 's/^#define VMXCFG_VERSION "\(.*\)"/\1/p' include/vmxcfg/vmxcfg.h)
major=${ver%%.*}
for f in bin/vmxcfg lib/libvmxcfg.a "lib/libvmxcfg.so.$ver" "lib/libvmxcfg.so.$major" lib/libvmxcfg.so \
	lib/pkgconfig/vmxcfg.pc share/man/man1/vmxcfg.1 share/bash-completion/completions/vmxcfg; do
	if [ -e "$R/$f" ]; then ok; else bad "not installed: $f"; fi
done
for h in include/vmxcfg/*.h; do
	if cmp -s "$h" "$R/$h"; then ok; else bad "header not installed: $h"; fi
done
soname=$(readelf -d "$R/lib/libvmxcfg.so.$ver" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
if [ "$soname" = "libvmxcfg.so.$major" ]; then ok; else bad "soname '$soname', expected libvmxcfg.so.$major"; fi
# The shared library exports the core API and nothing from the host side.
if nm -D --defined-only "$R/lib/libvmxcfg.so.$ver" | grep -q ' T kvm_setup_vmcs_config$'; then ok; else bad "kvm_setup_vmcs_config not exported"; fi
# pkg-config sees the installed prefix (the .pc names PREFIX; DESTDIR is only a staging root).
export PKG_CONFIG_PATH="$R/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
if [ "$(pkg-config --modversion vmxcfg)" = "$ver" ]; then ok; else bad "pkg-config --modversion"; fi
cflags=$(pkg-config --cflags vmxcfg); libs=$(pkg-config --libs vmxcfg)
case "$cflags $libs" in *"$R/include"*"$R/lib"*) ok ;; *) bad "pkg-config flags '$cflags $libs'" ;; esac
# The example, built out of tree against the installed copy only (no -I into the source tree).
cp examples/embed.c examples/Makefile "$T/"
# shellcheck disable=SC2086
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror "$T/embed.c" $cflags $libs -o "$T/embed-shared" 2>"$T/cc.log"; then ok; else
	bad "example does not build (shared)"; cat "$T/cc.log"; fi
if LD_LIBRARY_PATH="$R/lib" "$T/embed-shared" >"$T/out" 2>&1 && grep -q "VM-entry control checks: 0 errors" "$T/out"; then
	ok; else bad "example (shared) did not run: $(cat "$T/out")"; fi
if ldd "$T/embed-shared" 2>/dev/null | grep -q "libvmxcfg.so.$major => $R/lib" ||
	LD_LIBRARY_PATH="$R/lib" ldd "$T/embed-shared" | grep -q "libvmxcfg.so.$major => $R/lib"; then ok; else
	bad "example is not linked against the installed libvmxcfg.so.$major"; fi
# shellcheck disable=SC2086
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -static "$T/embed.c" $cflags $(pkg-config --libs --static vmxcfg) \
	-o "$T/embed-static" 2>"$T/cc.log" && "$T/embed-static" >/dev/null; then ok; else
	bad "example does not build or run statically"; cat "$T/cc.log"; fi
if make -s -C "$T" PKG_CONFIG=pkg-config embed >"$T/mk.log" 2>&1; then ok; else bad "examples/Makefile"; cat "$T/mk.log"; fi
# The installed program and its documentation.
if "$R/bin/vmxcfg" kvm --cpu skylake-core-i7-6700 >/dev/null; then ok; else bad "installed vmxcfg does not run"; fi
if command -v man >/dev/null; then
	if MANWIDTH=80 man -l "$R/share/man/man1/vmxcfg.1" 2>&1 >/dev/null | grep -q .; then
		bad "man page warnings: $(MANWIDTH=80 man -l "$R/share/man/man1/vmxcfg.1" 2>&1 >/dev/null | head -3)"; else ok; fi
fi
if command -v bash >/dev/null; then
	out=$(bash -c ". '$R/share/bash-completion/completions/vmxcfg'; COMP_WORDS=($R/bin/vmxcfg ca); COMP_CWORD=1; _vmxcfg; echo \${COMPREPLY[*]}")
	case "$out" in *caps*) ok ;; *) bad "bash completion of 'vmxcfg ca': '$out'" ;; esac
	out=$(bash -c ". '$R/share/bash-completion/completions/vmxcfg'; COMP_WORDS=($R/bin/vmxcfg kvm --ker); COMP_CWORD=2; _vmxcfg; echo \${COMPREPLY[*]}")
	case "$out" in *--kernel*) ok ;; *) bad "bash completion of 'vmxcfg kvm --ker': '$out'" ;; esac
	out=$(bash -c ". '$R/share/bash-completion/completions/vmxcfg'; COMP_WORDS=($R/bin/vmxcfg help ne); COMP_CWORD=2; _vmxcfg; echo \${COMPREPLY[*]}")
	[ "$out" = "nested negotiate" ] && ok || bad "bash completion of 'vmxcfg help ne': '$out'"
fi
# Uninstall leaves nothing but empty directories.
if make -s BUILD="$BUILD" PREFIX="$PREFIX" DESTDIR="$D" uninstall >"$T/un.log" 2>&1; then ok; else bad "make uninstall"; cat "$T/un.log"; fi
left=$(find "$D" -type f -o -type l)
if [ -z "$left" ]; then ok; else bad "left after uninstall: $left"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

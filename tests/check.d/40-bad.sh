#!/bin/sh
# Bad-input catalogue (tests/bad/cases): each case must exit 2 with an empty stdout and the expected text on stderr.
# Prints one line per failing case and "N passed, M failed".
BUILD=${BUILD:-build}
VMXCFG=${VMXCFG:-$BUILD/vmxcfg}
F=tests/bad/files
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Generated inputs.
{ echo '# vmxcfg-profile 1'; head -c 1048576 /dev/zero | tr '\0' '0'; echo; } >"$T/long-line.profile"
cp data/profiles/skylake-core-i7-6700.profile "$T/secret.profile"
chmod 600 "$T/secret.profile"
chmod 755 "$T"
# Permission denied needs a user the file does not belong to: as root, run that case as nobody.
as_user() {
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		chmod 000 "$T/secret.profile"; "$@"
	fi
}
[ -f tests/bad/gen.sh ] && T=$T BUILD=$BUILD sh tests/bad/gen.sh
pass=0; fail=0
while IFS= read -r line; do
	case "$line" in '#'* | '') continue ;; esac
	name=$(printf '%s' "$line" | sed 's/ *|.*//')
	args=$(printf '%s' "$line" | sed 's/^[^|]*| *//; s/ *|.*//')
	want=$(printf '%s' "$line" | sed 's/^[^|]*|[^|]*| *//')
	eval "set -- $args"
	if [ "$name" = permission-denied ] || [ "$name" = msr-permission-denied ]; then
		as_user "$VMXCFG" "$@" >"$T/out" 2>"$T/err"
	else
		"$VMXCFG" "$@" >"$T/out" 2>"$T/err"
	fi
	rc=$?
	why=""
	[ "$rc" -eq 2 ] || why="exit $rc, expected 2"
	[ -s "$T/out" ] && why="$why${why:+; }stdout not empty: $(head -c 200 "$T/out")"
	grep -qF -- "$want" "$T/err" || why="$why${why:+; }stderr lacks: $want"
	[ "$(wc -l <"$T/err")" -le 40 ] || why="$why${why:+; }stderr longer than 40 lines"
	if [ -z "$why" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: $why"
		echo "     stderr: $(head -c 400 "$T/err")"
	fi
done <tests/bad/cases
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

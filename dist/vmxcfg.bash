# bash completion for vmxcfg                                    -*- shell-script -*-
# Commands and options come from the installed program itself (`vmxcfg --help`, `vmxcfg CMD --help`), so the
# completion never lags behind it; --cpu completes the embedded profile names, --kernel the versions.
_vmxcfg()
{
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=${COMP_WORDS[1]}
	local prog=${COMP_WORDS[0]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p') help --help --version" -- "$cur"))
		return
	fi
	if [ "$cmd" = help ] && [ "$COMP_CWORD" -eq 2 ]; then
		COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p')" -- "$cur"))
		return
	fi
	case $prev in
	--cpu)
		COMPREPLY=($(compgen -W "$("$prog" profiles 2>/dev/null | sed -n 's/^\([a-z0-9][^ ]*\) .*/\1/p')" -- "$cur"))
		return ;;
	--kernel)
		COMPREPLY=($(compgen -W "$("$prog" kvm --help 2>/dev/null | sed -n 's/.*one of: \([0-9. ]*\).*/\1/p') all" -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null | grep -o -- '--format [a-z|]*' | head -n 1 | sed 's/--format //; s/|/ /g')" -- "$cur"))
		return ;;
	--by)
		COMPREPLY=($(compgen -W "kvm caps" -- "$cur"))
		return ;;
	--profile | --policy | --cpuinfo | -o)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--sysroot)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null | grep -o -- '--\?-[a-z][a-z0-9-]*' | sort -u) --help" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _vmxcfg vmxcfg

#!/bin/sh
# Rebuilds the pasted samples of tests/paste from the clean samples of tests/import (README.md says what each
# is).  Run from the top directory: sh tests/paste/make.sh.  Only fold, sed, awk and printf are used.
set -e
I=tests/import
P=tests/paste
A=$I/alderlake-s-core-i5-12400.cpuinfo
S=$I/skylake-sample.vmxcap.txt
crlf() { awk '{ printf "%s\r\n", $0 }'; }

# --- /proc/cpuinfo ------------------------------------------------------------------------------------------
fold -s -w 72 "$A" >$P/alderlake-i5-12400.wrap72.cpuinfo
fold -s -w 90 "$A" | sed 's/ *$//' >$P/alderlake-i5-12400.wrap90.cpuinfo
fold -w 80 "$A" >$P/alderlake-i5-12400.cut80.cpuinfo
{
	printf 'On Mon, 3 Mar 2025 at 10:12, A. User <a.user@example.org> wrote:\n'
	printf '> Here it is, straight from the box:\n>\n> $ cat /proc/cpuinfo\n'
	fold -s -w 72 "$A" | sed 's/^/> /'
	printf '>\n> Cheers,\n> A.\n\nThanks, looking at it now.\n'
} | crlf >$P/alderlake-i5-12400.mail.cpuinfo
{
	printf '# Lab server notes\n\nThe host under test (kernel 6.15):\n\n'
	printf '    user@lab01:~$ head -27 /proc/cpuinfo\n'
	sed 's/^/    /; 5s/$/   /; 20s/$/ /' $I/icelake-sp-xeon-gold-5318y.cpuinfo
	printf '\nNo ipi_virt here.\n'
} >$P/icelake-5318y.note.md
{
	printf 'Am 12.05.2025 um 09:30 schrieb B. Admin:\n> Laptop first, as asked:\n>\n'
	printf '> > $ cat /proc/cpuinfo | head -n 30\n'
	fold -s -w 90 $I/raptorlake-u-core-i7-1355u-hybrid.cpuinfo | sed 's/^/> > /'
	printf '>\n> And this is the old desktop.\n'
} >$P/raptorlake-1355u.nested.cpuinfo
{
	printf '\t[root@ws ~]# cat /proc/cpuinfo\n'
	sed 's/^/\t/; s/$/  /' $I/haswell-ep-xeon-e5-1630v3.cpuinfo
	printf '\t[root@ws ~]#\n'
} | crlf >$P/haswell-1630v3.tab.cpuinfo
# a word that is no flag name in a continuation line of "vmx flags" (line 35)
sed '35s/^ept_ad /ept_ad frobnicate /' $P/alderlake-i5-12400.wrap72.cpuinfo >$P/bad-wrap-garbage.cpuinfo
# a name cut at column 80 whose two pieces form no name ("ep" + "x_1gb", lines 32-33)
sed '33s/^t_1gb/x_1gb/' $P/alderlake-i5-12400.cut80.cpuinfo >$P/bad-cut-unjoinable.cpuinfo

# --- vmxcap -------------------------------------------------------------------------------------------------
{
	printf '$ sudo ./vmxcap    '
	cat "$S"
	printf '$ \n'
} >$P/skylake.prompt.vmxcap.txt
{
	printf '## vmxcap on the i5-6500\n\nRun as root (it reads /dev/cpu/0/msr):\n\n    $ sudo ./vmxcap\n'
	sed 's/^/    /' "$S"
	printf '\nNote "VM Functions" reads 0 here.\n'
} >$P/skylake.indent.vmxcap.md
{
	printf 'On Tue, 4 Mar 2025, C. Dev wrote:\n> Output below.\n>\n> $ sudo scripts/kvm/vmxcap\n'
	sed 's/^/> /; /^> [^ ]/s/$/  /' "$S"
	printf '>\n> C.\n\nThanks!\n'
} | crlf >$P/skylake.quoted.vmxcap.eml
{
	printf 'D. Ops wrote:\n> Forwarding what the user sent:\n>\n'
	printf '> > user@host:~/qemu$ sudo ./scripts/kvm/vmxcap\n'
	sed 's/^/> > /' "$S"
	printf '> > user@host:~/qemu$\n>\n> Any idea?\n'
} >$P/skylake.nested.vmxcap.txt
{
	printf '\t[user@host qemu]$ sudo ./scripts/kvm/vmxcap\n'
	sed 's/^/\t/' "$S"
} >$P/skylake.tab.vmxcap.txt
# "  Use TSC offsetting                       yes" cut after its label (input line 20, line 24 of the mail)
{
	printf 'On Tue, 4 Mar 2025, C. Dev wrote:\n> Output below.\n>\n> $ sudo scripts/kvm/vmxcap\n'
	sed '20s/offsetting .*/offsetting/; s/^/> /' "$S"
} | crlf >$P/bad-quoted-cut.vmxcap.eml
# the first heading after other text on its line
{
	printf 'Output of vmxcap: Basic VMX Information\n'
	sed 1d "$S"
} >$P/bad-glued-heading.vmxcap.txt

# --- VirtualBox and VMware logs ----------------------------------------------------------------------------
{
	printf 'On Sat, 5 Oct 2013, E. User wrote:\n> $ cat ~/VirtualBox\\ VMs/xp/Logs/VBox.log\n'
	sed 's/^/> /' $I/penryn-core2-duo-p8600.vbox.log
} | crlf >$P/penryn-p8600.quoted.vbox.log
{
	printf 'F. wrote:\n> G. wrote:\n> > here:\n> >\n'
	sed 's/^/> > /; s/$/ /' $I/coffeelake-core-i7-8700k.vbox.log
	printf '>\n> Same here.\n'
} >$P/coffeelake-8700k.nested.vbox.log
{
	printf 'The VMware log of the Nehalem box:\n\n    PS C:\\Users\\me\\Documents\\Virtual Machines\\xp> type vmware.log\n'
	sed 's/^/    /' $I/nehalem-xeon-x3430.vmware.log
	printf '\nEnd.\n'
} >$P/nehalem-x3430.indent.vmware.log
# the host CPUID line of input line 27 cut after its second register (line 29 of the mail)
{
	printf 'On Sat, 5 Oct 2013, E. User wrote:\n> $ cat ~/VirtualBox\\ VMs/xp/Logs/VBox.log\n'
	sed '27s/ 20205550 50202020$//; s/^/> /' $I/penryn-core2-duo-p8600.vbox.log
} | crlf >$P/bad-quoted-cut.vbox.log

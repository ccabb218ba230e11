# vmxcfg-profile 1
cpu zero
msr 0x480 0x00da040000000004

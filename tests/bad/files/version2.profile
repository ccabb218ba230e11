# vmxcfg-profile 2
msr 0x480 0x00da040000000004

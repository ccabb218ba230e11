# vmxcfg-profile 1
msr 0x480 0x00da040000000004
cpu 100000

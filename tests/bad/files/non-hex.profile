# vmxcfg-profile 1
msr 0x480 0x00da04000000000g

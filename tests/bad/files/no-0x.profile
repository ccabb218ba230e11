# vmxcfg-profile 1
msr 0x480 1234

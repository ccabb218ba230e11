# vmxcfg-profile 1
msr 0x480 0x1ffffffffffffffff

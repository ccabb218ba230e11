# vmxcfg-profile 1
msr 0x482 0xfff9fffe00000000 known 0xffffffff00000000
msr 0x480 0x00da040000000004

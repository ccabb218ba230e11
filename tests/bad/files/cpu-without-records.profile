# vmxcfg-profile 1
cpu 7

# vmxcfg-profile 1

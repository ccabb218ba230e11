/* SPDX-License-Identifier: MIT */
/* Subcommand entry points (one file each in src/cli/). */
#ifndef VMXCFG_CLI_COMMANDS_H
#define VMXCFG_CLI_COMMANDS_H
#include <stdio.h>

int cmd_kvm(int argc, char **argv, FILE *out);
int cmd_profiles(int argc, char **argv, FILE *out);
int cmd_diff(int argc, char **argv, FILE *out);
int cmd_baseline(int argc, char **argv, FILE *out);
int cmd_group(int argc, char **argv, FILE *out);
int cmd_import(int argc, char **argv, FILE *out);
int cmd_nested(int argc, char **argv, FILE *out);
int cmd_negotiate(int argc, char **argv, FILE *out);
int cmd_caps(int argc, char **argv, FILE *out);
int cmd_dump(int argc, char **argv, FILE *out);
int cmd_check(int argc, char **argv, FILE *out);
int cmd_vmcs(int argc, char **argv, FILE *out);
/* Further subcommands: declare here, add one line to src/cli/commands_extra.h. */

#endif

/* SPDX-License-Identifier: MIT */
/* Text and JSON formatting helpers shared by the subcommands. */
#ifndef VMXCFG_HOST_FMT_H
#define VMXCFG_HOST_FMT_H

#include <stdint.h>
#include <stdio.h>

#include <vmxcfg/bits.h>

/* Space-separated short names of the set bits; unnamed bits as "bit N". Prints "-" for 0. */
void vmx_fmt_bits(FILE *f, enum vmx_class cls, uint64_t bits);
/* The same as a JSON array of strings. */
void vmx_json_bits(FILE *f, enum vmx_class cls, uint64_t bits);
/* A JSON string with escaping. */
void vmx_json_str(FILE *f, const char *s);
/* A JSON hex string "0x..." (lowercase, no leading zeros). */
void vmx_json_hex(FILE *f, uint64_t v);
/* Name of a bit for messages: "CR8-load exiting (bit 19)". */
void vmx_fmt_bit_sdm(FILE *f, enum vmx_class cls, unsigned bit);

#endif

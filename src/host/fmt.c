/* SPDX-License-Identifier: MIT */
#include "host/fmt.h"

#include <inttypes.h>

void vmx_fmt_bits(FILE *f, enum vmx_class cls, uint64_t bits)
{
	if (!bits) {
		fputs("-", f);
		return;
	}
	const char *sep = "";
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const struct vmx_bit_info *i = vmx_bit_get(cls, b);
		if (i)
			fprintf(f, "%s%s", sep, i->name);
		else
			fprintf(f, "%sbit%u", sep, b);
		sep = " ";
	}
}

void vmx_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void vmx_json_hex(FILE *f, uint64_t v)
{
	fprintf(f, "\"0x%" PRIx64 "\"", v);
}

void vmx_json_bits(FILE *f, enum vmx_class cls, uint64_t bits)
{
	fputc('[', f);
	const char *sep = "";
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const struct vmx_bit_info *i = vmx_bit_get(cls, b);
		fputs(sep, f);
		if (i) {
			vmx_json_str(f, i->name);
		} else {
			fprintf(f, "\"bit%u\"", b);
		}
		sep = ", ";
	}
	fputc(']', f);
}

void vmx_fmt_bit_sdm(FILE *f, enum vmx_class cls, unsigned bit)
{
	const struct vmx_bit_info *i = vmx_bit_get(cls, bit);
	if (i)
		fprintf(f, "%s (bit %u)", i->sdm, bit);
	else
		fprintf(f, "reserved bit %u", bit);
}

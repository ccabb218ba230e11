/* SPDX-License-Identifier: MIT */
/*
 * Minimal test harness.  Each test binary prints "N passed, M failed" as its
 * last line; tests/run.sh sums them.  A failed check prints file:line and the
 * expression, then the test goes on (every failure is shown, not just the first).
 */
#ifndef VMXCFG_T_H
#define VMXCFG_T_H
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int t_pass_, t_fail_;

#define T_CHECK(cond) \
	do { \
		if (cond) { \
			t_pass_++; \
		} else { \
			t_fail_++; \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

#define T_EQ_U64(a, b) \
	do { \
		uint64_t t_a_ = (uint64_t)(a), t_b_ = (uint64_t)(b); \
		if (t_a_ == t_b_) { \
			t_pass_++; \
		} else { \
			t_fail_++; \
			fprintf(stderr, "%s:%d: %s == %s failed: 0x%" PRIx64 " != 0x%" PRIx64 "\n", __FILE__, \
				__LINE__, #a, #b, t_a_, t_b_); \
		} \
	} while (0)

#define T_EQ_STR(a, b) \
	do { \
		const char *t_a_ = (a), *t_b_ = (b); \
		if (t_a_ && t_b_ && strcmp(t_a_, t_b_) == 0) { \
			t_pass_++; \
		} else { \
			t_fail_++; \
			fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b, \
				t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)"); \
		} \
	} while (0)

/* Call at the end of main: prints the summary and returns the exit code. */
#define T_DONE() (printf("%d passed, %d failed\n", t_pass_, t_fail_), t_fail_ ? 1 : 0)

#endif

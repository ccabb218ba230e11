/* SPDX-License-Identifier: MIT */
/* /proc/cpuinfo "vmx flags" reader: real samples and the name sets of Linux 5.10, 6.1 and 7.x. */
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "host/cpuinfo.h"
#include "t.h"

#define DIR "tests/caps/cpuinfo/"

/* MSR-value bit of a control's allowed-1 half. */
#define A1(bit) (1ull << (32 + (bit)))

static int load(const char *name, const char *release, struct vmx_profile *p, struct vmx_cpuinfo_info *info,
		struct vmx_diag *d)
{
	char path[256];
	snprintf(path, sizeof(path), DIR "%s", name);
	memset(d, 0, sizeof(*d));
	return vmx_cpuinfo_load(path, release, p, info, d);
}

/* 1 known-1, 0 known-0, -1 unknown. */
static int kbit(const struct vmx_snapshot *s, enum vmx_msr_slot slot, uint64_t mask)
{
	if (!(s->known[slot] & mask))
		return -1;
	return (s->msr[slot] & mask) ? 1 : 0;
}

static void test_alderlake(void)
{
	struct vmx_profile p;
	struct vmx_cpuinfo_info info;
	struct vmx_diag d;
	T_CHECK(load("alderlake-s-core-i5-12400.cpuinfo", NULL, &p, &info, &d) == 0);
	T_EQ_U64(p.n_cpus, 2);
	T_EQ_U64(p.cpus[0].id, 0);
	T_EQ_U64(p.cpus[1].id, 1);
	const struct vmx_snapshot *s = &p.cpus[0].snap;
	T_CHECK(s->flags & VMX_SNAP_PARTIAL);
	T_EQ_U64(info.names, VMX_CPUINFO_NAMES_5_10); /* no 6.1+ name in the line: inferred */
	T_CHECK(!info.names_from_release);
	/* Printed names: known 1. */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED2, A1(1)), 1);   /* ept */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED2, A1(17)), 1);  /* pml */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED2, A1(26)), 1);  /* usr_wait_pause */
	T_EQ_U64(kbit(s, VMX_MSR_PINBASED, A1(7)), 1);     /* posted_intr */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED, A1(21)), 1);   /* vtpr */
	T_EQ_U64(kbit(s, VMX_MSR_EPT_VPID_CAP, 1ull << 32), 1); /* invvpid */
	T_EQ_U64(kbit(s, VMX_MSR_EPT_VPID_CAP, 1ull << 17), 1); /* ept_1gb */
	/* Named in 5.10 but absent: known 0. */
	T_EQ_U64(kbit(s, VMX_MSR_VMFUNC, 1ull << 32), 0); /* eptp_switching (MSR bit 32, kernel quirk) */
	/* Names of later kernels: unknown (the line may come from 5.10). */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED2, A1(31)), -1); /* notify_vm_exiting */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED2, A1(18)), -1); /* ept_violation_ve */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED3, 1ull << 4), -1); /* ipi_virt */
	/* Never printed: unknown. */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED2, A1(2)), -1);  /* descriptor-table exiting */
	T_EQ_U64(kbit(s, VMX_MSR_PROCBASED, A1(7)), -1);   /* HLT exiting */
	T_EQ_U64(s->known[VMX_MSR_BASIC], 0);
	T_EQ_U64(s->known[VMX_MSR_PROCBASED] & 0xffffffffu, 0); /* allowed-0 halves are never printed */
	/* With the release, absent 6.1 names are known 0 (ept_violation_ve stays unknown until 6.16). */
	vmx_profile_free(&p);
	T_CHECK(load("alderlake-s-core-i5-12400.cpuinfo", "6.1.0-18-amd64", &p, &info, &d) == 0);
	T_EQ_U64(info.names, VMX_CPUINFO_NAMES_6_1);
	T_CHECK(info.names_from_release);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(31)), 0);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED3, 1ull << 4), 0);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(18)), -1);
	vmx_profile_free(&p);
	T_CHECK(load("alderlake-s-core-i5-12400.cpuinfo", "7.0.3", &p, &info, &d) == 0);
	T_EQ_U64(info.names, VMX_CPUINFO_NAMES_6_16);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(18)), 0);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_EPT_VPID_CAP, 1ull << 7), 0);
	/* CPUID rebuilt: GenuineIntel, 6/151/5, VMX. */
	s = &p.cpus[0].snap;
	T_CHECK(vmx_cpuid_is_intel(s));
	T_CHECK(vmx_cpuid_has_vmx(s));
	T_EQ_U64(vmx_cpuid_signature(s), 0x00090675);
	T_EQ_U64(vmx_cpuid_family(s), 6);
	T_EQ_U64(vmx_cpuid_model(s), 151);
	T_EQ_STR(vmx_profile_meta(&p, "name"), "12th Gen Intel(R) Core(TM) i5-12400");
	/* Feature control: implied enabled and locked. */
	T_EQ_U64(s->msr[VMX_MSR_FEATURE_CONTROL] & s->known[VMX_MSR_FEATURE_CONTROL], 5);
	vmx_profile_free(&p);
}

static void test_kernel_formats(void)
{
	struct vmx_profile p;
	struct vmx_cpuinfo_info info;
	struct vmx_diag d;
	/* 5.10: 25 names; notify unknown. */
	T_CHECK(load("k5.10-cascadelake.cpuinfo", NULL, &p, &info, &d) == 0);
	T_EQ_U64(info.names, VMX_CPUINFO_NAMES_5_10);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(25)), 1);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(26)), 0); /* usr_wait_pause: a 5.10 name, absent */
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(31)), -1);
	T_CHECK(vmx_snapshot_equal(&p.cpus[0].snap, &p.cpus[1].snap));
	T_CHECK(info.warning[0] == 0);
	vmx_profile_free(&p);
	/* 6.1: notify_vm_exiting and ipi_virt present -> the 6.1 set; 6.16 names unknown. */
	T_CHECK(load("k6.1-sapphirerapids.cpuinfo", NULL, &p, &info, &d) == 0);
	T_EQ_U64(info.names, VMX_CPUINFO_NAMES_6_1);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(31)), 1);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED3, 1ull << 4), 1);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_EPT_VPID_CAP, 1ull << 7), -1);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(18)), -1);
	vmx_profile_free(&p);
	/* 7.x: all 29 names. */
	T_CHECK(load("k7.x-graniterapids.cpuinfo", NULL, &p, &info, &d) == 0);
	T_EQ_U64(info.names, VMX_CPUINFO_NAMES_6_16);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_EPT_VPID_CAP, 1ull << 7), 1);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(18)), 1);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_VMFUNC, 1ull << 32), 0);
	vmx_profile_free(&p);
	/* Mixed CPUs (6.1): CPU 1 lacks notify_vm_exiting. */
	T_CHECK(load("k6.1-mixed.cpuinfo", NULL, &p, &info, &d) == 0);
	T_EQ_U64(p.n_cpus, 2);
	T_EQ_U64(kbit(&p.cpus[1].snap, VMX_MSR_PROCBASED2, A1(31)), 0);
	T_CHECK(!vmx_snapshot_equal(&p.cpus[0].snap, &p.cpus[1].snap));
	vmx_profile_free(&p);
	/* Real samples: 6.x names inferred from what they print. */
	T_CHECK(load("arrowlake-s-core-ultra9-285k-hybrid.cpuinfo", NULL, &p, &info, &d) == 0);
	T_EQ_U64(info.names, VMX_CPUINFO_NAMES_6_16); /* prints ept_violation_ve */
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_EPT_VPID_CAP, 1ull << 7), 0); /* no ept_5level */
	vmx_profile_free(&p);
	T_CHECK(load("nehalem-lynnfield-core-i5-750.cpuinfo", NULL, &p, &info, &d) == 0);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(7)), 0); /* no unrestricted_guest */
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_EPT_VPID_CAP, 1ull << 21), 0); /* no ept_ad */
	vmx_profile_free(&p);
	T_CHECK(load("icelake-sp-xeon-gold-5318y.cpuinfo", NULL, &p, &info, &d) == 0);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_EPT_VPID_CAP, 1ull << 7), 1);
	vmx_profile_free(&p);
}

static void test_errors(void)
{
	struct vmx_profile p;
	struct vmx_cpuinfo_info info;
	struct vmx_diag d;
	T_CHECK(load("bad-unknown-flag.cpuinfo", NULL, &p, &info, &d) != 0);
	T_EQ_U64(d.line, 21);
	T_CHECK(strstr(d.msg, "bogus_flag") != NULL);
	T_CHECK(strstr(d.file, "bad-unknown-flag.cpuinfo") != NULL);
	T_CHECK(load("kabylake-core-i5-7200u-vmx-fw-disabled.cpuinfo", NULL, &p, &info, &d) != 0);
	T_EQ_U64(info.novmx, VMX_CPUINFO_NO_VMX_FLAG);
	T_CHECK(strstr(d.msg, "firmware") != NULL);
	T_CHECK(load("sandybridge-ep-xeon-e5-2670-kernel3x-no-vmxflags.cpuinfo", NULL, &p, &info, &d) != 0);
	T_EQ_U64(info.novmx, VMX_CPUINFO_OLD_KERNEL);
	T_CHECK(strstr(d.msg, "5.6") != NULL);
	T_CHECK(load("amd-epyc.cpuinfo", NULL, &p, &info, &d) != 0);
	T_EQ_U64(info.novmx, VMX_CPUINFO_NOT_INTEL);
	T_CHECK(strstr(d.msg, "AuthenticAMD") != NULL);
	T_CHECK(strstr(d.msg, "--cpu") != NULL);
	/* In-memory texts. */
	static const char dup[] = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: vmx\nvmx flags\t: vnmi ept vnmi\n";
	T_CHECK(vmx_cpuinfo_parse(dup, sizeof(dup) - 1, "dup", NULL, &p, &info, &d) != 0);
	T_EQ_U64(d.line, 4);
	T_CHECK(strstr(d.msg, "twice") != NULL);
	static const char empty[] = "hello\n";
	T_CHECK(vmx_cpuinfo_parse(empty, sizeof(empty) - 1, "empty", NULL, &p, &info, &d) != 0);
	T_CHECK(strstr(d.msg, "processor") != NULL);
	static const char half[] = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: vmx\nvmx flags\t: vnmi ept\n\n"
				   "processor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: vmx\n";
	T_CHECK(vmx_cpuinfo_parse(half, sizeof(half) - 1, "half", NULL, &p, &info, &d) != 0);
	T_EQ_U64(d.line, 6);
	T_CHECK(strstr(d.msg, "processor 1") != NULL);
	/* A synthetic flag that contradicts its parts is accepted with a warning. */
	static const char syn[] = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: vmx\nvmx flags\t: apicv vtpr\n";
	T_CHECK(vmx_cpuinfo_parse(syn, sizeof(syn) - 1, "syn", NULL, &p, &info, &d) == 0);
	T_CHECK(strstr(info.warning, "apicv") != NULL);
	vmx_profile_free(&p);
	/* CRLF line ends and a line without a final newline. */
	static const char crlf[] = "processor\t: 3\r\nvendor_id\t: GenuineIntel\r\nflags\t\t: vmx\r\nvmx flags\t: ept vpid";
	T_CHECK(vmx_cpuinfo_parse(crlf, sizeof(crlf) - 1, "crlf", NULL, &p, &info, &d) == 0);
	T_EQ_U64(p.n_cpus, 1);
	T_EQ_U64(p.cpus[0].id, 3);
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(5)), 1);
	vmx_profile_free(&p);
}

/* Parse an in-memory text; 0 or -1 (d filled). */
static int parse(const char *text, struct vmx_profile *p, struct vmx_cpuinfo_info *info, struct vmx_diag *d)
{
	memset(d, 0, sizeof(*d));
	return vmx_cpuinfo_parse(text, strlen(text), "paste", NULL, p, info, d);
}

#define HEAD "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 151\nstepping\t: 5\n"

/* Every vmx flag name the reader knows (kvm-setup.md §4): the named bits plus three names of their own. */
static size_t all_names(const char **out, size_t max)
{
	static const enum vmx_class cls[] = { VMX_CLASS_PIN, VMX_CLASS_PRIMARY, VMX_CLASS_SECONDARY, VMX_CLASS_TERTIARY,
					      VMX_CLASS_EPT_VPID };
	size_t n = 0;
	for (size_t c = 0; c < sizeof(cls) / sizeof(cls[0]); c++) {
		const struct vmx_class_info *ci = vmx_class_get(cls[c]);
		for (size_t i = 0; i < ci->n_bits && n < max; i++)
			if (ci->bits[i].linux_flag)
				out[n++] = ci->bits[i].linux_flag;
	}
	static const char *const extra[] = { "eptp_switching", "flexpriority", "apicv" };
	for (size_t i = 0; i < 3 && n < max; i++)
		out[n++] = extra[i];
	return n;
}

/* Hard-wrapped text: continuation lines belong to "flags", "vmx flags" or "bugs" of the line before. */
static void test_wrapped(void)
{
	struct vmx_profile p, q;
	struct vmx_cpuinfo_info info;
	struct vmx_diag d;
	/* Whole-word wraps, also right after the colon, read as the unwrapped line. */
	static const char one[] = HEAD "flags\t\t: fpu vme vmx est\nvmx flags\t: vnmi ept vpid tsc_offset vtpr "
				  "flexpriority vapic\nbugs\t\t: spectre_v1\n";
	static const char wrapped[] = HEAD "flags\t\t: fpu vme\nvmx est\nvmx flags\t:\nvnmi ept\n  vpid tsc_offset \n"
				      "vtpr flexpriority\nvapic\nbugs\t\t: spectre_v1\n";
	T_CHECK(parse(one, &p, &info, &d) == 0);
	int rc = parse(wrapped, &q, &info, &d);
	if (rc)
		fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
	T_CHECK(rc == 0);
	if (rc == 0) {
		T_CHECK(vmx_snapshot_equal(&p.cpus[0].snap, &q.cpus[0].snap));
		T_CHECK(info.vmx_flag);
		T_EQ_STR(info.warning, "");
		vmx_profile_free(&q);
	}
	/* The unwrapped text really knows these bits (the comparison is not vacuous). */
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED, A1(3)), 1);  /* tsc_offset */
	T_EQ_U64(kbit(&p.cpus[0].snap, VMX_MSR_PROCBASED2, A1(5)), 1); /* vpid */
	vmx_profile_free(&p);
	/* A word cut at a fixed column: rejoined when the pieces form a name and one alone is none. */
	static const char cut[] = HEAD "flags\t\t: fpu vm\nx est\nvmx flags\t: vnmi ept vpid tsc_off\nset vtpr ept\n_ad\n";
	rc = parse(cut, &q, &info, &d);
	T_CHECK(rc == 0);
	if (rc == 0) {
		const struct vmx_snapshot *s = &q.cpus[0].snap;
		T_EQ_U64(kbit(s, VMX_MSR_PROCBASED, A1(3)), 1);        /* tsc_off + set */
		T_EQ_U64(kbit(s, VMX_MSR_EPT_VPID_CAP, 1ull << 21), 1); /* ept + _ad: ept_ad, and ... */
		T_EQ_U64(kbit(s, VMX_MSR_PROCBASED2, A1(1)), 1);       /* ... ept itself from the first line */
		T_CHECK(info.vmx_flag);                                /* vm + x in flags */
		T_CHECK(vmx_cpuid_has_vmx(s));
		T_CHECK(strstr(info.warning, "paste:8: vmx flags: 'tsc_off' at the end of line 8 and 'set' at the start "
					     "of line 9 read as one name, 'tsc_offset'") != NULL);
		T_CHECK(strstr(info.warning, "2 such names in all") != NULL);
		T_CHECK(strstr(info.warning, "paste:6: 'vmx' in flags is broken across lines 6-7") != NULL);
		vmx_profile_free(&q);
	}
	/* Two names at a wrap stay two names: "ept" + "vpid" is no "eptvpid". */
	static const char two[] = HEAD "flags\t\t: vmx\nvmx flags\t: vnmi ept\nvpid\n";
	T_CHECK(parse(two, &q, &info, &d) == 0);
	if (q.n_cpus) {
		T_EQ_U64(kbit(&q.cpus[0].snap, VMX_MSR_PROCBASED2, A1(5)), 1);
		T_EQ_STR(info.warning, "");
		vmx_profile_free(&q);
	}
	/* Pieces that form no name are refused at the line of the first piece, never dropped. */
	static const char bad[] = HEAD "flags\t\t: vmx\nvmx flags\t: vnmi ept tsc_off\nsex vtpr\n";
	T_CHECK(parse(bad, &q, &info, &d) != 0);
	T_EQ_U64(d.line, 7);
	T_CHECK(strstr(d.msg, "unknown vmx flag 'tsc_off'") != NULL);
	T_CHECK(strstr(d.msg, "wrapped over several lines") != NULL);
	static const char bad2[] = HEAD "flags\t\t: vmx\nvmx flags\t: vnmi ept\nvpid frobnicate\n";
	T_CHECK(parse(bad2, &q, &info, &d) != 0);
	T_EQ_U64(d.line, 8);
	/* A name repeated across the wrap names both lines. */
	static const char dup[] = HEAD "flags\t\t: vmx\nvmx flags\t: vnmi ept\nvpid ept\n";
	T_CHECK(parse(dup, &q, &info, &d) != 0);
	T_EQ_U64(d.line, 8);
	T_CHECK(strstr(d.msg, "'ept' appears twice (first at line 7)") != NULL);
	/* Never glued: after a blank line (a new block), after a line that is not a value, after "bugs", and a line
	 * with characters no flag name has. */
	static const char apart[] = HEAD "flags\t\t: vmx\nvmx flags\t: vnmi ept\n\nvpid\n";
	T_CHECK(parse(apart, &q, &info, &d) == 0);
	if (q.n_cpus) {
		T_EQ_U64(q.n_cpus, 1);
		T_EQ_U64(kbit(&q.cpus[0].snap, VMX_MSR_PROCBASED2, A1(5)), 0); /* vpid: a 5.6 name not printed */
		vmx_profile_free(&q);
	}
	static const char prose[] = HEAD "flags\t\t: vmx\nvmx flags\t: vnmi ept\nThanks!\nvpid\nbugs\t\t: x\ntsc_offset\n"
				    "vmx flags are below\n";
	T_CHECK(parse(prose, &q, &info, &d) == 0);
	if (q.n_cpus) {
		T_EQ_U64(kbit(&q.cpus[0].snap, VMX_MSR_PROCBASED2, A1(5)), 0);
		T_EQ_U64(kbit(&q.cpus[0].snap, VMX_MSR_PROCBASED, A1(3)), 0);
		vmx_profile_free(&q);
	}
	/* No name is two other names in a row: what makes rejoining a broken word unambiguous. */
	const char *names[64];
	size_t nn = all_names(names, 64);
	T_EQ_U64(nn, 29);
	int concat = 0;
	for (size_t i = 0; i < nn; i++)
		for (size_t j = 0; j < nn; j++)
			for (size_t k = 0; k < nn; k++) {
				size_t li = strlen(names[i]), lj = strlen(names[j]);
				if (strlen(names[k]) == li + lj && !memcmp(names[k], names[i], li) &&
				    !strcmp(names[k] + li, names[j])) {
					fprintf(stderr, "'%s' = '%s' + '%s'\n", names[k], names[i], names[j]);
					concat++;
				}
			}
	T_EQ_U64(concat, 0);
}

/* Decorated pastes: quote marks, indentation, prompt lines, CRLF; prose with colons is no processor block. */
static void test_decorated(void)
{
	struct vmx_profile p, q;
	struct vmx_cpuinfo_info info;
	struct vmx_diag d;
	static const char clean[] = HEAD "flags\t\t: vmx hypervisor\nvmx flags\t: vnmi ept vpid\n";
	static const char mail[] = "On Mon, 3 Mar 2025 at 10:12, A. User wrote:\r\n> Here it is:\r\n>\r\n"
				   "> $ cat /proc/cpuinfo\r\n> processor\t: 0\r\n>   vendor_id\t: GenuineIntel  \r\n"
				   "> cpu family\t: 6\r\n> model\t\t: 151\r\n> stepping\t: 5\r\n"
				   "> flags\t\t: vmx\r\n> hypervisor\r\n> vmx flags\t: vnmi ept\r\n> vpid\r\n>\r\n> Thanks: A.\r\n";
	T_CHECK(parse(clean, &p, &info, &d) == 0);
	T_EQ_U64(info.hypervisor_line, 6);
	int rc = parse(mail, &q, &info, &d);
	if (rc)
		fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
	T_CHECK(rc == 0);
	if (rc == 0) {
		T_EQ_U64(q.n_cpus, 1);
		T_CHECK(vmx_snapshot_equal(&p.cpus[0].snap, &q.cpus[0].snap));
		T_CHECK(info.hypervisor);
		T_EQ_U64(info.hypervisor_line, 11); /* the continuation line that holds it */
		vmx_profile_free(&q);
	}
	vmx_profile_free(&p);
	/* An error inside the quoted text names its own line. */
	static const char bad[] = "Hi,\n\n>     processor\t: 0\n>     vendor_id\t: GenuineIntel\n>     flags\t\t: vmx\n"
				  ">     vmx flags\t: vnmi\n>     eptt vpid\n";
	T_CHECK(parse(bad, &q, &info, &d) != 0);
	T_EQ_U64(d.line, 7);
	T_CHECK(strstr(d.msg, "'eptt'") != NULL);
	/* Prose only: still no processor blocks. */
	static const char words[] = "Note: nothing here.\nAlso: none.\n";
	T_CHECK(parse(words, &q, &info, &d) != 0);
	T_CHECK(strstr(d.msg, "no processor blocks") != NULL);
}

static void test_release(void)
{
	T_EQ_U64(vmx_cpuinfo_names_for_release("5.10.0-28-amd64"), VMX_CPUINFO_NAMES_5_10);
	T_EQ_U64(vmx_cpuinfo_names_for_release("6.0.12"), VMX_CPUINFO_NAMES_5_10);
	T_EQ_U64(vmx_cpuinfo_names_for_release("6.1.0-18-amd64"), VMX_CPUINFO_NAMES_6_1);
	T_EQ_U64(vmx_cpuinfo_names_for_release("6.15.2"), VMX_CPUINFO_NAMES_6_1);
	T_EQ_U64(vmx_cpuinfo_names_for_release("6.16.1"), VMX_CPUINFO_NAMES_6_16);
	T_EQ_U64(vmx_cpuinfo_names_for_release("7.1.3"), VMX_CPUINFO_NAMES_6_16);
	T_EQ_U64((uint64_t)(int64_t)vmx_cpuinfo_names_for_release("linux"), (uint64_t)(int64_t)-1);
}

int main(void)
{
	test_alderlake();
	test_kernel_formats();
	test_errors();
	test_wrapped();
	test_decorated();
	test_release();
	return T_DONE();
}

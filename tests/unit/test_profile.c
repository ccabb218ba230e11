/* SPDX-License-Identifier: MIT */
/* Profile reader/writer: parsing, cpu blocks, metadata, round trip, embedded database. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdlib.h>

#include "host/profile.h"
#include "t.h"

static int parse(const char *text, struct vmx_profile *p, struct vmx_diag *d)
{
	return vmx_profile_parse(text, strlen(text), "t.profile", p, d);
}

static void test_cpu_blocks(void)
{
	struct vmx_profile p;
	struct vmx_diag d;
	const char *t = "# vmxcfg-profile 1\n# name: Two CPUs\n# note: a\n# note: b\n"
			"cpuid 0x1 0x0 0x000506e3 0x0 0x20 0x0\nmsr 0x480 0x00da040000000004\n"
			"cpu 0\nmsr 0x482 0xfff9fffe0401e172\ncpu 2\nmsr 0x482 0xfff1fffe0401e172\r\n";
	T_EQ_U64(parse(t, &p, &d), 0);
	T_EQ_U64(p.n_cpus, 2);
	T_EQ_U64(p.cpus[0].id, 0);
	T_EQ_U64(p.cpus[1].id, 2);
	/* records before the first cpu line apply to every CPU */
	T_EQ_U64(p.cpus[1].snap.msr[VMX_MSR_BASIC], 0x00da040000000004ull);
	T_EQ_U64(p.cpus[1].snap.msr[VMX_MSR_PROCBASED], 0xfff1fffe0401e172ull);
	T_EQ_U64(vmx_snapshot_cpuid_reg(&p.cpus[1].snap, 1, 0, 0), 0x506e3);
	T_EQ_STR(vmx_profile_meta(&p, "name"), "Two CPUs");
	T_EQ_STR(vmx_profile_meta(&p, "note2"), "b");

	/* round trip through the writer */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	T_EQ_U64(vmx_profile_write(f, &p), 0);
	fclose(f);
	struct vmx_profile q;
	T_EQ_U64(vmx_profile_parse(buf, len, "rt", &q, &d), 0);
	T_EQ_U64(q.n_cpus, 2);
	for (size_t i = 0; i < 2 && q.n_cpus == 2; i++)
		T_CHECK(vmx_snapshot_equal(&p.cpus[i].snap, &q.cpus[i].snap));
	T_CHECK(strstr(buf, "cpu 0\nmsr 0x482") != NULL);
	T_CHECK(strstr(buf, "# note: b\n") != NULL);
	free(buf);
	vmx_profile_free(&q);
	/* a duplicate between the common part and a cpu block is a duplicate for that CPU */
	vmx_profile_free(&p);
	T_EQ_U64((uint64_t)parse("# vmxcfg-profile 1\nmsr 0x480 0x1\ncpu 0\nmsr 0x480 0x2\n", &p, &d), (uint64_t)-1);
	T_EQ_U64(d.line, 4);
	T_CHECK(strstr(d.msg, "given twice") != NULL);
	T_EQ_U64(p.n_cpus, 0);
}

static void test_limits(void)
{
	struct vmx_profile p;
	struct vmx_diag d;
	/* a 1 MB single line */
	size_t n = 1 << 20;
	char *big = malloc(n + 32);
	strcpy(big, "# vmxcfg-profile 1\n");
	memset(big + 19, 'a', n);
	big[19 + n] = 0;
	T_EQ_U64((uint64_t)parse(big, &p, &d), (uint64_t)-1);
	T_EQ_U64(d.line, 2);
	T_CHECK(strstr(d.msg, "line too long") != NULL);
	free(big);
	/* 64-bit values and leading zeros */
	T_EQ_U64(parse("# vmxcfg-profile 1\nmsr 0x480 0x0000000000000000ffffffffffffffff\n", &p, &d), 0);
	T_EQ_U64(p.cpus[0].snap.msr[VMX_MSR_BASIC], ~0ull);
	vmx_profile_free(&p);
	T_EQ_U64((uint64_t)parse("# vmxcfg-profile 1\ncpuid 0x100000000 0x0 0x0 0x0 0x0 0x0\n", &p, &d), (uint64_t)-1);
	T_CHECK(strstr(d.msg, "does not fit in 32 bits") != NULL);
}

/* The number of .profile files in data/profiles (unit tests run from the repository root): what the build embeds. */
static size_t count_profile_files(void)
{
	DIR *dir = opendir("data/profiles");
	size_t n = 0;
	if (!dir)
		return 0;
	for (const struct dirent *e = readdir(dir); e != NULL; e = readdir(dir)) {
		size_t len = strlen(e->d_name);
		if (len > 8 && strcmp(e->d_name + len - 8, ".profile") == 0)
			n++;
	}
	closedir(dir);
	return n;
}

static void test_embedded(void)
{
	T_CHECK(vmx_embedded_count() > 0);
	T_EQ_U64(vmx_embedded_count(), count_profile_files()); /* every profile file is embedded */
	size_t ok = 0;
	for (size_t i = 0; i < vmx_embedded_count(); i++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at(i);
		struct vmx_profile p;
		struct vmx_diag d;
		if (vmx_profile_parse(e->text, e->len, e->name, &p, &d) == 0 && vmx_profile_meta(&p, "name") &&
		    vmx_profile_meta(&p, "source") && vmx_snapshot_has(&p.cpus[0].snap, VMX_MSR_BASIC))
			ok++;
		else
			fprintf(stderr, "embedded %s: %s\n", e->name, d.msg);
		vmx_profile_free(&p);
	}
	T_EQ_U64(ok, vmx_embedded_count());
	T_CHECK(vmx_embedded_find("skylake-core-i7-6700k") != NULL);
	T_CHECK(vmx_embedded_find("skylake") == NULL);
}

int main(void)
{
	test_cpu_blocks();
	test_limits();
	test_embedded();
	return T_DONE();
}

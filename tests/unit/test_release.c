/* SPDX-License-Identifier: MIT */
/*
 * Version strings to modelled releases (include/vmxcfg/release.h, docs/kernel-versions.md "Version strings"):
 * one table row per string users have (uname -r of Ubuntu, Debian, Fedora, Arch, RHEL, SUSE; plain stable;
 * git tags), with the release that answers, the sublevel used for stable backports, the distribution, the
 * notes and the release whose parameters were checked.  Expected values are worked out by hand from the rules
 * and the release table (4.19 ... 7.1; parameters checked in 5.10, 5.15, 6.6, 6.8, 6.12, 7.0, 7.1; 5.13 and
 * 6.15 inferred; 5.5 and 5.17 read as release candidates; backports: the sgx rule in 5.15 between .16 and .100,
 * the pt_mode rule in 6.1 up to .119, in 6.6 between .47 and .87, in 6.11 up to .11).
 */
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "t.h"

#define OK KVM_RS_OK
#define NEWER KVM_RS_NEWER
#define OLD KVM_RS_TOO_OLD
#define BAD KVM_RS_MALFORMED

#define SUB KVM_RN_SUB_UNKNOWN
#define GUESS KVM_RN_BACKPORT_GUESS
#define ENT KVM_RN_ENTERPRISE
#define NEW KVM_RN_NEWER
#define INF KVM_RN_INFERRED
#define RC KVM_RN_RC_ONLY
#define NOGOLD KVM_RN_NO_SETUP_GOLDEN
#define NEAR KVM_RN_POST_NEAREST

#define SGX KVM_PV_SGX_RULE
#define PT KVM_PV_PT_BROKEN

struct row {
	const char *s;
	enum kvm_release_status status;
	const char *release;  /* the release that answers (NULL when refused) */
	int sublevel;         /* -1 unknown */
	bool has_sub;
	enum kvm_distro distro;
	uint32_t notes;
	uint32_t guess;       /* backport_guess */
	const char *post_from; /* NULL when refused */
};

static const struct row rows[] = {
	/* plain mainline and stable */
	{ "5.15", OK, "5.15", -1, false, KVM_DISTRO_NONE, SUB | GUESS, SGX, "5.15" },
	{ "5.15.16", OK, "5.15", 16, true, KVM_DISTRO_NONE, 0, 0, "5.15" },
	{ "5.15.50", OK, "5.15", 50, true, KVM_DISTRO_NONE, GUESS, SGX, "5.15" },
	{ "5.15.100", OK, "5.15", 100, true, KVM_DISTRO_NONE, 0, 0, "5.15" },
	{ "5.15.17", OK, "5.15", 17, true, KVM_DISTRO_NONE, GUESS, SGX, "5.15" },
	{ "5.15.99", OK, "5.15", 99, true, KVM_DISTRO_NONE, GUESS, SGX, "5.15" },
	{ "6.6.87", OK, "6.6", 87, true, KVM_DISTRO_NONE, 0, 0, "6.6" },
	{ "6.6.47", OK, "6.6", 47, true, KVM_DISTRO_NONE, 0, 0, "6.6" },
	{ "6.6.48", OK, "6.6", 48, true, KVM_DISTRO_NONE, GUESS, PT, "6.6" },
	{ "6.6", OK, "6.6", -1, false, KVM_DISTRO_NONE, SUB | GUESS, PT, "6.6" },
	{ "6.1.119", OK, "6.1", 119, true, KVM_DISTRO_NONE, NEAR, 0, "6.6" },
	{ "6.1.0", OK, "6.1", 0, true, KVM_DISTRO_NONE, NEAR, 0, "6.6" },
	{ "6.8", OK, "6.8", -1, false, KVM_DISTRO_NONE, 0, 0, "6.8" }, /* no backport: the sublevel does not matter */
	{ "7.1", OK, "7.1", -1, false, KVM_DISTRO_NONE, 0, 0, "7.1" },
	{ "4.19", OK, "4.19", -1, false, KVM_DISTRO_NONE, NEAR, 0, "5.10" },
	{ "v6.6.87", OK, "6.6", 87, true, KVM_DISTRO_NONE, 0, 0, "6.6" },
	{ " 6.6.87\n", OK, "6.6", 87, true, KVM_DISTRO_NONE, 0, 0, "6.6" },
	{ "6.7.0-rc3", OK, "6.7", 0, true, KVM_DISTRO_NONE, NEAR, 0, "6.8" },
	/* inferred and release-candidate-only rows; nearest checked release, ties to the newer */
	{ "6.15", OK, "6.15", -1, false, KVM_DISTRO_NONE, INF | NOGOLD | NEAR, 0, "6.12" },
	{ "5.13", OK, "5.13", -1, false, KVM_DISTRO_NONE, INF | NOGOLD | NEAR, 0, "5.15" },
	{ "5.17", OK, "5.17", -1, false, KVM_DISTRO_NONE, RC | NOGOLD | NEAR, 0, "5.15" },
	{ "5.5", OK, "5.5", -1, false, KVM_DISTRO_NONE, RC | NOGOLD | NEAR, 0, "5.10" },
	{ "5.1", OK, "5.1", -1, false, KVM_DISTRO_NONE, NEAR, 0, "5.10" },
	{ "6.7", OK, "6.7", -1, false, KVM_DISTRO_NONE, NEAR, 0, "6.8" },   /* 6.8 and 6.6 one row away */
	{ "6.10", OK, "6.10", -1, false, KVM_DISTRO_NONE, NEAR, 0, "6.12" }, /* 6.12 and 6.8 two rows away */
	{ "6.16", OK, "6.16", -1, false, KVM_DISTRO_NONE, NEAR, 0, "7.0" },  /* 7.0 and 6.12 four rows away */
	{ "5.12", OK, "5.12", -1, false, KVM_DISTRO_NONE, NEAR, 0, "5.10" }, /* 5.10 two rows, 5.15 three */
	/* Ubuntu: x.y.0-ABI-flavour, the .0 a placeholder */
	{ "5.15.0-91-generic", OK, "5.15", -1, true, KVM_DISTRO_UBUNTU, SUB | GUESS, SGX, "5.15" },
	{ "6.8.0-45-generic", OK, "6.8", -1, true, KVM_DISTRO_UBUNTU, SUB, 0, "6.8" },
	{ "6.8.0-1015-aws", OK, "6.8", -1, true, KVM_DISTRO_UBUNTU, SUB, 0, "6.8" },
	{ "5.15.0-1060-azure", OK, "5.15", -1, true, KVM_DISTRO_UBUNTU, SUB | GUESS, SGX, "5.15" },
	{ "6.8.0-31-lowlatency", OK, "6.8", -1, true, KVM_DISTRO_UBUNTU, SUB, 0, "6.8" },
	{ "6.6.87-060687-generic", OK, "6.6", 87, true, KVM_DISTRO_OTHER, 0, 0, "6.6" }, /* mainline build */
	/* Debian: placeholder in x.y.0-ABI-arch, real sublevel in backports and trixie */
	{ "6.1.0-18-amd64", OK, "6.1", -1, true, KVM_DISTRO_DEBIAN, SUB | GUESS | NEAR, PT, "6.6" },
	{ "6.1.0-18-cloud-amd64", OK, "6.1", -1, true, KVM_DISTRO_DEBIAN, SUB | GUESS | NEAR, PT, "6.6" },
	{ "6.1.0-18-rt-arm64", OK, "6.1", -1, true, KVM_DISTRO_DEBIAN, SUB | GUESS | NEAR, PT, "6.6" },
	{ "6.12.9+bpo-amd64", OK, "6.12", 9, true, KVM_DISTRO_DEBIAN, 0, 0, "6.12" },
	{ "6.12.38+deb13-amd64", OK, "6.12", 38, true, KVM_DISTRO_DEBIAN, 0, 0, "6.12" },
	{ "6.12.12-amd64", OK, "6.12", 12, true, KVM_DISTRO_DEBIAN, 0, 0, "6.12" },
	/* Fedora, Arch, others: real sublevels */
	{ "6.11.4-301.fc41.x86_64", OK, "6.11", 4, true, KVM_DISTRO_FEDORA, GUESS | NEAR, PT, "6.12" },
	{ "6.11.11-300.fc41.x86_64", OK, "6.11", 11, true, KVM_DISTRO_FEDORA, NEAR, 0, "6.12" },
	{ "6.12.1-arch1-1", OK, "6.12", 1, true, KVM_DISTRO_ARCH, 0, 0, "6.12" },
	{ "6.12.8-1-default", OK, "6.12", 8, true, KVM_DISTRO_OTHER, 0, 0, "6.12" }, /* openSUSE Tumbleweed */
	{ "5.15.153.1-microsoft-standard-WSL2", OK, "5.15", 153, true, KVM_DISTRO_OTHER, 0, 0, "5.15" },
	/* enterprise: the base release, with the warning */
	{ "5.14.0-427.el9.x86_64", OK, "5.14", -1, true, KVM_DISTRO_RHEL, ENT | NEAR, 0, "5.15" },
	{ "5.14.0-427.13.1.el9_4.x86_64", OK, "5.14", -1, true, KVM_DISTRO_RHEL, ENT | NEAR, 0, "5.15" },
	{ "5.15.0-209.161.7.el9uek.x86_64", OK, "5.15", -1, true, KVM_DISTRO_RHEL, ENT | GUESS, SGX, "5.15" },
	{ "5.14.21-150500.55.39-default", OK, "5.14", 21, true, KVM_DISTRO_SUSE, ENT | NEAR, 0, "5.15" },
	/* too old: refused, 4.19 the closest */
	{ "4.18.0-513.el8_9.x86_64", OLD, NULL, -1, true, KVM_DISTRO_RHEL, ENT, 0, NULL },
	{ "4.14.0", OLD, NULL, -1, true, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "3.10.0-1160.el7.x86_64", OLD, NULL, -1, true, KVM_DISTRO_RHEL, ENT, 0, NULL },
	{ "4.18", OLD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "0.0", OLD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	/* newer than the newest: the newest answers */
	{ "7.2", NEWER, "7.1", -1, false, KVM_DISTRO_NONE, NEW, 0, "7.1" },
	{ "8.0.1", NEWER, "7.1", -1, true, KVM_DISTRO_NONE, NEW, 0, "7.1" },
	{ "7.2.0-1-generic", NEWER, "7.1", -1, true, KVM_DISTRO_UBUNTU, NEW, 0, "7.1" },
	{ "99.99", NEWER, "7.1", -1, false, KVM_DISTRO_NONE, NEW, 0, "7.1" },
	/* not versions */
	{ "", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "abc", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.x", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.6.", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.6.x", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.6abc", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.6.87.", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "99999.1", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "100.1", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.100", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.6.999999", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "-6.6", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "v", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "all", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	/* inside 4.19 ... 7.1 but no such release */
	{ "5.25", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "6.20", BAD, NULL, -1, false, KVM_DISTRO_NONE, 0, 0, NULL },
	{ "4.21.3", BAD, NULL, -1, true, KVM_DISTRO_NONE, 0, 0, NULL },
};

static void check_row(const struct row *r)
{
	struct kvm_release_info in;
	memset(&in, 0xa5, sizeof(in)); /* every field must be set */
	int rc = kvm_release_resolve(r->s, strlen(r->s), &in);
	bool answered = r->status == OK || r->status == NEWER;
	int fails = t_fail_;
	T_EQ_U64(rc, answered ? VMX_OK : VMX_ERR_INVALID);
	T_EQ_U64(in.status, r->status);
	if (answered) {
		T_CHECK(in.policy != NULL);
		T_EQ_STR(in.policy ? in.policy->version : NULL, r->release);
		T_EQ_STR(in.post_from ? in.post_from->version : NULL, r->post_from);
		T_CHECK(in.closest == NULL);
	} else {
		T_CHECK(in.policy == NULL && in.post_from == NULL);
	}
	if (r->status == OLD) {
		T_EQ_STR(in.closest ? in.closest->version : NULL, "4.19");
	}
	if (r->status != BAD) {
		T_EQ_U64((uint64_t)(int64_t)in.sublevel, (uint64_t)(int64_t)r->sublevel);
		T_EQ_U64(in.has_sublevel, r->has_sub);
		T_EQ_U64(in.distro, r->distro);
		T_EQ_U64(in.notes, r->notes);
		T_EQ_U64(in.backport_guess, r->guess);
	} else {
		T_EQ_U64((uint64_t)(int64_t)in.sublevel, (uint64_t)-1);
		T_EQ_U64(in.notes, 0);
	}
	T_CHECK(memchr(in.asked, 0, sizeof(in.asked)) != NULL);
	if (t_fail_ != fails)
		fprintf(stderr, "  ... in the row for \"%s\"\n", r->s);
}

/* Strings longer than the asked[] buffer, and numbers too long to be numbers. */
static void test_long(void)
{
	static char buf[100010];
	struct kvm_release_info in;
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "6.6.87-", 7);
	T_EQ_U64(kvm_release_resolve(buf, sizeof(buf), &in), VMX_OK);
	T_EQ_STR(in.policy ? in.policy->version : NULL, "6.6");
	T_EQ_U64(in.sublevel, 87);
	T_EQ_U64(in.distro, KVM_DISTRO_OTHER);
	T_EQ_U64(strlen(in.asked), sizeof(in.asked) - 1);
	T_CHECK(!strncmp(in.asked, "6.6.87-aaaa", 11));

	memset(buf, '9', sizeof(buf));
	T_EQ_U64(kvm_release_resolve(buf, sizeof(buf), &in), VMX_ERR_INVALID);
	T_EQ_U64(in.status, KVM_RS_MALFORMED);
	T_EQ_U64(strlen(in.asked), sizeof(in.asked) - 1);

	memcpy(buf, "6.", 2); /* 6.999... */
	T_EQ_U64(kvm_release_resolve(buf, sizeof(buf), &in), VMX_ERR_INVALID);
	memcpy(buf, "6.6.", 4); /* a sublevel of 100,000 digits */
	T_EQ_U64(kvm_release_resolve(buf, sizeof(buf), &in), VMX_ERR_INVALID);
	T_EQ_U64(in.status, KVM_RS_MALFORMED);

	memset(buf, ' ', sizeof(buf)); /* only blanks */
	T_EQ_U64(kvm_release_resolve(buf, sizeof(buf), &in), VMX_ERR_INVALID);
	T_EQ_STR(in.asked, "");
}

/* len is honoured (no NUL needed), control bytes never reach asked[], NULL arguments are refused. */
static void test_edges(void)
{
	struct kvm_release_info in;
	const char s[] = { '6', '.', '6', '.', '8', '7', 'X', 'Y', 'Z' };
	T_EQ_U64(kvm_release_resolve(s, 6, &in), VMX_OK);
	T_EQ_U64(in.sublevel, 87);
	T_EQ_STR(in.asked, "6.6.87");
	T_EQ_U64(kvm_release_resolve(s, 3, &in), VMX_OK);
	T_EQ_STR(in.asked, "6.6");
	T_EQ_U64(kvm_release_resolve(s, sizeof(s), &in), VMX_ERR_INVALID); /* 6.6.87XYZ */

	const char ctl[] = "6.6.87-\x1b[31m\xff";
	T_EQ_U64(kvm_release_resolve(ctl, strlen(ctl), &in), VMX_OK);
	T_EQ_STR(in.asked, "6.6.87-?[31m?");

	T_EQ_U64(kvm_release_resolve(NULL, 3, &in), VMX_ERR_INVALID);
	T_EQ_U64(in.status, KVM_RS_MALFORMED);
	T_CHECK(in.policy == NULL);
	T_EQ_U64(kvm_release_resolve("6.6", 3, NULL), VMX_ERR_INVALID);

	/* 5.25 is refused, but its numbers are reported (the message says "5.25 is not a Linux release"). */
	T_EQ_U64(kvm_release_resolve("5.25", 4, &in), VMX_ERR_INVALID);
	T_EQ_U64(in.major, 5);
	T_EQ_U64(in.minor, 25);
	T_EQ_U64(kvm_release_resolve("4.14.0", 6, &in), VMX_ERR_INVALID);
	T_EQ_U64(in.major * 100 + in.minor, 414);
}

/* The sublevel decides the backports the way the resolver says (kvm_post_flags_at). */
static void test_backports(void)
{
	struct kvm_release_info in;
	const struct kvm_policy *p515 = kvm_policy_find("5.15"), *p66 = kvm_policy_find("6.6");
	T_CHECK(p515 && p66);
	if (!p515 || !p66)
		return;
	uint32_t u;
	T_EQ_U64(kvm_post_flags_at(p515, 16, &u) & SGX, 0);
	T_EQ_U64(u, 0);
	T_EQ_U64(kvm_post_flags_at(p515, 50, &u) & SGX, SGX);
	T_EQ_U64(u, SGX);
	T_EQ_U64(kvm_post_flags_at(p515, 100, &u) & SGX, SGX);
	T_EQ_U64(u, 0);
	T_EQ_U64(kvm_post_flags_at(p66, 47, &u) & PT, 0);
	T_EQ_U64(kvm_post_flags_at(p66, 87, &u) & PT, PT);

	/* A parameters input fed the resolved sublevel: pt_mode on 6.6.47 is settable without CONFIG_BROKEN. */
	static struct vmx_snapshot snap;
	vmx_snapshot_init(&snap);
	struct kvm_params_input pin;
	kvm_release_resolve("6.6.47", 6, &in);
	kvm_params_input_init(&pin, in.policy, &snap);
	pin.sublevel = in.sublevel;
	T_EQ_U64(kvm_params_set(&pin, in.policy, KVM_P_PT_MODE, 1), VMX_OK);
	kvm_release_resolve("6.6.87", 6, &in);
	kvm_params_input_init(&pin, in.policy, &snap);
	pin.sublevel = in.sublevel;
	T_EQ_U64(kvm_params_set(&pin, in.policy, KVM_P_PT_MODE, 1), VMX_ERR_INVALID);
}

static void test_texts(void)
{
	static const uint32_t notes[] = { INF, RC, SUB, GUESS, ENT, NEW, NOGOLD, NEAR };
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
		const char *t = kvm_release_note_text(notes[i]);
		T_CHECK(t != NULL && strlen(t) > 20);
		for (size_t k = 0; k < i; k++) /* each its own sentence */
			T_CHECK(t && kvm_release_note_text(notes[k]) != t);
	}
	T_CHECK(kvm_release_note_text(0) == NULL);
	T_CHECK(kvm_release_note_text(SUB | GUESS) == NULL);
	T_CHECK(strstr(kvm_release_note_text(ENT), "/sys/module/kvm_intel/parameters") != NULL);
	T_EQ_STR(kvm_distro_name(KVM_DISTRO_NONE), "");
	T_EQ_STR(kvm_distro_name(KVM_DISTRO_UBUNTU), "Ubuntu");
	T_EQ_STR(kvm_distro_name(KVM_DISTRO_DEBIAN), "Debian");
	T_EQ_STR(kvm_distro_name(KVM_DISTRO_RHEL), "RHEL");
	T_EQ_STR(kvm_distro_name(KVM_DISTRO_COUNT), "");
	for (int d = 1; d < KVM_DISTRO_COUNT; d++)
		T_CHECK(kvm_distro_name((enum kvm_distro)d)[0] != 0);
}

/* Every modelled release answers for its own number, and only INFERRED/RC_ONLY rows lack setup goldens. */
static void test_every_release(void)
{
	for (size_t i = 0; i < kvm_policy_count(); i++) {
		const struct kvm_policy *p = kvm_policy_at(i);
		struct kvm_release_info in;
		T_EQ_U64(kvm_release_resolve(p->version, strlen(p->version), &in), VMX_OK);
		T_CHECK(in.policy == p);
		T_CHECK(in.post_from && (in.post_from->rel_flags & KVM_RELF_POST_CHECKED));
		T_EQ_U64(!!(in.notes & NOGOLD), !!(p->rel_flags & (KVM_RELF_INFERRED | KVM_RELF_RC_ONLY)));
		T_EQ_U64(!!(in.notes & NEAR), !(p->rel_flags & KVM_RELF_POST_CHECKED));
		T_EQ_U64(in.notes & (ENT | NEW), 0);
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
	test_long();
	test_edges();
	test_backports();
	test_texts();
	test_every_release();
	return T_DONE();
}

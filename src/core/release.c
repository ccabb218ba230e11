/* SPDX-License-Identifier: MIT */
/*
 * Kernel version strings (`uname -r`, "--kernel 5.15") to the modelled release that answers for them
 * (include/vmxcfg/release.h; the rules are in docs/kernel-versions.md, "Version strings").
 *
 * The string is MAJOR.MINOR[.SUBLEVEL][SUFFIX].  MAJOR.MINOR picks the release; the suffix says who built the
 * kernel, which decides whether SUBLEVEL is the upstream stable sublevel (stable, Fedora, Arch, Debian
 * backports) or a placeholder (Ubuntu's and Debian's "x.y.0-ABI-flavour").  Freestanding: no libc, no
 * allocation, no mutable state.
 */
#include <vmxcfg/release.h>

/* Numbers longer than this are not kernel version numbers (and cannot overflow). */
#define MAX_DIGITS 5
#define MAX_MAJOR 99u
#define MAX_MINOR 99u /* KVM_REL(major, minor) needs minor < 100 */

struct span {
	const char *p;
	size_t n;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Digits at s[*i..]: at least one, at most MAX_DIGITS (a longer run fails).  Advances *i. */
static bool number(const char *s, size_t len, size_t *i, unsigned *out)
{
	size_t k = *i;
	unsigned v = 0;
	while (k < len && is_digit(s[k])) {
		if (k - *i >= MAX_DIGITS)
			return false;
		v = v * 10u + (unsigned)(s[k] - '0');
		k++;
	}
	if (k == *i)
		return false;
	*i = k;
	*out = v;
	return true;
}

static bool span_eq(struct span a, const char *lit)
{
	size_t k = 0;
	for (; lit[k]; k++)
		if (k >= a.n || a.p[k] != lit[k])
			return false;
	return k == a.n;
}

/* Is `lit` in a (anywhere)? */
static bool span_has(struct span a, const char *lit)
{
	size_t n = 0;
	while (lit[n])
		n++;
	for (size_t i = 0; i + n <= a.n; i++) {
		size_t k = 0;
		while (k < n && a.p[i + k] == lit[k])
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* Does a contain `lit` followed by a digit ("el" + "9")? */
static bool span_has_num(struct span a, const char *lit)
{
	size_t n = 0;
	while (lit[n])
		n++;
	for (size_t i = 0; i + n < a.n; i++) {
		size_t k = 0;
		while (k < n && a.p[i + k] == lit[k])
			k++;
		if (k == n && is_digit(a.p[i + n]))
			return true;
	}
	return false;
}

/* Is a equal to lit, or does it end with "-" lit (a flavour's last dash-separated components)? */
static bool flavour_is(struct span a, const char *lit)
{
	size_t n = 0;
	while (lit[n])
		n++;
	if (a.n < n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (a.p[a.n - n + k] != lit[k])
			return false;
	return a.n == n || a.p[a.n - n - 1] == '-';
}

/* Debian's kernel flavours (the architecture is always last: cloud-amd64, rt-arm64, 686-pae ...). */
static const char *const debian_flavours[] = {
	"amd64",    "arm64",   "686",       "686-pae",    "armmp",      "armmp-lpae", "powerpc64le",
	"ppc64el",  "s390x",   "riscv64",   "loong64",    "marvell",    "rpi",        "octeon",
	"mips64r2el", "mips32r2el", "4kc-malta", "5kc-malta", "loongson-3",
};

/* SUSE's flavours (SLE and openSUSE). */
static const char *const suse_flavours[] = {
	"default", "azure", "rt", "64kb", "kvmsmall", "preempt", "vanilla", "debug", "zfcpdump", "pae", "lpae",
};

static bool in_list(struct span a, const char *const *list, size_t n, bool suffix_match)
{
	for (size_t i = 0; i < n; i++)
		if (suffix_match ? flavour_is(a, list[i]) : span_eq(a, list[i]))
			return true;
	return false;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Who built the kernel, from the suffix after MAJOR.MINOR[.SUBLEVEL]; *placeholder: SUBLEVEL is not upstream's. */
static enum kvm_distro classify(struct span suf, bool has_sub, unsigned sub, bool *placeholder)
{
	*placeholder = false;
	if (suf.n == 0)
		return KVM_DISTRO_NONE;
	/* A mainline release candidate: 6.7.0-rc3. */
	if (suf.n > 3 && suf.p[0] == '-' && suf.p[1] == 'r' && suf.p[2] == 'c') {
		size_t k = 3;
		while (k < suf.n && is_digit(suf.p[k]))
			k++;
		if (k == suf.n && k > 3)
			return KVM_DISTRO_NONE;
	}
	if (span_has_num(suf, ".el")) { /* 5.14.0-427.el9.x86_64, 4.18.0-513.el8_9, 5.15.0-209.el9uek */
		*placeholder = has_sub && sub == 0;
		return KVM_DISTRO_RHEL;
	}
	if (span_has_num(suf, ".fc")) /* 6.11.4-301.fc41.x86_64 */
		return KVM_DISTRO_FEDORA;
	if (suf.n > 5 && span_eq((struct span){ suf.p, 5 }, "-arch") && is_digit(suf.p[5])) /* 6.12.1-arch1-1 */
		return KVM_DISTRO_ARCH;
	if (span_has(suf, "+bpo") || span_has_num(suf, "+deb")) /* 6.12.9+bpo-amd64, 6.12.38+deb13-amd64 */
		return KVM_DISTRO_DEBIAN;
	if (suf.p[0] != '-')
		return KVM_DISTRO_OTHER;
	/* "-RELEASE-FLAVOUR": RELEASE is digits (Ubuntu, Debian: the ABI number) or digits and dots (SUSE). */
	size_t k = 1, digits = 0;
	bool dots = false;
	while (k < suf.n && (is_digit(suf.p[k]) || suf.p[k] == '.')) {
		dots |= suf.p[k] == '.';
		digits += is_digit(suf.p[k]);
		k++;
	}
	struct span flavour = { suf.p + k + 1, k < suf.n ? suf.n - k - 1 : 0 };
	if (k == 1) { /* "-FLAVOUR" alone: Debian trixie's 6.12.12-amd64 */
		flavour = (struct span){ suf.p + 1, suf.n - 1 };
		return in_list(flavour, debian_flavours, N_OF(debian_flavours), true) ? KVM_DISTRO_DEBIAN
										       : KVM_DISTRO_OTHER;
	}
	if (k >= suf.n || suf.p[k] != '-' || flavour.n == 0 || !is_lower(flavour.p[0]) || !digits)
		return KVM_DISTRO_OTHER;
	if (dots) /* 5.14.21-150500.55.39-default (SLE); openSUSE Tumbleweed's 6.12.8-1-default has no dot */
		return in_list(flavour, suse_flavours, N_OF(suse_flavours), false) ? KVM_DISTRO_SUSE : KVM_DISTRO_OTHER;
	if (in_list(flavour, debian_flavours, N_OF(debian_flavours), true)) {
		*placeholder = has_sub && sub == 0; /* 6.1.0-18-amd64 */
		return KVM_DISTRO_DEBIAN;
	}
	/* Ubuntu: x.y.0-ABI-flavour; a six-digit "ABI" (6.6.87-060687-generic) is a mainline build with a real sublevel. */
	if (has_sub && sub == 0 && digits < 6) {
		*placeholder = true;
		return KVM_DISTRO_UBUNTU;
	}
	return KVM_DISTRO_OTHER;
}

static const struct kvm_policy *newest(void)
{
	const struct kvm_policy *best = (const struct kvm_policy *)0;
	for (size_t i = 0; i < kvm_policy_count(); i++)
		if (!best || kvm_policy_at(i)->rel > best->rel)
			best = kvm_policy_at(i);
	return best;
}

static const struct kvm_policy *oldest(void)
{
	const struct kvm_policy *best = (const struct kvm_policy *)0;
	for (size_t i = 0; i < kvm_policy_count(); i++)
		if (!best || kvm_policy_at(i)->rel < best->rel)
			best = kvm_policy_at(i);
	return best;
}

/* The release nearest to p (by position in the table; on a tie the newer) whose parameters were checked. */
static const struct kvm_policy *nearest_checked(const struct kvm_policy *p)
{
	size_t n = kvm_policy_count(), at = n;
	for (size_t i = 0; i < n; i++)
		if (kvm_policy_at(i) == p)
			at = i;
	if (at == n)
		return (const struct kvm_policy *)0;
	for (size_t d = 0; d < n; d++) {
		const struct kvm_policy *a = at >= d ? kvm_policy_at(at - d) : (const struct kvm_policy *)0;
		const struct kvm_policy *b = kvm_policy_at(at + d);
		/* The table is newest first: the smaller index is the newer release. */
		bool newer_first = !a || !b || a->rel >= b->rel;
		const struct kvm_policy *first = newer_first ? a : b, *second = newer_first ? b : a;
		if (first && (first->rel_flags & KVM_RELF_POST_CHECKED))
			return first;
		if (second && (second->rel_flags & KVM_RELF_POST_CHECKED))
			return second;
	}
	return (const struct kvm_policy *)0;
}

static void set_asked(struct kvm_release_info *out, const char *s, size_t len)
{
	size_t n = len < sizeof(out->asked) - 1 ? len : sizeof(out->asked) - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out->asked[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out->asked[n] = 0;
}

int kvm_release_resolve(const char *s, size_t len, struct kvm_release_info *out)
{
	if (!out)
		return VMX_ERR_INVALID;
	out->status = KVM_RS_MALFORMED;
	out->policy = out->post_from = out->closest = (const struct kvm_policy *)0;
	out->major = out->minor = 0;
	out->sublevel = -1;
	out->has_sublevel = false;
	out->distro = KVM_DISTRO_NONE;
	out->notes = out->backport_guess = 0;
	out->asked[0] = 0;
	if (!s)
		return VMX_ERR_INVALID;
	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	set_asked(out, s, len);

	/* MAJOR.MINOR[.SUBLEVEL], an optional "v" first (git tags: v6.6). */
	size_t i = 0;
	if (len > 1 && (s[0] == 'v' || s[0] == 'V') && is_digit(s[1]))
		i = 1;
	unsigned major, minor, sub = 0;
	if (!number(s, len, &i, &major) || i >= len || s[i] != '.')
		return VMX_ERR_INVALID;
	i++;
	if (!number(s, len, &i, &minor))
		return VMX_ERR_INVALID;
	bool has_sub = false;
	if (i < len && s[i] == '.') {
		i++;
		if (!number(s, len, &i, &sub)) /* 6.6., 6.6.x */
			return VMX_ERR_INVALID;
		has_sub = true;
	}
	/* The suffix: a separator first (6.6abc is no version); a fourth number only after a dot (5.15.153.1-WSL2). */
	struct span suf = { s + i, len - i };
	if (suf.n && suf.p[0] != '-' && suf.p[0] != '+' && suf.p[0] != '_' && suf.p[0] != '~' && suf.p[0] != '.')
		return VMX_ERR_INVALID;
	if (suf.n && suf.p[0] == '.' && (suf.n == 1 || !is_digit(suf.p[1])))
		return VMX_ERR_INVALID;
	if (major > MAX_MAJOR || minor > MAX_MINOR)
		return VMX_ERR_INVALID;
	out->major = major;
	out->minor = minor;
	out->has_sublevel = has_sub;
	bool placeholder;
	out->distro = classify(suf, has_sub, sub, &placeholder);
	bool enterprise = out->distro == KVM_DISTRO_RHEL || out->distro == KVM_DISTRO_SUSE;
	if (enterprise)
		out->notes |= KVM_RN_ENTERPRISE;

	const struct kvm_policy *hi = newest(), *lo = oldest();
	if (!hi || !lo)
		return VMX_ERR_INVALID;
	unsigned rel = KVM_REL(major, minor);
	const struct kvm_policy *p;
	if (rel < lo->rel) {
		out->status = KVM_RS_TOO_OLD;
		out->closest = lo;
		return VMX_ERR_INVALID;
	}
	if (rel > hi->rel) {
		out->status = KVM_RS_NEWER;
		out->notes |= KVM_RN_NEWER;
		p = hi;
	} else {
		p = kvm_policy_by_rel(rel);
		if (!p) /* inside the range but no such release (5.25, 6.20): not a kernel version */
			return VMX_ERR_INVALID;
		out->status = KVM_RS_OK;
		if (has_sub && !placeholder)
			out->sublevel = (int)sub;
	}
	out->policy = p;

	if (p->rel_flags & KVM_RELF_INFERRED)
		out->notes |= KVM_RN_INFERRED;
	if (p->rel_flags & KVM_RELF_RC_ONLY)
		out->notes |= KVM_RN_RC_ONLY;
	if (p->rel_flags & (KVM_RELF_INFERRED | KVM_RELF_RC_ONLY))
		out->notes |= KVM_RN_NO_SETUP_GOLDEN;
	out->post_from = (p->rel_flags & KVM_RELF_POST_CHECKED) ? p : nearest_checked(p);
	if (out->post_from != p)
		out->notes |= KVM_RN_POST_NEAREST;

	uint32_t unsure = 0;
	(void)kvm_post_flags_at(p, out->sublevel, &unsure);
	if (unsure) {
		out->notes |= KVM_RN_BACKPORT_GUESS;
		out->backport_guess = unsure;
	}
	/* No upstream sublevel: say so where the string has a placeholder, or where the sublevel would matter. */
	if (out->status == KVM_RS_OK && out->sublevel < 0 && !enterprise && (placeholder || unsure))
		out->notes |= KVM_RN_SUB_UNKNOWN;
	return VMX_OK;
}

const char *kvm_release_note_text(uint32_t note)
{
	switch (note) {
	case KVM_RN_INFERRED:
		return "no source tree of this release was read: its behaviour is inferred from the neighbouring releases";
	case KVM_RN_RC_ONLY:
		return "only a release candidate of this release was read: the final release is assumed identical";
	case KVM_RN_SUB_UNKNOWN:
		return "the version string carries no upstream stable sublevel: the answer is the series as of the newest "
		       "stable release vmxcfg read";
	case KVM_RN_BACKPORT_GUESS:
		return "a change backported to this stable series is assumed present, although the sublevel is not known "
		       "to carry it";
	case KVM_RN_ENTERPRISE:
		return "enterprise kernels backport KVM from much newer releases; vmxcfg does not model those backports "
		       "and answers with the base release: read /sys/module/kvm_intel/parameters for the truth";
	case KVM_RN_NEWER:
		return "newer than the newest modelled release: answered with the newest, not verified";
	case KVM_RN_NO_SETUP_GOLDEN:
		return "setup_vmcs_config of this release was not compared with results of its real code";
	case KVM_RN_POST_NEAREST:
		return "module parameters and nested MSRs were compared with the real code of another release only";
	default:
		return (const char *)0;
	}
}

const char *kvm_distro_name(enum kvm_distro d)
{
	static const char *const names[KVM_DISTRO_COUNT] = { "", "Ubuntu", "Debian", "Fedora", "Arch Linux",
							     "RHEL", "SUSE", "other" };
	return (unsigned)d < KVM_DISTRO_COUNT ? names[d] : "";
}

/* SPDX-License-Identifier: MIT */
/*
 * From a kernel version string as users have it (`uname -r`, "--kernel 5.15", "6.1.0-18-amd64") to the
 * modelled release that answers for it, with what the answer is worth.  docs/kernel-versions.md explains
 * the rules.  Freestanding, no allocation.
 */
#ifndef VMXCFG_RELEASE_H
#define VMXCFG_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm.h"

/* Who built the kernel, as far as the version string tells. */
enum kvm_distro {
	KVM_DISTRO_NONE = 0, /* mainline or stable string: "6.6", "6.6.87" */
	KVM_DISTRO_UBUNTU,   /* 5.15.0-91-generic: sublevel 0 is a placeholder */
	KVM_DISTRO_DEBIAN,   /* 6.1.0-18-amd64 (placeholder), 6.12.9+bpo-amd64 (real sublevel) */
	KVM_DISTRO_FEDORA,   /* 6.11.4-301.fc41.x86_64 */
	KVM_DISTRO_ARCH,     /* 6.12.1-arch1-1 */
	KVM_DISTRO_RHEL,     /* 5.14.0-427.el9.x86_64, 4.18.0-513.el8_9.x86_64: enterprise, KVM backports */
	KVM_DISTRO_SUSE,     /* 5.14.21-150500.55.39-default: enterprise, KVM backports */
	KVM_DISTRO_OTHER,    /* a suffix we do not know: the sublevel is taken as upstream */
	KVM_DISTRO_COUNT
};

/* The verdict on a version string. */
enum kvm_release_status {
	KVM_RS_OK = 0,    /* answered by the modelled release of the same number */
	KVM_RS_NEWER,     /* newer than every modelled release: answered by the newest, not verified */
	KVM_RS_TOO_OLD,   /* older than the oldest modelled release: refused */
	KVM_RS_MALFORMED, /* not a kernel version: refused */
};

/* What an answer is worth, as flags (each has a sentence: kvm_release_note_text). */
#define KVM_RN_INFERRED     0x001u /* no source of the release was read: behaviour inferred from its neighbours */
#define KVM_RN_RC_ONLY      0x002u /* only a release candidate of the release was read */
#define KVM_RN_SUB_UNKNOWN  0x004u /* the string has no upstream sublevel: the series' newest checked stable answers */
#define KVM_RN_BACKPORT_GUESS 0x008u /* a stable backport assumed present without knowing the sublevel has it */
#define KVM_RN_ENTERPRISE   0x010u /* enterprise kernel: KVM backports are not modelled; answered as its base */
#define KVM_RN_NEWER        0x020u /* newer than the newest modelled release: not verified */
#define KVM_RN_NO_SETUP_GOLDEN 0x040u /* setup_vmcs_config not compared with this release's real code */
#define KVM_RN_POST_NEAREST 0x080u /* parameters and nested MSRs follow the rules of another release (see .post_from) */

struct kvm_release_info {
	enum kvm_release_status status;
	const struct kvm_policy *policy; /* the release that answers; NULL unless OK or NEWER */
	unsigned major, minor;           /* as asked */
	int sublevel;                    /* upstream stable sublevel used for backports; -1 unknown */
	bool has_sublevel;               /* the string had a third number (even a placeholder) */
	enum kvm_distro distro;
	uint32_t notes;                  /* KVM_RN_* */
	uint32_t backport_guess;         /* KVM_PV_* flags assumed (KVM_RN_BACKPORT_GUESS) */
	const struct kvm_policy *post_from; /* the nearest release whose parameters/nested MSRs were checked */
	const struct kvm_policy *closest;   /* TOO_OLD: the oldest modelled release, for the message */
	char asked[64];                  /* the string, truncated, NUL-terminated */
};

/*
 * Resolve `s` (len bytes, need not be NUL-terminated).  Always fills *out; returns VMX_OK when a release
 * answers (status OK or NEWER), VMX_ERR_INVALID when refused (TOO_OLD, MALFORMED) or on NULL arguments.
 */
int kvm_release_resolve(const char *s, size_t len, struct kvm_release_info *out);

/* Sentence for one KVM_RN_* flag (static), or NULL. */
const char *kvm_release_note_text(uint32_t note);
/* "Ubuntu", "Debian", ...; "" for KVM_DISTRO_NONE. */
const char *kvm_distro_name(enum kvm_distro d);

#endif

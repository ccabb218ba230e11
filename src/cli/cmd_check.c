/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg check [--sysroot DIR] [--kernel V]
 * Readiness of this machine for KVM (kvm-ok / virt-host-validate style): one line per check, PASS / WARN /
 * FAIL / SKIP, with a HINT where the user can act.  Exit 0 ready, 1 not ready, 2 could not tell.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vmxcfg/params.h>
#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/live_source.h"
#include "host/percpu.h"

enum verdict { V_PASS, V_WARN, V_FAIL, V_SKIP, V_INFO };
static const char *const vwords[] = { "PASS", "WARN", "FAIL", "SKIP", "INFO" };

struct ck {
	FILE *out;
	int fails, unknowns;
};

static void line(struct ck *c, enum verdict v, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void line(struct ck *c, enum verdict v, const char *what, const char *fmt, ...)
{
	fprintf(c->out, "%-4s  %-28s ", vwords[v], what);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
	if (v == V_FAIL)
		c->fails++;
}

static void hint(struct ck *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hint(struct ck *c, const char *fmt, ...)
{
	fprintf(c->out, "      HINT: ");
	va_list ap;
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
}

static void vendor_of(const struct vmx_snapshot *s, char v[13])
{
	const struct vmx_cpuid_leaf *l0 = vmx_snapshot_find_cpuid(s, 0, 0);
	v[0] = 0;
	if (!l0)
		return;
	uint32_t r[3] = { l0->ebx, l0->edx, l0->ecx };
	for (int i = 0; i < 12; i++)
		v[i] = (char)(r[i / 4] >> (8 * (i % 4)));
	v[12] = 0;
}

/* "name=value" of every file in DIR, space-separated. */
static void read_params(const char *dir, char *buf, size_t n, bool *eoi, bool *have_eoi)
{
	buf[0] = 0;
	*have_eoi = false;
	struct dirent **ents;
	int k = scandir(dir, &ents, NULL, alphasort);
	if (k < 0)
		return;
	size_t used = 0;
	for (int i = 0; i < k; i++) {
		if (ents[i]->d_name[0] != '.' && used + 4 < n) {
			char path[700], val[128] = "";
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			FILE *f = fopen(path, "r");
			if (f) {
				if (!fgets(val, sizeof(val), f))
					val[0] = 0;
				fclose(f);
			}
			val[strcspn(val, "\r\n")] = 0;
			used += (size_t)snprintf(buf + used, n - used, "%s%s=%s", used ? " " : "", ents[i]->d_name,
						 val[0] ? val : "?");
			if (used >= n)
				used = n - 1;
			if (!strcmp(ents[i]->d_name, "error_on_inconsistent_vmcs_config")) {
				*have_eoi = true;
				*eoi = val[0] == 'Y' || val[0] == 'y' || val[0] == '1';
			}
		}
		free(ents[i]);
	}
	free(ents);
}

/* Modules named kvm* under SYSROOT/sys/module, space-separated. */
static void kvm_modules(const char *sysroot, char *buf, size_t n)
{
	char dir[400];
	vmx_live_path(dir, sizeof(dir), sysroot, "/sys/module");
	buf[0] = 0;
	DIR *d = opendir(dir);
	if (!d)
		return;
	size_t used = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "kvm", 3) && used + strlen(e->d_name) + 2 < n)
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? " " : "", e->d_name);
	closedir(d);
}

/*
 * kvm_intel is loaded: its effective parameters (sysfs) against vmxcfg's prediction with default parameters.
 * A difference is either a modprobe option or a wrong prediction: worth a look, not a failure.
 */
static void compare_params(struct ck *c, const char *sysroot, const struct kvm_policy *pol, const struct kvm_post *post)
{
	char diff[1500];
	size_t used = 0;
	int nsame = 0;
	diff[0] = 0;
	for (int id = 0; id < KVM_P_COUNT; id++) {
		const struct kvm_param_info *pi = kvm_param_get((enum kvm_param)id);
		if (!pi || strcmp(pi->module, "kvm_intel") || !post->p[id].present)
			continue;
		char rel[200], path[600], val[64] = "";
		snprintf(rel, sizeof(rel), "/sys/module/kvm_intel/parameters/%s", pi->name);
		vmx_live_path(path, sizeof(path), sysroot, rel);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(val, sizeof(val), f))
			val[0] = 0;
		fclose(f);
		val[strcspn(val, "\r\n")] = 0;
		int64_t v;
		if (kvm_param_parse((enum kvm_param)id, val, strlen(val), &v) != VMX_OK)
			continue;
		if (v == post->p[id].value) {
			nsame++;
			continue;
		}
		if (used + 80 < sizeof(diff))
			used += (size_t)snprintf(diff + used, sizeof(diff) - used, "%s%s=%s (predicted %" PRId64 ")",
						 used ? ", " : "", pi->name, val, post->p[id].value);
	}
	if (used)
		line(c, V_INFO, "kvm_intel parameters", "%d agree with vmxcfg's prediction for %s defaults; differ: %s", nsame,
		     pol->version, diff);
	else if (nsame)
		line(c, V_INFO, "kvm_intel parameters", "all %d readable parameters agree with vmxcfg's prediction for %s defaults",
		     nsame, pol->version);
	if (used)
		hint(c, "a difference comes from a modprobe option (e.g. /etc/modprobe.d) or from a CPU fact vmxcfg does not "
			"model; 'vmxcfg kvm --param NAME=VALUE' shows the effect of an option");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg check [--sysroot DIR] [--kernel VERSION]\n"
		   "  is this machine ready for KVM (kvm_intel)?  one line per check: PASS / WARN / FAIL / SKIP\n"
		   "  --kernel  the kvm_intel version to predict (default: the running kernel's)\n"
		   "exit: 0 ready, 1 not ready, 3 could not tell (a check could not be made)\n");
	fputs(CLI_EXIT_HELP, f);
}

/* 3 ("could not tell") prints the report like 0 and 1 (main() copies `out` for them). */
int cmd_check(int argc, char **argv, FILE *out)
{
	struct cli_source src;
	cli_source_init(&src);
	const char *kernel_opt = NULL;
	for (int i = 1; i < argc; i++) {
		int s = cli_shared_opt(argc, argv, &i, NULL, &kernel_opt, NULL);
		if (s < 0)
			return CLI_BAD;
		if (s > 0)
			continue;
		if (cli_opt(argv[i], "--sysroot")) {
			if (!(src.sysroot = cli_value(argc, argv, &i, "--sysroot")))
				return CLI_BAD;
		} else if (cli_is(argv[i], "--help") || cli_is(argv[i], "-h")) {
			usage(out);
			return CLI_OK;
		} else {
			cli_error("check: unknown option '%s'%s", argv[i],
				  (!strncmp(argv[i], "--cpu", 5) || !strncmp(argv[i], "--profile", 9))
					  ? ": check examines this machine; for a CPU you do not have, use "
					    "'vmxcfg kvm --cpu NAME' or 'vmxcfg caps --cpu NAME'"
					  : "");
			usage(stderr);
			return CLI_BAD;
		}
	}
	/* A --kernel vmxcfg refuses is a usage error before anything of the machine is read; its notes go in the
	 * report with the prediction. */
	struct cli_kernel kern;
	if (kernel_opt && !cli_kernel_resolve(kernel_opt, true, &kern))
		return CLI_BAD;
	const char *sysroot = src.sysroot;
	struct ck c = { out, 0, 0 };
	char host[256], release[128];
	vmx_live_host(sysroot, host, sizeof(host), release, sizeof(release));
	fprintf(out, "vmxcfg check: host %s, kernel %s%s%s\n", host[0] ? host : "(unknown)",
		release[0] ? release : "(unknown)", sysroot && *sysroot ? ", sysroot " : "",
		sysroot && *sysroot ? sysroot : "");

	/* Sources: MSRs (may fail), /proc/cpuinfo (may fail), CPUID. */
	struct vmx_profile live, ci;
	struct vmx_live_report r;
	struct vmx_diag dl, dc;
	struct vmx_cpuinfo_info info;
	int have_msr = cli_live_read(sysroot, &live, &r, &dl) == 0;
	int have_ci = cli_live_cpuinfo(NULL, sysroot, &ci, &info, &dc) == 0;
	bool ci_read = have_ci || info.n_blocks > 0; /* the file was parsed (maybe without vmx flags) */
	struct vmx_snapshot *cpuid_src = NULL;
	struct vmx_snapshot *tmp = malloc(sizeof(*tmp));
	if (!tmp)
		return cli_error("out of memory");
	vmx_snapshot_init(tmp);
	if (have_msr && live.cpus[0].snap.n_cpuid) {
		cpuid_src = &live.cpus[0].snap;
	} else {
		struct vmx_live_report r2;
		memset(&r2, 0, sizeof(r2));
		if (vmx_live_read_cpuid(vmx_live_posix_io(), sysroot, 0, tmp, &r2) == 0 ||
		    (!(sysroot && *sysroot) && vmx_live_cpuid_instruction(0, tmp) == 0))
			cpuid_src = tmp;
		else if (have_ci)
			cpuid_src = &ci.cpus[0].snap;
	}

	/* 1. Vendor and CPUID VMX bit. */
	char vendor[13] = "";
	if (cpuid_src)
		vendor_of(cpuid_src, vendor);
	else if (ci_read)
		snprintf(vendor, sizeof(vendor), "%.12s", info.vendor);
	bool intel = !strcmp(vendor, "GenuineIntel") || !strcmp(vendor, "CentaurHauls") || !strcmp(vendor, "  Shanghai  ");
	bool novmx = false, fw_disabled = false;
	const char *model = info.model_name[0] ? info.model_name : vmx_profile_meta(have_msr ? &live : &ci, "name");
	if (!vendor[0]) {
		line(&c, V_WARN, "CPU vendor", "unknown (no /dev/cpu/0/cpuid and no readable /proc/cpuinfo)");
		c.unknowns++;
	} else if (!intel) {
		line(&c, V_FAIL, "CPU vendor", "%s%s%s: not an Intel CPU, kvm_intel (VMX) cannot load here%s", vendor,
		     model ? ", " : "", model ? model : "",
		     !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine") ? " (AMD CPUs use kvm_amd/SVM)" : "");
		hint(&c, "to study what kvm_intel does on an Intel CPU, use 'vmxcfg kvm --cpu NAME' or 'vmxcfg caps --cpu "
			 "NAME' (list: 'vmxcfg profiles')");
		novmx = true;
	} else {
		line(&c, V_PASS, "CPU vendor", "%s%s%s", vendor, model ? ", " : "", model ? model : "");
	}
	bool hv = info.hypervisor;
	if (cpuid_src && intel) {
		bool vmx = vmx_cpuid_has_vmx(cpuid_src);
		if (vmx) {
			line(&c, V_PASS, "CPUID VMX bit", "CPUID.1:ECX[5] = 1%s", ci.n_cpus && cpuid_src == &ci.cpus[0].snap ? " (from the 'vmx' flag of /proc/cpuinfo)" : "");
		} else {
			line(&c, V_FAIL, "CPUID VMX bit", "CPUID.1:ECX[5] = 0: this CPU offers no VMX%s",
			     hv ? " (a virtual machine whose hypervisor does not expose VMX: nested virtualization is off)" : "");
			hint(&c, "%s; to study a CPU without VMX hardware use 'vmxcfg kvm --cpu NAME' or 'vmxcfg caps --cpu "
				 "NAME' (see 'vmxcfg profiles')",
			     hv ? "enable nested virtualization for this VM on its host (e.g. kvm_intel nested=1 and a CPU "
				  "model with vmx)"
				: "this CPU has no VMX");
			novmx = true;
		}
	} else if (intel) {
		line(&c, V_WARN, "CPUID VMX bit", "unknown: CPUID not readable (%s)", r.cpuid_path[0] ? r.cpuid_path : "/dev/cpu/0/cpuid");
		hint(&c, "'modprobe cpuid' creates /dev/cpu/N/cpuid");
		c.unknowns++;
	}

	/* 2. IA32_FEATURE_CONTROL. */
	if (have_msr) {
		const struct vmx_snapshot *s = &live.cpus[0].snap;
		if (!vmx_snapshot_has(s, VMX_MSR_FEATURE_CONTROL)) {
			line(&c, novmx ? V_SKIP : V_WARN, "IA32_FEATURE_CONTROL", "absent (reading MSR 0x3a faults)");
		} else {
			uint64_t fc = s->msr[VMX_MSR_FEATURE_CONTROL];
			if ((fc & 1) && !(fc & 4)) {
				line(&c, V_FAIL, "IA32_FEATURE_CONTROL", "0x%" PRIx64 ": locked with VMX outside SMX disabled: VMX is disabled by firmware", fc);
				fw_disabled = true;
				hint(&c, "enable Intel Virtualization Technology (VT-x) in the BIOS/UEFI setup, save, and power-cycle (the MSR stays locked until reset)");
			} else if (fc & 1) {
				line(&c, V_PASS, "IA32_FEATURE_CONTROL", "0x%" PRIx64 ": locked, VMX outside SMX enabled", fc);
			} else {
				line(&c, V_WARN, "IA32_FEATURE_CONTROL", "0x%" PRIx64 ": not locked (Linux normally locks it at boot with VMX enabled)", fc);
			}
		}
	} else {
		line(&c, novmx ? V_SKIP : V_WARN, "IA32_FEATURE_CONTROL", "not readable: %s", r.msg);
		if (!novmx) {
			hint(&c, r.msr_status == VMX_LIVE_NO_DEVICE ? "run 'modprobe msr' as root, then run vmxcfg check again"
				 : r.msr_status == VMX_LIVE_DENIED ? "run vmxcfg check as root (or with CAP_SYS_RAWIO)"
								    : "see the message above");
		}
	}

	/* 3. vmx flags in /proc/cpuinfo. */
	if (have_ci) {
		line(&c, V_PASS, "/proc/cpuinfo vmx flags", "present on %zu CPU%s (VMX enabled for the kernel)", info.n_blocks,
		     info.n_blocks == 1 ? "" : "s");
	} else if (ci_read) {
		const char *why = dc.msg;
		line(&c, V_FAIL, "/proc/cpuinfo vmx flags", "missing: %s", why);
		if (info.novmx == VMX_CPUINFO_NO_VMX_FLAG && !hv && intel && !novmx && !fw_disabled)
			hint(&c, "enable Intel Virtualization Technology (VT-x) in the BIOS/UEFI setup");
		else if (info.novmx == VMX_CPUINFO_OLD_KERNEL)
			hint(&c, "kernels before 5.6 do not print vmx flags; the msr check above is authoritative");
	} else {
		line(&c, V_WARN, "/proc/cpuinfo vmx flags", "cannot read: %s", dc.msg);
		c.unknowns++;
	}

	/* 4. /dev/kvm and kvm_intel. */
	char path[400], mods[300];
	kvm_modules(sysroot, mods, sizeof(mods));
	vmx_live_path(path, sizeof(path), sysroot, "/sys/module/kvm_intel");
	struct stat st;
	bool kvm_intel = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	vmx_live_path(path, sizeof(path), sysroot, "/dev/kvm");
	if (stat(path, &st) != 0) {
		line(&c, V_FAIL, "/dev/kvm", "missing (%s)", strerror(errno));
		hint(&c, novmx	       ? "without VMX, kvm_intel cannot create it"
			 : fw_disabled ? "kvm_intel cannot load (and create it) until VT-x is enabled in the firmware setup"
				       : "load kvm_intel: 'modprobe kvm_intel'");
	} else {
		bool acc = access(path, R_OK | W_OK) == 0;
		const char *kind = S_ISCHR(st.st_mode) ? "character device" : "not a character device";
		if (!kvm_intel) {
			line(&c, novmx ? V_WARN : V_FAIL, "/dev/kvm", "present (%s, %s) but kvm_intel is not loaded%s%s%s", kind,
			     acc ? "read/write for this user" : "no read/write access for this user",
			     mods[0] ? ": provided by " : "", mods, mods[0] ? " (not VMX-based KVM)" : "");
		} else if (!acc) {
			line(&c, V_FAIL, "/dev/kvm", "present (%s) but this user cannot open it read/write", kind);
			hint(&c, "add the user to the group owning /dev/kvm (usually 'kvm') and log in again");
		} else {
			line(&c, S_ISCHR(st.st_mode) ? V_PASS : V_WARN, "/dev/kvm", "present, %s, read/write for this user",
			     kind);
		}
	}
	bool eoi = true, have_eoi = false;
	if (kvm_intel) {
		char params[2000], pdir[400];
		vmx_live_path(pdir, sizeof(pdir), sysroot, "/sys/module/kvm_intel/parameters");
		read_params(pdir, params, sizeof(params), &eoi, &have_eoi);
		line(&c, V_PASS, "kvm_intel module", "loaded; parameters: %s", params[0] ? params : "(none readable)");
	} else {
		line(&c, novmx ? V_SKIP : V_FAIL, "kvm_intel module", "not loaded%s%s%s", mods[0] ? " (loaded: " : "",
		     mods[0] ? mods : "", mods[0] ? ")" : "");
		if (fw_disabled)
			hint(&c, "it cannot load until VT-x is enabled in the firmware setup (see above)");
		else if (!novmx)
			hint(&c, "'modprobe kvm_intel'; if it fails, 'dmesg | grep kvm' tells why (and 'vmxcfg kvm' below predicts it)");
	}

	/* 5. The vmxcfg kvm verdict for the running kernel: its `uname -r` through kvm_release_resolve, as --kernel. */
	if (!kernel_opt) {
		memset(&kern, 0, sizeof(kern));
		kern.given = true;
		if (kvm_release_resolve(release, strlen(release), &kern.info) == VMX_OK)
			kern.pol = kern.info.policy;
	}
	const struct kvm_policy *pol = kern.pol;
	if (!pol) {
		char why[400];
		cli_kernel_refusal(&kern.info, why, sizeof(why));
		line(&c, V_WARN, "kvm_intel prediction", "cannot predict for kernel %s: %s", release[0] ? release : "(unknown)",
		     why);
		if (kern.info.status == KVM_RS_TOO_OLD && kern.info.closest)
			hint(&c, "'vmxcfg check --kernel %s' predicts with the closest modelled release (an approximation)",
			     kern.info.closest->version);
		c.unknowns++;
	} else if (novmx) {
		line(&c, V_FAIL, "kvm_intel prediction", "kvm_intel %s stops with -EOPNOTSUPP: no VMX", pol->version);
	} else if (!have_msr) {
		line(&c, V_WARN, "kvm_intel prediction", "cannot tell without the capability MSRs (/proc/cpuinfo has only "
							 "the allowed-1 bits of named controls)");
		hint(&c, "run as root with the msr driver loaded ('modprobe msr') for a full prediction");
		c.unknowns++;
	} else {
		/* The full load (setup_vmcs_config + hardware_setup) with the version's default parameters. */
		static struct kvm_params_input pin;
		static struct kvm_post post;
		kvm_params_input_init(&pin, pol, &live.cpus[0].snap);
		pin.sublevel = kern.info.sublevel; /* before kvm_params_set */
		if (have_eoi && kvm_param_present(pol, KVM_P_ERROR_ON_INCONSISTENT, NULL))
			kvm_params_set(&pin, pol, KVM_P_ERROR_ON_INCONSISTENT, eoi);
		kvm_post_setup(pol, &pin, &post);
		const struct kvm_result *kr = &post.setup;
		const char *ver = pol->version;
		if (kr->precheck == KVM_PRE_NO_VMX || kr->precheck == KVM_PRE_FW_DISABLED) {
			line(&c, V_FAIL, "kvm_intel prediction", "kvm_intel %s stops with -EOPNOTSUPP (%s)", ver,
			     kr->precheck == KVM_PRE_NO_VMX ? "no VMX" : "VMX disabled by firmware");
		} else if (post.status == KVM_POST_EIO) {
			line(&c, V_FAIL, "kvm_intel prediction", "kvm_intel %s fails with -EIO in setup_vmcs_config", ver);
			hint(&c, "'vmxcfg kvm --kernel %s' explains which capability is missing", ver);
		} else if (post.status != KVM_POST_OK) {
			line(&c, V_FAIL, "kvm_intel prediction", "kvm_intel %s fails in %s: %s", ver,
			     post.failed_in ? post.failed_in : "hardware_setup", post.fail_reason ? post.fail_reason : "");
			hint(&c, "'vmxcfg kvm --kernel %s' explains it", ver);
		} else {
			struct kvm_input in;
			kvm_input_init(&in, &live.cpus[0].snap);
			if (have_eoi)
				in.error_on_inconsistent_vmcs_config = eoi;
			struct vmx_percpu_kvm pc;
			vmx_percpu_kvm_check(pol, &in, &live, &pc);
			if (!pc.consistent) {
				line(&c, V_FAIL, "kvm_intel prediction", "kvm_intel %s refuses to load: %s", ver, pc.message);
				hint(&c, "'vmxcfg caps' shows which CPUs and bits differ (a microcode or firmware update usually fixes it)");
			} else {
				line(&c, V_PASS, "kvm_intel prediction", "kvm_intel %s loads: setup_vmcs_config succeeds on %zu CPU%s",
				     ver, live.n_cpus, live.n_cpus == 1 ? "" : "s");
			}
			if (kvm_intel)
				compare_params(&c, sysroot, pol, &post);
		}
		/* Which release answered, and what the answer is worth. */
		char beh[32];
		cli_kernel_behaviour(pol, beh, sizeof(beh));
		fprintf(out, "      %s %s%s%s%s answered by the model of %s (facts from %s; setup_vmcs_config as in %s)\n",
			kernel_opt ? "--kernel" : "kernel", kern.info.asked,
			kern.info.distro != KVM_DISTRO_NONE && kern.info.distro != KVM_DISTRO_OTHER ? " (" : "",
			kern.info.distro != KVM_DISTRO_NONE && kern.info.distro != KVM_DISTRO_OTHER ? kvm_distro_name(kern.info.distro) : "",
			kern.info.distro != KVM_DISTRO_NONE && kern.info.distro != KVM_DISTRO_OTHER ? ")" : "", ver,
			pol->source[0] ? pol->source : "no source: inferred", beh);
		cli_kernel_notes(out, &kern, "      note: ");
	}

	int rc;
	if (c.fails) {
		fprintf(out, "\nresult: NOT READY for KVM (%d check%s failed)%s\n", c.fails, c.fails == 1 ? "" : "s",
			novmx ? ": this machine has no usable VMX; use --cpu NAME with 'vmxcfg kvm' or 'vmxcfg caps' to "
				"study an Intel CPU"
			      : "");
		rc = CLI_NO;
	} else if (c.unknowns) {
		fprintf(out, "\nresult: COULD NOT TELL (%d check%s could not be made)\n", c.unknowns, c.unknowns == 1 ? "" : "s");
		rc = cli_unknown("check: no verdict (exit 3): %d check%s could not be made (WARN lines above); %s",
				 c.unknowns, c.unknowns == 1 ? "" : "s",
				 !have_msr ? "read the MSRs (root, 'modprobe msr'; 'modprobe cpuid' for CPUID) and run it again"
					   : "see the HINT lines for what would decide them");
	} else {
		fprintf(out, "\nresult: READY for KVM\n");
		rc = CLI_OK;
	}
	free(tmp);
	if (have_msr)
		vmx_profile_free(&live);
	if (have_ci)
		vmx_profile_free(&ci);
	return rc;
}

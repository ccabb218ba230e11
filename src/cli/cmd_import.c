/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg import FILE... [-o OUT] [--format auto|vbox|vmware|vmxcap|cpuinfo] [--host N|all]
 *
 * Turns VirtualBox/VMware logs, vmxcap output and /proc/cpuinfo into profiles (src/host/import.h).  One
 * profile goes to stdout or to OUT; several (several files, or a log with several distinct hosts and
 * --host all) need -o DIR and are written as DIR/<stem>[.hostN].profile.  Nothing is written unless every
 * file imports cleanly.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "host/import.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg import FILE... [-o OUT] [--format auto|vbox|vmware|vmxcap|cpuinfo] [--host N|all]\n"
		   "\n"
		   "Turn what users already have into vmxcfg profiles: a VirtualBox VBox.log, a VMware vmware.log,\n"
		   "QEMU's vmxcap output, or a /proc/cpuinfo with a \"vmx flags\" line.  The format is detected from the\n"
		   "content.  Only host values are used; the profile's '# source:' names the format and the product\n"
		   "version found in the log, '# note:' lines say what was dropped and why.\n"
		   "\n"
		   "  -o OUT      write to OUT instead of stdout; a directory when there are several profiles\n"
		   "              (written as OUT/<file stem>[.hostN].profile)\n"
		   "  --format F  do not detect: read FILE as F\n"
		   "  --host N    a log with several distinct hosts: import the N-th (1-based); 'all' writes every\n"
		   "              one (needs -o DIR)\n"
		   "exit: 0 imported, 2 usage error or a bad, truncated or misleading log (nothing written)\n");
	fputs(CLI_EXIT_HELP, f);
}

/* File stem for output names: base name without .log/.txt and without a .vbox/.vmware/... part. */
static void stem_of(const char *path, char *out, size_t n)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	if (strcmp(b, "-") == 0)
		b = "stdin";
	snprintf(out, n, "%s", b);
	static const char *const sufs[] = { ".log", ".txt", ".vbox", ".vmware", ".vmxcap", ".cpuinfo" };
	for (size_t k = 0; k < sizeof(sufs) / sizeof(sufs[0]); k++) {
		size_t l = strlen(out), s = strlen(sufs[k]);
		if (l > s && strcmp(out + l - s, sufs[k]) == 0)
			out[l - s] = 0;
	}
}

struct item {
	const char *file;
	size_t host; /* 0-based */
	size_t n_hosts;
	struct vmx_profile *prof;
};

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int write_file(const char *path, const struct vmx_profile *p)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return cli_error("import: cannot write %s: %s", path, strerror(errno));
	int bad = vmx_profile_write(f, p) != 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		int e = errno;
		remove(tmp);
		return cli_error("import: cannot write %s: %s", path, strerror(e ? e : EIO));
	}
	return CLI_OK;
}

int cmd_import(int argc, char **argv, FILE *out)
{
	const char *outp = NULL, *host_arg = NULL;
	enum vmx_import_format fmt = VMX_IMPORT_AUTO;
	const char **files = calloc((size_t)argc + 1, sizeof(*files));
	int n_files = 0, rc = CLI_BAD;
	struct vmx_import_result *res = NULL;
	struct item *items = NULL;
	size_t n_items = 0;
	if (!files)
		return cli_error("import: out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int s = cli_shared_opt(argc, argv, &i, NULL, NULL, &outp);
		if (s < 0)
			goto done;
		if (s > 0)
			continue;
		if (cli_opt(a, "--format")) {
			const char *v = cli_value(argc, argv, &i, "--format");
			if (!v)
				goto done;
			int f = vmx_import_format_by_name(v);
			if (f < 0 || f == VMX_IMPORT_PROFILE) {
				cli_error("import: --format %s: expected auto, vbox, vmware, vmxcap or cpuinfo", v);
				goto done;
			}
			fmt = (enum vmx_import_format)f;
		} else if (cli_opt(a, "--host")) {
			if (!(host_arg = cli_value(argc, argv, &i, "--host")))
				goto done;
			char *e;
			long h = strtol(host_arg, &e, 10);
			if (strcmp(host_arg, "all") != 0 && (*e || h < 1 || h > 1000)) {
				cli_error("import: --host %s: expected a host number (1, 2, ...) or 'all'", host_arg);
				goto done;
			}
		} else if (cli_is_option(a)) {
			rc = cli_common_opt("import", a, usage, out);
			goto done;
		} else {
			files[n_files++] = a;
		}
	}
	if (n_files == 0) {
		cli_error("import: no FILE given: expected a VBox.log, vmware.log, vmxcap output or /proc/cpuinfo");
		usage(stderr);
		goto done;
	}
	int all = host_arg && strcmp(host_arg, "all") == 0;
	long want = host_arg && !all ? strtol(host_arg, NULL, 10) : 0;
	res = calloc((size_t)n_files, sizeof(*res));
	items = calloc((size_t)n_files * 64 + 1, sizeof(*items));
	if (!res || !items) {
		cli_error("import: out of memory");
		goto done;
	}
	for (int k = 0; k < n_files; k++) {
		struct vmx_diag d;
		if (vmx_import_file(files[k], fmt, &res[k], &d)) {
			cli_diag(&d);
			goto done;
		}
		size_t nh = res[k].n_hosts;
		if (want && (size_t)want > nh) {
			char list[1024];
			vmx_import_describe_hosts(&res[k], list, sizeof(list));
			cli_error("import: %s: --host %ld: the log holds %zu host(s): %s", files[k], want, nh, list);
			goto done;
		}
		if (nh > 1 && !want && !all) {
			char list[1024];
			vmx_import_describe_hosts(&res[k], list, sizeof(list));
			cli_error("import: %s: %zu different hosts in this log: %s; expected one: choose with --host N, "
				  "or --host all -o DIR for every one",
				  files[k], nh, list);
			goto done;
		}
		for (size_t h = 0; h < nh && n_items < (size_t)n_files * 64; h++) {
			if (want && h + 1 != (size_t)want)
				continue;
			items[n_items].file = files[k];
			items[n_items].host = h;
			items[n_items].n_hosts = nh;
			items[n_items].prof = &res[k].hosts[h].prof;
			n_items++;
		}
	}
	if (n_items == 1 && !(outp && is_dir(outp))) {
		if (outp) {
			if ((rc = write_file(outp, items[0].prof)) != CLI_OK)
				goto done;
			fprintf(stderr, "vmxcfg: import: %s -> %s (%s)\n", items[0].file, outp,
				vmx_profile_meta(items[0].prof, "product"));
		} else if (vmx_profile_write(out, items[0].prof)) {
			cli_error("import: cannot write the profile");
			goto done;
		}
		rc = CLI_OK;
		goto done;
	}
	if (!outp || !is_dir(outp)) {
		cli_error("import: %zu profiles (from %d file(s)): expected -o DIR naming an existing directory to write "
			  "them to%s%s",
			  n_items, n_files, outp ? "; not a directory: " : "", outp ? outp : "");
		goto done;
	}
	/* Names first (two files with the same stem would overwrite each other). */
	char(*names)[4200] = calloc(n_items ? n_items : 1, sizeof(*names));
	if (!names) {
		cli_error("import: out of memory");
		goto done;
	}
	for (size_t k = 0; k < n_items; k++) {
		char stem[256];
		stem_of(items[k].file, stem, sizeof(stem));
		if (items[k].n_hosts > 1)
			snprintf(names[k], sizeof(names[k]), "%s/%s.host%zu.profile", outp, stem, items[k].host + 1);
		else
			snprintf(names[k], sizeof(names[k]), "%s/%s.profile", outp, stem);
		for (size_t j = 0; j < k; j++)
			if (strcmp(names[j], names[k]) == 0) {
				cli_error("import: %s and %s would both be written to %s: rename one of the files", items[j].file,
					  items[k].file, names[k]);
				free(names);
				goto done;
			}
	}
	rc = CLI_OK;
	for (size_t k = 0; k < n_items && rc == CLI_OK; k++) {
		rc = write_file(names[k], items[k].prof);
		if (rc == CLI_OK)
			fprintf(stderr, "vmxcfg: import: %s -> %s (%s)\n", items[k].file, names[k],
				vmx_profile_meta(items[k].prof, "product"));
	}
	free(names);
done:
	if (res)
		for (int k = 0; k < n_files; k++)
			vmx_import_result_free(&res[k]);
	free(res);
	free(items);
	free(files);
	return rc;
}

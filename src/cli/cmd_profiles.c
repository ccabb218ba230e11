/* SPDX-License-Identifier: MIT */
/* vmxcfg profiles [--json]: the embedded CPU profiles. */
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "host/fmt.h"

int cmd_profiles(int argc, char **argv, FILE *out)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (cli_is(argv[i], "--json"))
			json = true;
		else if (cli_is(argv[i], "--help")) {
			fprintf(out, "usage: vmxcfg profiles [--json]\n");
			return CLI_OK;
		} else
			return cli_error("profiles: unknown option '%s': expected --json", argv[i]);
	}
	if (json)
		fputs("[\n", out);
	for (size_t k = 0; k < vmx_embedded_count(); k++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at(k);
		struct vmx_profile p;
		struct vmx_diag d;
		if (vmx_profile_parse(e->text, e->len, e->name, &p, &d))
			return cli_diag(&d);
		const char *name = vmx_profile_meta(&p, "name");
		const char *src = vmx_profile_meta(&p, "source");
		if (json) {
			fputs(" {\"id\": ", out);
			vmx_json_str(out, e->name);
			fputs(", \"name\": ", out);
			vmx_json_str(out, name ? name : "");
			fputs(", \"source\": ", out);
			vmx_json_str(out, src ? src : "");
			fprintf(out, ", \"cpus\": %zu}%s\n", p.n_cpus, k + 1 < vmx_embedded_count() ? "," : "");
		} else {
			fprintf(out, "%-40s %s\n", e->name, name ? name : "");
			if (src)
				fprintf(out, "%-40s   source: %s\n", "", src);
		}
		vmx_profile_free(&p);
	}
	if (json)
		fputs("]\n", out);
	return CLI_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * The command line (src/cli/run.c: every subcommand and option) on arbitrary arguments.  The input is the
 * argument list, one argument per line ("kvm\n--cpu\nskylake-core-i7-6700k\n--json"); argv[0] is "vmxcfg".
 * Files named on the command line are resolved in a scratch directory holding a fixed set of fixtures
 * (profiles, a profile stream, VBox/VMware logs, vmxcap output, /proc/cpuinfo, VMCS field files, a policy),
 * copied there once; absolute paths and ".." are refused, so nothing outside it is read or written.  stdin is
 * /dev/null.  Whatever a run writes (-o) is removed and the fixtures restored before the next one.
 *
 * Invariants: the exit code is 0, 1 or 2; exit 2 leaves stdout empty and prints a message starting with
 * "vmxcfg: " on stderr; with --json, exit 0/1 prints only well-formed JSON values (one document, or JSON lines).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuzz_common.h"

/* Fixture name in the scratch directory <- file in the source tree (the harness runs from the tree's root). */
static const char *const fixtures[][2] = {
	{ "a.profile", "data/profiles/skylake-core-i7-6700k.profile" },
	{ "b.profile", "data/profiles/penryn-core2-duo-e7500.profile" },
	{ "c.profile", "data/profiles/kabylake-core-i5-7200u-fwdisabled.profile" },
	{ "vbox.log", "tests/import/coffeelake-core-i7-8700k.vbox.log" },
	{ "vmware.log", "tests/import/westmere-ep-xeon-e5606.vmware.log" },
	{ "vmxcap.txt", "tests/import/skylake-sample.vmxcap.txt" },
	{ "cpuinfo", "tests/import/haswell-ep-xeon-e5-1630v3.cpuinfo" },
	{ "f.vmcs", "tests/vmcs/controls-bad.txt" },
	{ "g.json", "tests/vmcs/controls-good.json" },
	{ "d.txt", "tests/vmcs/dump-kvm-5x-syslog.txt" },
	{ "p.policy", "data/policies/simplevisor.policy" },
	{ "k.policy", "data/policies/kvm-7.1.policy" },
	{ "bad.profile", "tests/bad/files/65-bit.profile" },
};
#define N_FIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))
/* s.stream: a.profile + b.profile + c.profile, the profile-stream format `group` and `baseline` read. */
#define STREAM_NAME "s.stream"

struct blob {
	char *data;
	size_t len;
};
static struct blob fix_data[N_FIXTURES + 1];
static char scratch[64];
static bool ready;

static void slurp(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz_cli: %s: cannot open (run from the source tree's root)\n", path);
		abort();
	}
	b->data = NULL;
	b->len = 0;
	FILE *m = open_memstream(&b->data, &b->len);
	FUZZ_ASSERT(m);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		FUZZ_ASSERT(fwrite(buf, 1, n, m) == n);
	fclose(f);
	FUZZ_ASSERT(fclose(m) == 0);
}

static void put(const char *name, const struct blob *b)
{
	int fd = openat(AT_FDCWD, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(write(fd, b->data, b->len) == (ssize_t)b->len);
	close(fd);
}

static const char *fixture_name(size_t i)
{
	return i < N_FIXTURES ? fixtures[i][0] : STREAM_NAME;
}

static void rm_tree(int dirfd);

/* Remove directory name (relative to dirfd, or absolute) and everything in it. */
static void rm_dir_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd >= 0) {
		rm_tree(fd);
		unlinkat(dirfd, name, AT_REMOVEDIR);
	}
}

/* Empty the directory dirfd refers to (and close dirfd). */
static void rm_tree(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	FUZZ_ASSERT(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd, e->d_name, 0) != 0)
			rm_dir_at(dirfd, e->d_name);
	}
	closedir(d);
}

/* Remove everything in the scratch directory (recursively: `import -o DIR` makes one), then write the fixtures. */
static void restore(void)
{
	rm_tree(open(".", O_RDONLY | O_DIRECTORY));
	for (size_t i = 0; i <= N_FIXTURES; i++)
		put(fixture_name(i), &fix_data[i]);
}

/* Did the last run write anything?  A new entry in the directory or a changed fixture. */
static struct stat fix_st[N_FIXTURES + 1];
static bool dirty(void)
{
	DIR *d = opendir(".");
	FUZZ_ASSERT(d);
	size_t n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	if (n != N_FIXTURES + 1 + 2)
		return true;
	for (size_t i = 0; i <= N_FIXTURES; i++) {
		struct stat st;
		if (stat(fixture_name(i), &st) != 0 || st.st_size != fix_st[i].st_size ||
		    st.st_mtim.tv_sec != fix_st[i].st_mtim.tv_sec || st.st_mtim.tv_nsec != fix_st[i].st_mtim.tv_nsec ||
		    st.st_ino != fix_st[i].st_ino || !S_ISREG(st.st_mode))
			return true;
	}
	return false;
}

static void snapshot_fixtures(void)
{
	for (size_t i = 0; i <= N_FIXTURES; i++)
		FUZZ_ASSERT(stat(fixture_name(i), &fix_st[i]) == 0);
}

static void cleanup(void)
{
	if (scratch[0] && chdir("/") == 0)
		rm_dir_at(AT_FDCWD, scratch);
}

/* libFuzzer may leave through _Exit, skipping atexit: remove scratch directories of processes that are gone. */
static void remove_stale(void)
{
	DIR *d = opendir("/tmp");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, "vmxcfg-fuzz-cli.", 16) != 0)
			continue;
		long pid = strtol(e->d_name + 16, &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		rm_dir_at(dirfd(d), e->d_name);
	}
	closedir(d);
}

static void setup(void)
{
	FILE *m = NULL;
	struct blob *st = &fix_data[N_FIXTURES];
	for (size_t i = 0; i < N_FIXTURES; i++)
		slurp(fixtures[i][1], &fix_data[i]);
	m = open_memstream(&st->data, &st->len);
	FUZZ_ASSERT(m);
	for (size_t i = 0; i < 3; i++)
		FUZZ_ASSERT(fwrite(fix_data[i].data, 1, fix_data[i].len, m) == fix_data[i].len);
	FUZZ_ASSERT(fclose(m) == 0);
	remove_stale();
	snprintf(scratch, sizeof(scratch), "/tmp/vmxcfg-fuzz-cli.%ld", (long)getpid());
	FUZZ_ASSERT(mkdir(scratch, 0700) == 0);
	FUZZ_ASSERT(chdir(scratch) == 0);
	atexit(cleanup);
	restore();
	snapshot_fixtures();
	FUZZ_ASSERT(freopen("/dev/null", "r", stdin));
	unsetenv("VMXCFG_SYSROOT");
	ready = true;
}

/* --- a small JSON checker (RFC 8259 syntax), enough to say the output is well formed --------------------- */
struct js {
	const char *p, *end;
	int depth;
};
static void js_ws(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}
static bool js_lit(struct js *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}
static bool js_string(struct js *j)
{
	if (j->p >= j->end || *j->p != '"')
		return false;
	for (j->p++; j->p < j->end; j->p++) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (++j->p >= j->end || !strchr("\"\\/bfnrtu", *j->p))
				return false;
			if (*j->p == 'u') {
				for (int k = 0; k < 4; k++)
					if (++j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p))
						return false;
			}
		}
	}
	return false;
}
static bool js_digits(struct js *j)
{
	const char *s = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}
static bool js_number(struct js *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!js_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!js_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!js_digits(j))
			return false;
	}
	return true;
}
static bool js_value(struct js *j);
static bool js_members(struct js *j, char close, bool object)
{
	j->p++;
	if (++j->depth > 64)
		return false;
	js_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		js_ws(j);
		if (object) {
			if (!js_string(j))
				return false;
			js_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return false;
		}
		if (!js_value(j))
			return false;
		js_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return true;
		}
		return false;
	}
}
static bool js_value(struct js *j)
{
	js_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return js_members(j, '}', true);
	case '[':
		return js_members(j, ']', false);
	case '"':
		return js_string(j);
	case 't':
		return js_lit(j, "true");
	case 'f':
		return js_lit(j, "false");
	case 'n':
		return js_lit(j, "null");
	default:
		return js_number(j);
	}
}
/* One or more JSON values separated by whitespace (a document, or JSON lines). */
static bool json_ok(const char *s, size_t n)
{
	struct js j = { s, s + n, 0 };
	int values = 0;
	for (;;) {
		js_ws(&j);
		if (j.p == j.end)
			return values > 0 || n == 0;
		if (!js_value(&j))
			return false;
		values++;
	}
}

#define MAX_ARGS 24
#define MAX_ARG_LEN 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready)
		setup();
	if (size > MAX_ARGS * MAX_ARG_LEN)
		return 0;
	char *copy = malloc(size + 1);
	FUZZ_ASSERT(copy);
	memcpy(copy, data, size);
	copy[size] = 0;
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = "vmxcfg";
	bool json = false;
	char *p = copy;
	while (p && argc <= MAX_ARGS) {
		char *nl = memchr(p, '\n', (size_t)(copy + size - p));
		if (nl)
			*nl = 0;
		/* Only the scratch directory: no absolute paths, no "..", no NUL inside an argument. */
		if (p[0] == '/' || strstr(p, "..") || strlen(p) != (size_t)((nl ? nl : copy + size) - p)) {
			free(copy);
			return 0;
		}
		json |= strcmp(p, "--json") == 0;
		argv[argc++] = p;
		p = nl ? nl + 1 : NULL;
	}
	if (p) { /* too many arguments */
		free(copy);
		return 0;
	}
	argv[argc] = NULL;

	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *o = open_memstream(&out, &out_len), *e = open_memstream(&err, &err_len);
	FUZZ_ASSERT(o && e);
	FILE *saved_err = stderr;
	stderr = e;
	int rc = cli_run(argc, argv, o);
	stderr = saved_err;
	FUZZ_ASSERT(fclose(o) == 0 && fclose(e) == 0);

	FUZZ_ASSERT(rc == CLI_OK || rc == CLI_NO || rc == CLI_BAD || rc == CLI_UNKNOWN);
	/* 3 (no verdict) keeps its report on stdout but must say on stderr what would decide it. */
	if (rc == CLI_UNKNOWN && (err_len < 8 || memcmp(err, "vmxcfg: ", 8) != 0)) {
		fprintf(stderr, "exit 3 without a 'vmxcfg: ' message; stderr was:\n%.*s\n", (int)err_len, err);
		abort();
	}
	if (rc == CLI_BAD) {
		FUZZ_ASSERT(out_len == 0);
		if (err_len < 8 || memcmp(err, "vmxcfg: ", 8) != 0) {
			fprintf(stderr, "exit 2 without a 'vmxcfg: ' message; stderr was:\n%.*s\n", (int)err_len, err);
			abort();
		}
	} else if (json && !json_ok(out, out_len)) {
		/* `nested --json -o -` prints a profile, not JSON, when asked to; help and --version print text. */
		bool exempt = !strcmp(argv[1], "help") || !strcmp(argv[1], "--version");
		for (int i = 1; i < argc; i++)
			exempt |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "-o") ||
				  !strncmp(argv[i], "--output", 8);
		if (!exempt) {
			fprintf(stderr, "--json output is not JSON (exit %d):\n%.*s\n", rc, (int)out_len, out);
			abort();
		}
	}
	free(out);
	free(err);
	free(copy);
	if (dirty()) {
		restore();
		snapshot_fixtures();
	}
	return 0;
}

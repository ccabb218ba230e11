/* SPDX-License-Identifier: MIT */
/*
 * Replays inputs through a harness without libFuzzer (any compiler, any sanitizer, valgrind): each argument is a
 * file or a directory of files.  Used by `make check` on fuzz/corpus/NAME and fuzz/regress/NAME (every crash
 * the fuzzers ever found).  Prints "N passed, 0 failed"; a broken invariant aborts, a sanitizer report exits.
 */
#define _DEFAULT_SOURCE /* realpath */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *b = malloc(cap);
	size_t got;
	while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(b, cap *= 2);
			if (!nb)
				free(b);
			b = nb;
		}
	}
	fclose(f);
	if (!b)
		return -1;
	/* An exact-size copy, so a read past the end is caught by ASan or valgrind. */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(b);
		return -1;
	}
	memcpy(exact, b, n);
	free(b);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int pass = 0, fail = 0;
	/* Absolute paths first: a harness may change directory (fuzz_cli works in a scratch directory). */
	for (int i = 1; i < argc; i++) {
		char *abs = realpath(argv[i], NULL);
		if (abs)
			argv[i] = abs; /* freed at exit */
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue; /* a harness without a regress directory */
		if (!S_ISDIR(st.st_mode)) {
			replay_file(argv[i]) ? fail++ : pass++;
			continue;
		}
		struct dirent **ents;
		int n = scandir(argv[i], &ents, NULL, alphasort);
		for (int k = 0; k < n; k++) {
			char p[4096];
			if (ents[k]->d_name[0] != '.') {
				snprintf(p, sizeof(p), "%s/%s", argv[i], ents[k]->d_name);
				replay_file(p) ? fail++ : pass++;
			}
			free(ents[k]);
		}
		if (n >= 0)
			free(ents);
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail != 0;
}

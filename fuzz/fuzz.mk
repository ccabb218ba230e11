# libFuzzer harnesses: `make fuzz [FUZZ_SECONDS=60] [FUZZ_RUNS=N] [FUZZ_ONLY="profile kvm"]`.
# Every fuzz/fuzz_NAME.c is one harness, seeded from fuzz/corpus/NAME/ (read-only; new inputs go to
# $(FB)/corpus/NAME) and fuzz/NAME.dict when present.  Builds with clang -fsanitize=fuzzer,address,undefined;
# each harness runs for FUZZ_SECONDS (or FUZZ_RUNS executions), one at a time.  The last line is
# "N passed, M failed" (one per harness: failed = a crash, leak, sanitizer report or invariant abort).
FUZZ_CC      ?= clang
FB           ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
FUZZ_ONLY    ?=
FUZZ_NICE    ?= nice -n 10
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -Wall -Wextra -Werror -g -O1 $(FUZZ_SAN) -Iinclude -Isrc -Ifuzz

LIB_SRC  := $(sort $(wildcard src/core/*.c) $(wildcard src/host/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(FB)/%.o)
HARNESS  := $(if $(FUZZ_ONLY),$(FUZZ_ONLY),$(sort $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))))
BINS     := $(HARNESS:%=$(FB)/fuzz_%)

.PHONY: fuzz-run fuzz-build
fuzz-run: fuzz-build
	@FB=$(FB) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS="$(FUZZ_RUNS)" FUZZ_NICE="$(FUZZ_NICE)" \
		sh fuzz/run.sh $(HARNESS)

fuzz-build: $(BINS)

$(FB)/%.o: %.c $(wildcard include/vmxcfg/*.h) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FB)/libfuzz.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FB)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(FB)/libfuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FB)/libfuzz.a -o $@

# fuzz_cli drives the whole command line (src/cli/run.c), so it also links the subcommands (not main.c) and the
# embedded profile database, generated here the way the main Makefile does.
CLI_LIB_SRC := $(filter-out src/cli/main.c,$(sort $(wildcard src/cli/*.c)))
PROFILES    := $(sort $(wildcard data/profiles/*.profile))

$(FB)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -Wall -Wextra -Werror -O1 $< -o $@

$(FB)/gen/profiles_db.c: $(FB)/tools/embed $(PROFILES)
	@mkdir -p $(dir $@)
	$(FB)/tools/embed $(PROFILES) > $@.tmp && mv $@.tmp $@

$(FB)/gen/profiles_db.o: $(FB)/gen/profiles_db.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FB)/libcli.a: $(CLI_LIB_SRC:%.c=$(FB)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(FB)/fuzz_cli: fuzz/fuzz_cli.c fuzz/fuzz_common.h $(FB)/libcli.a $(FB)/libfuzz.a $(FB)/gen/profiles_db.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FB)/gen/profiles_db.o $(FB)/libcli.a $(FB)/libfuzz.a -o $@

# Replay without libFuzzer: `make -f fuzz/fuzz.mk fuzz-replay CC=gcc SAN=... BUILD=build-asan` links each harness
# with fuzz/replay.c against $(BUILD)/libvmxcfg-host.a (built by the main Makefile with the same flags) and runs
# it on fuzz/corpus/NAME and fuzz/regress/NAME.  `make check` does this under ASan+UBSan and valgrind.
CC        ?= gcc
BUILD     ?= build
SAN       ?=
REPLAY_WRAP ?=
REPLAY_BINS := $(HARNESS:%=$(BUILD)/replay/replay_%)

.PHONY: fuzz-replay fuzz-replay-build
fuzz-replay-build: $(REPLAY_BINS)

fuzz-replay: fuzz-replay-build
	@pass=0; fail=0; for h in $(HARNESS); do \
		out=$$($(REPLAY_WRAP) $(BUILD)/replay/replay_$$h fuzz/corpus/$$h fuzz/regress/$$h $$(cat fuzz/$$h.seeds 2>/dev/null) 2>&1); rc=$$?; \
		n=$$(printf '%s\n' "$$out" | sed -n 's/^\([0-9]*\) passed, 0 failed$$/\1/p' | tail -n 1); \
		if [ $$rc -eq 0 ] && [ -n "$$n" ]; then echo "  replay_$$h: $$n inputs ok"; pass=$$((pass+1)); \
		else printf '%s\n' "$$out" | tail -n 25; echo "  replay_$$h: FAILED (exit $$rc)"; fail=$$((fail+1)); fi; \
	done; echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# replay_cli also needs the subcommands' objects, which the main build (`make BUILD=... all`) made.
$(BUILD)/replay/replay_cli: fuzz/fuzz_cli.c fuzz/replay.c fuzz/fuzz_common.h $(BUILD)/libvmxcfg-host.a \
		$(CLI_LIB_SRC:%.c=$(BUILD)/%.o)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O1 -g $(SAN) -Iinclude -Isrc -Ifuzz fuzz/replay.c $< \
		$(CLI_LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libvmxcfg-host.a -o $@

$(BUILD)/replay/replay_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz_common.h $(BUILD)/libvmxcfg-host.a
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O1 -g $(SAN) -Iinclude -Isrc -Ifuzz fuzz/replay.c $< $(BUILD)/libvmxcfg-host.a -o $@

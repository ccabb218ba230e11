# vmxcfg build.  `make` builds build/vmxcfg and build/libvmxcfg.a; `make check` runs every test.
#
# Layout: src/core (freestanding library), src/host (files, devices, JSON),
# src/cli (one file per subcommand), tests/unit/test_*.c (one binary each).

CC      ?= gcc
BUILD   ?= build
PREFIX  ?= /usr/local
WFLAGS  := -std=c11 -Wall -Wextra -Werror
CFLAGS  ?= -O2 -g
SAN     ?=
ALL_CFLAGS := $(WFLAGS) $(CFLAGS) $(SAN) -Iinclude -Isrc
LDFLAGS ?=

CORE_SRC := $(sort $(wildcard src/core/*.c))
HOST_SRC := $(sort $(wildcard src/host/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
PROFILES := $(sort $(wildcard data/profiles/*.profile))

CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
HOST_OBJ := $(HOST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/profiles_db.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check test unit golden freestanding clean bench fuzz ring0-check install uninstall
all: $(BUILD)/vmxcfg $(BUILD)/libvmxcfg.a

$(BUILD)/%.o: %.c $(wildcard include/vmxcfg/*.h) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The core must not need libc: built here with the normal flags, and checked by `make freestanding`.
$(BUILD)/libvmxcfg.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libvmxcfg-host.a: $(CORE_OBJ) $(HOST_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Embedded profile database: every data/profiles/*.profile compiled into the binary.
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) -O1 $< -o $@

$(BUILD)/gen/profiles_db.c: $(BUILD)/tools/embed $(PROFILES)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $(PROFILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/profiles_db.o: $(BUILD)/gen/profiles_db.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/vmxcfg: $(CLI_OBJ) $(BUILD)/libvmxcfg-host.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(CLI_OBJ) $(BUILD)/libvmxcfg-host.a -o $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(BUILD)/libvmxcfg-host.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) $< $(BUILD)/libvmxcfg-host.a -o $@

unit: $(TEST_BIN) $(BUILD)/vmxcfg
	@tests/run-unit.sh $(BUILD) $(TEST_BIN)

# Freestanding proof: the core compiles with -ffreestanding -nostdlib -fno-builtin for x86_64 and i386 and
# links with nothing but the four functions GCC requires of any freestanding environment.
FS_FLAGS := -std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -nostdlib -fno-builtin -fno-stack-protector -fno-pic -Iinclude
freestanding:
	@tests/freestanding.sh "$(CC)" "$(FS_FLAGS)" $(CORE_SRC)

# `make check`: everything, with gcc and with clang, then one summary line.
check:
	@tests/check.sh

test: check

bench: $(BUILD)/vmxcfg
	@$(MAKE) --no-print-directory -f bench/bench.mk BUILD=$(BUILD)

fuzz:
	@$(MAKE) --no-print-directory -f fuzz/fuzz.mk

ring0-check: $(BUILD)/vmxcfg
	@$(MAKE) --no-print-directory -C ring0 check VMXCFG=$(CURDIR)/$(BUILD)/vmxcfg

clean:
	rm -rf build build-* ring0/build

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

.PHONY: all check test unit golden freestanding clean bench fuzz ring0-check install uninstall shared
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

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h tests/unit/t_profile.h $(BUILD)/libvmxcfg-host.a
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

# --- install (`make install PREFIX=/usr DESTDIR=/tmp/pkg`, `make uninstall` with the same variables) -------------
# Installs bin/vmxcfg, the freestanding core as lib/libvmxcfg.a and lib/libvmxcfg.so.$(VERSION) (soname
# libvmxcfg.so.$(SOMAJOR)), include/vmxcfg/*.h, lib/pkgconfig/vmxcfg.pc, share/man/man1/vmxcfg.1 and the bash
# completion.  tests/check.d/70-install.sh installs into a temporary prefix and builds examples/ against it.
VERSION := $(shell sed -n 's/^\#define VMXCFG_VERSION "\(.*\)"/\1/p' include/vmxcfg/vmxcfg.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
PIC_OBJ := $(CORE_SRC:%.c=$(BUILD)/pic/%.o)
HEADERS := $(sort $(wildcard include/vmxcfg/*.h))

$(BUILD)/pic/%.o: %.c $(wildcard include/vmxcfg/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=default -c $< -o $@

$(BUILD)/libvmxcfg.so.$(VERSION): $(PIC_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libvmxcfg.so.$(SOMAJOR) -Wl,-z,defs $^ -o $@

shared: $(BUILD)/libvmxcfg.so.$(VERSION)

install: all $(BUILD)/libvmxcfg.so.$(VERSION)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/vmxcfg $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BUILD)/vmxcfg $(DESTDIR)$(BINDIR)/vmxcfg
	install -m 644 $(BUILD)/libvmxcfg.a $(DESTDIR)$(LIBDIR)/libvmxcfg.a
	install -m 755 $(BUILD)/libvmxcfg.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libvmxcfg.so.$(VERSION)
	ln -sf libvmxcfg.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libvmxcfg.so.$(SOMAJOR)
	ln -sf libvmxcfg.so.$(SOMAJOR) $(DESTDIR)$(LIBDIR)/libvmxcfg.so
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/vmxcfg/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
		-e 's|@VERSION@|$(VERSION)|g' dist/vmxcfg.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/vmxcfg.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/vmxcfg.pc
	install -m 644 docs/vmxcfg.1 $(DESTDIR)$(MANDIR)/man1/vmxcfg.1
	install -m 644 dist/vmxcfg.bash $(DESTDIR)$(BASHCOMPDIR)/vmxcfg

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vmxcfg $(DESTDIR)$(LIBDIR)/libvmxcfg.a $(DESTDIR)$(LIBDIR)/libvmxcfg.so \
		$(DESTDIR)$(LIBDIR)/libvmxcfg.so.$(SOMAJOR) $(DESTDIR)$(LIBDIR)/libvmxcfg.so.$(VERSION) \
		$(DESTDIR)$(PKGCONFIGDIR)/vmxcfg.pc $(DESTDIR)$(MANDIR)/man1/vmxcfg.1 $(DESTDIR)$(BASHCOMPDIR)/vmxcfg
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/vmxcfg/,$(notdir $(HEADERS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/vmxcfg 2>/dev/null

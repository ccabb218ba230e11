# Benchmarks (`make bench` from the top directory).  They report figures; nothing here is a pass/fail test.
#
# Every bench/NAME.c is built as $(BUILD)/bench/NAME against $(BUILD)/libvmxcfg-host.a.  To add one, drop
# bench/NAME.c in: it is built and run with no arguments (rule bench-%), unless it has its own bench-NAME rule
# below.  Runs are sequential so they do not disturb each other's timings.
#
#   make bench                      everything
#   make bench FLEET_N=200000       a smaller synthetic fleet
#   make -f bench/bench.mk bench-fleet BUILD=build     one part

BUILD      ?= build
CC         ?= gcc
BENCH_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -Iinclude -Isrc
FLEET_N    ?= 1000000
FLEET_SEED ?= 20261127
CPU        ?= skylake-core-i7-6700k
WALL_RUNS  ?= 300

BENCH_SRC  := $(sort $(wildcard bench/*.c))
BENCH_BIN  := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# Programs with their own rule below; every other bench/NAME.c runs as bench-NAME with no arguments.
BENCH_OWN  := fleet
BENCH_RUNS := bench-fleet bench-negotiation bench-wall \
	$(filter-out $(BENCH_OWN:%=bench-%),$(BENCH_SRC:bench/%.c=bench-%))

.NOTPARALLEL:
.PRECIOUS: $(BUILD)/bench/%
.PHONY: all bench-fleet bench-negotiation bench-wall
all: $(BENCH_RUNS)

$(BUILD)/libvmxcfg-host.a $(BUILD)/vmxcfg:
	@$(MAKE) --no-print-directory BUILD=$(BUILD) CC=$(CC) $@

$(BUILD)/bench/%: bench/%.c $(BUILD)/libvmxcfg-host.a
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< $(BUILD)/libvmxcfg-host.a -o $@

# Parse + negotiate throughput: in memory, then end to end through `vmxcfg group` reading a stream file.
bench-fleet: $(BUILD)/bench/fleet $(BUILD)/vmxcfg
	@echo "== fleet: $(FLEET_N) synthetic hosts (seed $(FLEET_SEED)), one core"
	@$(BUILD)/bench/fleet bench $(FLEET_N) $(FLEET_SEED)
	@$(BUILD)/bench/fleet gen $(FLEET_N) $(FLEET_SEED) > $(BUILD)/bench/fleet.profiles
	@python3 -c 'import resource,subprocess,sys,time; \
s=time.perf_counter(); r=subprocess.run(sys.argv[1:], stdout=subprocess.PIPE); w=time.perf_counter()-s; \
u=resource.getrusage(resource.RUSAGE_CHILDREN); c=u.ru_utime+u.ru_stime; n=$(FLEET_N); \
print("%-28s %9.0f profiles/s wall (%.2f s), %9.0f profiles/s CPU time (%.2f s), max RSS %d KB, exit %d" % ("vmxcfg group --by kvm FILE:", n/w, w, n/c, c, u.ru_maxrss, r.returncode)); \
print("  " + r.stdout.decode().splitlines()[0])' $(BUILD)/vmxcfg group --by kvm $(BUILD)/bench/fleet.profiles
	@rm -f $(BUILD)/bench/fleet.profiles

# Cost of one negotiation in instructions (callgrind, inside kvm_setup_vmcs_config only).
bench-negotiation: $(BUILD)/bench/fleet
	@echo "== one negotiation (kernel 7.1), instructions"
	@if command -v valgrind >/dev/null 2>&1; then \
	  n=10000; \
	  ir=$$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=kvm_setup_vmcs_config \
	        $(BUILD)/bench/fleet negotiate $$n 2>&1 | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'); \
	  awk -v ir=$$ir -v n=$$n 'BEGIN { printf "kvm_setup_vmcs_config:       %9.0f instructions per call (callgrind, %d calls)\n", ir/n, n }'; \
	else echo "valgrind not installed (apt-get install valgrind): skipped"; fi

# Whole-process wall time of one small command (`vmxcfg caps --cpu NAME`; `kvm` while caps does not exist).
bench-wall: $(BUILD)/vmxcfg
	@if $(BUILD)/vmxcfg caps --help >/dev/null 2>&1; then cmd="$(BUILD)/vmxcfg caps --cpu $(CPU)"; \
	 else cmd="$(BUILD)/vmxcfg kvm --cpu $(CPU)"; fi; \
	 echo "== wall time: $$cmd"; \
	 if command -v hyperfine >/dev/null 2>&1; then \
	   hyperfine -N --warmup 30 --runs $(WALL_RUNS) --export-json $(BUILD)/bench/wall.json "$$cmd" >/dev/null 2>&1 && \
	   python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%-28s %7.3f ms mean, %.3f ms median, %.3f ms min (hyperfine, %d runs)" % ("whole process:", r["mean"]*1e3, r["median"]*1e3, r["min"]*1e3, len(r["times"])))' $(BUILD)/bench/wall.json; \
	 else \
	   python3 -c 'import subprocess,sys,time,statistics; c=sys.argv[1].split(); t=[]; \
[subprocess.run(c, stdout=subprocess.DEVNULL) for _ in range(20)]; \
t=[(lambda s: (subprocess.run(c, stdout=subprocess.DEVNULL), time.perf_counter()-s)[1])(time.perf_counter()) for _ in range(int(sys.argv[2]))]; \
print("%-28s %7.3f ms mean, %.3f ms median, %.3f ms min (python loop, %d runs; hyperfine not installed)" % ("whole process:", statistics.mean(t)*1e3, statistics.median(t)*1e3, min(t)*1e3, len(t)))' "$$cmd" $(WALL_RUNS); \
	 fi

# Any other bench/NAME.c: run with no arguments.
bench-%: $(BUILD)/bench/%
	@echo "== $*"
	@$(BUILD)/bench/$*

# Benchmarks: every bench/bench_<name>.sh is run by `make bench` against the
# optimised build; bench/bench_<name>.c programs are built first (linked with
# the core modules). Each script prints its figures; bench/RESULTS.md records
# them with the machine.
BENCH_SRCS := $(wildcard bench/bench_*.c)
BENCH_BINS := $(patsubst bench/%.c,build/rel/bench/%,$(BENCH_SRCS))

build/rel/bench/bench_%: bench/bench_%.c $(CORE_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(CORE_LIBS) $(CORE_LDLIBS) $(LDFLAGS)

.PHONY: bench
bench: ampscope $(BENCH_BINS)
	$(Q)for s in bench/bench_*.sh; do [ -e "$$s" ] || continue; \
	  echo "== $$s"; AMPSCOPE=$(abspath ampscope) BENCH_BIN=build/rel/bench bash "$$s" || exit 1; done

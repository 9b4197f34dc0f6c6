# Fuzz targets: every tests/fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput
# and is built with clang's libFuzzer against the core modules (no curses).
#   make fuzz                 build all and run each for FUZZ_SECONDS (default 20)
#   make fuzz FUZZ_SECONDS=300
# Seeds come from tests/fuzz/seeds/<name>/ (the shared corpus can be added by hand as an extra seed directory).
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 20
FUZZ_CORE := $(filter-out %/libtui.a,$(CORE_LIBS))
FUZZ_OBJ_SRCS = $(util_SRCS) $(logs_SRCS) $(analyze_SRCS) $(PROTO_C)
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -I. -I$(GEN) $(PKG_CFLAGS) \
   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ_SRCS) | $(PROTO_H)
	@mkdir -p build/fuzz
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJ_SRCS) $(LIBS_PB) $(LIBS_BASE)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz: $(FUZZ_BINS)
	$(Q)for b in $(FUZZ_BINS); do n=$$(basename $$b); \
	  mkdir -p build/fuzz/work-$$n; seeds=tests/fuzz/seeds/$$n; [ -d $$seeds ] || seeds=; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  $$b -max_total_time=$(FUZZ_SECONDS) -max_len=262144 -rss_limit_mb=2048 \
	      build/fuzz/work-$$n $$seeds >build/fuzz/$$n.log 2>&1 || { tail -40 build/fuzz/$$n.log; exit 1; }; \
	  grep -E '^(#[0-9]+ +DONE|Done)' build/fuzz/$$n.log | tail -1; done

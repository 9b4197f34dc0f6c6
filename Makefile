# ampscope: one GNU Makefile.
#
#   make              build ./ampscope
#   make deps         install the Debian packages the build and tests need (quiet when present)
#   make deps-tf      create .venv/ with the pinned TensorFlow CPU build (tf backend)
#   make test         unit suites (cmocka) + end-to-end tests; SAN=1 for ASan+UBSan
#   make fuzz         short libFuzzer runs of every tests/fuzz/fuzz_*.c target (clang)
#   make bench        benchmarks (bench/), figures go to bench/RESULTS.md by hand
#   make check-deps   reject includes that break tui -> render/runner -> analyze -> logs -> util
#
# Modules may add rules in <module>/module.mk (included below); sources are
# found by wildcard so adding a .c file needs no Makefile edit.

CC      ?= cc
SAN     ?=
V       ?=
Q       := $(if $(V),,@)

ifeq ($(SAN),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT     := -O1 -g
else
BUILD   := build/rel
SANFLAGS :=
OPT     := -O2 -g
endif

GEN     := build/gen
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wwrite-strings -Wundef -Wno-format-nonliteral
CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) $(SANFLAGS) \
           -I. -I$(GEN) -MMD -MP $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)

PKG_CFLAGS := $(shell pkg-config --cflags libprotobuf-c libcgraph libgvc ncursesw 2>/dev/null)
CFLAGS  += $(PKG_CFLAGS)
LIBS_PB  := $(shell pkg-config --libs libprotobuf-c 2>/dev/null || echo -lprotobuf-c)
LIBS_GV  := $(shell pkg-config --libs libgvc libcgraph 2>/dev/null || echo -lgvc -lcgraph)
LIBS_CUR := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
LIBS_DNNL := -ldnnl
LIBS_BASE := -lcsv -lz -lm -lpthread

# ---- protobuf schema (our own .proto files, compiled by protoc-c) --------
PROTOS    := $(wildcard analyze/proto/*.proto)
PROTO_C   := $(patsubst analyze/proto/%.proto,$(GEN)/analyze/proto/%.pb-c.c,$(PROTOS))
PROTO_H   := $(PROTO_C:.c=.h)

$(GEN)/analyze/proto/%.pb-c.c $(GEN)/analyze/proto/%.pb-c.h: analyze/proto/%.proto
	@mkdir -p $(GEN)
	$(Q)protoc-c --c_out=$(GEN) -I. $<

# ---- modules ------------------------------------------------------------
MODULES := util logs analyze render runner tui
define module_srcs
$(1)_SRCS := $$(wildcard $(1)/*.c)
$(1)_OBJS := $$(patsubst %.c,$(BUILD)/%.o,$$($(1)_SRCS))
endef
$(foreach m,$(MODULES),$(eval $(call module_srcs,$(m))))
analyze_OBJS += $(patsubst $(GEN)/%.c,$(BUILD)/gen/%.o,$(PROTO_C))
CLI_SRCS := $(wildcard cli/*.c)
CLI_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRCS))

LIB_util    := $(BUILD)/libutil.a
LIB_logs    := $(BUILD)/liblogs.a
LIB_analyze := $(BUILD)/libanalyze.a
LIB_render  := $(BUILD)/librender.a
LIB_runner  := $(BUILD)/librunner.a
LIB_tui     := $(BUILD)/libtui.a

# Link order: highest module first.
CORE_LIBS := $(LIB_render) $(LIB_runner) $(LIB_analyze) $(LIB_logs) $(LIB_util)
CORE_LDLIBS := $(LIBS_GV) $(LIBS_DNNL) $(LIBS_PB) $(LIBS_BASE)

ifeq ($(SAN),1)
BIN := $(BUILD)/ampscope
else
BIN := ampscope
endif

.PHONY: all deps deps-tf test unit e2e fuzz bench check-deps clean samples
all: $(BIN)

# Objects of every module need the generated protobuf headers first.
$(BUILD)/%.o: %.c | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -Werror -Wmissing-prototypes -Wcast-qual,$(CFLAGS)) -Wno-missing-braces -c $< -o $@

$(BUILD)/lib%.a:
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIB_util): $(util_OBJS)
$(LIB_logs): $(logs_OBJS)
$(LIB_analyze): $(analyze_OBJS)
$(LIB_render): $(render_OBJS)
$(LIB_runner): $(runner_OBJS)
$(LIB_tui): $(tui_OBJS)

$(BIN): $(CLI_OBJS) $(LIB_tui) $(CORE_LIBS)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB_tui) $(CORE_LIBS) $(LIBS_CUR) $(CORE_LDLIBS)
	@echo "built $@"

# ---- tests --------------------------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TEST_HELPER_SRCS := $(wildcard tests/unit/helpers/*.c)
TEST_HELPER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(TEST_HELPER_SRCS))

# Unit suites link the core modules only, never curses (rule 2), except the
# tui suites (test_tui*.c).
$(BUILD)/tests/test_tui%: tests/unit/test_tui%.c $(TEST_HELPER_OBJS) $(LIB_tui) $(CORE_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(TEST_HELPER_OBJS) $(LIB_tui) $(CORE_LIBS) $(LIBS_CUR) $(CORE_LDLIBS) -lcmocka $(LDFLAGS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(TEST_HELPER_OBJS) $(CORE_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(TEST_HELPER_OBJS) $(CORE_LIBS) $(CORE_LDLIBS) -lcmocka $(LDFLAGS)

# Extra test programs and rules contributed by modules.
TEST_PROGS :=
-include $(wildcard */module.mk) $(wildcard tests/*.mk) $(wildcard bench/*.mk)

unit: $(UNIT_BINS) $(TEST_PROGS)
test: $(BIN) $(UNIT_BINS) $(TEST_PROGS)
	$(Q)AMPSCOPE=$(abspath $(BIN)) BUILD=$(BUILD) SAN=$(SAN) tests/run-tests.sh $(UNIT_BINS)

check-deps:
	$(Q)tests/check-deps.sh

deps:
	$(Q)tools/deps.sh

deps-tf:
	$(Q)tools/deps-tf.sh

clean:
	rm -rf build ampscope

-include $(shell find build -name '*.d' 2>/dev/null)

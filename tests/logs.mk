# Log-reader test programs (owned by the logs area).
#   $(BUILD)/tests/tools/dnnl_gen   runs real oneDNN primitives; tests read
#                                   its verbose output (tests/e2e/logs_*.sh,
#                                   tests/unit/test_logs_real.c)
LOGS_DNNL_GEN := $(BUILD)/tests/tools/dnnl_gen

$(LOGS_DNNL_GEN): tests/tools/dnnl_gen.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIBS_DNNL) $(LDFLAGS)

TEST_PROGS += $(LOGS_DNNL_GEN)

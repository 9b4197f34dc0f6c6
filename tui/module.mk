# tui: the TUI benchmark links the tui library and curses (bench/bench.mk's
# pattern rule links the core modules only).
build/rel/bench/bench_tui: bench/bench_tui.c $(LIB_tui) $(CORE_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB_tui) $(CORE_LIBS) $(LIBS_CUR) $(CORE_LDLIBS) $(LDFLAGS)

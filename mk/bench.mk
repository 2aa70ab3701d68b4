# bench/: C benchmark clients; `make bench` runs every benchmark against its anchor.
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(O)/bin/%,$(BENCH_SRCS))
INSTALL_BINS :=

$(O)/bin/%: $(O)/obj/bench/%.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: bench
bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	@O=$(O) bash bench/run.sh

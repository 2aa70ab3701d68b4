# tests/: one binary per tests/unit/test_*.c and tests/integration/test_*.c,
# each linked with the harness in tests/lib/.
TLIB_SRCS := $(wildcard tests/lib/*.c)
TLIB_OBJS := $(TLIB_SRCS:%.c=$(O)/obj/%.o)
TEST_SRCS := $(wildcard tests/unit/test_*.c tests/integration/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(O)/tests/%,$(TEST_SRCS))

$(O)/tests/%: $(O)/obj/tests/%.o $(TLIB_OBJS) $(LAMBDA_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

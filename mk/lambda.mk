# lambda/: the function. lambda/main.c is bootstrap's entry point; every other
# lambda/*.c goes into build/lib/liblambda.a, which the tests link too.
LAMBDA_SRCS := $(filter-out lambda/main.c,$(wildcard lambda/*.c))
LAMBDA_OBJS := $(LAMBDA_SRCS:%.c=$(O)/obj/%.o)
LAMBDA_LIB := $(O)/lib/liblambda.a
BOOTSTRAP := $(if $(wildcard lambda/main.c),$(O)/bin/bootstrap)

$(LAMBDA_LIB): $(LAMBDA_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/bin/bootstrap: $(O)/obj/lambda/main.o $(LAMBDA_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

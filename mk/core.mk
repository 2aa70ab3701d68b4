# core/: the static library every program links.
CORE_SRCS := $(wildcard core/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(O)/obj/%.o)
CORE_LIB := $(O)/lib/libsluice.a

$(CORE_LIB): $(CORE_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

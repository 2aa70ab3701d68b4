# Compiler flags. SAN=1 builds with ASan+UBSan into build/san so objects never mix.
CC ?= cc
PKGS := libcurl libcrypto libcjson expat libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
        -Wwrite-strings -Wundef -Wno-format-nonliteral
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -I. $(PKG_CFLAGS) -MMD -MP
ifeq ($(CI),true)
CFLAGS += -Werror
endif
LDLIBS += $(PKG_LIBS) -lmagic -lpthread -lm

ifeq ($(SAN),1)
O := build/san
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
O := build
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

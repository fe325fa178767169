# Host tests of the boot-ops core: unit tests, the refinement test against
# the executable model, and the libFuzzer target.  Included by ../Makefile.

HOST_OUT	:= build/host
HYP_CORE	:= state vm image manifest io smmu pgtable verify sha256 memory attest cbor smmuv3
# A small slice, so that tests with images of a few pages see verification
# and teardown go on across calls.
HOST_INC	:= -Ihyp/include -Iinclude -Iselftests/sim -Iselftests/unit \
		   -DBOOTOPS_SLICE_UNITS=4
# MUTANT_CFLAGS: scripts/lock-mutants.sh --checks may leave a helper unused.
HOST_WARN	:= -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter $(MUTANT_CFLAGS)
HOST_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
HOST_CFLAGS	:= $(HOST_WARN) -O1 -g $(HOST_SAN) $(HOST_INC)
COV_CFLAGS	:= --coverage -fprofile-update=atomic
MBEDTLS_LIBS	:= -lmbedcrypto

HYP_OBJS	:= $(patsubst %,$(HOST_OUT)/hyp/%.o,$(HYP_CORE))
SIM_OBJS	:= $(HOST_OUT)/sim/sim.o $(HOST_OUT)/sim/invariants.o $(HOST_OUT)/sim/smmu_model.o
UNIT_SRCS	:= $(sort $(wildcard selftests/unit/*.c))
MODEL_SRCS	:= $(sort $(wildcard selftests/model/*.c))
HOST_HDRS	:= $(wildcard hyp/include/bootops/*.h include/bootops/*.h \
			selftests/sim/*.h selftests/unit/*.h selftests/model/*.h)

# The hyp objects carry coverage counters; every test binary adds to them.
$(HOST_OUT)/hyp/%.o: hyp/%.c $(HOST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(COV_CFLAGS) -c $< -o $@

$(HOST_OUT)/sim/%.o: selftests/sim/%.c $(HOST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(HOST_OUT)/unit: $(UNIT_SRCS) $(HYP_OBJS) $(HOST_OUT)/hyp/crypto_mbedtls.o $(SIM_OBJS) $(HOST_HDRS)
	$(CC) $(HOST_CFLAGS) $(UNIT_SRCS) $(HYP_OBJS) $(HOST_OUT)/hyp/crypto_mbedtls.o \
		$(SIM_OBJS) $(MBEDTLS_LIBS) -lgcov -o $@

$(HOST_OUT)/refine: $(MODEL_SRCS) $(HYP_OBJS) $(SIM_OBJS) $(HOST_HDRS)
	$(CC) $(HOST_CFLAGS) -Iselftests/model $(MODEL_SRCS) \
		$(HYP_OBJS) $(SIM_OBJS) $(MBEDTLS_LIBS) -lpthread -lgcov -o $@

.PHONY: host-tests
host-tests: $(HOST_OUT)/unit $(HOST_OUT)/refine

# The thread tests again under ThreadSanitizer: a lock that is missing shows
# as a data race even where x86's ordering hides its effect (a release the
# lock gives, a flag two threads both read as set).
TSAN_CFLAGS	:= $(HOST_WARN) -O1 -g -fsanitize=thread $(HOST_INC) -Iselftests/model
TSAN_SRCS	:= $(MODEL_SRCS) $(patsubst %,hyp/%.c,$(HYP_CORE)) selftests/sim/sim.c \
		   selftests/sim/invariants.c selftests/sim/smmu_model.c
$(HOST_OUT)/refine-tsan: $(TSAN_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TSAN_CFLAGS) $(TSAN_SRCS) $(MBEDTLS_LIBS) -lpthread -o $@

host-tests: $(HOST_OUT)/refine-tsan

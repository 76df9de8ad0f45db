# zhifa - one plain GNU Makefile.  Libraries through pkg-config; everything
# generated goes under build/.  See README.md for the two set-up commands.

PKGS := libmicrohttpd sqlite3 libpq jansson openssl libsodium libqrencode xlsxwriter libcurl \
	lunar-date-3.0 glib-2.0 gobject-2.0 pangocairo cairo fontconfig libarchive
CC ?= gcc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -std=c17 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla
BASE_CFLAGS := $(WARN) -D_GNU_SOURCE -pthread -Isrc -Ibuild/gen $(PKG_CFLAGS) -g
REL_CFLAGS := $(BASE_CFLAGS) -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2
# ZHIFA_TEST_HOOKS: ZHIFA_FAKE_NOW and ZHIFA_PWHASH_FAST are honoured by the
# test build only, never by ./zhifa.
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -DZHIFA_TEST_HOOKS
# The third build of the unit tests: no sanitizers, so that they can run under
# valgrind (scripts/run-tests.sh), which cannot run ASan binaries.
PLAIN_CFLAGS := $(BASE_CFLAGS) -O1 -DZHIFA_TEST_HOOKS
LDLIBS := $(PKG_LIBS) -lmagic -pthread -lm

SRCS := $(shell find src -name '*.c' ! -path 'src/main.c' | sort)
GEN_SRCS := build/gen/embedded.c
ASSETS := $(shell find src/assets src/store/migrations -type f 2>/dev/null | sort)
TEST_SRCS := $(wildcard tests/unit/test_*.c)
BENCH_SRCS := $(wildcard bench/bench_*.c)

REL_OBJS := $(patsubst %.c,build/rel/%.o,$(SRCS) $(GEN_SRCS))
ASAN_OBJS := $(patsubst %.c,build/asan/%.o,$(SRCS) $(GEN_SRCS))
TEST_BINS := $(patsubst tests/unit/%.c,build/asan/tests/%,$(TEST_SRCS))
PLAIN_OBJS := $(patsubst %.c,build/plain/%.o,$(SRCS) $(GEN_SRCS))
PLAIN_TEST_BINS := $(patsubst tests/unit/%.c,build/plain/tests/%,$(TEST_SRCS))
BENCH_BINS := $(patsubst bench/%.c,build/rel/bench/%,$(BENCH_SRCS))

.PHONY: all run test test-build bench clean deps-run deps-test fuzz
all: zhifa

zhifa: build/rel/src/main.o $(REL_OBJS)
	@echo "  CC $@"; $(CC) $(REL_CFLAGS) -o $@ $^ $(LDLIBS)

build/asan/zhifa: build/asan/src/main.o $(ASAN_OBJS)
	@echo "  CC $@"; $(CC) $(ASAN_CFLAGS) -o $@ $^ $(LDLIBS)

build/rel/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(REL_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/tests/%: tests/unit/%.c $(ASAN_OBJS)
	@mkdir -p $(dir $@) build/asan/tests-deps
	@echo "  CC $@"; $(CC) $(ASAN_CFLAGS) -Itests -MMD -MP -MF build/asan/tests-deps/$*.d -o $@ $< $(ASAN_OBJS) $(LDLIBS)

build/plain/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(PLAIN_CFLAGS) -MMD -MP -c -o $@ $<

build/plain/tests/%: tests/unit/%.c $(PLAIN_OBJS)
	@mkdir -p $(dir $@) build/plain/tests-deps
	@echo "  CC $@"; $(CC) $(PLAIN_CFLAGS) -Itests -MMD -MP -MF build/plain/tests-deps/$*.d -o $@ $< $(PLAIN_OBJS) $(LDLIBS)

# not intermediate files: keep them between builds
.SECONDARY: $(PLAIN_OBJS)

build/rel/bench/%: bench/%.c $(REL_OBJS)
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(REL_CFLAGS) -o $@ $< $(REL_OBJS) $(LDLIBS)

build/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) -std=c17 -Wall -Wextra -Werror -O2 -o $@ $<

build/gen/embedded.c: build/tools/embed $(ASSETS)
	@mkdir -p $(dir $@)
	@build/tools/embed $@ $(ASSETS)

# The two set-up commands of the README.
run: deps-run
	$(MAKE) zhifa
	./zhifa init --data data --demo
	./zhifa serve --data data

test: deps-test
	$(MAKE) test-build
	scripts/run-tests.sh

test-build: zhifa build/asan/zhifa $(TEST_BINS) $(PLAIN_TEST_BINS)

bench: deps-test
	$(MAKE) zhifa $(BENCH_BINS)
	scripts/run-bench.sh

deps-run:
	scripts/deps.sh run

deps-test:
	scripts/deps.sh test

clean:
	rm -rf build zhifa

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- fuzzing (owned by the test infrastructure; see tests/fuzz/README.md) ----
# Every tests/fuzz/fuzz_NAME.c is a libFuzzer target built with clang into
# build/fuzz/fuzz_NAME, linked with all of src/ (except main.c) compiled by
# clang with ASan+UBSan and fuzzer coverage.  `make fuzz-smoke` replays the
# regression inputs and runs each target for FUZZ_RUNS runs with a fixed seed.
FUZZ_CC ?= clang
FUZZ_RUNS ?= 20000
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJS := $(patsubst %.c,build/fuzz/obj/%.o,$(SRCS) $(GEN_SRCS))
FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -pthread -Isrc -Ibuild/gen $(PKG_CFLAGS) -g -O1 \
	-fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DZHIFA_TEST_HOOKS

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC $@"; $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_server.h $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC $@"; $(FUZZ_CC) $(FUZZ_CFLAGS) -Wall -Wextra -Werror -Itests -fsanitize=fuzzer \
		-o $@ $< $(FUZZ_OBJS) $(LDLIBS)

# the objects are not intermediate files: keep them between builds
.SECONDARY: $(FUZZ_OBJS)

.PHONY: fuzz-smoke fuzz-long
fuzz: $(FUZZ_BINS)

fuzz-smoke: fuzz
	tests/fuzz/smoke.sh $(FUZZ_RUNS) $(FUZZ_BINS)

# >= 1M executions per target, or a time cap for the in-process server targets
# (FUZZ_LONG_RUNS, FUZZ_LONG_TIME, FUZZ_LONG_SLOW_TIME; see tests/fuzz/long.sh)
fuzz-long: fuzz
	tests/fuzz/long.sh $(FUZZ_BINS)

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make            build ./tcpline (installs missing Debian packages first)
# make test       build everything, then run the whole suite (scripts/run-tests.sh)
# make run        build, then trace live: ./tcpline trace $(ARGS)
# make test-kernels  the kernel matrix: 5.10, 6.1, 6.12 under qemu, and this host (tests/kernel)
# make fuzz       fuzz the recording reader for FUZZ_SECONDS (default 600)
# make format     apply clang-format;  make vmlinux: regenerate vmlinux/vmlinux.h
# make install    the binary, man pages, systemd unit, bash completion (PREFIX, DESTDIR);
#                 make uninstall removes them
# V=1 prints full commands.

OUTPUT := .output
CLANG ?= clang
SAN_CC ?= clang
CLANG_FORMAT ?= clang-format
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX_H ?= vmlinux/vmlinux.h
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

# Recursive (=) on purpose: pkg-config and clang may only exist once deps.sh has run.
LIBBPF_CFLAGS = $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS = $(or $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null),-lbpf)
# With -target bpf clang drops the host's system include dirs (asm/types.h lives there).
CLANG_BPF_SYS_INCLUDES = $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

INCLUDES := -I$(OUTPUT) -Iuser -I.
CFLAGS ?= -g -O2
ALL_CFLAGS = -std=gnu11 -Wall -Wextra -Werror $(CFLAGS) -MMD -MP $(INCLUDES) $(LIBBPF_CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
FUZZ_SECONDS ?= 600
# The user side's warnings, but unused parameters: BPF_PROG() names every tracepoint argument
# and its context whether a program reads them or not.
BPF_CFLAGS := -g -O2 -mcpu=v3 -target bpf -D__TARGET_ARCH_$(ARCH) \
	-Wall -Wextra -Wno-unused-parameter -Werror \
	-I$(OUTPUT) -I$(patsubst %/,%,$(dir $(VMLINUX_H))) -Ibpf
LIBS = $(LIBBPF_LIBS) -lelf -lz -lmicrohttpd -pthread

USER_SRCS := $(wildcard user/*.c user/*/*.c)
LIB_SRCS := $(filter-out user/main.c,$(USER_SRCS))
# tests/unit mirrors user/: one folder per part, one test file per module (main.c, helpers at the top).
UNIT_SRCS := $(wildcard tests/unit/*.c tests/unit/*/*.c)
FORMAT_SRCS = $(shell find bpf user tests bench -name '*.[ch]')

TOOL_OBJS := $(USER_SRCS:%.c=$(OUTPUT)/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(OUTPUT)/%.o) $(LIB_SRCS:%.c=$(OUTPUT)/%.o)
ASAN_TOOL_OBJS := $(USER_SRCS:%.c=$(OUTPUT)/asan/%.o)
ASAN_UNIT_OBJS := $(UNIT_SRCS:%.c=$(OUTPUT)/asan/%.o) $(LIB_SRCS:%.c=$(OUTPUT)/asan/%.o)
FUZZ_OBJS := $(OUTPUT)/fuzz/tests/fuzz/fuzz_reader.o $(LIB_SRCS:%.c=$(OUTPUT)/fuzz/%.o)
FUZZER := $(OUTPUT)/fuzz_reader
SKEL := $(OUTPUT)/tcpline.skel.h
# Its hook families, compiled one by one and linked into tcpline.bpf.o (see the BPF rules).
BPF_PARTS := shared state listener skb accept iter
BPF_PART_OBJS := $(BPF_PARTS:%=$(OUTPUT)/bpf/%.bpf.o)
# The precise tier's own object: its refusal by a kernel never affects the main one.
PRECISE_SKEL := $(OUTPUT)/precise.skel.h
DEPS_STAMP := $(OUTPUT)/deps.stamp
GUEST_NET := $(OUTPUT)/tl-guest-net
# The BPF programs run with BPF_PROG_TEST_RUN, for tests/sys/test_bpf_prog_run.py.
PROG_RUN := $(OUTPUT)/tl-prog-run
TEST_BINS := $(OUTPUT)/unit_tests $(OUTPUT)/unit_tests_asan $(OUTPUT)/asan/tcpline $(FUZZER) \
	$(GUEST_NET) $(PROG_RUN) $(OUTPUT)/churn

ifeq ($(V),1)
	Q =
	msg =
else
	Q = @
	msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(OUTPUT)/%,%,$(2))";
	MAKEFLAGS += --no-print-directory
endif

.DELETE_ON_ERROR:
# The skeletons and their objects are intermediate: keep them (bpftool prog dump, tests/kernel;
# and make would otherwise print their removal after the suite's closing line).
.SECONDARY: $(OUTPUT)/tcpline.bpf.o $(OUTPUT)/precise.bpf.o $(OUTPUT)/tcpline.skel.h \
	$(OUTPUT)/precise.skel.h $(BPF_PART_OBJS)
.PHONY: all test test-kernels run bench fuzz format clean vmlinux install uninstall

all: tcpline

test: tcpline $(TEST_BINS)
	$(Q)TCPLINE=$(abspath tcpline) TCPLINE_ASAN=$(abspath $(OUTPUT)/asan/tcpline) \
		UNIT_TESTS=$(abspath $(OUTPUT)/unit_tests) \
		UNIT_TESTS_ASAN=$(abspath $(OUTPUT)/unit_tests_asan) FUZZER=$(abspath $(FUZZER)) \
		GUEST_NET=$(abspath $(GUEST_NET)) CHURN=$(abspath $(OUTPUT)/churn) scripts/run-tests.sh

# Kernel packages are cached in .cache/kernels; run as root (the host line's system tests).
test-kernels: tcpline $(GUEST_NET)
	$(Q)tests/kernel/run-matrix.sh tcpline $(GUEST_NET)

# The guests have no libc of their own: the traffic helper is static.
$(GUEST_NET): tests/kernel/tl-guest-net.c | $(DEPS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static -O2 -Wall -Wextra -Werror $< -o $@

# New inputs go to .output/fuzz-corpus; tests/fuzz/corpus holds the seeds (real recordings).
fuzz: $(FUZZER)
	$(Q)scripts/run-fuzz.sh $(abspath $(FUZZER)) $(FUZZ_SECONDS)

run: tcpline
	$(Q)mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
	./tcpline trace $(ARGS)

# Benchmarks (not tests): results in BENCHMARKS.md; BENCH_ARGS="--rounds 3" to shorten.
bench: tcpline $(OUTPUT)/churn $(OUTPUT)/syscalls
	$(Q)command -v bpftrace >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q bpftrace
	$(Q)TCPLINE=$(abspath tcpline) CHURN=$(abspath $(OUTPUT)/churn) \
		SYSCALLS=$(abspath $(OUTPUT)/syscalls) python3 bench/run.py $(BENCH_ARGS)

$(OUTPUT)/churn: bench/churn.c | $(DEPS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -pthread $< -o $@

$(OUTPUT)/syscalls: bench/syscalls.c | $(DEPS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror $< -o $@

# Installation: PREFIX=/usr for a package, DESTDIR for a staging tree.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
MAN_PAGES := $(wildcard man/*.8)
INSTALLED := $(BINDIR)/tcpline $(MAN_PAGES:man/%=$(MANDIR)/man8/%) \
	$(SYSTEMDUNITDIR)/tcpline.service $(BASHCOMPDIR)/tcpline

install: tcpline
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(BASHCOMPDIR)
	$(Q)install -m 0755 tcpline $(DESTDIR)$(BINDIR)/tcpline
	$(Q)install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man8/
	$(Q)sed 's|@BINDIR@|$(BINDIR)|g' dist/tcpline.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/tcpline.service
	$(Q)chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/tcpline.service
	$(Q)install -m 0644 dist/tcpline.bash-completion $(DESTDIR)$(BASHCOMPDIR)/tcpline

uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))

format: | $(DEPS_STAMP)
	$(Q)$(CLANG_FORMAT) -i $(FORMAT_SRCS)

vmlinux: | $(DEPS_STAMP)
	$(Q)scripts/gen-vmlinux.sh $(VMLINUX_BTF) $(VMLINUX_H)

clean:
	$(call msg,CLEAN)
	$(Q)rm -rf $(OUTPUT) tcpline

$(DEPS_STAMP): scripts/deps.sh
	$(call msg,DEPS,$@)
	$(Q)mkdir -p $(@D)
	$(Q)scripts/deps.sh
	$(Q)touch $@

# BPF: compile, link with bpftool (drops DWARF, keeps BTF), generate the skeletons. The main
# object is its hook families compiled one by one and linked into one object by libbpf's static
# linker (bpf/shared.bpf.h: knobs and maps defined once, extern elsewhere); the link costs no
# instruction (docs/kernel-notes/bpf-layout.md). The precise tier stays an object of its own.

$(BPF_PART_OBJS): $(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) | $(DEPS_STAMP)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(CLANG_BPF_SYS_INCLUDES) -MMD -MP -MF $(@:.o=.d) -MT $@ \
		-c $< -o $@

$(OUTPUT)/tcpline.bpf.o: $(BPF_PART_OBJS)
	$(call msg,BPF-LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/precise.bpf.o: bpf/precise.bpf.c $(VMLINUX_H) | $(DEPS_STAMP)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(CLANG_BPF_SYS_INCLUDES) -MMD -MP -MF $(@:.o=.d) -MT $@ \
		-c $< -o $(@:.bpf.o=.tmp.bpf.o)
	$(Q)$(BPFTOOL) gen object $@ $(@:.bpf.o=.tmp.bpf.o)

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# User space. The skeleton is order-only: -MMD records it for the objects that include it.
$(OUTPUT)/%.o: %.c | $(SKEL) $(PRECISE_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/asan/%.o: %.c | $(SKEL) $(PRECISE_SKEL)
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(SAN_CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

tcpline: $(TOOL_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS) -o $@

$(OUTPUT)/unit_tests: $(UNIT_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS) -o $@

$(PROG_RUN): $(OUTPUT)/tests/bpf/prog_run.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS) -o $@

$(OUTPUT)/asan/tcpline: $(ASAN_TOOL_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(SAN_CC) $(SAN_FLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

$(OUTPUT)/fuzz/%.o: %.c | $(SKEL) $(PRECISE_SKEL)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(SAN_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -c $< -o $@

$(FUZZER): $(FUZZ_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(SAN_CC) -fsanitize=fuzzer,address,undefined $(LDFLAGS) $^ $(LIBS) -o $@

$(OUTPUT)/unit_tests_asan: $(ASAN_UNIT_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(SAN_CC) $(SAN_FLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

-include $(patsubst %.o,%.d,$(BPF_PART_OBJS) $(OUTPUT)/precise.bpf.o $(OUTPUT)/tests/bpf/prog_run.o $(sort $(TOOL_OBJS) $(UNIT_OBJS) \
	$(ASAN_TOOL_OBJS) $(ASAN_UNIT_OBJS) $(FUZZ_OBJS)))

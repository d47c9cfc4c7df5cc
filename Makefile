# Keel: one Makefile for the hypervisor, the UEFI loader, host unit tests,
# system tests and QEMU runs.  `make help` lists the targets.
#
# Every user-facing target first runs scripts/setup.sh, which installs the
# Debian packages Keel needs (or says exactly what to do when it cannot).

BUILD      := build
PYTHON     := /usr/bin/python3
QEMU       := qemu-system-x86_64
CC         := gcc
LD         := ld
NASM       := nasm
OBJCOPY    := objcopy
NM         := nm

# QEMU settings for `make run`/`make run-efi`; override on the command line.
SMP        ?= 2
MEM        ?= 1024
CMDLINE    ?= console=com1 com1=115200 loglvl=all dom0_mem=128M noreboot
# By default dom0 is our own control domain with its root filesystem.
MODULES    ?= $(BUILD)/guests/dom0.elf,$(BUILD)/guests/rootfs.cpio
QEMU_EXTRA ?=
ACCEL      := $(shell scripts/qemu-accel.sh)

.PHONY: all setup hypervisor efi run run-efi test unit-test system-test clean help

all: setup hypervisor efi

help:
	@echo "make            build build/hypervisor.elf and build/BOOTX64.EFI"
	@echo "make run        boot Keel (Multiboot) in QEMU, console on this terminal"
	@echo "make run-efi    boot Keel through the UEFI loader under OVMF"
	@echo "make test       unit tests (cmocka), test-xen, then system tests (pytest + QEMU)"
	@echo "make unit-test  host unit tests only"
	@echo "make system-test  QEMU system tests only (PYTEST_ARGS=-k name to pick)"
	@echo "make fuzz       libFuzzer targets (clang) for FUZZ_SECONDS=30; not part of make test"
	@echo "make test-xen   build our PV test kernels (tests/pv/) and run them on Xen 4.17 in QEMU"
	@echo "make bench      null hypercall and exception bounce on Keel and Xen 4.17 (docs/benchmarks.md)"
	@echo "make sched-bench  credit scheduler figures: simulator, Keel and Xen 4.17 (docs/scheduler.md)"
	@echo "Variables: SMP=$(SMP) MEM=$(MEM) CMDLINE='$(CMDLINE)' MODULES='file args,file2'"
	@echo "           QEMU_EXTRA='-s -S' (gdb stub), KEEL_ACCEL=tcg|kvm"

# The setup script is idempotent and fast when everything is present.
setup:
	@scripts/setup.sh

# ---------------------------------------------------------------------------
# The hypervisor image.

# Xen's public headers, reachable as <xen/...> without the rest of /usr/include.
XEN_INC    := $(BUILD)/include
$(XEN_INC)/xen:
	@mkdir -p $(XEN_INC)
	@test -d /usr/include/xen || { echo "error: /usr/include/xen missing: run scripts/setup.sh (package libxen-dev)"; exit 1; }
	ln -sfn /usr/include/xen $@

GCC_INC    := $(shell $(CC) -print-file-name=include)
WARNINGS   := -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wno-unused-parameter
HV_CFLAGS  := -std=gnu11 -ffreestanding -nostdinc -isystem $(GCC_INC) \
	-I. -Ihypervisor/arch/x86/include -I$(XEN_INC) \
	-O2 -g -fno-omit-frame-pointer -fno-stack-protector -fno-strict-aliasing \
	-fpie -fvisibility=hidden -mno-red-zone -mgeneral-regs-only -fcf-protection=none \
	-D__XEN_INTERFACE_VERSION__=0x00040700 -DKEEL_HYPERVISOR $(WARNINGS) -MMD -MP
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack --build-id=sha1 \
	--no-warn-rwx-segments -T hypervisor/hypervisor.lds

# Generic code: compiled into the hypervisor and into host unit tests.
GENERIC_SRCS := $(wildcard lib/*.c mm/*.c hypervisor/common/*.c hypercalls/*.c sched/*.c)
# Code that only makes sense on the machine.
HV_ONLY_SRCS := $(wildcard hypervisor/*.c hypervisor/boot/*.c hypervisor/arch/x86/*.c hypervisor/arch/x86/pv/*.c)
HV_ASM_SRCS  := $(wildcard hypervisor/arch/x86/*.asm hypervisor/arch/x86/boot/*.asm hypervisor/arch/x86/pv/*.asm)
HV_OBJS := $(patsubst %.c,$(BUILD)/hv/%.o,$(GENERIC_SRCS) $(HV_ONLY_SRCS)) \
	$(patsubst %.asm,$(BUILD)/hv/%.o,$(HV_ASM_SRCS))

hypervisor: $(BUILD)/hypervisor.elf

$(BUILD)/hv/%.o: %.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -Ihypervisor/arch/x86/ -MD $(@:.o=.d) -MP $< -o $@

# Two-pass link: the first pass gives the final text addresses; the symbol
# table built from it sits after all code, so the second pass moves no
# function and the backtrace printer can name every one.
$(BUILD)/hypervisor.pass1.elf: $(HV_OBJS) $(BUILD)/hv/ksyms_empty.o hypervisor/hypervisor.lds
	$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(BUILD)/hv/ksyms_empty.o

$(BUILD)/hv/ksyms_empty.o: scripts/gen_ksyms.py
	@mkdir -p $(dir $@)
	$(PYTHON) scripts/gen_ksyms.py /dev/null > $(BUILD)/hv/ksyms_empty.asm
	$(NASM) -f elf64 $(BUILD)/hv/ksyms_empty.asm -o $@

$(BUILD)/hv/ksyms.o: $(BUILD)/hypervisor.pass1.elf scripts/gen_ksyms.py
	$(NM) -n $< | $(PYTHON) scripts/gen_ksyms.py - > $(BUILD)/hv/ksyms.asm
	$(NASM) -f elf64 $(BUILD)/hv/ksyms.asm -o $@

$(BUILD)/hypervisor.elf: $(BUILD)/hv/ksyms.o
	$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(BUILD)/hv/ksyms.o
	@$(NM) -n $(BUILD)/hypervisor.pass1.elf | grep -i ' t ' > $(BUILD)/text1.syms
	@$(NM) -n $@ | grep -i ' t ' > $(BUILD)/text2.syms
	@cmp -s $(BUILD)/text1.syms $(BUILD)/text2.syms || { echo "error: symbol table moved code"; exit 1; }

-include $(shell find $(BUILD)/hv -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------------
# The UEFI loader (GNU-EFI) and a FAT image for OVMF.  See hypervisor/boot/efi/.
-include hypervisor/boot/efi/efi.mk

# ---------------------------------------------------------------------------
# Host unit tests (cmocka): each tests/unit/test_*.c is one binary, linked
# with all generic code and the host shim in tests/host/.

HOST_CFLAGS := -std=gnu11 -I. -Itests/host/include -I$(XEN_INC) -O1 -g \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-D__XEN_INTERFACE_VERSION__=0x00040700 -DKEEL_HOST_TEST $(WARNINGS) -Wno-missing-prototypes
# dom0-tools/ (the toolstack's libraries) never goes into the hypervisor,
# but it is generic code all the same: unit-tested on the host.
DOM0_TOOLS_SRCS := $(wildcard dom0-tools/*.c dom0-tools/*/*.c)
# guests/common/: the guest kernels' portable parts (line editor, cpio
# reader, xenstore message codec): built into the PV guests and unit-tested
# on the host like the rest of the generic code.
GUEST_COMMON_SRCS := $(wildcard guests/common/*.c)
# The scheduler simulator's engine (sched/sim/, host-only) is tested too.
SCHED_SIM_SRCS := $(filter-out sched/sim/main.c,$(wildcard sched/sim/*.c))
HOST_GENERIC := $(filter-out lib/string.c,$(GENERIC_SRCS)) $(DOM0_TOOLS_SRCS) $(GUEST_COMMON_SRCS) \
	$(SCHED_SIM_SRCS)
HOST_SHIM    := $(wildcard tests/host/*.c)
UNIT_TESTS   := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))

# The UEFI loader's plain-C parts, linked only into tests/unit/test_efi_*.c,
# which also see GNU-EFI's headers (memmap.c includes <efi.h>).
HOST_EFI_SRCS := hypervisor/boot/efi/config.c hypervisor/boot/efi/elf.c hypervisor/boot/efi/memmap.c
HOST_EFI_TESTS := $(filter $(BUILD)/unit/test_efi_%,$(UNIT_TESTS))
$(HOST_EFI_TESTS): HOST_EXTRA_CFLAGS := -isystem /usr/include/efi -isystem /usr/include/efi/x86_64
$(HOST_EFI_TESTS): HOST_EXTRA_SRCS := $(HOST_EFI_SRCS)
$(HOST_EFI_TESTS): $(HOST_EFI_SRCS) $(wildcard hypervisor/boot/efi/*.h) hypervisor/boot/boot_info.h

# The generic code and the shim are compiled once (build/host/) and archived;
# each test binary links what it uses from the archive.  A test may define
# a function of the shim itself: the archive member is then not pulled in.
HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(HOST_GENERIC) $(HOST_SHIM))
HOST_LIB  := $(BUILD)/host/libkeel_host.a

$(BUILD)/host/%.o: %.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(HOST_LIB): $(HOST_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

-include $(shell find $(BUILD)/host -name '*.d' 2>/dev/null)

$(BUILD)/unit/%: tests/unit/%.c $(HOST_LIB) $(wildcard lib/*.h mm/*.h hypervisor/common/*.h hypercalls/*.h dom0-tools/*.h dom0-tools/*/*.h guests/common/*.h sched/*.h sched/sim/*.h tests/host/include/arch/*.h tests/host/include/host/*.h tests/unit/*.h) | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(HOST_EXTRA_CFLAGS) -o $@ $< $(HOST_EXTRA_SRCS) $(HOST_LIB) -lcmocka -lm

# dom0-tools/ will also link into dom0's PV kernel: compiling it with the
# PV kernels' freestanding flags here keeps it free of libc.
DOM0_TOOLS_PV_OBJS := $(patsubst %.c,$(BUILD)/pv-check/%.o,$(DOM0_TOOLS_SRCS) $(GUEST_COMMON_SRCS))
$(BUILD)/pv-check/%.o: %.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -c $< -o $@

-include $(shell find $(BUILD)/pv-check -name '*.d' 2>/dev/null)

unit-test: setup $(UNIT_TESTS) $(DOM0_TOOLS_PV_OBJS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

# ---------------------------------------------------------------------------
# System tests: pytest boots QEMU (KVM when /dev/kvm works, TCG otherwise).

system-test: setup hypervisor efi pv-kernels guests rootfs linux-dom0
	$(PYTHON) -m pytest tests/system $(PYTEST_ARGS)

# test-xen before the system tests, so pytest's summary is the last line.
test: unit-test test-xen system-test

# ---------------------------------------------------------------------------
# Fuzzing (libFuzzer + ASan + UBSan, clang): not part of `make test`.
# `make fuzz FUZZ_SECONDS=300` runs the PV kernel loader's target from a seed
# corpus of two tiny PV kernels assembled from tests/fuzz/seed_pv.S (notes
# and legacy __xen_guest); the corpus grows in build/fuzz/corpus across runs
# and a crash is saved as build/fuzz/crash-*.  Then, for as long again, the
# xl config parser's target (corpus build/fuzz/corpus-xl, crashes
# build/fuzz/xl-crash-*).  See tests/fuzz/README.md.

FUZZ_CC      := clang
FUZZ_SECONDS ?= 30
FUZZ_CFLAGS  := -std=gnu11 -I. -I$(XEN_INC) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-D__XEN_INTERFACE_VERSION__=0x00040700 -DKEEL_HOST_TEST $(WARNINGS)
FUZZ_XEN_ELF_SRCS := tests/fuzz/fuzz_xen_elf.c lib/elf64.c lib/xen_elfnote.c lib/format.c
FUZZ_SEEDS   := $(BUILD)/fuzz/seed/pv_notes.elf $(BUILD)/fuzz/seed/pv_legacy.elf

.PHONY: fuzz
fuzz: setup $(BUILD)/fuzz/fuzz_xen_elf $(FUZZ_SEEDS) $(BUILD)/fuzz/fuzz_xl_config \
	$(BUILD)/fuzz/fuzz_xenstored $(BUILD)/fuzz/fuzz_cpio $(BUILD)/fuzz/fuzz_line_editor
	@mkdir -p $(BUILD)/fuzz/corpus
	cp $(FUZZ_SEEDS) $(BUILD)/fuzz/corpus/
	$(BUILD)/fuzz/fuzz_xen_elf -max_total_time=$(FUZZ_SECONDS) -max_len=32768 -timeout=10 \
		-print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus
	@mkdir -p $(BUILD)/fuzz/corpus-xl
	cp $(FUZZ_XL_SEEDS) $(BUILD)/fuzz/corpus-xl/
	$(BUILD)/fuzz/fuzz_xl_config -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 \
		-dict=tests/fuzz/xl_config.dict -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz/xl- $(BUILD)/fuzz/corpus-xl
	@mkdir -p $(BUILD)/fuzz/corpus-xsd
	$(BUILD)/fuzz/fuzz_xenstored -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 \
		-print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/xsd- $(BUILD)/fuzz/corpus-xsd
	@mkdir -p $(BUILD)/fuzz/corpus-cpio
	$(PYTHON) scripts/mkrootfs.py $(BUILD)/fuzz/corpus-cpio/seed.cpio \
		tests/fuzz/README.md:/etc/motd scripts/mkrootfs.py:/bin/mkrootfs --dir /var/log
	$(BUILD)/fuzz/fuzz_cpio -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
		-dict=tests/fuzz/cpio.dict -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz/cpio- $(BUILD)/fuzz/corpus-cpio
	@mkdir -p $(BUILD)/fuzz/corpus-le
	$(BUILD)/fuzz/fuzz_line_editor -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
		-print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/le- $(BUILD)/fuzz/corpus-le

$(BUILD)/fuzz/fuzz_xen_elf: $(FUZZ_XEN_ELF_SRCS) lib/elf64.h lib/xen_elfnote.h lib/format.h tests/fuzz/fuzz_promise.h | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_XEN_ELF_SRCS)

# The xl config parser (dom0-tools/): seeds are the example configs and a
# few small files that reach the corners of the syntax.
FUZZ_XL_CONFIG_SRCS := tests/fuzz/fuzz_xl_config.c $(wildcard dom0-tools/*.c) lib/format.c lib/strlcpy.c
FUZZ_XL_SEEDS := $(wildcard dom0-tools/examples/*.cfg tests/fuzz/xl_seeds/*.cfg)

$(BUILD)/fuzz/fuzz_xl_config: $(FUZZ_XL_CONFIG_SRCS) $(wildcard dom0-tools/*.h) lib/format.h tests/fuzz/fuzz_promise.h | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_XL_CONFIG_SRCS)

# xenstored: one domain's ring traffic (dom0-tools/xenstored/ + the client codec).
FUZZ_XSD_SRCS := tests/fuzz/fuzz_xenstored.c $(wildcard dom0-tools/xenstored/*.c) \
	guests/common/xs_client.c lib/xs_proto.c lib/xs_ring.c lib/format.c lib/strlcpy.c

$(BUILD)/fuzz/fuzz_xenstored: $(FUZZ_XSD_SRCS) $(wildcard dom0-tools/xenstored/*.h) \
		guests/common/xs_client.h lib/xs_proto.h lib/xs_ring.h tests/fuzz/fuzz_promise.h | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_XSD_SRCS)

# dom0's root filesystem readers (guests/common/): a seed archive written
# by scripts/mkrootfs.py, and a dictionary of the format's tokens.
FUZZ_CPIO_SRCS := tests/fuzz/fuzz_cpio.c guests/common/cpio_newc.c guests/common/ramfs.c \
	lib/format.c lib/strlcpy.c

$(BUILD)/fuzz/fuzz_cpio: $(FUZZ_CPIO_SRCS) $(wildcard guests/common/*.h) lib/format.h tests/fuzz/fuzz_promise.h | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_CPIO_SRCS)

# The console line editor: arbitrary keystrokes.
FUZZ_LE_SRCS := tests/fuzz/fuzz_line_editor.c guests/common/line_editor.c lib/format.c \
	lib/strlcpy.c

$(BUILD)/fuzz/fuzz_line_editor: $(FUZZ_LE_SRCS) $(wildcard guests/common/*.h) tests/fuzz/fuzz_promise.h | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_LE_SRCS)

$(BUILD)/fuzz/seed/pv_%.elf: tests/fuzz/seed_pv.S tests/fuzz/seed_pv.lds
	@mkdir -p $(dir $@)
	$(CC) -c -x assembler-with-cpp $(if $(filter legacy,$*),-DLEGACY) -o $(@:.elf=.o) $<
	$(LD) -n -s -nostdlib -static -z noexecstack -T tests/fuzz/seed_pv.lds \
		-o $@ $(@:.elf=.o)

# ---------------------------------------------------------------------------
# Running it.

QEMU_MODULES = $(if $(MODULES),-initrd "$(MODULES)")

# A terminal gets -nographic (serial and QEMU's monitor multiplexed, Ctrl-A X
# quits).  Piped input (`printf 'cmd\n' | make run`) gets the serial port
# alone on stdin and stdout: the multiplexer would drop what arrives before
# the machine is up and would take a typed Ctrl-A for itself.
run: setup hypervisor guests rootfs
	@if [ -t 0 ]; then console="-nographic"; \
	else console="-display none -monitor none -serial stdio"; fi; \
	set -x; $(QEMU) $(ACCEL) -machine q35 -smp $(SMP) -m $(MEM) $$console -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel $(BUILD)/hypervisor.elf -append "$(CMDLINE)" $(QEMU_MODULES) $(QEMU_EXTRA); \
	rc=$$?; [ $$rc = 33 ] && exit 0; exit $$rc   # 33: isa-debug-exit's "powered off"

clean:
	rm -rf $(BUILD)

# ---------------------------------------------------------------------------
# PV test kernels (tests/pv/): our own 64-bit PV kernels in the shape of
# XTF/hftest.  `make pv-kernels` builds build/pv/NAME.elf from each
# tests/pv/kernels/NAME.c; `make test-xen` boots each one as dom0 of
# Debian's Xen 4.17 under QEMU TCG (scripts/run-on-xen.sh) as the reference.
# `make test` runs test-xen too (the layout comparison).  kernels/crash_*.c
# must end in a domain crash instead of a verdict (run-on-xen.sh
# --expect-crash).  A kernel's PV-TEST-SMP/PV-TEST-CMDLINE markers (CPUs,
# hypervisor options) are read by run-on-xen.sh itself and shown below.
# Kernels that need someone typing (console_input with `input`) get a
# second run with run-on-xen.sh --type, which answers their INPUT-WANTED
# lines on the serial port.
# See tests/pv/README.md.

PV_CFLAGS := -std=gnu11 -ffreestanding -nostdinc -isystem $(GCC_INC) -I. -I$(XEN_INC) \
	-O2 -g -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-strict-aliasing -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-toplevel-reorder \
	-D__XEN_INTERFACE_VERSION__=0x00040700 $(WARNINGS) -MMD -MP
PV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T tests/pv/pv.lds
PV_KERNELS := $(patsubst tests/pv/kernels/%.c,$(BUILD)/pv/%.elf,$(wildcard tests/pv/kernels/*.c))
PV_COMMON  := $(BUILD)/pv/head.o $(BUILD)/pv/harness.o $(BUILD)/pv/mm.o $(BUILD)/pv/traps.o \
	$(BUILD)/pv/vcpu.o $(BUILD)/pv/vcpu_entry.o $(BUILD)/pv/events.o $(BUILD)/pv/gnttab.o $(BUILD)/pv/keel_counters.o $(BUILD)/pv/sched_ctl.o \
	$(BUILD)/pv/trap_entry.o $(BUILD)/pv/lib/format.o $(BUILD)/pv/lib/string.o \
	$(BUILD)/pv/lib/pvclock.o $(BUILD)/obj/guests/lib/pvclock_now.o
XEN_TIMEOUT ?= 120

.PHONY: pv-kernels test-xen
.PRECIOUS: $(BUILD)/pv/%.o $(BUILD)/pv/kernels/%.o $(BUILD)/pv/lib/%.o
pv-kernels: $(PV_KERNELS)

# After the hello kernel runs on Xen, Keel's domain builder must lay it out
# exactly as Xen did (scripts/compare-layout-with-xen.sh).
test-xen: setup pv-kernels $(BUILD)/pv/layout_probe
	@set -e; for k in $(PV_KERNELS); do \
		n=$$(basename $$k .elf); d=$(BUILD)/pv/xen-logs/$$n; rm -rf $$d; mkdir -p $$d; \
		echo "== $$k on Xen 4.17 $$(sed -n 's/.*\(PV-TEST-[A-Z]*: .*\)/(\1)/p' tests/pv/kernels/$$n.c | tr '\n' ' ')"; \
		case $$n in crash_*) x=--expect-crash ;; *) x= ;; esac; \
		KEEL_LOG_DIR=$$d scripts/run-on-xen.sh --timeout $(XEN_TIMEOUT) $$x $$k; \
		if [ $$n = hello ]; then scripts/compare-layout-with-xen.sh $$k $$d/serial.log; fi; \
	done
	@d=$(BUILD)/pv/xen-logs/twodom; rm -rf $$d; mkdir -p $$d; \
		echo "== two domains (twodom/toolstack.elf + peer.elf) on Xen 4.17"; \
		KEEL_LOG_DIR=$$d scripts/run-on-xen.sh --timeout $(XEN_TIMEOUT) \
			--module $(BUILD)/pv/twodom/peer.elf $(BUILD)/pv/twodom/toolstack.elf
	@d=$(BUILD)/pv/xen-logs/console_input-typed; rm -rf $$d; mkdir -p $$d; \
		echo "== console_input.elf on Xen 4.17, typed at (run-on-xen.sh --type)"; \
		KEEL_LOG_DIR=$$d PYTHON=$(PYTHON) scripts/run-on-xen.sh --timeout $(XEN_TIMEOUT) \
			--type $(BUILD)/pv/console_input.elf input

# The two-domain test (tests/pv/twodom/): dom0 (toolstack.elf) builds and
# runs a domU (peer.elf, its module 2) through domctl, with lib/'s domain
# builder.  Run on Xen by `make test-xen`, on Keel by the system tests.
TWODOM_BUILDER := $(addprefix $(BUILD)/pv/lib/,elf64.o xen_elfnote.o domain_layout.o \
	domain_build.o hypercall_page.o strlcpy.o)
TWODOM := $(BUILD)/pv/twodom/toolstack.elf $(BUILD)/pv/twodom/peer.elf $(BUILD)/pv/twodom/runner.elf
# domctl.h and sysctl.h are the toolstack's headers: visible only with __XEN_TOOLS__.
$(BUILD)/pv/twodom/%.o: tests/pv/twodom/%.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -D__XEN_INTERFACE_VERSION__=%,$(PV_CFLAGS)) -D__XEN_TOOLS__ -c $< -o $@
pv-kernels: $(TWODOM)

$(BUILD)/pv/twodom/toolstack.elf: $(addprefix $(BUILD)/pv/twodom/,toolstack.o toolstack_pair.o \
		domu_build.o grants.o mailbox.o) \
		$(TWODOM_BUILDER) $(PV_COMMON) tests/pv/pv.lds
	$(LD) $(PV_LDFLAGS) -o $@ $(filter %.o,$^)

$(BUILD)/pv/twodom/runner.elf: $(addprefix $(BUILD)/pv/twodom/,runner.o domu_build.o) \
		$(TWODOM_BUILDER) $(PV_COMMON) tests/pv/pv.lds
	$(LD) $(PV_LDFLAGS) -o $@ $(filter %.o,$^)

# Link order is test order: the start of day first, "done" last.
$(BUILD)/pv/twodom/peer.elf: $(addprefix $(BUILD)/pv/twodom/,peer.o peer_dom0.o peer_pair.o peer_end.o \
		grants.o mailbox.o) $(PV_COMMON) \
		tests/pv/pv.lds
	$(LD) $(PV_LDFLAGS) -o $@ $(filter %.o,$^)

# A host program: Keel's layout of a PV kernel, for the comparison above.
$(BUILD)/pv/layout_probe: tests/pv/layout_probe.c lib/domain_layout.c lib/elf64.c lib/xen_elfnote.c \
		lib/format.c lib/strlcpy.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -g -I. -Itests/host/include -I$(XEN_INC) \
		-D__XEN_INTERFACE_VERSION__=0x00040700 $(WARNINGS) -o $@ $^

# Benchmarks (tests/bench/): not part of `make test`; timing is never asserted.
.PHONY: bench
bench: setup hypervisor $(BUILD)/bench/pv_bench.elf $(BUILD)/bench/host_syscall sched-bench \
		guests rootfs
	scripts/bench.sh
	$(PYTHON) scripts/bench-create.py

# The scheduler simulator (sched/sim/README.md): the credit scheduler's own
# source, optimised and without sanitizers, replaying workload files.
# `make sched-bench` prints the issue's share, cap and latency figures from it,
# next to caps and latencies measured in QEMU on Keel and on Xen 4.17 with
# tests/bench/sched_bench.c, and weights measured there with dom0 and three
# spin domains (scripts/sched-bench.sh; JSON and plots in build/sched-bench/;
# SCHED_BENCH_REAL=0 skips the QEMU runs).
SCHEDSIM_SRCS := $(wildcard sched/*.c sched/sim/*.c)
.PHONY: schedsim sched-bench
schedsim: $(BUILD)/schedsim
$(BUILD)/schedsim: $(SCHEDSIM_SRCS) $(wildcard sched/*.h sched/sim/*.h lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -I. $(WARNINGS) -Wno-missing-prototypes -o $@ $(SCHEDSIM_SRCS) -lm

sched-bench: $(BUILD)/schedsim hypervisor $(BUILD)/bench/sched_bench.elf guests rootfs
	scripts/sched-bench.sh

$(BUILD)/bench/pv_bench.elf: $(BUILD)/bench/pv_bench.o $(PV_COMMON) tests/pv/pv.lds
	$(LD) $(PV_LDFLAGS) -o $@ $< $(PV_COMMON)

$(BUILD)/bench/%.o: tests/bench/%.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -c $< -o $@

$(BUILD)/bench/sched_bench.elf: $(BUILD)/bench/sched_bench.o $(PV_COMMON) tests/pv/pv.lds
	$(LD) $(PV_LDFLAGS) -o $@ $< $(PV_COMMON)

$(BUILD)/bench/host_syscall: tests/bench/host_syscall.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARNINGS) -o $@ $<

$(BUILD)/pv/%.elf: $(BUILD)/pv/kernels/%.o $(PV_COMMON) tests/pv/pv.lds
	$(LD) $(PV_LDFLAGS) -o $@ $< $(PV_COMMON)

$(BUILD)/pv/%.o: tests/pv/%.S | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -c $< -o $@

$(BUILD)/pv/%.o: tests/pv/%.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -c $< -o $@

$(BUILD)/pv/kernels/%.o: tests/pv/kernels/%.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -c $< -o $@

$(BUILD)/pv/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -c $< -o $@

-include $(wildcard $(BUILD)/pv/*.d $(BUILD)/pv/*/*.d)
# The guest kernels (guests/): the library, the domU apps and dom0.
include guests/guests.mk
